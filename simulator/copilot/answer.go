package copilot

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/xdr"
)

// LabWorkspace is the workspace NL→KQL queries run on.
const LabWorkspace = "law-contoso-unified"

// Service answers prompts from a tenant's world.
type Service struct {
	logs *logs.Engine
	id   *identity.Service
}

// New builds the answerer over the log engine (which knows the world).
func New(e *logs.Engine) *Service { return &Service{logs: e, id: identity.NewService(e)} }

// World is the world the service answers from.
func (s *Service) World() *simulator.World { return s.logs.World() }

// Answer answers a prompt as the tenant's analyst (Analyst), as `soclab copilot ask` does.
func (s *Service) Answer(ctx context.Context, tenantID, prompt string) (Result, error) {
	t, err := s.World().TenantByID(tenantID)
	if err != nil {
		return Result{}, err
	}
	return s.AnswerAs(ctx, tenantID, Analyst(t), prompt)
}

// AnswerAs classifies the prompt and answers it from the tenant's world at its clock, on behalf
// of the caller: answers that read Defender XDR need the caller to hold a Defender-capable
// directory role (DefenderRoles).
func (s *Service) AnswerAs(ctx context.Context, tenantID string, c Caller, prompt string) (Result, error) {
	u := Understand(prompt)
	var b answer
	var err error
	if u.Entities.UPN == "" && (u.Intent == IntentUserRisk || u.Intent == IntentBlastRadius || u.Intent == IntentKQL) {
		if u.Entities.UPN, err = s.userByDisplayName(tenantID, prompt); err != nil {
			return Result{}, fmt.Errorf("copilot: find a user named in the prompt: %w", err)
		}
	}
	plugins, err := s.Plugins(tenantID)
	if err != nil {
		return Result{}, err
	}
	need := pluginFor(u.Intent)
	if need != "" && !connected(plugins, need) {
		b.pluginOff(u.Intent, need)
		return b.result(u.Intent), nil
	}
	if need == PluginDefender {
		rc, err := s.defenderAccess(tenantID, c)
		if err != nil {
			return Result{}, fmt.Errorf("copilot: the caller's roles: %w", err)
		}
		if !rc.ok {
			b.noDefenderRole(rc)
			return b.result(u.Intent), nil
		}
	}
	switch u.Intent {
	case IntentIncidentSummary:
		err = s.summary(&b, tenantID, u.Entities)
	case IntentListIncidents:
		err = s.listIncidents(&b, tenantID)
	case IntentUserRisk:
		err = s.userRisk(ctx, &b, tenantID, u.Entities)
	case IntentIPEnrichment:
		err = s.enrich(ctx, &b, tenantID, u.Entities)
	case IntentContainment:
		err = s.containment(&b, tenantID, u.Entities)
	case IntentKQL:
		err = s.nlToKQL(ctx, &b, tenantID, prompt, u.Entities, c)
	case IntentBlastRadius:
		err = s.blastRadius(ctx, &b, tenantID, u.Entities)
	default:
		b.cannot()
	}
	if err != nil {
		return Result{}, fmt.Errorf("copilot: answer %s: %w", u.Intent, err)
	}
	return b.result(u.Intent), nil
}

// answer is a markdown answer under construction with its sources.
type answer struct {
	strings.Builder
	sources []string
	// refused: the answer declines (plugin off, no role, wrong incident id); clarify: it asks
	// a question back instead of answering.
	refused, clarify bool
	// query is the KQL the answer proposes to the analyst (NL → KQL), template its template.
	query, template string
}

// result is the finished answer. Refusals are answers too, as the product gives them (Graph's
// result type success): Outcome tells them apart.
func (b *answer) result(i Intent) Result {
	r := Result{Content: b.String(), Type: "success", Intent: i, Outcome: OutcomeAnswered, Query: b.query, KQLTemplate: b.template, Sources: b.sources}
	switch {
	case b.refused:
		r.Outcome = OutcomeRefused
	case b.clarify:
		r.Outcome = OutcomeClarify
	}
	return r
}

func (b *answer) line(format string, args ...any) { fmt.Fprintf(&b.Builder, format+"\n", args...) }
func (b *answer) source(format string, args ...any) {
	b.sources = append(b.sources, fmt.Sprintf(format, args...))
}

// String is the answer with its Sources list.
func (b *answer) String() string {
	out := b.Builder.String()
	if len(b.sources) > 0 {
		out += "\n**Sources**\n"
		for i, s := range b.sources {
			out += fmt.Sprintf("%d. %s\n", i+1, s)
		}
	}
	return out
}

