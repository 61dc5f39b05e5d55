package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logicapps"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/tidwall/gjson"
)

// Playbook run facts.
const (
	// PlaybookTrigger is the trigger of a Sentinel incident playbook.
	PlaybookTrigger = "Microsoft_Sentinel_incident"
	// PlaybookTimeRange is the query's time range (the connector's "Last 4 hours").
	PlaybookTimeRange = 4 * time.Hour
	// PlaybookRunDuration is how long a run takes on the lab clock.
	PlaybookRunDuration = 4 * time.Second
)

// playbookRun is one run of a playbook on an incident, at the event's time.
type playbookRun struct {
	workflowID, incidentID, workspace string
	at                                time.Time
}

func (p playbookRun) key() string {
	return strings.ToLower(p.workflowID) + "|" + strings.ToLower(p.incidentID) + "|" + p.at.Format(time.RFC3339Nano)
}

// queryResult is what a playbook's query and Security Copilot prompts gave: the comments to
// post, or the failure and the action that failed.
type queryResult struct {
	comment string
	noQuery bool
	// copilot are the comments of the workflow's Security Copilot prompts, in order.
	copilot []string
	action  string // the failed action ("" = the query action)
	err     error
}

// NotFoundMessage is Sentinel's health description for a playbook it cannot trigger
// (monitor-automation-health.md, "Error descriptions").
func NotFoundMessage(playbook string) string {
	return fmt.Sprintf("Could not trigger playbook: %s. Either the playbook was not found, or Microsoft Sentinel was missing permissions on it.", playbook)
}

// UnsupportedTriggerMessage is Sentinel's health description for a playbook whose trigger does
// not fit the rule's (incident rules run incident-trigger playbooks, alert rules alert ones).
func UnsupportedTriggerMessage(playbook string) string {
	return fmt.Sprintf("Could not trigger playbook: %s. Contains an unsupported trigger type.", playbook)
}

// runPlaybook runs a RunPlaybook action: a playbook outside the tenant's subscription (or
// tenant), missing or disabled fails with Sentinel's message in the activity log; otherwise
// the run is recorded under the workflow and its summary posted as a comment. triggered is
// whether Sentinel could trigger the playbook (the health record's measure).
func (e *Engine) runPlaybook(tx *simulator.TenantTx, ev sentinel.IncidentEvent, cfg sentinel.RunPlaybook, by sentinel.Actor, results map[string]queryResult, rep *report) (bool, error) {
	id := *cfg.LogicAppResourceID
	name := id[strings.LastIndex(id, "/")+1:]
	wf, ok, err := logicapps.GetWorkflow(tx, id)
	if err != nil {
		return false, err
	}
	if cfg.TenantID != nil && !strings.EqualFold(*cfg.TenantID, tx.Tenant().ID) {
		ok = false // another tenant's playbook: Sentinel has no permission there
	}
	failure := ""
	if !ok {
		failure = NotFoundMessage(name)
	} else if !strings.EqualFold(wf.Properties.State, "Enabled") {
		failure = fmt.Sprintf("Could not trigger playbook: %s. The playbook was disabled.", wf.Name)
	} else if wf.SentinelTrigger != logicapps.TriggerIncident {
		failure = UnsupportedTriggerMessage(wf.Name)
	}
	if failure != "" {
		rep.fail(failure)
		return false, sentinel.AddIncidentActivity(tx, ev.IncidentID, sentinel.ActivityEntry{By: by.Name, Source: by.Source, Message: lowerFirst(failure)})
	}
	run := playbookRun{workflowID: wf.ID, incidentID: ev.IncidentID, workspace: ev.Workspace, at: tx.Now()}
	res, ok := results[run.key()]
	if !ok {
		return false, &needQuery{run}
	}
	nr := logicapps.NewRun{Trigger: PlaybookTrigger, Start: run.at, End: run.at.Add(PlaybookRunDuration), Status: logicapps.StatusSucceeded}
	if res.err != nil {
		nr.Status = logicapps.StatusFailed
		nr.Error = &logicapps.RunError{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded."}
	}
	lr, err := logicapps.RecordRun(tx, wf, nr)
	if err != nil {
		return false, err
	}
	rep.playbooks = append(rep.playbooks, map[string]any{"RunId": lr.Name, "WorkflowId": wf.ID})
	if err := sentinel.AddIncidentActivity(tx, ev.IncidentID, sentinel.ActivityEntry{By: by.Name, Source: by.Source,
		Message: fmt.Sprintf("ran playbook '%s' (run %s)", wf.Name, lr.Name)}); err != nil {
		return true, err
	}
	pb := sentinel.Actor{Source: sentinel.SourcePlaybook, Name: "Playbook '" + wf.Name + "'", Cause: by.Cause, AutomationTrigger: by.AutomationTrigger}
	if res.err != nil {
		return true, sentinel.AddIncidentActivity(tx, ev.IncidentID, sentinel.ActivityEntry{By: pb.Name, Source: pb.Source,
			Message: fmt.Sprintf("failed in action '%s': %v", failedAction(res), res.err)})
	}
	comments := res.copilot
	if !res.noQuery {
		comments = append([]string{res.comment}, comments...)
	}
	for _, c := range comments {
		if _, err := sentinel.AddComment(tx, ev.IncidentID, c, sentinel.ClientInfo{Name: wf.Name, ObjectID: wf.Identity.PrincipalID}, pb); err != nil {
			return true, err
		}
	}
	return true, nil
}

func failedAction(res queryResult) string {
	if res.action != "" {
		return res.action
	}
	return simulator.PlaybookQueryAction
}

// runQuery runs a playbook's context query outside any transaction: the query of the
// workflow's Run_query_and_list_results action with the incident's accounts, on the
// incident's workspace as it was at the run's time; then its Security Copilot prompts.
func (e *Engine) runQuery(tenantID string, run playbookRun) queryResult {
	var text, wfName string
	var accounts []string
	var number int
	var prompts []copilotAction
	var inc sentinel.Incident
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		r, ok, err := tx.Resource(run.workflowID)
		if err != nil || !ok {
			return fmt.Errorf("workflow %s: not found (%v)", run.workflowID, err)
		}
		text = gjson.GetBytes(r.Body, "properties.definition.actions."+simulator.PlaybookQueryAction+".inputs.body").String()
		wfName = gjson.GetBytes(r.Body, "name").String()
		prompts = copilotActions(r.Body)
		if inc, _, err = sentinel.IncidentByID(tx, run.incidentID); err != nil {
			return err
		}
		number = inc.Properties.IncidentNumber
		ents, _, err := sentinel.IncidentEntities(tx, run.incidentID)
		if err != nil {
			return err
		}
		accounts = accountsOf(ents)
		return nil
	})
	if err != nil {
		return queryResult{err: err}
	}
	res := e.runContextQuery(tenantID, run, text, wfName, accounts, number)
	if res.err != nil {
		return res
	}
	return e.askCopilot(tenantID, prompts, inc, res)
}

