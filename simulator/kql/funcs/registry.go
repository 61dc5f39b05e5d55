package funcs

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Context carries what a query run gives every function: the clock that
// now() and ago() read (the tenant's virtual clock) and a deterministic
// random source seeded per query (new_guid(), rand()).
// Rand is not safe for concurrent use: an executor that evaluates rows in
// parallel gives each worker its own Context (seeded from the query's).
type Context struct {
	Now  time.Time
	Rand *rand.Rand
	// Budget is the run's memory budget: functions that multiply sizes (strrep, range,
	// strcat, array_concat, …) check the size of their result against it before they
	// allocate (nil: no bound).
	Budget *govern.Budget
}

// need fails the evaluation (by panicking with Kusto's limit error, which the query facade
// returns) when a result of n bytes cannot be allocated within the run's budget.
func (c *Context) need(n int64) {
	if n > govern.MaxStringBytes {
		panic(govern.LowMemory()) // no single value may be this large, budget or not
	}
	if c == nil || c.Budget == nil {
		return
	}
	if err := c.Budget.Fits(n, ""); err != nil {
		panic(err)
	}
}

// needString is need for a string result of n bytes: it also enforces Kusto's cap on the
// size of one string.
func (c *Context) needString(n int64) {
	if n > govern.MaxStringBytes {
		panic(govern.StringTooLarge())
	}
	c.need(n)
}

