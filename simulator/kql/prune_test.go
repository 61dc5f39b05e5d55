package kql

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/exec"
)

// needs lists, top-down, the operators of a plan that late materialisation narrowed and the
// columns each still produces ("*" for every column), e.g. "Filter[UserPrincipalName]".
func needs(n exec.Node) []string {
	names := func(cols []exec.Column, need []bool) string {
		if need == nil {
			return "*"
		}
		var out []string
		for i, c := range cols {
			if need[i] {
				out = append(out, c.Name)
			}
		}
		return strings.Join(out, ",")
	}
	switch x := n.(type) {
	case *exec.Filter:
		return append([]string{"Filter[" + names(x.Columns(), x.Need) + "]"}, needs(x.In)...)
	case *exec.Sort:
		return append([]string{"Sort[" + names(x.Columns(), x.Need) + "]"}, needs(x.In)...)
	case *exec.Project:
		return append([]string{"Project[" + names(x.Columns(), x.Need) + "]"}, needs(x.In)...)
	case *exec.Join:
		return append(append([]string{"Join[" + names(x.Columns(), x.Need) + "]"}, needs(x.Left)...), needs(x.Right)...)
	case *exec.Union:
		out := []string{"Union[" + names(x.Columns(), x.Need) + "]"}
		for _, in := range x.Inputs {
			out = append(out, needs(in)...)
		}
		return out
	case *exec.Take:
		return needs(x.In)
	case *exec.CountRows:
		return needs(x.In)
	case *exec.Summarize:
		return needs(x.In)
	}
	return nil
}

// unpruned copies a plan with every Need cleared: the plan as it ran before late
// materialisation, to compare results with.
func unpruned(n exec.Node) exec.Node {
	switch x := n.(type) {
	case *exec.Filter:
		c := *x
		c.Need, c.In = nil, unpruned(x.In)
		return &c
	case *exec.Sort:
		c := *x
		c.Need, c.In = nil, unpruned(x.In)
		return &c
	case *exec.Project:
		c := *x
		c.Need, c.In = nil, unpruned(x.In)
		return &c
	case *exec.Join:
		c := *x
		c.Need, c.Left, c.Right = nil, unpruned(x.Left), unpruned(x.Right)
		return &c
	case *exec.Union:
		c := *x
		c.Need, c.Inputs = nil, make([]exec.Node, len(x.Inputs))
		for k, in := range x.Inputs {
			c.Inputs[k] = unpruned(in)
		}
		return &c
	case *exec.Take:
		c := *x
		c.In = unpruned(x.In)
		return &c
	case *exec.CountRows:
		c := *x
		c.In = unpruned(x.In)
		return &c
	case *exec.Summarize:
		c := *x
		c.In = unpruned(x.In)
		return &c
	}
	return n
}