// Capabilities lists what the lab's Copilot can answer.
var Capabilities = []string{
	"summarize a Defender XDR incident by its number (alerts, entities, severity, MITRE ATT&CK timeline)",
	"list your recent Defender XDR incidents",
	"a user's risk profile (risk level and detections, groups, roles, recent sign-ins)",
	"enrich an IP address with threat intelligence and the tenant's telemetry",
	"containment and remediation steps in priority order, with what is already done",
	"a user's blast radius: what their roles can reach and what the telemetry shows they touched",
	"write KQL (sign-ins from a range or of a user, password spraying, Key Vault secrets read, blob downloads, Azure operations per resource group, new users and role assignments; Sentinel or advanced hunting) and run it",
}

// pluginFor is the plugin an intent's answer needs ("" none).
func pluginFor(i Intent) string {
	switch i {
	case IntentIncidentSummary, IntentListIncidents:
		return PluginDefender
	case IntentKQL, IntentBlastRadius:
		return PluginSentinel
	}
	return ""
}

func (b *answer) pluginOff(i Intent, plugin string) {
	b.refused = true
	name := plugin
	for _, p := range knownPlugins {
		if p.id == plugin {
			name = p.name
		}
	}
	if plugin == PluginDefender {
		b.line("I don't have access to that incident. The %s plugin is turned off, so I can't read Defender XDR incidents or alerts. Turn the plugin on in Security Copilot's plugin settings (soclab copilot plugins connect %s) and ask again.", name, plugin)
		return
	}
	b.line("I can't query your Microsoft Sentinel workspace: the %s plugin is turned off. Turn it on in Security Copilot's plugin settings (soclab copilot plugins connect %s) and ask again.", name, plugin)
}

func (b *answer) cannot() {
	b.refused = true
	b.line("I can't help with that here. In this lab I can:")
	for _, c := range Capabilities {
		b.line("- %s", c)
	}
}

func (s *Service) summary(b *answer, tenantID string, e Entities) error {
	if e.Incident == 0 {
		if e.SentinelGUID != "" {
			b.refused = true
			b.line("I can't find an incident with the id `%s`. That looks like a Microsoft Sentinel incident GUID: name the incident by its Defender XDR number (for example \"Summarize Defender XDR incident 2972395\").", e.SentinelGUID)
		} else {
			b.clarify = true
			b.line("Which incident? Name the incident by its Defender XDR number (for example \"Summarize incident 2972395\").")
		}
		return s.listIncidents(b, tenantID)
	}
	return s.World().View(tenantID, func(tx *simulator.TenantTx) error {
		inc, ok, err := xdr.IncidentByID(tx, e.Incident)
		if err != nil {
			return err
		}
		if !ok {
			b.refused = true
			b.line("I don't have access to incident %d, or it does not exist in Microsoft Defender XDR for this tenant.", e.Incident)
			return nil
		}
		alerts, err := xdr.IncidentAlerts(tx, inc)
		if err != nil {
			return err
		}
		sort.SliceStable(alerts, func(i, j int) bool { return alerts[i].FirstActivity.Before(alerts[j].FirstActivity) })
		b.line("## Incident %d: %s", inc.ID, inc.DisplayName)
		b.line("**Severity:** %s · **Status:** %s · **Alerts:** %d · **Activity:** %s to %s", inc.Severity, inc.Status, len(alerts), ts(inc.FirstActivity), ts(inc.LastActivity))
		b.line("")
		b.line("### Timeline mapped to MITRE ATT&CK")
		for _, g := range groupAlerts(alerts) {
			n := ""
			if g.count > 1 {
				n = fmt.Sprintf(" ×%d", g.count)
			}
			b.line("- %s — %s (%s, %s)%s: %s", ts(g.first.FirstActivity), g.first.Title, g.first.ProductName, g.first.Severity, n, strings.Join(g.first.MitreTechniques, ", "))
		}
		techniques := techniqueOrder(alerts)
		b.line("")
		b.line("**Techniques in order:** %s", strings.Join(techniques, " → "))
		b.line("")
		b.line("### Entities")
		seen := map[string]bool{}
		for _, a := range alerts {
			for _, en := range a.Entities {
				k := en.Key()
				if k == "" || seen[k] {
					continue
				}
				seen[k] = true
				switch en.Kind {
				case xdr.EntityUser:
					b.line("- User: %s", en.UPN)
				case xdr.EntityIP:
					b.line("- IP: %s", strings.TrimSpace(en.Address+" "+en.Country))
				case xdr.EntityResource:
					b.line("- Azure resource: %s", strings.ToLower(en.Name))
				}
			}
		}
		b.source("Microsoft Defender XDR incident %d", inc.ID)
		for _, a := range alerts {
			b.source("alert %s: %s", a.ID, a.Title)
		}
		return nil
	})
}

