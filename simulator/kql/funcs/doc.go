// Package funcs is the scalar function library of the soclab KQL engine
// and the string/comparison operators as plain Go functions.
//
// # How the analyzer and executor call a function
//
//	reg := funcs.Builtins()            // immutable, built once
//	f, ok := reg.Lookup("strlen")      // unknown name: Kusto's "The function 'x' is not defined." is the caller's
//	t, err := f.ResultType(args)       // args []funcs.Arg{T, Const, V, IsTypeLiteral, TypeLiteral}
//	                                   // err is *funcs.ArgError (Code, Arg index or -1, Msg in Kusto's words)
//	eval, err := f.Bind(args)          // once per call site: compiles constant regexes (invalid → error)
//	v := eval(ctx, rowArgs)            // per row; ctx := funcs.NewContext(now, seed) once per query
//
// Evaluators take []types.Value and return a types.Value; they allocate
// only when the result is a new string or dynamic value. The EvalFunc
// from Bind always returns values of the type ResultType gave (Coerce).
// f.Volatile() marks new_guid/rand, which must not be constant-folded.
// An evaluator may panic with a *RuntimeError (assert()); the executor
// recovers it and reports its Msg as the query's error.
//
// # Operators
//
//	funcs.CompareValues(funcs.CmpEq, a, b)            // == != < <= > >= for where (null → false), implicit conversions (types/compare.go)
//	funcs.CompareValue(funcs.CmpNe, a, b)             // the same as a bool Value with Kusto's null results, for extend/project
//	op, _ := funcs.LookupStringOperator("!has_cs")   // has, contains, startswith, endswith, hasprefix, hassuffix, =~ (+ _cs, !)
//	op.Match(left, right)                             // or funcs.Has(s, term), funcs.Contains(s, sub)... on strings
//	funcs.In(v, list) / funcs.InFold(v, list)         // in, in~ (dynamic arrays in the list are expanded)
//	funcs.HasAny(v, funcs.ExpandList(list)) / HasAll
//	m := funcs.NewTermMatcher(funcs.ExpandList(list)); m.Any(s) / m.All(s)   // constant lists: one pass per row
//	funcs.Between(v, lo, hi)                          // datetime .. timespan upper bound allowed
//	funcs.And(a, b) / funcs.Or(a, b)                  // three-valued logic with null bools
//	re, err := funcs.CompileRegex(p); funcs.MatchesRegex(re, v)
//
// `has` follows Kusto's term semantics: text is split into terms of
// ASCII letters and digits (and Unicode letters/digits); `has t` is true
// when t occurs with no term character immediately before or after it
// (so `has "foo.bar"` matches the phrase). hasprefix/hassuffix drop the
// right/left boundary. Case-insensitive matching has an ASCII fast path
// that does not allocate.
//
// Regexes are RE2 (Go's regexp), the syntax Kusto documents. Rewrite
// strings in replace_regex use \1 for groups, as in Kusto.
//
// # Geospatial, series and unit functions
//
// geo_*.go compute on a sphere of 6371.01 km with geodesic edges (S2,
// github.com/golang/geo), as Kusto does: GeoJSON in and out, invalid
// coordinates or shapes give null. Cells: geohash (geo_geohash.go), S2
// tokens (geo_s2.go), H3 indexes through the pure-Go
// port in simulator/h3 (geo_h3.go). series*.go work on dynamic numeric arrays
// (null elements stay null); units.go has the convert_* tables with
// UnitsNet's names and factors.
package funcs
