package logs

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
)

// Errors of the attack and fault controls.
var (
	ErrUnknownStep  = errors.New("unknown attack step")
	ErrUnknownFault = errors.New("unknown fault")
	ErrBadSpeed     = errors.New("bad speed")
)

// Speed is how fast a launched attack plays: instant, realtime or xN (N times the real clock).
type Speed struct {
	// Factor is 0 for instant, 1 for realtime, N for xN.
	Factor int
}

var speedPattern = regexp.MustCompile(`^[xX]([1-9][0-9]{0,4})$`)

// ParseSpeed reads "instant", "realtime" or "xN" (1 <= N <= 99999).
func ParseSpeed(s string) (Speed, error) {
	switch s {
	case "", "instant":
		return Speed{}, nil
	case "realtime":
		return Speed{Factor: 1}, nil
	}
	m := speedPattern.FindStringSubmatch(s)
	if m == nil {
		return Speed{}, fmt.Errorf("%w %q: use instant, realtime or xN (e.g. x60)", ErrBadSpeed, s)
	}
	n, _ := strconv.Atoi(m[1])
	return Speed{Factor: n}, nil
}

// String is the speed as ParseSpeed reads it.
func (s Speed) String() string {
	switch s.Factor {
	case 0:
		return "instant"
	case 1:
		return "realtime"
	}
	return "x" + strconv.Itoa(s.Factor)
}

// AttackStatus is what `soclab attack status` shows.
type AttackStatus struct {
	Tenant string      `json:"tenant"`
	Now    time.Time   `json:"now"`
	Start  time.Time   `json:"attackStart"`
	End    time.Time   `json:"attackEnd"`
	State  AttackState `json:"state"`
	Steps  []StepInfo  `json:"steps"`
}

// StepInfo is one attack step and whether its time has come on the tenant clock.
type StepInfo struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Technique string    `json:"technique"`
	First     time.Time `json:"first"`
	Played    bool      `json:"played"`
	// Conditional marks the attacker's return: whether it succeeds is decided by the tenant's
	// directory when its time comes (simulator/containment), not written in the scenario.
	Conditional bool `json:"conditional,omitempty"`
}

// AttackEndClock is where an instant launch puts the clock: five minutes after the attack, so
// every attack row has been ingested.
func (e *Engine) AttackEndClock() time.Time { return e.scen.Attack.End.Add(5 * time.Minute) }

// Launch starts the attack on the tenant's clock. instant: the clock jumps to the attack's end
// plus five minutes; realtime and xN: the clock jumps to the attack's start (if it is earlier)
// and the attack unfolds as the clock runs (xN: the caller drives the clock with Play). A second
// launch changes nothing but the speed.
func (e *Engine) Launch(tenantID string, speed Speed) (AttackStatus, error) {
	err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		a, err := readAttack(tx)
		if err != nil {
			return err
		}
		if !a.Launched {
			a.Launched, a.LaunchedAt = true, tx.Now()
		}
		a.Speed = speed.String()
		return tx.PutJSON(stateColl, keyAttack, a)
	})
	if err != nil {
		return AttackStatus{}, fmt.Errorf("launch attack: %w", err)
	}
	target := e.scen.Attack.Start
	if speed.Factor == 0 {
		target = e.AttackEndClock()
	}
	if now, err := e.world.Now(tenantID); err == nil && now.Before(target) {
		if _, err := e.world.SetTime(tenantID, target); err != nil {
			return AttackStatus{}, fmt.Errorf("launch attack: set clock: %w", err)
		}
	}
	e.Prebuild(tenantID) // the learner's next queries read the launched views
	return e.Status(tenantID)
}

// Replay re-emits one attack step at the tenant's current time: same actor and address, new
// ids. Its rows are routed under the configuration of now.
func (e *Engine) Replay(tenantID, step string) (Replay, error) {
	if !e.hasStep(step) {
		return Replay{}, fmt.Errorf("%w %q (steps: %v)", ErrUnknownStep, step, e.stepIDs())
	}
	var r Replay
	err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		a, err := readAttack(tx)
		if err != nil {
			return err
		}
		r = Replay{Step: step, At: tx.Now(), Nonce: simulator.NewGUID()}
		a.Replays = append(a.Replays, r)
		return tx.PutJSON(stateColl, keyAttack, a)
	})
	if err != nil {
		return Replay{}, fmt.Errorf("replay %s: %w", step, err)
	}
	e.Prebuild(tenantID)
	return r, nil
}

