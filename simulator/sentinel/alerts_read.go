package sentinel

import (
	"strings"

	"github.com/soclab/soclab/simulator"
)

// StoredAlert is an alert (SecurityAlert entity) of a workspace with the analytics rule that
// raised it ("" for other products' alerts).
type StoredAlert struct {
	Entity
	RuleID string
}

// Alerts lists the workspace's alerts, ordered by id, each with the rule that raised it.
func Alerts(tx *simulator.TenantTx, workspaceID string) ([]StoredAlert, error) {
	ents, err := decodeAll[Entity](tx, Prefix(workspaceID), resEntities)
	if err != nil {
		return nil, err
	}
	var out []StoredAlert
	for _, e := range ents {
		if !strings.EqualFold(e.Kind, "SecurityAlert") {
			continue
		}
		var link alertLink
		if _, err := tx.GetJSON(coll, linkKey(e.ID), &link); err != nil {
			return nil, err
		}
		out = append(out, StoredAlert{Entity: e, RuleID: link.RuleID})
	}
	return out, nil
}
