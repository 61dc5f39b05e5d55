package sentinel

import (
	"time"

	"github.com/soclab/soclab/simulator"
)

// AlertEventsCollection is the tenant collection of alert-created events: one per alert an
// analytics rule creates (CreateAlert with a RuleID), for alert-trigger automation rules, which
// "only run on alerts created by Microsoft Sentinel" (create-manage-use-automation-rules.md).
const AlertEventsCollection = "sentinel-alert-events"

const alertEventSeqKey = "alertEventSeq"

// AlertEvent is one alert created by an analytics rule.
type AlertEvent struct {
	Seq       uint64    `json:"seq"`
	Workspace string    `json:"workspace"`
	AlertID   string    `json:"alertId"`
	RuleID    string    `json:"ruleId"`
	At        time.Time `json:"at"`
}

func recordAlert(tx *simulator.TenantTx, workspaceID, alertID, ruleID string) error {
	seq, err := LastAlertEventSeq(tx)
	if err != nil {
		return err
	}
	seq++
	ev := AlertEvent{Seq: seq, Workspace: workspaceID, AlertID: alertID, RuleID: ruleID, At: tx.Now().UTC()}
	if err := tx.PutJSON(AlertEventsCollection, string(simulator.SeqKey(seq)), ev); err != nil {
		return err
	}
	return tx.PutJSON(coll, alertEventSeqKey, seq)
}

// LastAlertEventSeq returns the Seq of the tenant's newest alert event (0: none).
func LastAlertEventSeq(tx *simulator.TenantTx) (uint64, error) {
	var n uint64
	_, err := tx.GetJSON(coll, alertEventSeqKey, &n)
	return n, err
}

// PendingAlertEvents returns the tenant's alert events after afterSeq, oldest first.
func PendingAlertEvents(tx *simulator.TenantTx, afterSeq uint64) ([]AlertEvent, error) {
	last, err := LastAlertEventSeq(tx)
	if err != nil {
		return nil, err
	}
	var out []AlertEvent
	for seq := afterSeq + 1; seq <= last; seq++ {
		var ev AlertEvent
		ok, err := tx.GetJSON(AlertEventsCollection, string(simulator.SeqKey(seq)), &ev)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, nil
}
