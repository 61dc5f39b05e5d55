package funcs

import (
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

func TestArgumentErrors(t *testing.T) {
	reg := Builtins()
	s := Arg{T: types.String}
	l := Arg{T: types.Long}
	cases := []struct {
		fn   string
		args []Arg
		want string
	}{
		{"strlen", nil, "The function 'strlen' expects 1 argument."},
		{"strlen", []Arg{s, s}, "The function 'strlen' expects 1 argument."},
		{"substring", []Arg{s}, "The function 'substring' expects between 2 and 3 arguments."},
		{"replace_string", []Arg{s}, "The function 'replace_string' expects 3 arguments."},
		{"pi", []Arg{l}, "The function 'pi' expects no arguments."},
		{"strlen", []Arg{l}, "The expression must have the type string."},
		{"datetime_add", []Arg{s, l, s}, "The expression must have the type datetime."},
		{"array_length", []Arg{s}, "The expression must have the type dynamic."},
		{"case", []Arg{{T: types.Bool}, s}, "The function call has an incorrect number of arguments."},
		{"case", []Arg{s, s, s}, "The expression must have the type bool."},
		{"sqrt", []Arg{s}, "The expression value must be a number."},
	}
	for _, c := range cases {
		f, ok := reg.Lookup(c.fn)
		if !ok {
			t.Fatalf("%s not registered", c.fn)
		}
		_, err := f.ResultType(c.args)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s%v: error %v, want %q", c.fn, c.args, err, c.want)
		}
	}
}

func TestResultTypes(t *testing.T) {
	reg := Builtins()
	cases := []struct {
		fn   string
		args []Arg
		want types.Type
	}{
		{"strlen", []Arg{{T: types.String}}, types.Long},
		{"bin", []Arg{{T: types.DateTime}, {T: types.TimeSpan}}, types.DateTime},
		{"bin", []Arg{{T: types.Int}, {T: types.Long}}, types.Long},
		{"bin", []Arg{{T: types.Long}, {T: types.Real}}, types.Real},
		{"iff", []Arg{{T: types.Bool}, {T: types.Int}, {T: types.Real}}, types.Real},
		{"extract", []Arg{{T: types.String}, {T: types.Long}, {T: types.String}, {IsTypeLiteral: true, TypeLiteral: types.Long}}, types.Long},
		{"tostring", []Arg{{T: types.Dynamic}}, types.String},
		{"round", []Arg{{T: types.Real}, {T: types.Long}}, types.Real},
		{"case", []Arg{{T: types.Bool}, {T: types.String}, {T: types.String}}, types.String},
	}
	for _, c := range cases {
		f, _ := reg.Lookup(c.fn)
		got, err := f.ResultType(c.args)
		if err != nil || got != c.want {
			t.Errorf("%s: %v %v, want %v", c.fn, got, err, c.want)
		}
	}
}

func TestInvalidConstantRegexIsAnError(t *testing.T) {
	f, _ := Builtins().Lookup("extract")
	_, err := f.Bind([]Arg{{T: types.String, Const: true, V: types.NewString("(unclosed")}, {T: types.Long}, {T: types.String}})
	if err == nil || !strings.Contains(err.Error(), "(unclosed") {
		t.Fatalf("Bind error = %v", err)
	}
}

