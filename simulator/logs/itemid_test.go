package logs

import (
	"fmt"
	"testing"
	"time"
)

// itemIDByFormat is appendItemID as it was written with fmt: the reference.
func itemIDByFormat(salt uint64, k candidate) string {
	a := mix64(salt ^ k.key)
	b := mix64(a ^ uint64(k.rs.times[k.i].UnixNano()))
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, uint16(b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

// TestAppendItemID: the _ItemId written digit by digit equals the fmt formatting it
// replaced, for keys and times at the edges (zeros, all ones) and in between.
func TestAppendItemID(t *testing.T) {
	times := []time.Time{time.Unix(0, 0), time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC), time.Unix(0, -1), time.Unix(1<<40, 999)}
	rs := &rowSet{times: times}
	for _, salt := range []uint64{0, 1, tableKey("SigninLogs"), ^uint64(0)} {
		for _, key := range []uint64{0, 1, 0xffff, 1 << 63, ^uint64(0), 0x0123456789abcdef} {
			for i := range times {
				k := candidate{rs: rs, i: i, key: key}
				got, want := string(appendItemID(nil, salt, k)), itemIDByFormat(salt, k)
				if got != want {
					t.Errorf("salt %x key %x time %v: %s, want %s", salt, key, times[i], got, want)
				}
				if len(got) != 36 {
					t.Errorf("an _ItemId of %d bytes: %s", len(got), got)
				}
			}
		}
	}
	if got := string(appendHex([]byte("x"), 0xabc, 5)); got != "x00abc" {
		t.Errorf("appendHex = %q, want x00abc", got)
	}
}

// FuzzAppendItemID: any key, salt and time give the reference's text.
func FuzzAppendItemID(f *testing.F) {
	f.Add(uint64(0), uint64(0), int64(0))
	f.Add(^uint64(0), uint64(7), int64(-1))
	f.Fuzz(func(t *testing.T, salt, key uint64, nanos int64) {
		k := candidate{rs: &rowSet{times: []time.Time{time.Unix(0, nanos)}}, key: key}
		if got, want := string(appendItemID(nil, salt, k)), itemIDByFormat(salt, k); got != want {
			t.Errorf("%s, want %s", got, want)
		}
	})
}
