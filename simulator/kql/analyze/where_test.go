package analyze_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/analyze"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/parser"
)

// TestWhereTrueIsDropped: a `where` whose predicate folds to true adds no operator (a
// pipeline of 50,000 of them, the hostile query, costs nothing per row), while
// other predicates still make one fused filter.
func TestWhereTrueIsDropped(t *testing.T) {
	cases := []struct {
		query string
		root  string // the plan root's type
		preds int    // the root filter's predicates (when it is a filter)
	}{
		{"range x from 1 to 5 step 1 | where true", "*exec.Range", 0},
		{"range x from 1 to 5 step 1 | where 1 == 1 and true", "*exec.Range", 0},
		{"range x from 1 to 5 step 1" + strings.Repeat(" | where true", 50000), "*exec.Range", 0},
		{"range x from 1 to 5 step 1 | where true | where x > 2 | where true | where x < 5", "*exec.Filter", 2},
		{"range x from 1 to 5 step 1 | where false", "*exec.Filter", 1},
		{"range x from 1 to 5 step 1 | where bool(null)", "*exec.Filter", 1},
		{"range x from 1 to 5 step 1 | where x > 2", "*exec.Filter", 1},
	}
	for _, c := range cases {
		script, err := parser.Parse(c.query)
		if err != nil {
			t.Fatalf("%.60s: %v", c.query, err)
		}
		plan, err := analyze.Analyze(script, nil)
		if err != nil {
			t.Fatalf("%.60s: %v", c.query, err)
		}
		got := fmt.Sprintf("%T", plan.Root)
		preds := 0
		if f, ok := plan.Root.(*exec.Filter); ok {
			preds = len(f.Preds)
		}
		if got != c.root || preds != c.preds {
			t.Errorf("%.60s: root %s with %d predicates; want %s with %d", c.query, got, preds, c.root, c.preds)
		}
	}
}
