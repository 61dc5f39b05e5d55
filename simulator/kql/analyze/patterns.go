package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// The pattern plugins: basket, autocluster and diffpatterns. Their arguments are positional;
// the string '~' stands for an argument's default.

// patternCall reads the positional arguments of one pattern plugin call.
type patternCall struct {
	a    *analyzer
	sc   *scope
	call *ast.CallExpr
	cols []exec.Column
	name string
}

// isDefault reports whether an argument is absent or '~'.
func (p *patternCall) isDefault(i int) bool {
	if i >= len(p.call.Args) {
		return true
	}
	lit, ok := p.call.Args[i].(*ast.Literal)
	return ok && lit.Kind == ast.LitString && lit.Text == "~"
}

// number reads numeric argument i (def when defaulted).
func (p *patternCall) number(i int, def float64) float64 {
	if p.isDefault(i) {
		return def
	}
	e := p.a.scalarOp(p.sc, nil, p.call.Args[i], "evaluate")
	if e.Const == nil {
		fail(p.call.Args[i], diag.CodeBadArgument, "%s: the argument must be a constant number", p.name)
	}
	f, ok := e.Const.AsFloat()
	if !ok || e.Const.IsNull() {
		fail(p.call.Args[i], diag.CodeBadArgument, "%s: the argument must be a constant number", p.name)
	}
	return f
}

// column reads argument i as a column of the input: a name or a string naming it (-1 when
// defaulted).
func (p *patternCall) column(i int, what string) int {
	if p.isDefault(i) {
		return -1
	}
	name := ""
	switch x := p.call.Args[i].(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.Literal:
		if x.Kind == ast.LitString {
			name = x.Text
		}
	}
	c := colIndex(p.cols, name)
	if c < 0 {
		fail(p.call.Args[i], diag.CodeBadArgument, "%s: the %s must be a column of the input", p.name, what)
	}
	return c
}

// wildcards reads the custom wildcards from argument i on: each sets its type's wildcard.
func (p *patternCall) wildcards(from int) map[types.Type]types.Value {
	w := map[types.Type]types.Value{}
	for i := from; i < len(p.call.Args); i++ {
		if p.isDefault(i) {
			continue
		}
		e := p.a.scalarOp(p.sc, nil, p.call.Args[i], "evaluate")
		if e.Const == nil {
			fail(p.call.Args[i], diag.CodeBadArgument, "%s: a custom wildcard must be a constant", p.name)
		}
		w[e.Const.T] = *e.Const
	}
	return w
}

// dimensions are the visible input columns but the excluded ones.
func (p *patternCall) dimensions(exclude ...int) ([]int, []exec.Column) {
	var dims []int
	var cols []exec.Column
	for i, c := range p.cols {
		skip := c.Hidden
		for _, x := range exclude {
			skip = skip || x == i
		}
		if !skip {
			dims = append(dims, i)
			cols = append(cols, exec.Column{Name: c.Name, Type: c.Type})
		}
	}
	return dims, cols
}

func (a *analyzer) newPatternCall(sc *scope, in exec.Node, call *ast.CallExpr) *patternCall {
	if in == nil {
		fail(call, diag.CodeInvalid, "'evaluate' operator: %s needs an input table", call.Func.Name)
	}
	return &patternCall{a: a, sc: sc, call: call, cols: in.Columns(), name: call.Func.Name}
}

func checkThreshold(p *patternCall, i int, v float64) {
	if v < 0.015 || v > 1 {
		fail(p.call.Args[i], diag.CodeBadArgument, "%s: the threshold must be between 0.015 and 1", p.name)
	}
}

// basket: basket(Threshold, WeightColumn, MaxDimensions, CustomWildcard, ...).
func (a *analyzer) basket(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	p := a.newPatternCall(sc, in, call)
	threshold := p.number(0, 0.05)
	if !p.isDefault(0) {
		checkThreshold(p, 0, threshold)
	}
	weight := p.column(1, "weight column")
	maxDims := int(p.number(2, 5))
	if maxDims < 1 {
		fail(call.Args[2], diag.CodeBadArgument, "basket: MaxDimensions must be positive")
	}
	dims, dimCols := p.dimensions(weight)
	cols := append([]exec.Column{{Name: "SegmentId", Type: types.Long}, {Name: "Count", Type: types.Long}, {Name: "Percent", Type: types.Real}}, dimCols...)
	return &exec.Basket{In: in, Cols: cols, Args: exec.PatternArgs{Dims: dims, Weight: weight, Threshold: threshold, MaxDims: maxDims, Wildcards: p.wildcards(3)}}
}

// autocluster: autocluster(SizeWeight, WeightColumn, NumSeeds, CustomWildcard, ...).
func (a *analyzer) autocluster(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	p := a.newPatternCall(sc, in, call)
	sw := p.number(0, 0.5)
	if sw < 0 || sw > 1 {
		fail(call.Args[0], diag.CodeBadArgument, "autocluster: SizeWeight must be between 0 and 1")
	}
	weight := p.column(1, "weight column")
	seeds := int(p.number(2, 25))
	if seeds < 1 {
		fail(call.Args[2], diag.CodeBadArgument, "autocluster: NumSeeds must be positive")
	}
	dims, dimCols := p.dimensions(weight)
	cols := append([]exec.Column{{Name: "SegmentId", Type: types.Long}, {Name: "Count", Type: types.Long}, {Name: "Percent", Type: types.Real}}, dimCols...)
	return &exec.Autocluster{In: in, Cols: cols, SizeWeight: sw, NumSeeds: seeds,
		Args: exec.PatternArgs{Dims: dims, Weight: weight, Wildcards: p.wildcards(3)}}
}

// diffpatterns: diffpatterns(SplitColumn, SplitValueA, SplitValueB, WeightColumn, Threshold,
// MaxDimensions, CustomWildcard, ...).
func (a *analyzer) diffpatterns(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	p := a.newPatternCall(sc, in, call)
	if len(call.Args) < 3 {
		fail(call, diag.CodeBadArgument, "The function 'diffpatterns' expects at least 3 arguments.")
	}
	split := p.column(0, "split column")
	if split < 0 {
		fail(call.Args[0], diag.CodeBadArgument, "diffpatterns: the split column is required")
	}
	text := func(i int) string {
		e := a.scalarOp(sc, nil, call.Args[i], "evaluate")
		if e.Const == nil {
			fail(call.Args[i], diag.CodeBadArgument, "diffpatterns: the split values must be constants")
		}
		return types.FormatText(*e.Const)
	}
	valA, valB := text(1), text(2)
	weight := p.column(3, "weight column")
	threshold := p.number(4, 0.05)
	if !p.isDefault(4) {
		checkThreshold(p, 4, threshold)
	}
	dims, dimCols := p.dimensions(split, weight)
	maxDims := int(p.number(5, float64(max(1, len(dims)))))
	if maxDims < 1 {
		fail(call.Args[5], diag.CodeBadArgument, "diffpatterns: MaxDimensions must be positive")
	}
	cols := append([]exec.Column{{Name: "SegmentId", Type: types.Long}, {Name: "CountA", Type: types.Long}, {Name: "CountB", Type: types.Long},
		{Name: "PercentA", Type: types.Real}, {Name: "PercentB", Type: types.Real}, {Name: "PercentDiffAB", Type: types.Real}}, dimCols...)
	return &exec.DiffPatterns{In: in, Cols: cols, Split: split, A: valA, B: valB, Format: types.FormatText,
		Args: exec.PatternArgs{Dims: dims, Weight: weight, Threshold: threshold, MaxDims: maxDims, Wildcards: p.wildcards(6)}}
}
