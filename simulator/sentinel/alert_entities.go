package sentinel

import "github.com/soclab/soclab/simulator"

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
