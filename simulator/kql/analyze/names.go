package analyze

import "github.com/soclab/soclab/simulator/kql/ast"

// How Kusto names the column of an unnamed function call (Kusto.Language's ResultNameKind
// for each function; facts from microsoft/Kusto-Query-Language src/Kusto.Language
// Functions.cs and Binder_Projection.cs):
//
//	firstArg      the first argument's name: tostring(Location) → Location
//	onlyArg       the argument's name when there is exactly one
//	prefixArg     prefix_<first argument's name>: strlen(Name) → strlen_Name, gettype(x) → type_x
//	prefixOnly    the prefix alone
//	valueIfColumn the constant first argument when such a column exists (column_ifexists)
//
// Functions not listed give no name (Column1, Column2..., or print_N in print).
type nameKind uint8

const (
	nameNone nameKind = iota
	nameFirstArg
	nameOnlyArg
	namePrefixArg
	namePrefixOnly
	nameValueIfColumn
)

type resultName struct {
	kind   nameKind
	prefix string
}

var funcResultNames = func() map[string]resultName {
	m := map[string]resultName{}
	for _, f := range []string{
		"split", "tostring", "tohex", "todynamic", "toobject", "tolong", "toint", "toreal", "todouble",
		"todatetime", "totimespan", "totime", "tobool", "toboolean", "todecimal", "toguid",
		"parse_csv", "parsejson", "parse_json", "parse_xml", "format_datetime", "format_timespan",
		"startofday", "bin", "floor", "bin_at", "binary_and", "binary_or", "binary_xor", "binary_not",
		"binary_shift_right", "binary_shift_left", "bitset_count_ones", "series_fir", "series_outliers",
		"series_iir", "series_fill_backward", "series_fill_forward", "series_fill_const",
		"series_fill_linear", "round", "ceiling", "pow", "sqrt", "log", "log2", "log10", "exp", "exp2",
		"exp10", "cos", "sin", "tan", "acos", "asin", "atan", "atan2", "abs", "rand", "gamma",
		"loggamma", "erf", "erfc", "format_bytes",
	} {
		m[f] = resultName{kind: nameFirstArg}
	}
	for _, f := range []string{"make_datetime", "make_timespan"} {
		m[f] = resultName{kind: nameOnlyArg}
	}
	for _, f := range []string{"strlen", "string_size", "percentile_tdigest", "dcount_hll"} {
		m[f] = resultName{kind: namePrefixArg, prefix: f}
	}
	m["gettype"] = resultName{kind: namePrefixArg, prefix: "type"}
	m["treepath"] = resultName{kind: namePrefixArg, prefix: "tree"}
	m["repeat"] = resultName{kind: namePrefixArg, prefix: "repeat"}
	m["percentiles_array_tdigest"] = resultName{kind: namePrefixArg, prefix: "percentile_tdigest"}
	m["tdigest_merge"] = resultName{kind: namePrefixOnly, prefix: "tdigests_merge_result"}
	m["merge_tdigest"] = resultName{kind: namePrefixOnly, prefix: "tdigests_merge_result"}
	m["hll_merge"] = resultName{kind: namePrefixOnly, prefix: "hll_merged_result"}
	m["column_ifexists"] = resultName{kind: nameValueIfColumn}
	m["columnifexists"] = resultName{kind: nameValueIfColumn}
	return m
}()

// callResultName is the column name of an unnamed function call ("" when it has none).
func callResultName(c *ast.CallExpr) string {
	rn := funcResultNames[c.Func.Name]
	switch rn.kind {
	case nameFirstArg:
		if len(c.Args) > 0 {
			return autoName(c.Args[0])
		}
	case nameOnlyArg:
		if len(c.Args) == 1 {
			return autoName(c.Args[0])
		}
	case namePrefixArg:
		if len(c.Args) > 0 {
			return rn.prefix + "_" + autoName(c.Args[0])
		}
		return rn.prefix + "_"
	case namePrefixOnly:
		return rn.prefix
	case nameValueIfColumn:
		if len(c.Args) > 0 {
			if lit, ok := c.Args[0].(*ast.Literal); ok && lit.Kind == ast.LitString {
				return lit.Text // the caller keeps it only if such a column exists
			}
		}
	}
	return ""
}
