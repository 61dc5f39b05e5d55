package querylog

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/soclab/soclab/simulator"
)

// coll is the tenant collection of the log.
const coll = "querylog"

// MaxEntries bounds the log per tenant (the oldest go first).
const MaxEntries = 500

// maxQuery bounds the text kept of one query.
const maxQuery = 16 << 10

// Entry is one query run.
type Entry struct {
	// Seq orders the entries of a tenant (1, 2, ...).
	Seq int `json:"seq"`
	// At is the tenant clock when the query ran.
	At time.Time `json:"at"`
	// Face is how it was run: "loganalytics" (the query API) or "soclab-kql".
	Face      string `json:"face"`
	Workspace string `json:"workspace"`
	// Caller is the UPN or app id of the token, "" for the control face.
	Caller string `json:"caller,omitempty"`
	Query  string `json:"query"`
	// Rows is the result's row count; Error the failure's message ("" when it succeeded).
	Rows  int    `json:"rows"`
	Error string `json:"error,omitempty"`
}

// Succeeded reports whether the query ran to a result.
func (e Entry) Succeeded() bool { return e.Error == "" }

type counter struct {
	N int `json:"n"`
}

func key(n int) string { return fmt.Sprintf("q/%012d", n) }

// Record appends an entry to the tenant's log in its own transaction (stamped with the tenant
// clock), dropping the oldest beyond MaxEntries.
func Record(w *simulator.World, tenantID string, e Entry) error {
	if len(e.Query) > maxQuery {
		e.Query = e.Query[:maxQuery]
	}
	err := w.Update(tenantID, func(tx *simulator.TenantTx) error {
		var c counter
		if _, err := tx.GetJSON(coll, "seq", &c); err != nil {
			return err
		}
		c.N++
		e.Seq, e.At = c.N, tx.Now().UTC()
		if err := tx.PutJSON(coll, key(c.N), e); err != nil {
			return err
		}
		if old := c.N - MaxEntries; old > 0 {
			if err := tx.Delete(coll, key(old)); err != nil {
				return err
			}
		}
		return tx.PutJSON(coll, "seq", c)
	})
	if err != nil {
		return fmt.Errorf("querylog: record: %w", err)
	}
	return nil
}

// List returns the tenant's entries, oldest first.
func List(tx *simulator.TenantTx) ([]Entry, error) {
	var out []Entry
	err := tx.Scan(coll, "q/", func(k string, raw []byte) error {
		var e Entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("querylog: decode %s: %w", k, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Normalize is a query's text for comparison: whitespace and comments dropped (they change
// nothing in what runs), so a query copied from an answer matches however it was wrapped or
// indented. String literals keep their whitespace.
func Normalize(q string) string {
	var b strings.Builder
	var quote rune
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			b.WriteRune(r)
			if r == '\\' && i+1 < len(rs) {
				i++
				b.WriteRune(rs[i])
			} else if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
			b.WriteRune(r)
		case r == '/' && i+1 < len(rs) && rs[i+1] == '/':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case unicode.IsSpace(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Ran finds the first successful entry whose query contains query (both normalized), so a
// copy with a filter or a `take` added after it still counts.
func Ran(entries []Entry, query string) (Entry, bool) {
	want := Normalize(query)
	if want == "" {
		return Entry{}, false
	}
	for _, e := range entries {
		if e.Succeeded() && strings.Contains(Normalize(e.Query), want) {
			return e, true
		}
	}
	return Entry{}, false
}
