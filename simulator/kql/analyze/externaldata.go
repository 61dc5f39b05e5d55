package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// externalFormats are the externaldata formats the executor parses.
var externalFormats = map[string]bool{"csv": true, "tsv": true, "tsve": true, "scsv": true, "psv": true,
	"sohsv": true, "txt": true, "raw": true, "json": true, "multijson": true, "singlejson": true}

// externalData analyzes `externaldata (cols) [uris] with (props)`: the schema is the declared
// one; the URIs are constant strings, read when the query runs.
func (a *analyzer) externalData(sc *scope, x *ast.ExternalDataExpr) exec.Node {
	n := &exec.ExternalData{}
	for _, c := range x.Columns {
		t, ok := types.ParseType(c.Type)
		if !ok {
			fail(c, diag.CodeInvalid, "Unknown type '%s'", c.Type)
		}
		n.Cols = append(n.Cols, exec.Column{Name: c.Name.Name, Type: t})
	}
	if len(n.Cols) == 0 {
		fail(x, diag.CodeInvalid, "externaldata: no columns")
	}
	for _, u := range x.URIs {
		e := a.scalar(sc, nil, u)
		if e.Const == nil || e.T != types.String {
			fail(u, diag.CodeBadArgument, "The expression must be a constant string.")
		}
		n.URIs = append(n.URIs, e.Const.S)
	}
	if len(n.URIs) == 0 {
		fail(x, diag.CodeInvalid, "externaldata: at least one storage connection string is required")
	}
	for _, p := range x.With {
		val := ""
		switch v := p.Value.(type) {
		case *ast.Literal:
			val = v.Text
		case *ast.Ident:
			val = v.Name
		default:
			e := a.scalar(sc, nil, p.Value)
			if e.Const == nil {
				fail(p.Value, diag.CodeInvalid, "externaldata: the property '%s' must be a constant", p.Name.Name)
			}
			val = types.FormatText(*e.Const)
		}
		switch strings.ToLower(p.Name.Name) {
		case "format":
			f := strings.ToLower(val)
			if !externalFormats[f] {
				fail(p, diag.CodeInvalid, "externaldata: unsupported format '%s'", val)
			}
			n.Format = f
		case "ignorefirstrecord":
			n.IgnoreFirstRecord = strings.EqualFold(val, "true")
		}
	}
	return n
}
