package sentinel

import (
	"bytes"
	"encoding/json"

	"github.com/soclab/soclab/simulator"
)

// AlertEntities returns the entities (Account, Ip, AzureResource, ...) an alert names, in the
// order the rule engine found them (the Defender XDR correlation reads them).
func AlertEntities(tx *simulator.TenantTx, alertID string) ([]Entity, error) {
	var link alertLink
	if _, err := tx.GetJSON(coll, linkKey(alertID), &link); err != nil {
		return nil, err
	}
	out := make([]Entity, 0, len(link.EntityIDs))
	for _, id := range link.EntityIDs {
		e, ok, err := get[Entity](tx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// AlertsExcept lists the workspace's alerts whose id known does not report, each with the rule
// that raised it; it decodes only those, so a caller polling for new alerts pays little for the
// ones it has seen.
func AlertsExcept(tx *simulator.TenantTx, workspaceID string, known func(id string) bool) ([]StoredAlert, error) {
	res, err := tx.ResourcesUnder(Prefix(workspaceID)+"/entities", resEntities)
	if err != nil {
		return nil, err
	}
	var out []StoredAlert
	for _, r := range res {
		if known(r.ID) || !bytes.Contains(r.Body, []byte(`"SecurityAlert"`)) {
			continue
		}
		var e Entity
		if err := json.Unmarshal(r.Body, &e); err != nil {
			return nil, err
		}
		if e.Kind != "SecurityAlert" {
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
