package ast

import "strconv"

// op prints tabular operators.
func (f *formatter) op(n Node) {
	switch n := n.(type) {
	case *WhereOp:
		f.list(n.Keyword, n.Pred)
	case *ProjectOp:
		f.list("project", exprs(n.Cols)...)
	case *ExtendOp:
		f.list("extend", exprs(n.Cols)...)
	case *ProjectAwayOp:
		f.list("project-away", exprs(n.Cols)...)
	case *ProjectKeepOp:
		f.list("project-keep", exprs(n.Cols)...)
	case *ProjectRenameOp:
		f.list("project-rename", exprs(n.Renames)...)
	case *ProjectReorderOp:
		f.str("(project-reorder")
		for i, c := range n.Cols {
			f.str(" ")
			f.node(c)
			if n.Orders[i] != "" {
				f.str(" " + n.Orders[i])
			}
		}
		f.str(")")
	case *SummarizeOp:
		f.str("(summarize")
		f.group("params", exprs(n.Params))
		f.group("aggs", exprs(n.Aggs))
		f.group("by", exprs(n.By))
		f.str(")")
	case *CountOp:
		f.str("(count")
		f.opt("as", n.As)
		f.str(")")
	case *DistinctOp:
		f.str("(distinct")
		f.group("params", exprs(n.Params))
		for _, c := range n.Cols {
			f.str(" ")
			f.node(c)
		}
		f.str(")")
	case *SortKey:
		f.str("(key ")
		f.node(n.X)
		if n.Order != "" {
			f.str(" " + n.Order)
		}
		if n.Nulls != "" {
			f.str(" nulls-" + n.Nulls)
		}
		f.str(")")
	case *SortOp:
		f.str("(" + n.Keyword)
		f.group("params", exprs(n.Params))
		for _, k := range n.Keys {
			f.str(" ")
			f.node(k)
		}
		f.str(")")
	case *TopOp:
		f.str("(top ")
		f.node(n.Count)
		for _, k := range n.Keys {
			f.str(" ")
			f.node(k)
		}
		f.str(")")
	case *TopNestedOp:
		f.str("(top-nested")
		for _, l := range n.Levels {
			f.str(" (level")
			f.opt("n", l.Count)
			f.opt("of", l.Of)
			f.opt("others", l.Others)
			f.opt("by", l.By)
			f.word("order", l.Order)
			f.str(")")
		}
		f.str(")")
	case *TakeOp:
		f.list(n.Keyword, n.Count)
	case *JoinOp:
		f.str("(join")
		f.group("params", exprs(n.Params))
		f.str(" ")
		f.node(n.Right)
		f.group("on", exprs(n.On))
		f.opt("where", n.Where)
		f.str(")")
	case *LookupOp:
		f.str("(lookup")
		f.group("params", exprs(n.Params))
		f.str(" ")
		f.node(n.Right)
		f.group("on", exprs(n.On))
		f.str(")")
	case *UnionOp:
		f.str("(union")
		f.group("params", exprs(n.Params))
		for _, t := range n.Tables {
			f.str(" ")
			f.node(t)
		}
		f.str(")")
	case *MvItem:
		if n.ToType == "" {
			f.node(n.X)
			return
		}
		f.str("(to ")
		f.node(n.X)
		f.str(" " + n.ToType + ")")
	case *MvExpandOp:
		f.str("(mv-expand")
		f.group("params", exprs(n.Params))
		for _, it := range n.Items {
			f.str(" ")
			f.node(it)
		}
		f.opt("limit", n.Limit)
		f.str(")")
	case *MvApplyOp:
		f.str("(mv-apply")
		f.group("params", exprs(n.Params))
		for _, it := range n.Items {
			f.str(" ")
			f.node(it)
		}
		f.opt("limit", n.Limit)
		f.opt("on", n.Sub)
		f.str(")")
	case *ParsePart:
		switch {
		case n.Star:
			f.str("*")
		case n.Lit != nil:
			f.node(n.Lit)
		default:
			f.node(n.Column)
		}
	case *ParseOp:
		f.str("(" + n.Keyword)
		f.group("params", exprs(n.Params))
		f.str(" ")
		f.node(n.Source)
		f.group("with", exprs(n.Pattern))
		f.str(")")
	case *ParseKvOp:
		f.str("(parse-kv ")
		f.node(n.Source)
		f.group("as", exprs(n.Columns))
		f.group("with", exprs(n.With))
		f.str(")")
	case *SerializeOp:
		f.list("serialize", exprs(n.Cols)...)
	case *AsOp:
		f.str("(as")
		f.group("params", exprs(n.Params))
		f.str(" ")
		f.node(n.Name)
		f.str(")")
	case *InvokeOp:
		f.list("invoke", n.Call)
	case *EvaluateOp:
		f.str("(evaluate")
		f.group("params", exprs(n.Params))
		f.str(" ")
		f.node(n.Call)
		if n.Schema != nil {
			f.str(" ")
			f.node(n.Schema)
		}
		f.str(")")
	case *GetSchemaOp:
		f.str("(getschema)")
	case *SearchOp:
		f.str("(search")
		f.group("params", exprs(n.Params))
		f.group("in", exprs(n.Tables))
		f.str(" ")
		f.node(n.Pred)
		f.str(")")
	case *FindOp:
		f.str("(find")
		f.group("params", exprs(n.Params))
		f.group("in", exprs(n.Tables))
		f.opt("where", n.Pred)
		f.group("project", exprs(n.Project))
		if n.ProjectSmart {
			f.str(" project-smart")
		}
		f.str(")")
	case *SeriesAgg:
		if n.Default == nil {
			f.node(n.X)
			return
		}
		f.str("(default ")
		f.node(n.X)
		f.str(" ")
		f.node(n.Default)
		f.str(")")
	case *MakeSeriesOp:
		f.str("(make-series")
		f.group("params", exprs(n.Params))
		f.group("aggs", exprs(n.Aggs))
		f.opt("on", n.On)
		f.opt("from", n.From)
		f.opt("to", n.To)
		f.opt("step", n.Step)
		f.opt("in", n.InRange)
		f.group("by", exprs(n.By))
		f.str(")")
	case *RenderOp:
		f.str("(render " + n.Chart)
		f.group("with", exprs(n.With))
		f.str(")")
	case *SampleOp:
		f.list("sample", n.Count)
	case *SampleDistinctOp:
		f.str("(sample-distinct ")
		f.node(n.Count)
		f.opt("of", n.Of)
		f.str(")")
	case *FacetOp:
		f.str("(facet")
		f.group("by", exprs(n.Cols))
		f.opt("with", n.With)
		f.str(")")
	case *RangeOp:
		f.list("range", n.Col, n.From, n.To, n.Step)
	case *PrintOp:
		f.list("print", exprs(n.Cols)...)
	case *PartitionOp:
		f.str("(partition")
		f.group("params", exprs(n.Params))
		f.opt("by", n.By)
		f.str(" ")
		f.node(n.Sub)
		f.str(")")
	case *ForkOp:
		f.list("fork", exprs(n.Branches)...)
	case *ReduceOp:
		f.str("(reduce")
		f.opt("by", n.By)
		f.group("with", exprs(n.With))
		f.str(")")
	case *ScanStep:
		f.str("(step ")
		f.node(n.Name)
		if n.Optional {
			f.str(" optional")
		}
		f.str(" ")
		f.node(n.Cond)
		f.group("=>", exprs(n.Assigns))
		f.str(")")
	case *ScanOp:
		f.str("(scan")
		f.group("params", exprs(n.Params))
		f.group("declare", exprs(n.Declare))
		for _, s := range n.Steps {
			f.str(" ")
			f.node(s)
		}
		f.str(")")
	case *GenericOp:
		f.str("(" + n.Keyword + " " + strconv.Quote(n.Text) + ")")
	default:
		f.str("(?)")
	}
}
