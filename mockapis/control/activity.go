package control

import "github.com/soclab/soclab/simulator"

// ActivityLog is the answer of GET activity: a tenant's action log (what was done through ARM,
// with the tenant clock's time of each entry), oldest first. The class report reads it to tell
// how long each learner spent on each task.
type ActivityLog struct {
	Tenant     string               `json:"tenant"`
	TenantName string               `json:"tenantName"`
	Value      []simulator.Activity `json:"value"`
}

// activity returns the action log of the named tenant (default: the default tenant).
func (h *handler) activity(name string) (ActivityLog, error) {
	t, err := h.tenant(name)
	if err != nil {
		return ActivityLog{}, err
	}
	log := ActivityLog{Tenant: t.ID, TenantName: t.Name, Value: []simulator.Activity{}}
	err = h.world.View(t.ID, func(tx *simulator.TenantTx) error {
		acts, err := tx.Activities()
		if acts != nil {
			log.Value = acts
		}
		return err
	})
	return log, err
}