// NewContext returns a context reading the clock now and drawing random
// numbers from a PCG generator seeded with seed.
func NewContext(now time.Time, seed uint64) *Context {
	return &Context{Now: now.UTC(), Rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// EvalFunc evaluates one call of a scalar function on one row. It must not
// retain args.
type EvalFunc func(c *Context, args []types.Value) types.Value

// Arg describes one argument of a call site for the analyzer: its static
// type and, when the argument is a constant, its value. A `typeof(T)`
// argument is passed with IsTypeLiteral set and TypeLiteral = T.
type Arg struct {
	T             types.Type
	Const         bool
	V             types.Value
	IsTypeLiteral bool
	TypeLiteral   types.Type
}

// Variadic is the MaxArgs of a function taking any number of arguments.
const Variadic = -1

// Func is one built-in scalar function.
type Func struct {
	// Name is the function's Kusto name (lower case).
	Name string
	// MinArgs and MaxArgs bound the argument count (MaxArgs may be Variadic).
	MinArgs, MaxArgs int

	params   []kind                               // per-argument type check; the last repeats
	ret      types.Type                           // fixed result type, when retFn is nil
	retFn    func(args []Arg) (types.Type, error) // result type depending on the arguments
	eval     EvalFunc                             // evaluator when bind is nil
	bind     func(args []Arg) (EvalFunc, error)   // per-call-site preparation (constant regexes...)
	volatile bool                                 // result differs per call with equal arguments
	tuple    []TupleOutput                        // the columns of a function returning several values
}

// ArgError is a semantic error about a call: the wrong number of
// arguments (Arg = -1) or an argument of the wrong type (Arg = its index).
// Messages use Kusto's wording (Kusto.Language DiagnosticFacts).
type ArgError struct {
	Code string
	Arg  int
	Msg  string
}

// Error returns the message in Kusto's words.
func (e *ArgError) Error() string { return e.Msg }

// Volatile reports whether calls with equal arguments may return
// different values (new_guid, rand, now): such calls must not be
// constant-folded or cached.
func (f *Func) Volatile() bool { return f.volatile }

// ResultType checks a call's arguments and returns its result type, or an
// *ArgError in Kusto's words ("The function 'strlen' expects 1 argument.",
// "The expression must have the type string.").
func (f *Func) ResultType(args []Arg) (types.Type, error) {
	if len(args) < f.MinArgs || (f.MaxArgs != Variadic && len(args) > f.MaxArgs) {
		return types.Null, f.arityError()
	}
	for i, a := range args {
		if a.IsTypeLiteral {
			continue
		}
		k := kAny
		if len(f.params) > 0 {
			k = f.params[min(i, len(f.params)-1)]
		}
		if !k.accepts(a.T) {
			return types.Null, &ArgError{Code: "KS141", Arg: i, Msg: k.message()}
		}
	}
	if f.retFn != nil {
		return f.retFn(args)
	}
	return f.ret, nil
}

func (f *Func) arityError() *ArgError {
	switch {
	case f.MaxArgs == Variadic:
		return &ArgError{Code: "KS121", Arg: -1, Msg: "The function call has an incorrect number of arguments."}
	case f.MinArgs == f.MaxArgs && f.MinArgs == 0:
		return &ArgError{Code: "KS119", Arg: -1, Msg: fmt.Sprintf("The function '%s' expects no arguments.", f.Name)}
	case f.MinArgs == f.MaxArgs && f.MinArgs == 1:
		return &ArgError{Code: "KS119", Arg: -1, Msg: fmt.Sprintf("The function '%s' expects 1 argument.", f.Name)}
	case f.MinArgs == f.MaxArgs:
		return &ArgError{Code: "KS119", Arg: -1, Msg: fmt.Sprintf("The function '%s' expects %d arguments.", f.Name, f.MinArgs)}
	}
	return &ArgError{Code: "KS120", Arg: -1, Msg: fmt.Sprintf("The function '%s' expects between %d and %d arguments.", f.Name, f.MinArgs, f.MaxArgs)}
}

// Bind prepares the evaluator for one call site (after ResultType
// succeeded): constant regex patterns are compiled once here, and an
// invalid constant pattern is an error. The returned EvalFunc is safe for
// concurrent use, and its results always have the type ResultType gave
// (iff(c, 1, 2.5) yields reals in both branches; nulls are typed).
func (f *Func) Bind(args []Arg) (EvalFunc, error) {
	ev := f.eval
	if f.bind != nil {
		var err error
		if ev, err = f.bind(args); err != nil {
			return nil, err
		}
	}
	if f.retFn == nil {
		return ev, nil // fixed result type: evaluators return it themselves
	}
	rt, err := f.retFn(args)
	if err != nil || rt == types.Null {
		return ev, err
	}
	return func(c *Context, a []types.Value) types.Value {
		v := ev(c, a)
		if v.T != rt {
			return Coerce(v, rt)
		}
		return v
	}, nil
}

// Coerce converts a function result to its declared type: numbers
// widen, anything becomes its text for string, scalars become dynamic
// elements for dynamic, untyped null becomes the typed null.
func Coerce(v types.Value, t types.Type) types.Value {
	switch {
	case v.T == t:
		return v
	case v.IsNull():
		return types.NullOf(t)
	case t == types.Dynamic:
		return types.NewDynamic(types.ToDynamicElem(v))
	}
	return types.Convert(v, t)
}

// Registry is an immutable lookup of the built-in scalar functions.
type Registry struct {
	byName map[string]*Func
}

// Lookup returns the function named name (Kusto function names are case
// sensitive and lower case).
func (r *Registry) Lookup(name string) (*Func, bool) {
	f, ok := r.byName[name]
	return f, ok
}

// Names returns the sorted names of all functions.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var builtins = sync.OnceValue(buildRegistry)

// Builtins returns the registry of built-in scalar functions. It is built
// once and never modified.
func Builtins() *Registry { return builtins() }

func buildRegistry() *Registry {
	r := &Registry{byName: map[string]*Func{}}
	for _, reg := range []func(add func(*Func)){
		registerStrings, registerConvert, registerDateTime, registerIPv4, registerIPv6,
		registerDynamic, registerMath, registerMoreMath, registerMisc, registerText,
		registerBinary, registerCollections, registerTimeZones,
		registerGeohash, registerS2, registerH3, registerGeoMeasure, registerGeoLines, registerGeoWKT, registerGeoRelate, registerSeries, registerUnits, registerBeta, registerPunycode, registerGeoSimplify, registerGeoIntersection, registerGeoBuffer, registerGeoUnionLines,
		registerSeriesStats, registerSeriesFit, registerSeriesOutliers, registerSeriesPeriods, registerSeriesDecompose,
	} {
		reg(func(f *Func) {
			if _, dup := r.byName[f.Name]; dup {
				panic("funcs: duplicate function " + f.Name)
			}
			r.byName[f.Name] = f
		})
	}
	// Deprecated names of current functions.
	for old, cur := range map[string]string{"parsejson": "parse_json", "arraylength": "array_length", "extractall": "extract_all"} {
		r.byName[old] = alias(old, r.byName[cur])
	}
	return r
}

// alias returns a copy of f under another name.
func alias(name string, f *Func) *Func {
	c := *f
	c.Name = name
	return &c
}

// kind is the set of static types an argument accepts.
type kind uint8

const (
	kAny      kind = iota // any scalar
	kString               // string (or dynamic)
	kNum                  // int, long, real, decimal (or dynamic)
	kBool                 // bool (or dynamic)
	kDateTime             // datetime (or dynamic)
	kTimeSpan             // timespan (or dynamic)
	kDyn                  // dynamic
	kBinnable             // number, datetime or timespan
	kSummable             // number, datetime or timespan (datetime_add amounts...)
)

func (k kind) accepts(t types.Type) bool {
	if t == types.Null || t == types.Dynamic || k == kAny {
		return true
	}
	switch k {
	case kString:
		return t == types.String
	case kNum:
		return t.IsNumeric()
	case kBool:
		return t == types.Bool
	case kDateTime:
		return t == types.DateTime
	case kTimeSpan:
		return t == types.TimeSpan
	case kDyn:
		return false
	case kBinnable, kSummable:
		return t.IsNumeric() || t == types.DateTime || t == types.TimeSpan
	}
	return true
}

func (k kind) message() string {
	switch k {
	case kString:
		return "The expression must have the type string."
	case kNum:
		return "The expression value must be a number."
	case kBool:
		return "The expression must have the type bool."
	case kDateTime:
		return "The expression must have the type datetime."
	case kTimeSpan:
		return "The expression must have the type timespan."
	case kDyn:
		return "The expression must have the type dynamic."
	}
	return "The argument value must be summable: a number, timespan or datetime."
}

// fixed is a helper building a function with a fixed result type.
func fixed(name string, ret types.Type, params []kind, minArgs, maxArgs int, eval EvalFunc) *Func {
	return &Func{Name: name, MinArgs: minArgs, MaxArgs: maxArgs, params: params, ret: ret, eval: eval}
}

// sameAs returns a result-type function giving the type of argument i
// (dynamic stays dynamic; an unknown type gives fallback).
func sameAs(i int, fallback types.Type) func([]Arg) (types.Type, error) {
	return func(args []Arg) (types.Type, error) {
		if i < len(args) && args[i].T != types.Null {
			return args[i].T, nil
		}
		return fallback, nil
	}
}

// str returns the text of a value as string-taking functions see it: a
// string as is, null as "", other values as tostring() renders them.
func str(v types.Value) string {
	if v.T == types.String {
		return v.S
	}
	return types.FormatText(v)
}

// isASCII reports whether s is pure ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