// runContextQuery runs the query text (if any) on the incident's workspace at the run's time.
func (e *Engine) runContextQuery(tenantID string, run playbookRun, text, wfName string, accounts []string, number int) queryResult {
	if text == "" {
		return queryResult{noQuery: true}
	}
	var wsName string
	list, _ := json.Marshal(accounts)
	text = strings.ReplaceAll(text, simulator.PlaybookAccountsPlaceholder, string(list))
	ws, err := e.logs.Workspace(tenantID, run.workspace)
	if err != nil {
		return queryResult{err: err}
	}
	wsName = ws.Info.Name
	q, err := kql.Compile(text, e.logs.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		return queryResult{err: err}
	}
	db, err := ws.Database(run.at)
	if err != nil {
		return queryResult{err: err}
	}
	// The connector's time range ("Last 4 hours" in the definition) bounds what the query sees.
	db = logs.Restrict(db, run.at.Add(-PlaybookTimeRange), run.at)
	out, err := q.Run(context.Background(), db, kql.RunOptions{Now: run.at, Timeout: e.opts.QueryTimeout, Seed: run.at.UnixNano(),
		MaxMemory: 512 << 20}) // a learner's query: the rule engine's budget, not the 4 GB default
	if err != nil {
		return queryResult{err: err}
	}
	return queryResult{comment: summary(out.Table, wfName, accounts, number, wsName, run.at)}
}

// accountsOf returns the UPNs (name@suffix, else the name) of an incident's accounts.
func accountsOf(ents []sentinel.Entity) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, e := range ents {
		if e.Kind != "Account" {
			continue
		}
		name, _ := e.Properties["accountName"].(string)
		if name == "" {
			continue
		}
		if suffix, _ := e.Properties["upnSuffix"].(string); suffix != "" {
			name += "@" + suffix
		}
		if k := strings.ToLower(name); !seen[k] {
			seen[k] = true
			out = append(out, name)
		}
	}
	return out
}

// summary is the playbook's comment: what it looked up, then one line per result row.
func summary(t *kql.Table, playbook string, accounts []string, number int, workspace string, at time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: activity of the accounts of incident %d (%s) in the last 4 hours, from workspace %s at %s.\n",
		playbook, number, strings.Join(accounts, ", "), workspace, at.UTC().Format(time.RFC3339))
	if len(accounts) == 0 {
		b.WriteString("The incident has no account entities.")
		return b.String()
	}
	if t.N == 0 {
		b.WriteString("No sign-ins, directory changes or Azure operations found.")
		return b.String()
	}
	for i := 0; i < t.N; i++ {
		row := t.Row(i)
		var cells []string
		for c, col := range t.Cols {
			if col.Hidden {
				continue
			}
			cells = append(cells, col.Name+": "+types.FormatText(row[c]))
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strings.Join(cells, "; "))
	}
	return b.String()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
