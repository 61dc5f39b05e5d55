package funcs

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func TestBoxIntsEqualsBoxing(t *testing.T) {
	for _, vals := range [][]int64{{}, {0}, {1, 255, 256, -1}, {math.MinInt64, math.MaxInt64, 7}} {
		got := boxInts(append([]int64(nil), vals...))
		want := make([]any, len(vals))
		for i, v := range vals {
			want[i] = v
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v: got %#v", vals, got)
		}
		for i := range got {
			if x, ok := got[i].(int64); !ok || x != vals[i] || got[i] != want[i] {
				t.Errorf("%v: element %d is %#v", vals, i, got[i])
			}
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if string(gj) != string(wj) {
			t.Errorf("%v: JSON %s, want %s", vals, gj, wj)
		}
	}
}

// BenchmarkRangeArray is range(1, 1000000, 1): one array of numbers, not a million objects.
func BenchmarkRangeArray(b *testing.B) {
	c := &Context{}
	b.ReportAllocs()
	for b.Loop() {
		rangeInts(c, 1, 1000000, 1)
	}
}
