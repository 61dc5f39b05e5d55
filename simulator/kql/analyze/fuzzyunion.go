package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
)

// unionIsFuzzy tells whether a union has isfuzzy=true.
func unionIsFuzzy(o *ast.UnionOp) bool {
	v, _, ok := paramValue(o.Params, "isfuzzy")
	return ok && strings.EqualFold(v, "true")
}

// fuzzyLeg analyzes one leg of `union isfuzzy=true`. Kusto reduces the union's sources to the
// legs that resolve: a leg that names a table, function or column the database does not have
// (SEM0100) is dropped and its error returned instead; when no leg resolves, the union fails
// with the first leg's error (the caller raises it). Other errors (bad arguments, types) are
// not resolution failures and stop the query as usual.
func (a *analyzer) fuzzyLeg(sc *scope, t ast.Expr) (n exec.Node, missing *diag.Error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*diag.Error); ok && e.Code == diag.CodeUnknownName {
				n, missing = nil, e
				return
			}
			panic(r)
		}
	}()
	return a.tabularIn(sc, t, nil, "union"), nil
}
