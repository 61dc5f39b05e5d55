package copilot

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

func TestEvaluationStates(t *testing.T) {
	c := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	e := Evaluation{ID: "e", Created: c, Answer: Result{Content: "x", Type: "success"}}
	cases := []struct {
		polls   int
		now     time.Time
		state   string
		result  bool
		runZero bool
	}{
		{0, c, StateCreated, false, true},
		{1, c.Add(time.Second), StateRunning, false, false},
		{0, c.Add(EvalDuration), StateCompleted, true, false},
		{2, c, StateCompleted, true, false},
		{5, c.Add(time.Hour), StateCompleted, true, false},
	}
	for _, k := range cases {
		e.Polls = k.polls
		v := e.ViewAt(k.now)
		if v.State != k.state || (v.Result != nil) != k.result || v.RunStart.IsZero() != k.runZero {
			t.Errorf("polls %d at %v: state %s result %v runStart %v", k.polls, k.now, v.State, v.Result, v.RunStart)
		}
		if v.State == StateCompleted && !v.Completed.Equal(c.Add(EvalDuration)) {
			t.Errorf("completed at %v", v.Completed)
		}
	}
}

func TestStoreSurvivesReopenAndIsPerTenant(t *testing.T) {
	dir := t.TempDir()
	w, err := simulator.Open(dir, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.TenantByName(simulator.DefaultTenantName)
	b, err := w.AddTenant("fabrikam")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	var p Prompt
	if err := w.Update(a.ID, func(tx *simulator.TenantTx) (err error) {
		if s, err = CreateSession(tx, "Who am I", "analyst@contoso.com"); err != nil {
			return err
		}
		p, err = CreatePrompt(tx, s.ID, "prompt", "list incidents")
		if err != nil {
			return err
		}
		return PutEvaluation(tx, Evaluation{ID: "e1", SessionID: s.ID, PromptID: p.ID, Created: tx.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = simulator.Open(dir, simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.View(a.ID, func(tx *simulator.TenantTx) error {
		list, err := Sessions(tx)
		if err != nil || len(list) != 1 || list[0] != s {
			t.Errorf("sessions after reopen %v %v, want %v", list, err, s)
		}
		ps, err := Prompts(tx, s.ID)
		if err != nil || len(ps) != 1 || ps[0] != p {
			t.Errorf("prompts %v %v", ps, err)
		}
		es, err := Evaluations(tx, s.ID, p.ID)
		if err != nil || len(es) != 1 || es[0].ID != "e1" {
			t.Errorf("evaluations %v %v", es, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.View(b.ID, func(tx *simulator.TenantTx) error {
		if list, _ := Sessions(tx); len(list) != 0 {
			t.Errorf("tenant b sees %v", list)
		}
		if _, err := GetSession(tx, s.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("tenant b gets a's session: %v", err)
		}
		if _, err := Prompts(tx, s.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("tenant b lists a's prompts: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTechniqueOrder(t *testing.T) {
	al := func(ts ...string) xdr.Alert { return xdr.Alert{MitreTechniques: ts} }
	cases := []struct {
		alerts []xdr.Alert
		want   []string
	}{
		{nil, nil},
		{[]xdr.Alert{al("T1078", "T1530"), al("T1078"), al("T1555", "T1098"), al("T1555"), al("T1530"), al("T1580", "T1087")}, []string{"T1078", "T1555", "T1530", "T1098", "T1580", "T1087"}},
		{[]xdr.Alert{al("T2", "T1"), al("T3", "T2")}, []string{"T2", "T1", "T3"}},
		{[]xdr.Alert{al("T1"), al("T1"), al()}, []string{"T1"}},
	}
	for _, c := range cases {
		if got := techniqueOrder(c.alerts); !reflect.DeepEqual(got, c.want) && (len(got) != 0 || len(c.want) != 0) {
			t.Errorf("techniqueOrder = %v, want %v", got, c.want)
		}
	}
}
