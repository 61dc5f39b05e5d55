package portal

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/hunting"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// Limits of the Logs blade's queries: the Log Analytics API's memory and size, and the Azure
// portal's 30,000 rows a result shows (a larger result is cut, with the partial-result notice).
var logsLimits = hunting.WorkspaceLimits{Memory: 512 << 20, MaxRows: 30000, MaxBytes: 64 << 20}

// ruleRow is one analytics rule with its health.
type ruleRow struct {
	Workspace, Name, Kind, Severity, Frequency string
	Enabled                                    bool
	Alerts                                     int
	LastRun                                    time.Time
	Health, Problem                            string
}

type workspaceRules struct {
	Workspace string
	Rules     []ruleRow
	Automated []automationRow
}

type automationRow struct {
	Order                     int
	Name, Trigger, Actions    string
	Enabled                   bool
	Expires, LastModifiedTime string
}

// workspaceName is the last segment of an ARM id.
func workspaceName(id string) string { return id[strings.LastIndex(id, "/")+1:] }

// analyticsPage lists each onboarded workspace's analytics rules with their alerts and the last
// run and status the rule engine wrote to SentinelHealth (what the portal's rule list reads).
func (p *Portal) analyticsPage(w http.ResponseWriter, r *http.Request, s *session) {
	var out []workspaceRules
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		wss, err := sentinel.OnboardedWorkspaces(tx)
		if err != nil {
			return err
		}
		for _, ws := range wss {
			rules, err := sentinel.Rules(tx, ws)
			if err != nil {
				return err
			}
			alerts, err := sentinel.Alerts(tx, ws)
			if err != nil {
				return err
			}
			count := map[string]int{}
			for _, a := range alerts {
				count[strings.ToLower(a.RuleID)]++
			}
			wr := workspaceRules{Workspace: ws}
			for _, ru := range rules {
				pr := ru.Properties
				wr.Rules = append(wr.Rules, ruleRow{Workspace: workspaceName(ws), Name: deref(pr.DisplayName), Kind: ru.Kind, Severity: deref(pr.Severity),
					Frequency: deref(pr.QueryFrequency), Enabled: pr.Enabled != nil && *pr.Enabled, Alerts: count[strings.ToLower(ru.ID)]})
				row := &wr.Rules[len(wr.Rules)-1]
				row.Name = firstOf(row.Name, ru.Name)
				if ru.Kind == "NRT" {
					row.Frequency = "Near real time"
				}
			}
			out = append(out, wr)
		}
		return nil
	})
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	for i := range out {
		if err := p.ruleHealth(r, s, &out[i]); err != nil {
			p.fail(w, r, s, err)
			return
		}
	}
	p.render(w, r, s, http.StatusOK, "analytics", pageData{Title: "Analytics", Nav: "analytics", Data: out})
}

// healthQuery is each rule's last run in SentinelHealth.
const healthQuery = `SentinelHealth
| where SentinelResourceType == "Analytics rule"
| summarize arg_max(TimeGenerated, Status, Description) by SentinelResourceName`

// ruleHealth fills the rules' last run and status from the workspace's SentinelHealth table.
func (p *Portal) ruleHealth(r *http.Request, s *session, wr *workspaceRules) error {
	ws, err := p.cfg.Logs.Workspace(s.TenantID, wr.Workspace)
	if errors.Is(err, logs.ErrWorkspaceNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	release, err := p.cfg.Gate.Acquire(r.Context(), s.TenantID)
	if err != nil {
		return nil // busy: the page shows the rules without their health
	}
	defer release()
	_, res, err := hunting.RunWorkspace(r.Context(), p.cfg.Logs, ws, healthQuery, "", logsLimits)
	if err != nil {
		return err
	}
	type health struct {
		at           time.Time
		status, desc string
	}
	byName := map[string]health{}
	t := res.Table
	idx := map[string]int{}
	for i, c := range t.Cols {
		idx[c.Name] = i
	}
	for i := 0; i < t.N; i++ {
		at := t.Vecs[idx["TimeGenerated"]].Get(i)
		byName[strings.ToLower(types.FormatText(t.Vecs[idx["SentinelResourceName"]].Get(i)))] = health{
			at:     time.Unix(0, at.I*100).UTC(),
			status: types.FormatText(t.Vecs[idx["Status"]].Get(i)),
			desc:   types.FormatText(t.Vecs[idx["Description"]].Get(i)),
		}
	}
	for i := range wr.Rules {
		if h, ok := byName[strings.ToLower(wr.Rules[i].Name)]; ok {
			wr.Rules[i].LastRun, wr.Rules[i].Health, wr.Rules[i].Problem = h.at, h.status, h.desc
		} else {
			wr.Rules[i].Health = "Not run yet"
		}
	}
	return nil
}

// automationPage lists the automation rules of each onboarded workspace by order.
func (p *Portal) automationPage(w http.ResponseWriter, r *http.Request, s *session) {
	var out []workspaceRules
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		wss, err := sentinel.OnboardedWorkspaces(tx)
		if err != nil {
			return err
		}
		for _, ws := range wss {
			rules, err := sentinel.AutomationRules(tx, ws)
			if err != nil {
				return err
			}
			wr := workspaceRules{Workspace: ws}
			for _, ru := range rules {
				pr := ru.Properties
				row := automationRow{Name: firstOf(deref(pr.DisplayName), ru.Name), LastModifiedTime: pr.LastModifiedTimeUtc}
				if pr.Order != nil {
					row.Order = *pr.Order
				}
				if tl := pr.TriggeringLogic; tl != nil {
					row.Enabled = tl.IsEnabled != nil && *tl.IsEnabled
					row.Trigger = deref(tl.TriggersOn) + " " + strings.ToLower(deref(tl.TriggersWhen))
					row.Expires = deref(tl.ExpirationTimeUtc)
				}
				var acts []string
				for _, a := range pr.Actions {
					acts = append(acts, deref(a.ActionType))
				}
				row.Actions = strings.Join(acts, ", ")
				wr.Automated = append(wr.Automated, row)
			}
			sort.SliceStable(wr.Automated, func(i, j int) bool { return wr.Automated[i].Order < wr.Automated[j].Order })
			out = append(out, wr)
		}
		return nil
	})
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, s, http.StatusOK, "automation", pageData{Title: "Automation", Nav: "automation", Data: out})
}

