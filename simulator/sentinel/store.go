package sentinel

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// coll is the tenant collection for what ARM does not show: incident counters, alert links
// and entity de-duplication.
const coll = "sentinel"

// Resource types under which the objects are stored (case-insensitive in the store).
const (
	resIncidents = "Microsoft.SecurityInsights/incidents"
	resRelations = "Microsoft.SecurityInsights/incidents/relations"
	resComments  = "Microsoft.SecurityInsights/incidents/comments"
	resEntities  = "Microsoft.SecurityInsights/entities"
)

// Provider names of incidents.
const (
	ProviderSentinel = "Azure Sentinel"
	ProviderDefender = "Microsoft 365 Defender"
)

// Prefix returns the Sentinel provider prefix of a workspace id.
func Prefix(workspaceID string) string {
	return strings.TrimSuffix(workspaceID, "/") + "/providers/Microsoft.SecurityInsights"
}

// OnboardingID returns the id of a workspace's onboarding state.
func OnboardingID(workspaceID string) string {
	return Prefix(workspaceID) + "/onboardingStates/default"
}

// Timestamp formats t as Sentinel does (UTC, seven fractional digits).
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// NewEtag returns a fresh etag, quotes included as the service writes them.
func NewEtag() string { return `"` + simulator.NewGUID() + `"` }

// IsOnboarded reports whether Sentinel is enabled on the workspace.
func IsOnboarded(tx *simulator.TenantTx, workspaceID string) (bool, error) {
	_, ok, err := tx.Resource(OnboardingID(workspaceID))
	return ok, err
}

// OnboardedWorkspaces returns the ids of the tenant's workspaces with Sentinel enabled.
func OnboardedWorkspaces(tx *simulator.TenantTx) ([]string, error) {
	states, err := tx.ResourcesUnder("/subscriptions/"+tx.Tenant().Subscription.ID, OnboardingStateType)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(states))
	for _, s := range states {
		i := strings.LastIndex(strings.ToLower(s.ID), "/providers/microsoft.securityinsights/")
		out = append(out, s.ID[:i])
	}
	return out, nil
}

// decodeAll decodes the stored bodies of one type under scope.
func decodeAll[T any](tx *simulator.TenantTx, scope, typ string) ([]T, error) {
	rs, err := tx.ResourcesUnder(scope, typ)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(rs))
	for _, r := range rs {
		var v T
		if err := json.Unmarshal(r.Body, &v); err != nil {
			return nil, fmt.Errorf("decode %s: %w", r.ID, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// get decodes one stored body; false when it does not exist.
func get[T any](tx *simulator.TenantTx, id string) (T, bool, error) {
	var v T
	r, ok, err := tx.Resource(id)
	if err != nil || !ok {
		return v, false, err
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return v, false, fmt.Errorf("decode %s: %w", id, err)
	}
	return v, true, nil
}

func put(tx *simulator.TenantTx, id, typ string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", id, err)
	}
	return tx.PutResource(simulator.Resource{ID: id, Type: typ, Body: data})
}

// Rules returns the workspace's analytics rules, ordered by id.
func Rules(tx *simulator.TenantTx, workspaceID string) ([]AlertRule, error) {
	return decodeAll[AlertRule](tx, Prefix(workspaceID)+"/alertRules", AlertRuleType)
}

// Rule returns one analytics rule by its ARM id.
func Rule(tx *simulator.TenantTx, ruleID string) (AlertRule, bool, error) {
	return get[AlertRule](tx, ruleID)
}

// Connectors returns the workspace's data connectors.
func Connectors(tx *simulator.TenantTx, workspaceID string) ([]DataConnector, error) {
	return decodeAll[DataConnector](tx, Prefix(workspaceID)+"/dataConnectors", DataConnectorType)
}

// AutomationRules returns the workspace's automation rules ordered by their order property.
func AutomationRules(tx *simulator.TenantTx, workspaceID string) ([]AutomationRule, error) {
	rs, err := decodeAll[AutomationRule](tx, Prefix(workspaceID)+"/automationRules", AutomationRuleType)
	sort.SliceStable(rs, func(i, j int) bool { return *rs[i].Properties.Order < *rs[j].Properties.Order })
	return rs, err
}

// Incidents returns the workspace's incidents, oldest first.
func Incidents(tx *simulator.TenantTx, workspaceID string) ([]Incident, error) {
	is, err := decodeAll[Incident](tx, Prefix(workspaceID)+"/incidents", resIncidents)
	sort.SliceStable(is, func(i, j int) bool { return is[i].Properties.IncidentNumber < is[j].Properties.IncidentNumber })
	return is, err
}

// IncidentByID returns one incident by its ARM id.
func IncidentByID(tx *simulator.TenantTx, incidentID string) (Incident, bool, error) {
	return get[Incident](tx, incidentID)
}

// CountNRTRules counts the workspace's NRT rules other than except (an id being replaced).
func CountNRTRules(tx *simulator.TenantTx, workspaceID, except string) (int, error) {
	rules, err := Rules(tx, workspaceID)
	n := 0
	for _, r := range rules {
		if r.Kind == KindNRT && !strings.EqualFold(r.ID, except) {
			n++
		}
	}
	return n, err
}