// TestLateMaterialisation checks which columns each narrowed operator still gathers and that
// the narrowed plan's result is the full plan's, byte for byte, with 1 and 4 workers.
func TestLateMaterialisation(t *testing.T) {
	db := NewDatabase(genSignins(3000), genKeyed("L", 2000, 500, 5), genKeyed("R", 2000, 500, 6))
	cases := []struct {
		query string
		want  string
	}{
		{"SigninLogs | where ResultType == 0 and RiskLevelDuringSignIn in ('high', 'medium') | summarize count() by UserPrincipalName",
			"Filter[UserPrincipalName]"},
		{"SigninLogs | where AppDisplayName contains 'vault' or AppDisplayName contains 'storage' | count", "Filter[]"},
		{"SigninLogs | take 1000 | join (SigninLogs | serialize | where row_number() between (1001 .. 2000)) on UserPrincipalName | count",
			"Join[] Filter[UserPrincipalName]"},
		{"SigninLogs | where TimeGenerated > ago(1h) | where ResultType == 0 | where LocationDetails.city != '' | summarize SignIns = count() by UserPrincipalName, City = tostring(LocationDetails.city)",
			"Filter[UserPrincipalName,LocationDetails]"},
		{"SigninLogs | where ResultType == 0 | sort by TimeGenerated asc, UserPrincipalName desc | project UserPrincipalName, IPAddress",
			"Project[*] Sort[UserPrincipalName,IPAddress] Filter[TimeGenerated,UserPrincipalName,IPAddress]"},
		{"SigninLogs | where ResultType == 0 | top 5 by IPAddress | project AppDisplayName",
			"Project[*] Sort[AppDisplayName] Filter[IPAddress,AppDisplayName]"},
		{"SigninLogs | where ResultType == 0 | extend p = pack_all() | project p", "Project[*] Project[p] Filter[*]"},
		{"SigninLogs | where ResultType == 0 | extend a = strlen(IPAddress), b = toupper(AppDisplayName) | summarize sum(a) by UserPrincipalName",
			"Project[UserPrincipalName,a] Project[UserPrincipalName,a] Filter[UserPrincipalName,IPAddress]"},
		{"SigninLogs | where ResultType == 0 | summarize arg_max(TimeGenerated, *) by UserPrincipalName", "Filter[*]"},
		{"SigninLogs | where ResultType == 0 | project-away LocationDetails | count", "Project[] Filter[]"},
		{"SigninLogs | where ResultType == 0 | where IPAddress startswith '185.1' | project IPAddress", "Project[*] Filter[IPAddress]"},
		{"SigninLogs | where ResultType == 0 | search 'Teams' | count", "Filter[] Filter[*]"},
		{"L | join kind=leftouter (R | where V > 10) on Key | project Key, V1", "Project[*] Join[Key,V1] Filter[*]"},
		{"L | join kind=rightanti (R | where V > 10) on Key | summarize count() by Key", "Join[Key] Filter[Key]"},
		{"L | join kind=leftsemi (R | where V > 10) on Key | count", "Join[] Filter[Key]"},
		{"L | where V < 1500 | join kind=fullouter (R | where V > 10) on $left.Key == $right.Key | where V1 > 100 | project V",
			"Project[*] Filter[V] Join[V,V1] Filter[*] Filter[*]"},
		{"L | lookup (R | where V > 10) on Key | take 3 | project V1", "Project[*] Join[V1] Filter[*]"},
		{"let x = L | where V > 5; x | join x on Key | count", "Join[]"},
		{"L | as T | where V > 5 | project Key", "Project[*] Filter[Key]"},
		{"L | where V > 5 | extend k = tolower(Key) | join kind=inner (R | where V > 5 | extend k = tolower(Key)) on $left.k == $right.k | count",
			"Join[] Project[k] Filter[Key] Project[k] Filter[Key]"},
		{"L | where V > 5 | summarize make_set(Key) by bin(V, 100) | count", "Filter[*]"},
		{"L | where V > 5 | summarize count() by bin(V, 100) | count", "Filter[V]"},
		{"L | where V > 5 | getschema", ""},
		{"union SigninLogs, (SigninLogs | where ResultType == 0) | where AppDisplayName contains 'Teams' | count",
			"Filter[] Union[AppDisplayName] Filter[AppDisplayName]"},
		{"union withsource=T L, (R | where V > 1) | summarize count() by T", "Union[T] Filter[]"},
		{"union L, (R | extend W = V * 2) | where W > 10 | project Key", "Project[*] Filter[Key] Union[Key,W] Project[Key,W]"},
		{"union kind=inner L, (R | project Key) | sort by Key asc", "Sort[*] Union[*] Project[*]"},
	}
	for _, c := range cases {
		q, err := Compile(c.query, db.Catalog(), CompileOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got := strings.Join(needs(q.plan.Root), " "); got != c.want {
			t.Errorf("%s\n gathers %s\n want    %s", c.query, got, c.want)
		}
		full := *q
		plan := *q.plan
		plan.Root = unpruned(q.plan.Root)
		full.plan = &plan
		for _, workers := range []int{1, 4} {
			got, want := runPlanJSON(t, q, db, workers), runPlanJSON(t, &full, db, workers)
			if got != want {
				t.Errorf("%s (%d workers):\n narrowed %.300s\n full     %.300s", c.query, workers, got, want)
			}
		}
	}
}

func runPlanJSON(t *testing.T, q *Query, db Database, workers int) string {
	t.Helper()
	res, err := q.Run(context.Background(), db, RunOptions{Now: benchNow, Workers: workers, ParallelMinRows: 1})
	if err != nil {
		return "error: " + err.Error()
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestPeakMemory checks Result.PeakMemory: the most the run's budget held, here the range's
// column and the extend's (two columns of 200 000 longs, 1.6 MB), below what the run allocates
// in all; a query that holds one value reports its bytes.
func TestPeakMemory(t *testing.T) {
	for _, c := range []struct {
		query    string
		min, max int64
	}{
		{"range x from 1 to 200000 step 1 | extend y = x * 2 | summarize sum(y)", 3_000_000, 8_000_000},
		{"print 1", 0, 64},
	} {
		q, err := Compile(c.query, MapCatalog{}, CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := q.Run(context.Background(), nil, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.PeakMemory < c.min || res.PeakMemory > c.max {
			t.Errorf("%s: peak %d bytes, want %d..%d", c.query, res.PeakMemory, c.min, c.max)
		}
	}
}

// TestPruneKeepsColumnsItCannotPlace checks plans where a projection's item reads unknown
// columns before a passthrough (the post-aggregation projection of summarize), and that
// a narrowed operator whose input turns out wider at run time gathers every column.
func TestPruneKeepsColumnsItCannotPlace(t *testing.T) {
	db := NewDatabase(genKeyed("L", 200, 50, 5))
	for _, c := range []struct{ query, want string }{
		{"L | where V > 5 | summarize n = count(), ks = array_sort_asc(make_set(Key)), m = min(V)", `"rows":[[194,["key-000000",`},
		{"L | where V > 5 | summarize n = count() > 0, t = min(V)", `"rows":[[true,6]]`},
	} {
		got := runWith(c.query, db.Catalog(), db, 1)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %.300s, want %s", c.query, got, c.want)
		}
	}
	tbl := genKeyed("L", 100, 10, 5)
	narrow := tbl.GatherNeeded(nil, []int32{3, 1}, []bool{true}) // a Need of one column over two
	if narrow.Vecs[0].Len() != 2 || narrow.Vecs[1].Len() != 2 {
		t.Errorf("a Need that does not match the table's columns must gather all: %d, %d", narrow.Vecs[0].Len(), narrow.Vecs[1].Len())
	}
}

// TestSortTakeIsTop checks that `sort | take n` (run as top n) keeps the rows of a full sort
// followed by take (forced by a projection between them), ties in row order, with 1 and 4
// workers.
func TestSortTakeIsTop(t *testing.T) {
	db := hotpathTable(t, 3000)
	for _, sort := range []string{"sort by n asc", "sort by n desc nulls first", "order by s asc, n desc", "sort by strlen(s) asc"} {
		for _, n := range []string{"0", "1", "7", "500", "2999", "5000", "-3"} {
			top := "T | " + sort + " | take " + n + " | project i"
			full := "T | " + sort + " | extend z = 0 | take " + n + " | project i"
			q, err := Compile(top, db.Catalog(), CompileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := q.plan.Root.(*exec.Project).In.(*exec.Sort); !ok || s.Limit == nil {
				t.Fatalf("%s: not run as top", top)
			}
			for _, workers := range []int{1, 4} {
				if a, b := runWith(top, db.Catalog(), db, workers), runWith(full, db.Catalog(), db, workers); a != b {
					t.Errorf("%s (%d workers):\n top  %.300s\n full %.300s", top, workers, a, b)
				}
			}
		}
	}
}

// TestPruneRandomPipelines runs 300 random pipelines of filters, extends, sorts, takes, tops,
// joins, unions and row_number windows, ended by a reader of few columns (count, summarize,
// project) or by none, narrowed and full, with 1 and 4 workers, and wants the same result.
func TestPruneRandomPipelines(t *testing.T) {
	db := hotpathTable(t, 3000)
	mids := []string{
		"where n > 1", "where s contains 'a'", "where i % 3 == 0", "extend x = i * 2", "extend y = strlen(s)",
		"sort by n asc", "sort by s desc, i asc", "take 500", "top 50 by i desc", "serialize | where row_number() between (10 .. 900)",
		"join kind=inner (T | where n == 2 | project s, m = n) on s", "join kind=leftouter (T | where i < 50 | project s, m = i) on s",
		"join kind=leftsemi (T | where n == 3) on s", "join kind=rightanti (T | where n == 1) on s",
		"union (T | where i < 100)", "where isnotempty(s) and n != 4", "extend z = strcat(s, '-', tostring(n))",
	}
	ends := []string{"| count", "| summarize count() by n", "| project s", "| project i, s", "", "| summarize max(i), dcount(s)",
		"| take 5 | project n", "| summarize make_set(s, 5) by bin(i, 1000)", "| project-away s"}
	r := rand.New(rand.NewPCG(14, 1))
	ran, failed := 0, 0
	for k := 0; k < 300; k++ {
		query := "T"
		for m := r.IntN(5); m >= 0; m-- {
			query += " | " + mids[r.IntN(len(mids))]
		}
		query += " " + ends[r.IntN(len(ends))]
		q, err := Compile(query, db.Catalog(), CompileOptions{})
		if err != nil {
			continue // e.g. a join's right-side columns named again
		}
		full := *q
		plan := *q.plan
		plan.Root = unpruned(q.plan.Root)
		full.plan = &plan
		for _, workers := range []int{1, 4} {
			got, want := runPlanJSON(t, q, db, workers), runPlanJSON(t, &full, db, workers)
			if got != want {
				t.Errorf("%s (%d workers):\n narrowed %.300s\n full     %.300s", query, workers, got, want)
			}
			if strings.HasPrefix(got, "error") {
				failed++
			}
		}
		ran++
	}
	if ran < 220 || failed > ran/10 {
		t.Fatalf("%d of 300 pipelines compiled, %d runs failed", ran, failed)
	}
}
