package simulator

import (
	"testing"
	"time"
)

// TestTransactionsSeeEveryClockChange: the decoded clock is memoized by its stored bytes, so
// every change (freeze, advance, set, resume) must show in the next transaction's Now.
func TestTransactionsSeeEveryClockChange(t *testing.T) {
	real := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w, err := Open(t.TempDir(), Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ten, err := w.TenantByName(DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) time.Time { return time.Date(2025, 1, 15, h, m, 0, 0, time.UTC) }
	steps := []struct {
		name   string
		change func() error
		want   time.Time
	}{
		{"fresh", func() error { return nil }, at(7, 0)},
		{"freeze", func() error { _, err := w.Freeze(ten.ID); return err }, at(7, 0)},
		{"advance 5m", func() error { _, err := w.Advance(ten.ID, 5*time.Minute); return err }, at(7, 5)},
		{"set 10:00", func() error { _, err := w.SetTime(ten.ID, at(10, 0)); return err }, at(10, 0)},
		{"advance 1h", func() error { _, err := w.Advance(ten.ID, time.Hour); return err }, at(11, 0)},
		{"reset", func() error { return w.Reset(ten.ID) }, at(7, 0)},
	}
	for _, s := range steps {
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, run := range []func(string, func(*TenantTx) error) error{w.View, w.Update} {
			var got time.Time
			if err := run(ten.ID, func(tx *TenantTx) error { got = tx.Now(); return nil }); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(s.want) {
				t.Errorf("%s: transaction time %v, want %v", s.name, got, s.want)
			}
		}
	}
}
