package control

import (
	"sort"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
)

// ActivityLog is the answer of GET activity: what was done in a tenant and when (tenant clock),
// oldest first, from the three logs that record a learner's writes: the ARM action log,
// the directory's write log (Graph) and Security Copilot's prompts. The class report reads it
// to tell how long each learner spent on each task.
type ActivityLog struct {
	Tenant     string   `json:"tenant"`
	TenantName string   `json:"tenantName"`
	Value      []Action `json:"value"`
}

// Action is one write of a tenant's logs.
type Action struct {
	Time time.Time `json:"time"`
	// Service is arm, graph or copilot.
	Service string `json:"service"`
	// Operation is the ARM operation (MICROSOFT.SECURITYINSIGHTS/ALERTRULES/WRITE), the
	// directory write's kind (user.revoke) or copilot.prompt.
	Operation string `json:"operation"`
	// Target is the resource id, directory object id or Copilot session id.
	Target string `json:"target,omitempty"`
	// CorrelationID groups the entries of one ARM operation (Started, Succeeded).
	CorrelationID string `json:"correlationId,omitempty"`
	// Status is the ARM entry's status (Started, Accepted, Succeeded, Failed).
	Status string `json:"status,omitempty"`
}

// activity returns the named tenant's actions (default: the default tenant).
func (h *handler) activity(name string) (ActivityLog, error) {
	t, err := h.tenant(name)
	if err != nil {
		return ActivityLog{}, err
	}
	log := ActivityLog{Tenant: t.ID, TenantName: t.Name, Value: []Action{}}
	err = h.world.View(t.ID, func(tx *simulator.TenantTx) error {
		acts, err := tx.Activities()
		if err != nil {
			return err
		}
		for _, a := range acts {
			log.Value = append(log.Value, Action{Time: a.Time.UTC(), Service: "arm", Operation: a.OperationName, Target: a.ResourceID, CorrelationID: a.CorrelationID, Status: a.Status})
		}
		writes, err := identity.Writes(tx)
		if err != nil {
			return err
		}
		for _, w := range writes {
			log.Value = append(log.Value, Action{Time: w.At.UTC(), Service: "graph", Operation: w.Kind, Target: w.Target})
		}
		sessions, err := copilot.Sessions(tx)
		if err != nil {
			return err
		}
		for _, s := range sessions {
			prompts, err := copilot.Prompts(tx, s.ID)
			if err != nil {
				return err
			}
			for _, p := range prompts {
				log.Value = append(log.Value, Action{Time: p.Created.UTC(), Service: "copilot", Operation: "copilot.prompt", Target: s.ID})
			}
		}
		return nil
	})
	sort.SliceStable(log.Value, func(i, j int) bool { return log.Value[i].Time.Before(log.Value[j].Time) })
	return log, err
}
