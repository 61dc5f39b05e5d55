package funcs

import (
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Rows shaped like SigninLogs text columns.
var benchRows = []string{
	"Office 365 Exchange Online", "Azure Portal", "Microsoft Teams Web Client", "alex.johnson@contoso.com",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
	"Invalid username or password or Invalid on-premise username or password.", "0", "50126", "53003",
	"Sign-in was blocked because it came from an IP address with malicious activity",
}

func benchValues() []types.Value {
	vals := make([]types.Value, len(benchRows))
	for i, s := range benchRows {
		vals[i] = types.NewString(s)
	}
	return vals
}

func BenchmarkHas(b *testing.B) {
	rows := benchRows
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		if Has(rows[i%len(rows)], "exchange") {
			n++
		}
	}
	_ = n
}

func BenchmarkHasCS(b *testing.B) {
	rows := benchRows
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		HasCS(rows[i%len(rows)], "Exchange")
	}
}

func BenchmarkContains(b *testing.B) {
	rows := benchRows
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Contains(rows[i%len(rows)], "PASSWORD")
	}
}

func BenchmarkHasAnyOperator(b *testing.B) {
	vals := benchValues()
	terms := ExpandList([]types.Value{types.NewDynamic([]any{"malicious", "password", "teams", "gecko"})})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		HasAny(vals[i%len(vals)], terms)
	}
}

func BenchmarkEqualFoldOperator(b *testing.B) {
	vals := benchValues()
	right := types.NewString("AZURE PORTAL")
	op, _ := LookupStringOperator("=~")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		op.Match(vals[i%len(vals)], right)
	}
}

func BenchmarkEqualStringNumber(b *testing.B) {
	vals := benchValues()
	zero := types.NewLong(0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		CompareValues(CmpEq, vals[i%len(vals)], zero) // where ResultType == 0
	}
}

func BenchmarkEqualString(b *testing.B) {
	vals := benchValues()
	right := types.NewString("0")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		types.Equal(vals[i%len(vals)], right)
	}
}

func BenchmarkStrlenEval(b *testing.B) {
	f, _ := Builtins().Lookup("strlen")
	ev, _ := f.Bind([]Arg{{T: types.String}})
	ctx := NewContext(benchNow, 1)
	vals := benchValues()
	args := make([]types.Value, 1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		args[0] = vals[i%len(vals)]
		ev(ctx, args)
	}
}

func BenchmarkBinDateTimeEval(b *testing.B) {
	f, _ := Builtins().Lookup("bin")
	ev, _ := f.Bind([]Arg{{T: types.DateTime}, {T: types.TimeSpan, Const: true, V: types.NewTimeSpan(5 * types.TicksPerMinute)}})
	ctx := NewContext(benchNow, 1)
	args := []types.Value{types.NewDateTime(benchNow), types.NewTimeSpan(5 * types.TicksPerMinute)}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		args[0].I += types.TicksPerSecond
		ev(ctx, args)
	}
}

var benchNow = mustTime("2025-01-15T08:30:00Z")

func mustTime(s string) time.Time {
	ticks, _ := types.ParseDateTime(s)
	return types.TicksToTime(ticks)
}

func BenchmarkTermMatcherAny(b *testing.B) {
	m := NewTermMatcher(ExpandList([]types.Value{types.NewDynamic([]any{"malicious", "password", "teams", "gecko"})}))
	rows := benchRows
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.Any(rows[i%len(rows)])
	}
}

func manyTerms() []types.Value {
	var out []types.Value
	for i := 0; i < 50; i++ {
		out = append(out, types.NewString("ioc"+string(rune('a'+i%26))+string(rune('a'+i/26))+"host"))
	}
	return append(out, types.NewString("gecko"))
}

func BenchmarkHasAny50Terms(b *testing.B) {
	vals, terms := benchValues(), manyTerms()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		HasAny(vals[i%len(vals)], terms)
	}
}

func BenchmarkTermMatcher50Terms(b *testing.B) {
	m := NewTermMatcher(manyTerms())
	rows := benchRows
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.Any(rows[i%len(rows)])
	}
}