// logsData is the Logs blade: the hunting editor over a workspace's tables.
func (p *Portal) logsData(s *session, workspace string) (queryData, []logs.WorkspaceInfo, error) {
	d := queryData{Mode: "logs", Action: "/sentinel/logs", Heading: "Logs"}
	d.Schema = schemaOf(p.cfg.Logs.WorkspaceCatalog())
	list, err := p.cfg.Logs.Workspaces(s.TenantID)
	if err != nil {
		return d, nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	d.Workspaces = list
	d.Workspace = workspace
	if d.Workspace == "" && len(list) > 0 {
		d.Workspace = list[0].Name
		for _, w := range list {
			if w.Name == "law-contoso-unified" {
				d.Workspace = w.Name
			}
		}
	}
	return d, list, nil
}

func (p *Portal) logsPage(w http.ResponseWriter, r *http.Request, s *session) {
	d, _, err := p.logsData(s, r.URL.Query().Get("workspace"))
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	if res := p.result(s, r.URL.Query().Get("result")); res != nil {
		d.Workspace = res.Workspace
	}
	if q := r.URL.Query().Get("query"); q != "" && r.URL.Query().Get("result") == "" {
		d.Query = q // "Run this query in Logs" from a Copilot answer: shown, not run
		p.render(w, r, s, http.StatusOK, "query", pageData{Title: "Logs", Nav: "logs", Data: d})
		return
	}
	p.showResult(w, r, s, d, "Logs", "logs")
}

// logsRun runs the editor's query on the chosen workspace through hunting.RunWorkspace (as the
// Log Analytics API does), admitted by the same gate.
func (p *Portal) logsRun(w http.ResponseWriter, r *http.Request, s *session) {
	query := r.PostForm.Get("query")
	d, _, err := p.logsData(s, r.PostForm.Get("workspace"))
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	bad := func(status int, msg string, ke *kql.Error) {
		d.setError(query, msg, ke)
		p.render(w, r, s, status, "query", pageData{Title: "Logs", Nav: "logs", Data: d})
	}
	if strings.TrimSpace(query) == "" {
		bad(http.StatusBadRequest, "Type a query first.", nil)
		return
	}
	ws, err := p.cfg.Logs.Workspace(s.TenantID, d.Workspace)
	if errors.Is(err, logs.ErrWorkspaceNotFound) {
		p.notFound(w, r, s)
		return
	}
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	ctx, cancel := kql.WithTimeBudget(r.Context(), hunting.Timeout)
	defer cancel()
	release, err := p.cfg.Gate.Acquire(ctx, s.TenantID)
	if err != nil {
		bad(http.StatusTooManyRequests, hunting.ErrThrottled.Error(), nil)
		return
	}
	began := time.Now()
	_, res, err := hunting.RunWorkspace(ctx, p.cfg.Logs, ws, query, "", logsLimits)
	release()
	var ke *kql.Error
	switch {
	case errors.As(err, &ke):
		msg := ke.Msg
		if ke.IsSyntax() {
			line, pos, tok := hunting.SyntaxPlace(query, ke)
			msg = "Query could not be parsed at '" + tok + "' on line [" + itoa(line) + "," + itoa(pos) + "]"
		}
		bad(http.StatusBadRequest, msg, ke)
		return
	case err != nil:
		p.fail(w, r, s, err)
		return
	}
	rid := p.keep(s, &queryResult{Mode: "logs", Query: query, Res: res, Elapsed: time.Since(began), Chart: renderKind(query), Workspace: d.Workspace})
	http.Redirect(w, r, "/sentinel/logs?result="+rid, http.StatusSeeOther)
}