// Status reports the attack's state on the tenant's clock.
func (e *Engine) Status(tenantID string) (AttackStatus, error) {
	st := AttackStatus{Start: e.scen.Attack.Start, End: e.scen.Attack.End}
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		st.Tenant, st.Now = tx.Tenant().Name, tx.Now()
		st.State, err = readAttack(tx)
		return err
	})
	if err != nil {
		return AttackStatus{}, err
	}
	for _, s := range e.scen.Attack.Steps {
		first := firstEvent(s)
		st.Steps = append(st.Steps, StepInfo{ID: s.ID, Title: s.Title, Technique: s.Technique, First: first,
			Played: st.State.Launched && !st.Now.Before(first)})
	}
	if r := e.scen.Attack.Return; r != nil {
		first := r.First()
		st.Steps = append(st.Steps, StepInfo{ID: r.ID, Title: r.Title, Technique: r.Technique, First: first,
			Played: st.State.Launched && !st.Now.Before(first), Conditional: true})
	}
	return st, nil
}

// Play drives the tenant's clock for an xN launch: every tick of real time it adds (N-1)
// ticks, until the clock reaches the attack's end plus five minutes or stop is closed.
func (e *Engine) Play(tenantID string, speed Speed, tick time.Duration, stop <-chan struct{}) error {
	if speed.Factor <= 1 {
		return nil
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		now, err := e.world.Now(tenantID)
		if err != nil {
			return err
		}
		if !now.Before(e.AttackEndClock()) {
			return nil
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
		step := min(time.Duration(speed.Factor-1)*tick, e.AttackEndClock().Sub(now))
		if _, err := e.world.Advance(tenantID, step); err != nil {
			return err
		}
	}
}

func firstEvent(s scenario.Step) time.Time {
	var first time.Time
	for _, ev := range s.Events {
		if first.IsZero() || ev.At.Before(first) {
			first = ev.At
		}
	}
	return first
}

func (e *Engine) hasStep(id string) bool {
	for _, s := range e.scen.Attack.Steps {
		if s.ID == id {
			return true
		}
	}
	return false
}

func (e *Engine) stepIDs() []string {
	var ids []string
	for _, s := range e.scen.Attack.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

// FaultStatus is one break-and-fix switch of the scenario and whether it is on for a tenant.
type FaultStatus struct {
	ID    string `json:"id"`
	Case  int    `json:"case"`
	Title string `json:"title"`
	On    bool   `json:"on"`
}

// Faults lists the scenario's faults with their state for the tenant.
func (e *Engine) Faults(tenantID string) ([]FaultStatus, error) {
	var on map[string]bool
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		on, err = readFaults(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := []FaultStatus{}
	for _, f := range e.scen.Faults {
		out = append(out, FaultStatus{ID: f.ID, Case: f.Case, Title: f.Title, On: on[f.ID]})
	}
	return out, nil
}

// FaultOn reports whether a fault is switched on for the tenant (other parts read their own
// faults, e.g. the XDR sync's severity filter, through it).
func (e *Engine) FaultOn(tenantID, id string) (bool, error) {
	list, err := e.Faults(tenantID)
	if err != nil {
		return false, err
	}
	for _, f := range list {
		if f.ID == id {
			return f.On, nil
		}
	}
	return false, fmt.Errorf("%w %q", ErrUnknownFault, id)
}

// SetFault switches a fault of the scenario on or off for the tenant.
func (e *Engine) SetFault(tenantID, id string, on bool) ([]FaultStatus, error) {
	known := false
	var ids []string
	for _, f := range e.scen.Faults {
		known = known || f.ID == id
		ids = append(ids, f.ID)
	}
	if !known {
		return nil, fmt.Errorf("%w %q (faults: %v)", ErrUnknownFault, id, ids)
	}
	err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		m, err := readFaults(tx)
		if err != nil {
			return err
		}
		m[id] = on
		if err := e.applyFault(tx, id, on); err != nil {
			return err
		}
		return writeFaults(tx, m)
	})
	if err != nil {
		return nil, fmt.Errorf("set fault %s: %w", id, err)
	}
	return e.Faults(tenantID)
}

// applyFault makes a fault's effect on ARM: a remove-diagnostic-setting fault forgets the
// standing setting with its history (the tenant never had it: AzureDiagnostics has no Key
// Vault rows at all) and, switched off, restores it as standing (the whole history routed).
// A setting the learner created under the same id is left alone when switching off.
func (e *Engine) applyFault(tx *simulator.TenantTx, id string, on bool) error {
	f, ok := e.scen.Fault(id)
	if !ok || f.Kind != scenario.FaultRemoveDiagnosticSetting {
		return nil
	}
	r, ok := e.world.Seed().StandingSetting(tx.Tenant(), f.Target)
	if !ok {
		return nil
	}
	if on {
		return tx.ForgetSetting(r.ID)
	}
	return tx.RestoreStandingSetting(r)
}
