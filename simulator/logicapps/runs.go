package logicapps

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/tidwall/gjson"
)

// ARM types of workflows and their runs.
const (
	WorkflowType = "Microsoft.Logic/workflows"
	RunType      = "Microsoft.Logic/workflows/runs"
	// VersionType is the type of the workflow version a run names.
	VersionType = "Microsoft.Logic/workflows/versions"
)

// Run statuses.
const (
	StatusSucceeded = "Succeeded"
	StatusFailed    = "Failed"
)

// Sentinel triggers a playbook can start with (the Microsoft Sentinel connector's paths).
const (
	TriggerIncident = "Incident" // Microsoft Sentinel incident: path /incident-creation
	TriggerAlert    = "Alert"    // Microsoft Sentinel alert: path /subscribe
)

// Workflow is the part of a stored workflow the simulator reads.
type Workflow struct {
	// SentinelTrigger is the workflow's Sentinel trigger (TriggerIncident, TriggerAlert, or ""
	// for a workflow Sentinel cannot run).
	SentinelTrigger string `json:"-"`
	ID              string `json:"id"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	Location        string `json:"location"`
	Identity        struct {
		PrincipalID string `json:"principalId"`
	} `json:"identity"`
	Properties struct {
		State   string `json:"state"`
		Version string `json:"version"`
	} `json:"properties"`
}

// Run is a workflow run as the Logic Apps API answers it (api-version 2016-06-01+).
type Run struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Type       string        `json:"type"`
	Properties RunProperties `json:"properties"`
}

// RunProperties are a run's properties.
type RunProperties struct {
	WaitEndTime string         `json:"waitEndTime"`
	StartTime   string         `json:"startTime"`
	EndTime     string         `json:"endTime"`
	Status      string         `json:"status"`
	Code        string         `json:"code,omitempty"`
	Error       *RunError      `json:"error,omitempty"`
	Correlation Correlation    `json:"correlation"`
	Workflow    ResourceRef    `json:"workflow"`
	Trigger     RunTrigger     `json:"trigger"`
	Outputs     map[string]any `json:"outputs"`
}

// RunError is a failed run's error.
type RunError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Correlation carries a run's client tracking id.
type Correlation struct {
	ClientTrackingID string `json:"clientTrackingId"`
}

// ResourceRef names the workflow version a run ran.
type ResourceRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// RunTrigger is the trigger history of a run.
type RunTrigger struct {
	Name              string      `json:"name"`
	StartTime         string      `json:"startTime"`
	EndTime           string      `json:"endTime"`
	OriginHistoryName string      `json:"originHistoryName"`
	Correlation       Correlation `json:"correlation"`
	Status            string      `json:"status"`
}

// NewRun is a run to record.
type NewRun struct {
	// Trigger is the trigger's name in the workflow definition.
	Trigger    string
	Start, End time.Time
	Status     string
	// Error is set for failed runs; Outputs for the workflow's outputs.
	Error   *RunError
	Outputs map[string]any
}

// GetWorkflow returns the stored workflow with the given ARM id.
func GetWorkflow(tx *simulator.TenantTx, id string) (Workflow, bool, error) {
	var w Workflow
	r, ok, err := tx.Resource(id)
	if err != nil || !ok || !strings.EqualFold(r.Type, WorkflowType) {
		return w, false, err
	}
	if err := json.Unmarshal(r.Body, &w); err != nil {
		return w, false, fmt.Errorf("decode workflow %s: %w", id, err)
	}
	gjson.GetBytes(r.Body, "properties.definition.triggers").ForEach(func(_, t gjson.Result) bool {
		switch strings.ToLower(t.Get("inputs.path").String()) {
		case "/incident-creation":
			w.SentinelTrigger = TriggerIncident
		case "/subscribe":
			w.SentinelTrigger = TriggerAlert
		}
		return w.SentinelTrigger == ""
	})
	return w, true, nil
}

// RecordRun stores a run of a workflow; the run's name is Logic Apps' kind of id (a
// 29-character history name derived from its start time).
func RecordRun(tx *simulator.TenantTx, wf Workflow, nr NewRun) (Run, error) {
	name := historyName(nr.Start, wf.ID)
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }
	corr := Correlation{ClientTrackingID: name}
	version := wf.Properties.Version
	if version == "" {
		version = historyName(time.Time{}, wf.ID)
	}
	run := Run{ID: wf.ID + "/runs/" + name, Name: name, Type: RunType, Properties: RunProperties{
		WaitEndTime: ts(nr.Start), StartTime: ts(nr.Start), EndTime: ts(nr.End), Status: nr.Status, Error: nr.Error,
		Correlation: corr, Workflow: ResourceRef{ID: wf.ID + "/versions/" + version, Name: version, Type: VersionType},
		Trigger: RunTrigger{Name: nr.Trigger, StartTime: ts(nr.Start), EndTime: ts(nr.Start), OriginHistoryName: name,
			Correlation: corr, Status: StatusSucceeded}, Outputs: nr.Outputs}}
	if nr.Status == StatusFailed && nr.Error != nil {
		run.Properties.Code = nr.Error.Code
	}
	if run.Properties.Outputs == nil {
		run.Properties.Outputs = map[string]any{}
	}
	data, err := json.Marshal(run)
	if err != nil {
		return Run{}, fmt.Errorf("encode run: %w", err)
	}
	return run, tx.PutResource(simulator.Resource{ID: run.ID, Type: RunType, Body: data})
}

// Runs returns a workflow's runs, newest first (as the API lists them).
func Runs(tx *simulator.TenantTx, workflowID string) ([]Run, error) {
	rs, err := tx.ResourcesUnder(workflowID+"/runs", RunType)
	if err != nil {
		return nil, err
	}
	out := make([]Run, 0, len(rs))
	for _, r := range rs {
		var run Run
		if err := json.Unmarshal(r.Body, &run); err != nil {
			return nil, fmt.Errorf("decode run %s: %w", r.ID, err)
		}
		out = append(out, run)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Properties.StartTime > out[j].Properties.StartTime })
	return out, nil
}

// historyName is a Logic Apps history name: "08584" + 20 digits + "CU" + 2 digits; the
// digits count down from a far date as the service's do (newer runs sort first) and the
// tail mixes in the workflow so two workflows' runs of one instant differ.
func historyName(t time.Time, salt string) string {
	ticks := uint64(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Sub(t.UTC()) / 100)
	if t.IsZero() {
		ticks = 0
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(salt); i++ {
		h = (h ^ uint64(salt[i])) * 1099511628211
	}
	return fmt.Sprintf("08584%020dCU%02d", ticks, h%100)
}
