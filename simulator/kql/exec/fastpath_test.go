package exec

import (
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// pairRows are grouping keys that must group exactly as Grouper's byte encoding groups them:
// nulls apart from zero and "", -0 with +0, int with long, dynamic by value.
var pairRows = [][]types.Value{
	{types.NewLong(1), types.NewString("a")},
	{types.NewInt(1), types.NewString("a")},
	{types.NullOf(types.Long), types.NewString("a")},
	{types.NewLong(0), types.NewString("")},
	{types.NullOf(types.Long), types.NewString("")},
	{types.NewReal(0), types.NewString("b")},
	{types.NewReal(math.Copysign(0, -1)), types.NewString("b")},
	{types.NewDateTime(types.TicksToTime(0)), types.NewString("b")},
	{types.NewLong(0), types.NewString("b")},
	{types.NewDynamic(map[string]any{"x": int64(1)}), types.NewString("b")},
	{types.NewDynamic(map[string]any{"x": int64(1)}), types.NewString("b")},
	{types.NewDynamic(map[string]any{"x": 1.0}), types.NewString("b")},
	{types.NewDynamic("b"), types.NewString("b")},
	{types.NewString("b"), types.NewDynamic("b")},
	{types.NewString("b"), types.NewString("b")},
}

func TestPairGrouperMatchesGrouper(t *testing.T) {
	for _, width := range []int{1, 2} {
		want, got := NewGrouper(), NewPairGrouper(1)
		for r, row := range pairRows {
			wid, wnew := want.ID(row[:width])
			gid, gnew := got.ID(row[:width])
			if wid != gid || wnew != gnew {
				t.Errorf("width %d row %d: PairGrouper gave (%d, %v), Grouper (%d, %v)", width, r, gid, gnew, wid, wnew)
			}
		}
		if want.Len() != got.Len() {
			t.Errorf("width %d: %d groups, want %d", width, got.Len(), want.Len())
		}
		// The batch form gives the same ids and reports the new groups' keys in order.
		batch := NewPairGrouper(1)
		var flat []types.Value
		for _, row := range pairRows {
			flat = append(flat, row[:width]...)
		}
		gids := make([]int32, len(pairRows))
		var newKeys [][]types.Value
		batch.IDs(flat, width, gids, func(v []types.Value) { newKeys = append(newKeys, v) })
		check := NewGrouper()
		for r, row := range pairRows {
			id, isNew := check.ID(row[:width])
			if gids[r] != id {
				t.Errorf("width %d row %d: IDs gave %d, Grouper %d", width, r, gids[r], id)
			}
			if isNew && !reflect.DeepEqual(newKeys[id], row[:width]) {
				t.Errorf("width %d: new group %d reported as %v, want %v", width, id, newKeys[id], row[:width])
			}
		}
		if len(newKeys) != check.Len() {
			t.Errorf("width %d: %d new groups reported, want %d", width, len(newKeys), check.Len())
		}
	}
}

// TestPairGrouperGrows crosses several table and dictionary growths.
func TestPairGrouperGrows(t *testing.T) {
	g := NewPairGrouper(0)
	key := func(i int) []types.Value {
		return []types.Value{types.NewLong(int64(i % 97)), types.NewString(fmt.Sprintf("user%d", i))}
	}
	for i := 0; i < 5000; i++ {
		if id, isNew := g.ID(key(i)); id != int32(i) || !isNew {
			t.Fatalf("row %d: got (%d, %v), want (%d, true)", i, id, isNew, i)
		}
	}
	for i := 0; i < 5000; i++ {
		if id, isNew := g.ID(key(i)); id != int32(i) || isNew {
			t.Fatalf("second pass row %d: got (%d, %v), want (%d, false)", i, id, isNew, i)
		}
	}
}

func TestGroupSet(t *testing.T) {
	var s groupSet
	for round := 0; round < 2; round++ {
		for g := int32(0); g < 300; g++ {
			for h := uint64(0); h < 20; h++ {
				if isNew := s.add(g, h*0x1234567); isNew != (round == 0) {
					t.Fatalf("round %d, group %d, hash %d: new=%v", round, g, h, isNew)
				}
			}
		}
	}
	if s.n != 300*20 {
		t.Errorf("%d pairs, want %d", s.n, 300*20)
	}
}

func TestStrTable(t *testing.T) {
	keys := []string{"a", "b", "a", "", "c", "b"}
	tab := newStrTable(2)
	for i, k := range keys {
		h := tab.hash(k)
		slot, found := tab.find(k, h, keys)
		first := -1
		for j := 0; j < i; j++ {
			if keys[j] == k {
				first = j
				break
			}
		}
		if found != (first >= 0) || (found && tab.slots[slot].v != int32(first)) {
			t.Fatalf("key %d %q: found=%v v=%d, want first %d", i, k, found, tab.slots[slot].v, first)
		}
		if !found {
			if 2*(tab.n+1) > len(tab.slots) {
				tab.grow()
				slot, _ = tab.find(k, h, keys)
			}
			tab.put(slot, h, int32(i))
		}
	}
	if tab.n != 4 {
		t.Errorf("%d distinct keys, want 4", tab.n)
	}
}

func BenchmarkGrouperDateTimeString(b *testing.B) {
	benchGroupers(b, func() interface {
		ID([]types.Value) (int32, bool)
	} {
		return NewGrouper()
	})
}

func BenchmarkPairGrouperDateTimeString(b *testing.B) {
	benchGroupers(b, func() interface {
		ID([]types.Value) (int32, bool)
	} {
		return NewPairGrouper(1 << 14)
	})
}

// benchGroupers groups 100k rows by (5-minute bin, one of 5000 callers): rule 3's keys.
func benchGroupers(b *testing.B, mk func() interface {
	ID([]types.Value) (int32, bool)
}) {
	callers := make([]string, 5000)
	for i := range callers {
		callers[i] = fmt.Sprintf("user%04d@contoso.com", i)
	}
	vals := make([]types.Value, 2)
	b.ReportAllocs()
	for n := 0; n < b.N; n++ {
		g := mk()
		for i := 0; i < 100_000; i++ {
			vals[0] = types.Value{T: types.DateTime, I: int64(i*7919%12) * 3_000_000_000}
			vals[1] = types.NewString(callers[i*104729%5000])
			g.ID(vals)
		}
	}
}

func BenchmarkGroupSetAdd(b *testing.B) {
	b.ReportAllocs()
	for n := 0; n < b.N; n++ {
		var s groupSet
		for i := 0; i < 100_000; i++ {
			s.add(int32(i%6000), uint64(i%300)*0x9E3779B97F4A7C15)
		}
	}
}
