package identity

import (
	"time"

	"github.com/soclab/soclab/simulator"
)

// Write is one of the learner's directory writes, as the write log keeps it (for reports of
// what a learner did when; the directory itself is rebuilt from the log by Load).
type Write struct {
	// At is the tenant clock of the write.
	At time.Time `json:"at"`
	// Kind is what was written: user.update, user.password, user.revoke, user.delete,
	// role.assign, role.unassign, location.put, location.delete, policy.put, policy.delete,
	// risk.set.
	Kind string `json:"kind"`
	// Target is the object written (a user, assignment, location or policy id).
	Target string `json:"target"`
}

// Writes returns the learner's directory writes in order.
func Writes(tx *simulator.TenantTx) ([]Write, error) {
	evs, err := readEvents(tx)
	if err != nil {
		return nil, err
	}
	out := make([]Write, 0, len(evs))
	for _, e := range evs {
		out = append(out, Write{At: e.At, Kind: e.Kind, Target: e.Target})
	}
	return out, nil
}
