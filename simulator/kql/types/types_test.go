package types

import (
	"math"
	"testing"
)

func TestParseTypeAliases(t *testing.T) {
	cases := map[string]Type{
		"bool": Bool, "boolean": Bool, "int": Int, "int32": Int, "long": Long, "int64": Long,
		"real": Real, "double": Real, "decimal": Decimal, "string": String, "datetime": DateTime,
		"date": DateTime, "timespan": TimeSpan, "time": TimeSpan, "guid": GUID, "uniqueid": GUID,
		"dynamic": Dynamic, "object": Dynamic,
	}
	for name, want := range cases {
		got, ok := ParseType(name)
		if !ok || got != want {
			t.Errorf("ParseType(%q) = %v, %v; want %v", name, got, ok, want)
		}
	}
	if _, ok := ParseType("varchar"); ok {
		t.Error("ParseType(varchar) accepted")
	}
	for ty, name := range map[Type]string{Bool: "bool", Int: "int", Long: "long", Real: "real", Decimal: "decimal",
		String: "string", DateTime: "datetime", TimeSpan: "timespan", GUID: "guid", Dynamic: "dynamic"} {
		if ty.String() != name {
			t.Errorf("%d.String() = %q, want %q", ty, ty.String(), name)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	cases := []struct {
		in, want string // want in FormatDateTime form, "" = invalid
	}{
		{"2025-01-15T08:30:00Z", "2025-01-15T08:30:00.0000000Z"},
		{"2025-01-15T08:30:00.1234567Z", "2025-01-15T08:30:00.1234567Z"},
		{"2025-01-15T08:30:00.5", "2025-01-15T08:30:00.5000000Z"},
		{"2025-01-15 08:30", "2025-01-15T08:30:00.0000000Z"},
		{"2025-01-15T08:30", "2025-01-15T08:30:00.0000000Z"},
		{"2025-01-15", "2025-01-15T00:00:00.0000000Z"},
		{"2025-01-15T10:30:00+02:00", "2025-01-15T08:30:00.0000000Z"},
		{"2025-01-15 08:30:00 GMT", "2025-01-15T08:30:00.0000000Z"},
		{"\"2015-01-01\"", "2015-01-01T00:00:00.0000000Z"},
		{"12-02-2022", "2022-12-02T00:00:00.0000000Z"},
		{"Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"8 Nov 14 15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
		{"Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
		{"1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z"},
		{"0001-01-01", "0001-01-01T00:00:00.0000000Z"},
		{"2025-02-30", ""},
		{"2025-13-01", ""},
		{"hello", ""},
		{"", ""},
		{"2025-01-15T25:00", ""},
	}
	for _, c := range cases {
		ticks, ok := ParseDateTime(c.in)
		got := ""
		if ok {
			got = FormatDateTime(ticks)
		}
		if got != c.want {
			t.Errorf("ParseDateTime(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseAndFormatTimeSpan(t *testing.T) {
	cases := []struct{ in, want string }{
		{"1d", "1.00:00:00"},
		{"2h", "02:00:00"},
		{"30m", "00:30:00"},
		{"10s", "00:00:10"},
		{"100ms", "00:00:00.1000000"},
		{"10microsecond", "00:00:00.0000100"},
		{"1tick", "00:00:00.0000001"},
		{"1.5h", "01:30:00"},
		{"-1d", "-1.00:00:00"},
		{"-12h", "-12:00:00"},
		{"1.02:03:04.5", "1.02:03:04.5000000"},
		{"00:00:00.123", "00:00:00.1230000"},
		{"12:30", "12:30:00"},
		{"2", "2.00:00:00"},
		{"5 minutes", "00:05:00"},
		{"1x", ""},
		{"", ""},
		{"25:00:00", ""},
	}
	for _, c := range cases {
		ticks, ok := ParseTimeSpan(c.in)
		got := ""
		if ok {
			got = FormatTimeSpan(ticks)
		}
		if got != c.want {
			t.Errorf("ParseTimeSpan(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseGUID(t *testing.T) {
	for in, want := range map[string]string{
		"74BE27DE-1E4E-49D9-B579-FE0B331D3642":   "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"{74be27de-1e4e-49d9-b579-fe0b331d3642}": "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de1e4e49d9b579fe0b331d3642":       "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de-1e4e-49d9-b579-fe0b331d364":    "",
		"zzbe27de-1e4e-49d9-b579-fe0b331d3642":   "",
	} {
		got, _ := ParseGUID(in)
		if got != want {
			t.Errorf("ParseGUID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatTextAndJSON(t *testing.T) {
	dt, _ := ParseDateTime("2025-01-15T08:30:00Z")
	cases := []struct {
		v    Value
		text string
		json any
	}{
		{NullOf(Long), "", nil},
		{NewString(""), "", ""},
		{NewBool(true), "true", true},
		{NewLong(-42), "-42", int64(-42)},
		{NewReal(1.5), "1.5", 1.5},
		{NewReal(3), "3", 3.0},
		{NewReal(math.NaN()), "NaN", "NaN"},
		{NewReal(math.Inf(1)), "Infinity", "Infinity"},
		{NewReal(math.Inf(-1)), "-Infinity", "-Infinity"},
		{NewDateTimeTicks(dt), "2025-01-15T08:30:00.0000000Z", "2025-01-15T08:30:00Z"},
		{NewTimeSpan(-12 * TicksPerHour), "-12:00:00", "-12:00:00"},
		{NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"), "74be27de-1e4e-49d9-b579-fe0b331d3642", "74be27de-1e4e-49d9-b579-fe0b331d3642"},
		{NewDynamic("abc"), "abc", "abc"},
		{NewDynamic(map[string]any{"b": int64(1), "a": []any{"x<y", nil, 2.5}}), `{"a":["x<y",null,2.5],"b":1}`, nil},
	}
	for _, c := range cases {
		if got := FormatText(c.v); got != c.text {
			t.Errorf("FormatText(%+v) = %q, want %q", c.v, got, c.text)
		}
		if c.json != nil || c.v.IsNull() {
			if got := ToJSON(c.v); got != c.json {
				t.Errorf("ToJSON(%+v) = %#v, want %#v", c.v, got, c.json)
			}
		}
	}
}

func TestConvert(t *testing.T) {
	dyn := func(s string) Value { d, _ := ParseJSON(s); return NewDynamic(d) }
	cases := []struct {
		v    Value
		to   Type
		want string // FormatText of the result; "<null>" for null
	}{
		{NewString("123"), Long, "123"},
		{NewString(" 42 "), Int, "42"},
		{NewString("1.9"), Long, "1"},
		{NewString("abc"), Long, "<null>"},
		{NewReal(-2.7), Long, "-2"},
		{NewString("1e3"), Real, "1000"},
		{NewString("NaN"), Real, "NaN"},
		{NewString("TRUE"), Bool, "true"},
		{NewString("yes"), Bool, "<null>"},
		{NewLong(0), Bool, "false"},
		{NewString("2025-01-15"), DateTime, "2025-01-15T00:00:00.0000000Z"},
		{NewString("1.00:00:00"), TimeSpan, "1.00:00:00"},
		{NewString("not a guid"), GUID, "<null>"},
		{NullOf(Long), String, ""},
		{dyn(`"text"`), String, "text"},
		{dyn(`{"a":1}`), String, `{"a":1}`},
		{dyn(`17`), Long, "17"},
		{NewString(`{"a":[1,2]}`), Dynamic, `{"a":[1,2]}`},
		{NewString(`not json`), Dynamic, "not json"},
		{NewLong(5), Dynamic, "5"},
	}
	for _, c := range cases {
		got := Convert(c.v, c.to)
		s := FormatText(got)
		if got.IsNull() && got.T != String {
			s = "<null>"
		}
		if s != c.want || (got.T != c.to) {
			t.Errorf("Convert(%+v, %v) = %q (%v), want %q", c.v, c.to, s, got.T, c.want)
		}
	}
}

func TestEqualImplicitConversions(t *testing.T) {
	cases := []struct {
		a, b Value
		want bool
	}{
		{NewString("0"), NewLong(0), true},   // where ResultType == 0
		{NewString("00"), NewLong(0), false}, // compared as text, not as numbers
		{NewString("50057"), NewInt(50057), true},
		{NewString("1.5"), NewReal(1.5), true},
		{NewLong(1), NewReal(1), true},
		{NewInt(3), NewLong(3), true},
		{NewBool(true), NewLong(1), true},
		{NullOf(Long), NullOf(Long), false},
		{NullOf(Long), NewLong(0), false},
		{NewString(""), NewString(""), true},
		{NewDynamic(int64(5)), NewLong(5), true},
		{NewDynamic("x"), NewString("x"), true},
		{NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"), NewString("74BE27DE-1E4E-49D9-B579-FE0B331D3642"), true},
		{NewString("abc"), NewString("ABC"), false},
	}
	for _, c := range cases {
		if got := Equal(c.a, c.b); got != c.want {
			t.Errorf("Equal(%+v, %+v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if !EqualFold(NewString("ABC"), NewString("abc")) || EqualFold(NewString("abc"), NewString("abd")) {
		t.Error("EqualFold")
	}
	if !EqualFoldString("Straße", "STRASSE") && EqualFoldString("Ä", "ä") != true {
		t.Error("EqualFoldString unicode")
	}
}

func TestCompareAndComparisonError(t *testing.T) {
	dt1, _ := ParseDateTime("2025-01-15")
	if c, ok := Compare(NewDateTimeTicks(dt1), NewString("2025-01-16")); !ok || c != -1 {
		t.Errorf("datetime vs string = %d %v", c, ok)
	}
	if _, ok := Compare(NewString("5"), NewLong(3)); ok {
		t.Error("string < long must not be orderable")
	}
	if _, ok := Compare(NullOf(Long), NewLong(3)); ok {
		t.Error("null must not be orderable")
	}
	if got := ComparisonError(String, Long); got != "Cannot compare values of types string and long. Try adding explicit casts" {
		t.Errorf("ComparisonError = %q", got)
	}
	if got := ComparisonError(Int, Real); got != "" {
		t.Errorf("int vs real: %q", got)
	}
}

func TestSortCompareNullsFirst(t *testing.T) {
	if SortCompare(NullOf(Long), NewLong(-5)) != -1 || SortCompare(NewLong(2), NewReal(1.5)) != 1 ||
		SortCompare(NewString("a"), NewString("b")) != -1 || SortCompare(NullOf(Real), NullOf(Real)) != 0 {
		t.Error("SortCompare order")
	}
}

func TestKeysAndHashAgree(t *testing.T) {
	pairs := [][2]Value{
		{NewLong(1), NewReal(1)},
		{NewInt(7), NewLong(7)},
		{NewString("x"), NewString("x")},
		{NullOf(Long), NullOf(Long)},
	}
	for _, p := range pairs {
		if string(AppendKey(nil, p[0])) != string(AppendKey(nil, p[1])) || Hash(p[0]) != Hash(p[1]) {
			t.Errorf("key/hash differ for %+v and %+v", p[0], p[1])
		}
	}
	if string(AppendKey(nil, NewString("1"))) == string(AppendKey(nil, NewLong(1))) {
		t.Error("string and long must not share a key")
	}
	if string(AppendKey(nil, NewString("ab"))) == string(AppendKey(nil, NewString("a"))) {
		t.Error("prefix keys collide")
	}
}

func TestArith(t *testing.T) {
	d, _ := ParseDateTime("2025-01-15T08:30:00Z")
	dt := NewDateTimeTicks(d)
	hour := NewTimeSpan(TicksPerHour)
	cases := []struct {
		op   Op
		a, b Value
		want string
		t    Type
	}{
		{OpAdd, NewInt(1), NewInt(2), "3", Long},
		{OpDiv, NewLong(7), NewLong(2), "3", Long},
		{OpDiv, NewLong(7), NewReal(2), "3.5", Real},
		{OpDiv, NewLong(7), NewLong(0), "", Long},
		{OpDiv, NewReal(1), NewReal(0), "Infinity", Real},
		{OpMod, NewLong(-14), NewLong(12), "10", Long},
		{OpMod, NewLong(14), NewLong(-12), "2", Long},
		{OpAdd, dt, hour, "2025-01-15T09:30:00.0000000Z", DateTime},
		{OpSub, dt, hour, "2025-01-15T07:30:00.0000000Z", DateTime},
		{OpSub, dt, NewDateTimeTicks(d - TicksPerDay), "1.00:00:00", TimeSpan},
		{OpMul, hour, NewLong(3), "03:00:00", TimeSpan},
		{OpDiv, NewTimeSpan(3 * TicksPerHour), hour, "3", Real},
		{OpDiv, NewTimeSpan(3 * TicksPerHour), NewLong(2), "01:30:00", TimeSpan},
		{OpAdd, NullOf(Long), NewLong(1), "", Long},
		{OpAdd, NewDynamic(int64(2)), NewLong(3), "5", Long},
	}
	for _, c := range cases {
		got := Arith(c.op, c.a, c.b)
		if FormatText(got) != c.want || got.T != c.t {
			t.Errorf("%+v %v %+v = %q (%v), want %q (%v)", c.a, c.op, c.b, FormatText(got), got.T, c.want, c.t)
		}
	}
	if _, msg := ArithType(OpAdd, String, Long); msg != "The operator '+' is not defined for the operand types string and long." {
		t.Errorf("ArithType message = %q", msg)
	}
}

func TestDynamicAccess(t *testing.T) {
	d, err := ParseJSON(`{"a":{"b":[10,20,30]},"big":9007199254740993,"r":1.25}`)
	if err != nil {
		t.Fatal(err)
	}
	v := NewDynamic(d)
	if got := FormatText(Index(Member(Member(v, "a"), "b"), -1)); got != "30" {
		t.Errorf("a.b[-1] = %q", got)
	}
	if got := Subscript(v, NewString("big")); got.D != int64(9007199254740993) {
		t.Errorf("big int lost precision: %#v", got.D)
	}
	if !Member(v, "missing").IsNull() || !Index(Member(v, "a"), 0).IsNull() {
		t.Error("missing member/index must be null")
	}
	if _, err := ParseJSON(`{"a":1} trailing`); err == nil {
		t.Error("trailing text accepted")
	}
	if d, err := ParseJSON(`{'a': 'say "hi"'}`); err != nil || DynamicJSON(d) != `{"a":"say \"hi\""}` {
		t.Errorf("single quotes: %v %v", DynamicJSON(d), err)
	}
}

func TestParseJSONNestedDynamicLiterals(t *testing.T) {
	d, err := ParseJSON(`{'Y10':dynamic({}), 'X8': dynamic({'c3':1, 'a4':6}), "s": "dynamic(x)", 'A14':[15, 13]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := DynamicJSON(d); got != `{"A14":[15,13],"X8":{"a4":6,"c3":1},"Y10":{},"s":"dynamic(x)"}` {
		t.Errorf("got %s", got)
	}
}

func TestParseJSONKQLLiteralForms(t *testing.T) {
	cases := map[string]string{
		"[\n\"CVE-1\", //comment, with \"quotes\"\n\"CVE-2\" // end\n]": `["CVE-1","CVE-2"]`,
		`[@"\SolarWinds\Orion\a.exe", @'it''s']`:                        `["\\SolarWinds\\Orion\\a.exe","it's"]`,
		`{'a': h'secret', "b": [1, 2,], }`:                              `{"a":"secret","b":[1,2]}`,
		`{'q': 'say "hi" \'x\''}`:                                       `{"q":"say \"hi\" 'x'"}`,
	}
	for in, want := range cases {
		d, err := ParseJSON(in)
		if err != nil {
			t.Errorf("ParseJSON(%q): %v", in, err)
			continue
		}
		if got := DynamicJSON(d); got != want {
			t.Errorf("ParseJSON(%q) = %s, want %s", in, got, want)
		}
	}
	if _, err := ParseJSON(`{'a': 'unterminated}`); err == nil {
		t.Error("unterminated string accepted")
	}
}

func TestDateTimeDivisionAndModulo(t *testing.T) {
	d, _ := ParseDateTime("2025-01-15T08:30:00Z")
	dt := NewDateTimeTicks(d)
	if got := Arith(OpMod, dt, NewTimeSpan(TicksPerDay)); FormatText(got) != "08:30:00" {
		t.Errorf("datetime %% 1d = %s", FormatText(got))
	}
	days := Arith(OpDiv, dt, NewTimeSpan(TicksPerDay))
	if days.T != Real || math.Floor(days.F) != 739265 { // days since 0001-01-01
		t.Errorf("datetime / 1d = %v %v", days.F, days.T)
	}
}

func TestComparisonErrorPairs(t *testing.T) {
	for _, c := range []struct {
		l, r Type
		ok   bool
	}{
		{Long, Real, true}, {Int, Bool, true}, {DateTime, DateTime, true}, {TimeSpan, TimeSpan, true},
		{Dynamic, String, true}, {String, String, false}, {DateTime, String, false}, {String, Long, false},
		{DateTime, TimeSpan, false}, {GUID, GUID, false},
	} {
		if got := ComparisonError(c.l, c.r) == ""; got != c.ok {
			t.Errorf("ComparisonError(%v, %v) allowed = %v, want %v", c.l, c.r, got, c.ok)
		}
	}
}
