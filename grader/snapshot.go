package grader

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// diagnosticSettingsType is the ARM type of diagnostic settings (extension resources).
const diagnosticSettingsType = "Microsoft.Insights/diagnosticSettings"

// Snapshot is a tenant's state as state checks see it (paths are relative to it; its JSON
// is what `GET /_soclab/snapshot` answers).
type Snapshot struct {
	Tenant             TenantInfo           `json:"tenant"`
	Clock              time.Time            `json:"clock"`
	Resources          []ResourceInfo       `json:"resources"`
	Workspaces         []WorkspaceState     `json:"workspaces"`
	DiagnosticSettings []simulator.Resource `json:"diagnosticSettings"`
	Faults             []logs.FaultStatus   `json:"faults"`
	Attack             logs.AttackStatus    `json:"attack"`
	XDR                XDRState             `json:"xdr"`
	Identity           IdentityState        `json:"identity"`
	// AttackerReturn is what happened to each attempt of the attacker's return so far.
	AttackerReturn []containment.Result `json:"attackerReturn"`
	Response       ResponseState        `json:"response"`
	Copilot        CopilotState         `json:"copilot"`
	// Answers are the learner's knowledge-check answers (soclab answer) by question number.
	Answers Answers `json:"answers"`
	// BreakFix is derived for the break-and-fix checks.
	BreakFix BreakFixState `json:"breakFix"`
}

// TenantInfo names the tenant.
type TenantInfo struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	SubscriptionID string `json:"subscriptionId"`
}

// ResourceInfo is one ARM resource of the tenant (bodies are in the typed sections).
type ResourceInfo struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
}

// WorkspaceState is a Log Analytics workspace with what Sentinel holds in it.
type WorkspaceState struct {
	ID              string                    `json:"id"`
	Name            string                    `json:"name"`
	ResourceGroup   string                    `json:"resourceGroup"`
	CustomerID      string                    `json:"customerId"`
	Onboarded       bool                      `json:"onboarded"`
	Rules           []sentinel.AlertRule      `json:"rules"`
	DataConnectors  []sentinel.DataConnector  `json:"dataConnectors"`
	AutomationRules []sentinel.AutomationRule `json:"automationRules"`
	Incidents       []sentinel.Incident       `json:"incidents"`
	Alerts          []AlertInfo               `json:"alerts"`
}

// AlertInfo is an alert with the name of the rule that raised it ("" for other products).
type AlertInfo struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Severity    string `json:"severity"`
	RuleID      string `json:"ruleId"`
	RuleName    string `json:"ruleName"`
	StartTime   string `json:"startTimeUtc"`
	EndTime     string `json:"endTimeUtc"`
	// TimeGenerated is when the alert was raised (the rule's run).
	TimeGenerated string `json:"timeGenerated,omitempty"`
	// Entities are the alert's entities as Kind:value (Account:alex.johnson@contoso.com,
	// Ip:185.220.101.45, AzureResource:/subscriptions/...).
	Entities []string `json:"entities,omitempty"`
}

