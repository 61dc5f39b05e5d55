package kql

// The comparison rules of the kql-docs conformance runner (shared/conformance/kql-docs/run.py),
// ported so the doc cases run in-process with exactly the same verdicts.

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

const ticksPerSec = 10_000_000

var typeAliases = map[string]string{
	"int": "int", "int32": "int", "long": "long", "int64": "long",
	"real": "real", "double": "real", "float": "real", "decimal": "decimal",
	"string": "string", "bool": "bool", "boolean": "bool",
	"datetime": "datetime", "date": "datetime", "timespan": "timespan", "time": "timespan",
	"guid": "guid", "uniqueid": "guid", "dynamic": "dynamic",
}

func normType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	if a, ok := typeAliases[t]; ok {
		return a
	}
	return t
}

var dtRe = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|z|UTC|[+-]00:?00)?$`)

func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y
	if y < 0 {
		era = y - 399
	}
	era = floorDiv(era, 400)
	yoe := y - era*400
	mm := m - 3
	if m <= 2 {
		mm = m + 9
	}
	doy := (153*mm+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func fracTicks(f string) int64 {
	f = (f + "0000000")[:7]
	return atoi(f)
}

func parseDatetime(v any) (int64, bool) {
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	m := dtRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	days := daysFromCivil(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	secs := days*86400 + atoi(m[4])*3600 + atoi(m[5])*60 + atoi(m[6])
	return secs*ticksPerSec + fracTicks(m[7]), true
}

var tsRe = regexp.MustCompile(`^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$`)

func parseTimespan(v any) (int64, bool) {
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	m := tsRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	t := ((atoi(m[2])*24+atoi(m[3]))*60+atoi(m[4]))*60 + atoi(m[5])
	t = t*ticksPerSec + fracTicks(m[6])
	if m[1] != "" {
		t = -t
	}
	return t, true
}

// asNumber returns a float for JSON numbers and the special strings NaN/Infinity.
func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case float64:
		return x, true
	case string:
		switch strings.TrimSpace(x) {
		case "NaN", "nan":
			return math.NaN(), true
		case "Infinity", "+Infinity", "inf", "+inf", "\u221e":
			return math.Inf(1), true
		case "-Infinity", "-inf", "-\u221e":
			return math.Inf(-1), true
		}
	}
	return 0, false
}

// toleranceFor is the absolute tolerance implied by the digits the docs printed.
func toleranceFor(v any) float64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	s := strings.ToLower(string(n))
	exp := 0
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		exp = int(atoi(strings.TrimPrefix(s[i+1:], "+")))
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		exp -= len(s) - i - 1
	}
	if exp < 0 {
		return 0.5 * math.Pow(10, float64(exp))
	}
	return 0
}

func numEqual(exp, act any) bool {
	e, ok1 := asNumber(exp)
	a, ok2 := asNumber(act)
	if !ok1 || !ok2 {
		return false
	}
	if math.IsNaN(e) || math.IsNaN(a) {
		return math.IsNaN(e) && math.IsNaN(a)
	}
	if math.IsInf(e, 0) || math.IsInf(a, 0) {
		return e == a
	}
	tol := math.Max(math.Max(toleranceFor(exp), 1e-9*math.Max(math.Abs(e), math.Abs(a))), 1e-12)
	return math.Abs(e-a) <= tol
}

func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		if x == "0" || x == "1" || x == "0.0" || x == "1.0" {
			return x[0] == '1', true
		}
	case string:
		s := strings.ToLower(strings.TrimSpace(x))
		if s == "true" || s == "false" {
			return s == "true", true
		}
	}
	return false, false
}

func numText(n json.Number) string {
	// Python's str() of an int or Decimal keeps the text as parsed.
	return string(n)
}

func dynEqual(exp, act any) bool {
	if s, ok := act.(string); ok {
		if _, expIsStr := exp.(string); !expIsStr {
			if dec, err := decodeJSON(s); err == nil {
				act = dec
			}
		}
	}
	switch e := exp.(type) {
	case nil:
		return act == nil || act == ""
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok || len(a) != len(e) {
			return false
		}
		for k, ev := range e {
			av, ok := a[k]
			if !ok || !dynEqual(ev, av) {
				return false
			}
		}
		return true
	case []any:
		a, ok := act.([]any)
		if !ok || len(a) != len(e) {
			return false
		}
		for i := range e {
			if !dynEqual(e[i], a[i]) {
				return false
			}
		}
		return true
	case bool:
		b, ok := toBool(act)
		return ok && b == e
	case json.Number:
		if s, ok := act.(string); ok {
			_, isNum := asNumber(s)
			return isNum && numEqual(e, s) || strings.TrimSpace(s) == numText(e)
		}
		return numEqual(e, act)
	case string:
		switch a := act.(type) {
		case string:
			if a == e {
				return true
			}
			de, ok1 := parseDatetime(e)
			da, ok2 := parseDatetime(a)
			if ok1 && ok2 {
				return de == da
			}
			te, ok1 := parseTimespan(e)
			ta, ok2 := parseTimespan(a)
			return ok1 && ok2 && te == ta
		case bool:
			return strings.EqualFold(e, strconv.FormatBool(a)) || (a && e == "True") || (!a && e == "False")
		case json.Number:
			_, isNum := asNumber(e)
			return isNum && numEqual(e, a) || e == numText(a)
		case nil:
			return e == ""
		}
	}
	return false
}

func decodeJSON(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

func valueEqual(typ string, exp, act any) bool {
	typ = normType(typ)
	if exp == nil {
		return act == nil || (act == "" && (typ == "string" || typ == "dynamic"))
	}
	if typ == "string" {
		if exp == "" && act == nil {
			return true
		}
		a, ok := act.(string)
		return ok && a == exp
	}
	if act == nil {
		return false
	}
	switch typ {
	case "int", "long":
		a, ok := asNumber(act)
		e, ok2 := asNumber(exp)
		if !ok2 {
			if s, isStr := exp.(string); isStr {
				f, err := strconv.ParseFloat(s, 64)
				e, ok2 = f, err == nil
			}
		}
		return ok && ok2 && !math.IsNaN(a) && e == a
	case "real", "decimal":
		return numEqual(exp, act)
	case "bool":
		e, ok1 := toBool(exp)
		a, ok2 := toBool(act)
		return ok1 && ok2 && e == a
	case "datetime":
		e, ok1 := parseDatetime(exp)
		a, ok2 := parseDatetime(act)
		return ok1 && ok2 && e == a
	case "timespan":
		e, ok1 := parseTimespan(exp)
		a, ok2 := parseTimespan(act)
		return ok1 && ok2 && e == a
	case "guid":
		a, ok := act.(string)
		return ok && strings.EqualFold(strings.TrimSpace(a), fmt.Sprint(exp))
	case "dynamic":
		return dynEqual(exp, act)
	}
	return fmt.Sprint(exp) == fmt.Sprint(act)
}

func rowsMatch(types []string, exp, act [][]any, ordered bool) (bool, string) {
	if len(exp) != len(act) {
		return false, fmt.Sprintf("row count: expected %d, got %d", len(exp), len(act))
	}
	rowEq := func(er, ar []any) bool {
		if len(er) != len(ar) {
			return false
		}
		for i := range er {
			t := ""
			if i < len(types) {
				t = types[i]
			}
			if !valueEqual(t, er[i], ar[i]) {
				return false
			}
		}
		return true
	}
	if ordered {
		for i := range exp {
			if !rowEq(exp[i], act[i]) {
				return false, fmt.Sprintf("row %d differs: expected %s, got %s", i, short(exp[i]), short(act[i]))
			}
		}
		return true, ""
	}
	remaining := append([][]any(nil), act...)
	for _, er := range exp {
		found := false
		for j, ar := range remaining {
			if rowEq(er, ar) {
				remaining = append(remaining[:j], remaining[j+1:]...)
				found = true
				break
			}
		}
		if !found {
			n := min(len(remaining), 3)
			return false, fmt.Sprintf("expected row not found: %s (unmatched engine rows: %s)", short(er), short(remaining[:n]))
		}
	}
	return true, ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}
