package containment

import "github.com/soclab/soclab/simulator"

// ReadResults is what has happened so far to the attacker's return in tx's tenant, for readers
// that hold a transaction (the grader's snapshot) rather than an Engine.
func ReadResults(tx *simulator.TenantTx) ([]Result, error) {
	r, err := readResults(tx)
	return r, wrap(err)
}