// TakeSnapshot reads a tenant's state in one read transaction (plus its attack and fault
// status from the routing engine).
func TakeSnapshot(engine *logs.Engine, tenantID string) (*Snapshot, error) {
	s := &Snapshot{Resources: []ResourceInfo{}, Workspaces: []WorkspaceState{}, DiagnosticSettings: []simulator.Resource{}}
	base, err := identity.NewService(engine).Base(tenantID)
	if err != nil {
		return nil, fmt.Errorf("grader: snapshot: %w", err)
	}
	plugins, err := copilot.New(engine).Plugins(tenantID)
	if err != nil {
		return nil, fmt.Errorf("grader: snapshot: %w", err)
	}
	err = engine.World().View(tenantID, func(tx *simulator.TenantTx) error {
		t := tx.Tenant()
		s.Tenant = TenantInfo{ID: t.ID, Name: t.Name, SubscriptionID: t.Subscription.ID}
		s.Clock = tx.Now().UTC()
		scope := "/subscriptions/" + t.Subscription.ID
		all, err := tx.ResourcesUnder(scope, "")
		if err != nil {
			return err
		}
		for _, r := range all {
			s.Resources = append(s.Resources, ResourceInfo{ID: r.ID, Type: r.Type, Name: lastSegment(r.ID)})
			if strings.EqualFold(r.Type, diagnosticSettingsType) {
				s.DiagnosticSettings = append(s.DiagnosticSettings, r)
			}
		}
		wss, err := tx.Workspaces()
		if err != nil {
			return err
		}
		for _, w := range wss {
			ws, err := workspaceState(tx, w)
			if err != nil {
				return fmt.Errorf("workspace %s: %w", w.Name, err)
			}
			s.Workspaces = append(s.Workspaces, ws)
		}
		if err := socSnapshot(tx, s, base); err != nil {
			return err
		}
		if s.Answers, err = ReadAnswers(tx); err != nil {
			return err
		}
		s.Copilot, err = copilotSnapshot(tx, plugins, base)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("grader: snapshot: %w", err)
	}
	if s.Faults, err = engine.Faults(tenantID); err != nil {
		return nil, fmt.Errorf("grader: snapshot: %w", err)
	}
	if s.Attack, err = engine.Status(tenantID); err != nil {
		return nil, fmt.Errorf("grader: snapshot: %w", err)
	}
	s.BreakFix = breakFixState(engine.Scenario(), s)
	return s, nil
}

func workspaceState(tx *simulator.TenantTx, w simulator.Workspace) (WorkspaceState, error) {
	ws := WorkspaceState{ID: w.ID, Name: w.Name, ResourceGroup: w.ResourceGroup, CustomerID: w.CustomerID}
	var err error
	if ws.Onboarded, err = sentinel.IsOnboarded(tx, w.ID); err != nil {
		return ws, err
	}
	if ws.Rules, err = sentinel.Rules(tx, w.ID); err != nil {
		return ws, err
	}
	if ws.DataConnectors, err = sentinel.Connectors(tx, w.ID); err != nil {
		return ws, err
	}
	if ws.AutomationRules, err = sentinel.AutomationRules(tx, w.ID); err != nil {
		return ws, err
	}
	if ws.Incidents, err = sentinel.Incidents(tx, w.ID); err != nil {
		return ws, err
	}
	alerts, err := sentinel.Alerts(tx, w.ID)
	if err != nil {
		return ws, err
	}
	ws.Alerts = make([]AlertInfo, 0, len(alerts))
	for _, a := range alerts {
		ai := AlertInfo{Name: a.Name, RuleID: a.RuleID, DisplayName: text(a.Properties["alertDisplayName"]),
			Severity: text(a.Properties["severity"]), StartTime: text(a.Properties["startTimeUtc"]),
			EndTime: text(a.Properties["endTimeUtc"]), TimeGenerated: text(a.Properties["timeGenerated"])}
		if a.RuleID != "" {
			ai.RuleName = lastSegment(a.RuleID)
		}
		ents, err := sentinel.AlertEntities(tx, a.ID)
		if err != nil {
			return ws, err
		}
		for _, e := range ents {
			if v := entityText(e); v != "" {
				ai.Entities = append(ai.Entities, e.Kind+":"+v)
			}
		}
		ws.Alerts = append(ws.Alerts, ai)
	}
	return ws, nil
}

// JSON encodes the snapshot for gjson.
func (s *Snapshot) JSON() ([]byte, error) { return json.Marshal(s) }

func lastSegment(id string) string { return id[strings.LastIndex(id, "/")+1:] }

func text(v any) string {
	s, _ := v.(string)
	return s
}

// entityText is the identifying value of an alert entity ("" for kinds the grader ignores).
func entityText(e sentinel.Entity) string {
	p := e.Properties
	switch e.Kind {
	case "Account":
		name, suffix := text(p["accountName"]), text(p["upnSuffix"])
		if suffix != "" {
			return name + "@" + suffix
		}
		return name
	case "Ip":
		return text(p["address"])
	case "AzureResource":
		return text(p["resourceId"])
	case "Host":
		return text(p["hostName"])
	}
	return ""
}
