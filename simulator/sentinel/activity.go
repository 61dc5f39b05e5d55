package sentinel

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// activityColl holds every incident's activity log (the portal's Activity log pane), keyed
// by lower-case incident id + "/" + a tenant-wide sequence, so one prefix scan reads one
// incident's log in order.
const activityColl = "sentinel-incident-activity"

const activitySeqKey = "incidentActivitySeq"

// ActivityEntry is one line of an incident's activity log: who did what, when.
type ActivityEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Source Source    `json:"source"`
	// Message is a verb phrase ("changed status from New to Active").
	Message string `json:"message"`
}

// Text is the entry as one sentence: "Automation rule 'X' changed status from New to Active".
func (e ActivityEntry) Text() string {
	if e.By == "" {
		return strings.ToUpper(e.Message[:1]) + e.Message[1:]
	}
	return e.By + " " + e.Message
}

// AddIncidentActivity appends an entry to an incident's activity log; At defaults to the
// transaction's time.
func AddIncidentActivity(tx *simulator.TenantTx, incidentID string, e ActivityEntry) error {
	if e.Message == "" {
		return fmt.Errorf("incident activity for %s: empty message", incidentID)
	}
	if e.At.IsZero() {
		e.At = tx.Now().UTC()
	}
	var n uint64
	if _, err := tx.GetJSON(coll, activitySeqKey, &n); err != nil {
		return err
	}
	n++
	if err := tx.PutJSON(coll, activitySeqKey, n); err != nil {
		return err
	}
	return tx.PutJSON(activityColl, activityPrefix(incidentID)+string(simulator.SeqKey(n)), e)
}

// IncidentActivity returns an incident's activity log, oldest first.
func IncidentActivity(tx *simulator.TenantTx, incidentID string) ([]ActivityEntry, error) {
	var out []ActivityEntry
	err := tx.Scan(activityColl, activityPrefix(incidentID), func(_ string, v []byte) error {
		var e ActivityEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode incident activity: %w", err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

func activityPrefix(incidentID string) string { return strings.ToLower(incidentID) + "/" }