func TestRegexNonConstantPatternsAreCached(t *testing.T) {
	f, _ := Builtins().Lookup("replace_regex")
	ev, err := f.Bind([]Arg{{T: types.String}, {T: types.String}, {T: types.String}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewContext(time.Unix(0, 0), 1)
	got := ev(ctx, []types.Value{types.NewString("a1b22"), types.NewString(`(\d+)`), types.NewString(`<\1>`)})
	if got.S != "a<1>b<22>" {
		t.Errorf("replace_regex = %q", got.S)
	}
	got = ev(ctx, []types.Value{types.NewString("x$y"), types.NewString(`\$`), types.NewString(`$$`)})
	if got.S != "x$$y" {
		t.Errorf("literal dollars in rewrite = %q", got.S)
	}
	if got := ev(ctx, []types.Value{types.NewString("a"), types.NewString(`(`), types.NewString(``)}); got.S != "" {
		t.Errorf("invalid per-row pattern = %q", got.S)
	}
}

func TestHasTermSemantics(t *testing.T) {
	cases := []struct {
		s, term string
		has     bool
	}{
		{"North America", "america", true},
		{"North America", "amer", false},
		{"Exchange Online", "exchange", true},
		{"DataExchange", "exchange", false},
		{"alex.johnson@contoso.com", "contoso", true},
		{"alex.johnson@contoso.com", "contoso.com", true},
		{"alex.johnson@contoso.com", "johnson@contoso", true},
		{"alex.johnson@contoso.com", "son@contoso", false},
		{"powershell.exe -enc abc", "powershell.exe", true},
		{"ab12cd", "12", false},
		{"a 12 b", "12", true},
		{"", "x", false},
		{"ÄRGER über", "über", true},
	}
	for _, c := range cases {
		if got := Has(c.s, c.term); got != c.has {
			t.Errorf("%q has %q = %v, want %v", c.s, c.term, got, c.has)
		}
	}
	if HasCS("North America", "america") || !HasCS("North America", "America") {
		t.Error("has_cs")
	}
	if !HasPrefix("North America", "ame") || HasPrefix("North America", "mer") {
		t.Error("hasprefix")
	}
	if !HasSuffix("North America", "ica") || HasSuffix("North America", "americ") {
		t.Error("hassuffix")
	}
}

func TestStringOperators(t *testing.T) {
	cases := []struct {
		op          string
		left, right string
		want        bool
	}{
		{"contains", "FabriKam", "BRik", true},
		{"contains_cs", "FabriKam", "Kam", true},
		{"!contains_cs", "Fabrikam", "Kam", true},
		{"startswith", "Fabrikam", "fab", true},
		{"!startswith_cs", "Fabrikam", "fab", true},
		{"endswith", "Fabrikam", "KAM", true},
		{"endswith_cs", "Fabrikam", "KAM", false},
		{"=~", "aBc", "ABC", true},
		{"!~", "aBc", "xyz", true},
		{"!has", "North America", "amer", true},
		{"has", "a long string with MIXED case", "mixed", true},
	}
	for _, c := range cases {
		op, ok := LookupStringOperator(c.op)
		if !ok {
			t.Fatalf("operator %s unknown", c.op)
		}
		if got := op.Match(types.NewString(c.left), types.NewString(c.right)); got != c.want {
			t.Errorf("%q %s %q = %v", c.left, c.op, c.right, got)
		}
	}
}

func TestInBetweenAndCompare(t *testing.T) {
	arr := types.NewDynamic([]any{"a", int64(2)})
	if !In(types.NewString("a"), []types.Value{arr}) || !In(types.NewLong(2), []types.Value{arr}) || In(types.NewString("A"), []types.Value{arr}) {
		t.Error("in with dynamic array")
	}
	if !InFold(types.NewString("A"), []types.Value{arr}) {
		t.Error("in~")
	}
	dt, _ := types.ParseDateTime("2025-01-15T08:30:00Z")
	lo, _ := types.ParseDateTime("2025-01-15T08:00:00Z")
	if !Between(types.NewDateTimeTicks(dt), types.NewDateTimeTicks(lo), types.NewTimeSpan(types.TicksPerHour)) {
		t.Error("datetime between (t .. 1h)")
	}
	if Between(types.NullOf(types.Long), types.NewLong(0), types.NewLong(5)) || !Between(types.NewLong(5), types.NewLong(0), types.NewLong(5)) {
		t.Error("between bounds")
	}
	if !CompareValues(CmpEq, types.NewString("0"), types.NewLong(0)) || !CompareValues(CmpNe, types.NewString("50126"), types.NewLong(0)) {
		t.Error("ResultType == 0 / != 0")
	}
	if CompareValues(CmpLt, types.NullOf(types.Long), types.NewLong(1)) {
		t.Error("null < 1 must be false")
	}
	// Kusto docs "Null values": datatable(val:int)[5, int(null)] | extend val == int(null), val != int(null), val > 3
	null, five := types.NullOf(types.Int), types.NewInt(5)
	for _, c := range []struct {
		op   CompareOp
		a, b types.Value
		want string
	}{
		{CmpEq, five, null, "false"}, {CmpNe, five, null, "true"}, {CmpGt, five, types.NewLong(3), "true"},
		{CmpEq, null, null, "<null>"}, {CmpNe, null, null, "<null>"}, {CmpGt, null, types.NewLong(3), "<null>"},
	} {
		got := CompareValue(c.op, c.a, c.b)
		s := types.FormatText(got)
		if got.IsNull() {
			s = "<null>"
		}
		if s != c.want || got.T != types.Bool {
			t.Errorf("CompareValue(%d, %+v, %+v) = %s, want %s", c.op, c.a, c.b, s, c.want)
		}
	}
	if CompareValues(CmpNe, null, null) || !CompareValues(CmpNe, null, five) {
		t.Error("where-semantics of != with nulls")
	}
}

func TestContextNowAgoAndDeterministicRandom(t *testing.T) {
	now := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	reg := Builtins()
	ago, _ := reg.Lookup("ago")
	got := ago.eval(NewContext(now, 7), []types.Value{types.NewTimeSpan(types.TicksPerHour)})
	if types.FormatText(got) != "2025-01-15T09:00:00.0000000Z" {
		t.Errorf("ago(1h) = %s", types.FormatText(got))
	}
	g, _ := reg.Lookup("new_guid")
	a := g.eval(NewContext(now, 7), nil)
	b := g.eval(NewContext(now, 7), nil)
	c := g.eval(NewContext(now, 8), nil)
	if a.S != b.S || a.S == c.S || !g.Volatile() {
		t.Errorf("new_guid determinism: %s %s %s", a.S, b.S, c.S)
	}
	if _, ok := types.ParseGUID(a.S); !ok || a.S[14] != '4' {
		t.Errorf("new_guid not a v4 guid: %s", a.S)
	}
}

func TestXXHash64KnownVectors(t *testing.T) {
	for in, want := range map[string]uint64{
		"":    0xef46db3751d8e999,
		"a":   0xd24ec4f1a98c6e5b,
		"abc": 0x44bc2cf5ad770999,
		"Nobody inspects the spammish repetition": 0xfbcea83c8a378bf1,
	} {
		if got := xxhash64([]byte(in)); got != want {
			t.Errorf("xxhash64(%q) = %#x, want %#x", in, got, want)
		}
	}
}

func TestRegistryNamesCoverTheIssueList(t *testing.T) {
	required := strings.Fields(`strcat strlen substring split tolower toupper trim trim_start trim_end replace_string
		replace_regex replace extract extract_all indexof strcat_array strcat_delim reverse countof parse_json todynamic
		tostring toint tolong toreal todouble tobool todatetime totimespan toguid todecimal format_datetime format_timespan
		datetime_diff datetime_add datetime_part dayofweek dayofmonth dayofyear hourofday getmonth getyear week_of_year
		startofday startofweek startofmonth startofyear endofday endofweek endofmonth endofyear bin floor bin_at ago now
		unixtime_seconds_todatetime unixtime_milliseconds_todatetime make_datetime make_timespan ipv4_is_in_range
		ipv4_is_private ipv4_is_match parse_ipv4 parse_ipv4_mask ipv4_compare has_ipv4 has_ipv4_prefix has_any_ipv4
		has_any_ipv4_prefix format_ipv4 format_ipv4_mask case iff iif coalesce isempty isnotempty isnull isnotnull isnan
		isinf isfinite not array_length array_concat array_slice array_reverse array_sort_asc array_sort_desc array_sum
		array_iff bag_keys bag_merge bag_remove_keys bag_has_key pack bag_pack pack_array set_union set_intersect
		set_difference set_has_element array_index_of hash hash_sha256 hash_md5 hash_sha1 base64_encode_tostring
		base64_decode_tostring base64_encode_fromguid parse_url parse_urlquery parse_path url_encode url_decode round abs
		log log10 log2 exp pow sqrt sign ceiling tohex new_guid rand gettype max_of min_of strrep translate string_size
		to_utf8 zip jaccard_index`)
	reg := Builtins()
	for _, name := range required {
		if _, ok := reg.Lookup(name); !ok {
			t.Errorf("function %s is missing", name)
		}
	}
}

func TestThreeValuedLogic(t *testing.T) {
	T, F, N := types.NewBool(true), types.NewBool(false), types.NullOf(types.Bool)
	show := func(v types.Value) string {
		if v.IsNull() {
			return "null"
		}
		return types.FormatText(v)
	}
	for _, c := range []struct {
		got  types.Value
		want string
	}{
		{And(N, F), "false"}, {And(N, T), "null"}, {And(T, T), "true"},
		{Or(N, T), "true"}, {Or(N, F), "null"}, {Or(F, F), "false"},
	} {
		if show(c.got) != c.want {
			t.Errorf("got %s, want %s", show(c.got), c.want)
		}
	}
}

func TestTermMatcherAgreesWithHas(t *testing.T) {
	terms := []types.Value{types.NewString("Exchange"), types.NewString("powershell.exe"), types.NewString("50126"),
		types.NewString("über"), types.NewString(""), types.NewString("EXCHANGE")}
	m := NewTermMatcher(terms)
	texts := []string{"Office 365 Exchange Online", "DataExchange", "cmd /c powershell.exe -enc", "code 50126.",
		"ÄRGER über", "nothing here", "", "exchange 50126 powershell.exe über"}
	for _, s := range texts {
		wantAny, wantAll := false, true
		for _, tv := range terms {
			if tv.S == "" {
				continue
			}
			h := Has(s, tv.S)
			wantAny = wantAny || h
			wantAll = wantAll && h
		}
		if got := m.Any(s); got != wantAny {
			t.Errorf("Any(%q) = %v, want %v", s, got, wantAny)
		}
		if got := m.All(s); got != wantAll {
			t.Errorf("All(%q) = %v, want %v", s, got, wantAll)
		}
	}
}

func TestBindCoercesToResultType(t *testing.T) {
	f, _ := Builtins().Lookup("iff")
	args := []Arg{{T: types.Bool}, {T: types.Long}, {T: types.Real}}
	rt, err := f.ResultType(args)
	if err != nil || rt != types.Real {
		t.Fatalf("iff type %v %v", rt, err)
	}
	ev, _ := f.Bind(args)
	got := ev(NewContext(time.Unix(0, 0), 1), []types.Value{types.NewBool(true), types.NewLong(1), types.NewReal(2.5)})
	if got.T != types.Real || got.F != 1 {
		t.Errorf("iff(true, 1, 2.5) = %+v", got)
	}
}

// Every fixed-type function returns its declared type, for null and
// ordinary arguments alike.
func TestFixedResultTypesHold(t *testing.T) {
	ctx := NewContext(time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), 1)
	samples := []types.Value{types.NewString("10.1.2.3"), types.NewLong(3), types.NullOf(types.Long), types.NewDynamic([]any{int64(1), "a"}),
		types.NewDateTime(ctx.Now), types.NewTimeSpan(types.TicksPerHour), types.NewString("day")}
	reg := Builtins()
	for _, name := range reg.Names() {
		f, _ := reg.Lookup(name)
		if f.retFn != nil || f.MinArgs > 3 {
			continue
		}
		n := max(f.MinArgs, 1)
		if f.MaxArgs != Variadic && n > f.MaxArgs {
			n = f.MaxArgs
		}
		for _, s := range samples {
			args := make([]types.Value, n)
			for i := range args {
				args[i] = s
			}
			if name == "strrep" || name == "range" || name == "assert" {
				continue
			}
			v := f.eval(ctx, args)
			if v.T != f.ret {
				t.Errorf("%s(%v...) returned %v, declared %v", name, s.T, v.T, f.ret)
			}
		}
	}
}

func TestAroundAndAssert(t *testing.T) {
	reg := Builtins()
	around, _ := reg.Lookup("around")
	ctx := NewContext(time.Unix(0, 0), 1)
	if !around.eval(ctx, []types.Value{types.NewLong(9), types.NewLong(10), types.NewLong(1)}).Bool() ||
		around.eval(ctx, []types.Value{types.NewLong(8), types.NewLong(10), types.NewLong(1)}).Bool() {
		t.Error("around")
	}
	as, _ := reg.Lookup("assert")
	if !as.eval(ctx, []types.Value{types.NewBool(true), types.NewString("m")}).Bool() {
		t.Error("assert(true)")
	}
	defer func() {
		e, ok := recover().(*RuntimeError)
		if !ok || e.Msg != "assert() has failed with message: 'Length must be greater than zero'" {
			t.Errorf("assert(false) panic = %v", e)
		}
	}()
	as.eval(ctx, []types.Value{types.NewBool(false), types.NewString("Length must be greater than zero")})
}
