package exec

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// joinSide builds a table of n rows: a string key from a small domain ("" included), a
// long key with nulls, and the row number.
func joinSide(t *testing.T, n, domain int, seed uint64) *Table {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 3))
	b := NewBuilder("T", []Column{{Name: "S", Type: types.String}, {Name: "L", Type: types.Long}, {Name: "Row", Type: types.Long}})
	for i := 0; i < n; i++ {
		s := ""
		if k := r.IntN(domain + 1); k > 0 {
			s = fmt.Sprintf("k%d", k)
		}
		var l any = int64(r.IntN(domain))
		if r.IntN(7) == 0 {
			l = nil
		}
		if err := b.Append([]any{s, l, int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Table()
}

var allJoinKinds = []string{JoinInnerUnique, JoinInner, JoinLeftOuter, JoinRightOuter, JoinFullOuter,
	JoinLeftSemi, JoinLeftAnti, JoinRightSemi, JoinRightAnti}

// TestTypedJoinEqualsGeneric checks the typed hash join (string and long keys, sequential and
// split over 2-5 workers, partitioned build) against the generic Grouper join, pair for pair
// in order, for every join kind, with duplicates, empty strings, null longs and empty sides.
func TestTypedJoinEqualsGeneric(t *testing.T) {
	shapes := []struct{ ln, rn, domain int }{{0, 0, 3}, {0, 50, 3}, {50, 0, 3}, {1, 1, 1}, {200, 300, 5}, {3000, 2000, 400}, {5000, 5000, 20000}}
	for _, sh := range shapes {
		lt, rt := joinSide(t, sh.ln, sh.domain, 1), joinSide(t, sh.rn, sh.domain, 2)
		for _, kind := range allJoinKinds {
			for key, typ := range []types.Type{types.String, types.Long} {
				j := &Join{Kind: kind, LeftKeys: []Expr{ColumnExpr(key, typ)}, RightKeys: []Expr{ColumnExpr(key, typ)}}
				env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
				want, err := j.genericPairs(env, lt, rt)
				if err != nil {
					t.Fatal(err)
				}
				for _, workers := range []int{1, 2, 3, 5} {
					for _, countOnly := range []bool{false, true} {
						env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
						env.Workers, env.ParallelMinRows = workers, 1
						path := []string{"as planned"}
						if typ == types.String {
							path = append(path, "texts", "left dictionary", "right dictionary", "shared dictionary")
						}
						for _, p := range path {
							got, err := joinBy(env, j, p, lt, rt, countOnly)
							if err != nil || got == nil {
								t.Fatalf("%v %s %s: %v, %v", sh, kind, p, got, err)
							}
							name := fmt.Sprintf("%v %s key %s by %s, %d workers, count only %v", sh, kind, typ, p, workers, countOnly)
							checkPairs(t, name, got, want, countOnly)
						}
					}
				}
			}
		}
	}
}

// joinBy runs j's typed join by the given key path: as planned (typedPairs), or on string
// keys by texts, by codes of the left's or the right's dictionary (the other side
// translated), or by codes of one dictionary both sides share (views of one column).
func joinBy(env *Env, j *Join, path string, lt, rt *Table, countOnly bool) (*joinPairs, error) {
	lv, rv := lt.Vecs[0], rt.Vecs[0]
	switch path {
	case "texts":
		seed := maphash.MakeSeed()
		return hashJoin(env, j.Kind, strKeys{lv.S, seed}, strKeys{rv.S, seed}, lt.N, rt.N, countOnly)
	case "left dictionary", "right dictionary":
		ld, _ := buildDict(lv.S)
		rd, _ := buildDict(rv.S)
		if ld == nil || rd == nil {
			return j.typedPairs(env, lt, rt, countOnly) // too many values for a dictionary
		}
		if path == "left dictionary" {
			rc, err := translate(env, ld, rv.S)
			if err != nil {
				return nil, err
			}
			return hashJoin(env, j.Kind, codeKeys{ld.Codes}, codeKeys{rc}, lt.N, rt.N, countOnly)
		}
		lc, err := translate(env, rd, lv.S)
		if err != nil {
			return nil, err
		}
		return hashJoin(env, j.Kind, codeKeys{lc}, codeKeys{rd.Codes}, lt.N, rt.N, countOnly)
	case "shared dictionary":
		both := append(append([]string(nil), lv.S...), rv.S...)
		d, _ := buildDict(both)
		if d == nil {
			return j.typedPairs(env, lt, rt, countOnly)
		}
		return hashJoin(env, j.Kind, codeKeys{d.Codes[:lt.N]}, codeKeys{d.Codes[lt.N:]}, lt.N, rt.N, countOnly)
	}
	return j.typedPairs(env, lt, rt, countOnly)
}

func checkPairs(t *testing.T, name string, got, want *joinPairs, countOnly bool) {
	t.Helper()
	if got.n != want.n {
		t.Errorf("%s: %d rows, want %d", name, got.n, want.n)
	}
	if countOnly {
		if got.li != nil || got.ri != nil {
			t.Errorf("%s: pairs kept", name)
		}
		return
	}
	if !slices.Equal(got.li, want.li) || !slices.Equal(got.ri, want.ri) {
		t.Errorf("%s:\n got  %v %v\n want %v %v", name, head(got.li), head(got.ri), head(want.li), head(want.ri))
	}
}

func head(x []int32) []int32 { return x[:min(len(x), 20)] }

// TestJoinExactRows pins each kind's rows on a small example (the Kusto docs' semantics:
// innerunique keeps one left row per key, outer kinds pad with nulls, right kinds list right
// rows in their order).
func TestJoinExactRows(t *testing.T) {
	mk := func(keys ...string) *Table {
		b := NewBuilder("T", []Column{{Name: "K", Type: types.String}})
		for _, k := range keys {
			_ = b.Append([]any{k})
		}
		return b.Table()
	}
	lt, rt := mk("a", "b", "a", "c", ""), mk("b", "a", "d", "a", "")
	cases := map[string]string{
		JoinInnerUnique: "[0 0 1 4] [1 3 0 4]", // left rows 0 (a), 1 (b), 3 (c), 4 ("") are their keys' first
		JoinInner:       "[0 0 1 2 2 4] [1 3 0 1 3 4]",
		JoinLeftOuter:   "[0 0 1 2 2 3 4] [1 3 0 1 3 -1 4]",
		JoinRightOuter:  "[0 0 1 2 2 4 -1] [1 3 0 1 3 4 2]",
		JoinFullOuter:   "[0 0 1 2 2 3 4 -1] [1 3 0 1 3 -1 4 2]",
		JoinLeftSemi:    "[0 1 2 4] []",
		JoinLeftAnti:    "[3] []",
		JoinRightSemi:   "[] [0 1 3 4]",
		JoinRightAnti:   "[] [2]",
	}
	for kind, want := range cases {
		j := &Join{Kind: kind, LeftKeys: []Expr{ColumnExpr(0, types.String)}, RightKeys: []Expr{ColumnExpr(0, types.String)}}
		for _, workers := range []int{1, 3} {
			env := NewEnv(context.Background(), nil, nil, 0, 1, 0)
			env.Workers, env.ParallelMinRows = workers, 1
			p, err := j.typedPairs(env, lt, rt, false)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprint(orEmpty(p.li), " ", orEmpty(p.ri))
			if got != want {
				t.Errorf("%s, %d workers: %s, want %s", kind, workers, got, want)
			}
		}
	}
}

func orEmpty(x []int32) []int32 {
	if x == nil {
		return []int32{}
	}
	return x
}