func (s *Service) listIncidents(b *answer, tenantID string) error {
	return s.World().View(tenantID, func(tx *simulator.TenantTx) error {
		incs, err := xdr.Incidents(tx)
		if err != nil {
			return err
		}
		var live []xdr.Incident
		for _, i := range incs {
			if i.Status != "redirected" {
				live = append(live, i)
			}
		}
		sort.Slice(live, func(i, j int) bool { return live[i].ID > live[j].ID })
		if len(live) == 0 {
			b.line("There are no incidents in Microsoft Defender XDR for this tenant yet.")
			b.source("Microsoft Defender XDR incidents")
			return nil
		}
		b.line("Your recent Defender XDR incidents:")
		b.line("")
		b.line("| Incident | Severity | Status | Alerts | Title |")
		b.line("|---|---|---|---|---|")
		for _, i := range live[:min(len(live), 10)] {
			b.line("| %d | %s | %s | %d | %s |", i.ID, i.Severity, i.Status, len(i.AlertIDs), i.DisplayName)
		}
		b.source("Microsoft Defender XDR incidents (%d live)", len(live))
		return nil
	})
}

func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// runKQL runs a query over the tenant's lab workspace at its clock; rows as maps.
func (s *Service) runWorkspace(ctx context.Context, tenantID, query string) ([]map[string]any, error) {
	ws, err := s.logs.Workspace(tenantID, LabWorkspace)
	if err != nil {
		return nil, err
	}
	now, err := ws.Now()
	if err != nil {
		return nil, err
	}
	db, err := ws.Database(now)
	if err != nil {
		return nil, err
	}
	return run(ctx, query, db, s.logs.WorkspaceCatalog(), now)
}

func run(ctx context.Context, query string, db kql.Database, cat kql.Catalog, now time.Time) ([]map[string]any, error) {
	_, rows, err := runCols(ctx, query, db, cat, now)
	return rows, err
}

// runCols runs a query; rows as column → value maps, with the columns in order.
func runCols(ctx context.Context, query string, db kql.Database, cat kql.Catalog, now time.Time) ([]string, []map[string]any, error) {
	q, err := kql.Compile(query, cat, kql.CompileOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("compile: %w", err)
	}
	res, err := q.Run(ctx, db, kql.RunOptions{Now: now})
	if err != nil {
		return nil, nil, fmt.Errorf("run: %w", err)
	}
	var names []string
	for _, c := range res.Columns() {
		names = append(names, c.Name)
	}
	var out []map[string]any
	for _, r := range res.Rows(true) {
		m := map[string]any{}
		for i, c := range names {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return names, out, nil
}

func inRange(ip, cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	a, err2 := netip.ParseAddr(ip)
	return err == nil && err2 == nil && p.Contains(a)
}

// alertGroup is a run of alerts with one title (a rule fires once per matching window).
type alertGroup struct {
	first xdr.Alert
	count int
}

// groupAlerts groups time-ordered alerts by title, in the order of each title's first alert.
func groupAlerts(alerts []xdr.Alert) []alertGroup {
	var out []alertGroup
	at := map[string]int{}
	for _, a := range alerts {
		if i, ok := at[a.Title]; ok {
			out[i].count++
			continue
		}
		at[a.Title] = len(out)
		out = append(out, alertGroup{first: a, count: 1})
	}
	return out
}

// techniqueOrder orders the incident's techniques in time: an alert naming one technique (a
// product detection of one step) dates it; a technique named only among an analytics rule's
// several (the rule's whole pattern, dated by its first event) follows those, in the order of
// its alerts. Alerts are in first-activity order.
func techniqueOrder(alerts []xdr.Alert) []string {
	var dated, rest []string
	for _, a := range alerts {
		if len(a.MitreTechniques) == 1 && !slices.Contains(dated, a.MitreTechniques[0]) {
			dated = append(dated, a.MitreTechniques[0])
		}
	}
	for _, a := range alerts {
		for _, t := range a.MitreTechniques {
			if !slices.Contains(dated, t) && !slices.Contains(rest, t) {
				rest = append(rest, t)
			}
		}
	}
	return append(dated, rest...)
}

// sortedKeys lists a row's columns in name order, so answers are stable.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
