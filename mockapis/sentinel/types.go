package sentinel

import (
	"strings"

	"github.com/soclab/soclab/mockapis/arm"
	model "github.com/soclab/soclab/simulator/sentinel"
)

// WorkspaceType is the ARM type every Sentinel resource lives under.
const WorkspaceType = "Microsoft.OperationalInsights/workspaces"

// Stable and preview api-versions of Microsoft.SecurityInsights. NRT rules and the
// MicrosoftThreatProtection connector exist only in preview versions; az sentinel 0.2.0
// calls 2022-06-01-preview.
var (
	StableVersions  = []string{"2022-11-01", "2023-02-01", "2023-11-01", "2024-03-01", "2024-09-01", "2025-03-01", "2025-06-01", "2025-09-01"}
	PreviewVersions = []string{"2022-06-01-preview", "2022-07-01-preview", "2022-08-01-preview", "2022-09-01-preview",
		"2022-10-01-preview", "2022-11-01-preview", "2022-12-01-preview", "2023-02-01-preview", "2023-03-01-preview",
		"2023-04-01-preview", "2023-05-01-preview", "2023-06-01-preview", "2023-07-01-preview", "2023-08-01-preview",
		"2023-09-01-preview", "2023-10-01-preview", "2023-12-01-preview", "2024-01-01-preview", "2024-04-01-preview",
		"2024-10-01-preview", "2025-01-01-preview", "2025-04-01-preview", "2025-07-01-preview", "2025-10-01-preview"}
)

// APIVersions lists every api-version the Sentinel types accept.
func APIVersions() []string { return append(append([]string{}, StableVersions...), PreviewVersions...) }

func isPreview(v string) bool { return strings.HasSuffix(strings.ToLower(v), "-preview") }

// newerThanFirstPreview reports whether v is later than 2022-06-01-preview (the versions
// that added dataTypes.alerts and triggersOn Alerts).
func newerThanFirstPreview(v string) bool { return strings.ToLower(v) > "2022-06-01-preview" }

// Options configure the Sentinel face.
type Options struct {
	// Queries compiles analytics rule queries; nil accepts any query text.
	Queries model.QueryChecker
}

// Types returns Sentinel's ARM resource types, to pass to arm.NewHandler.
func Types(opts Options) []arm.ResourceType {
	s := &service{queries: opts.Queries}
	versions := APIVersions()
	ext := func(name string) arm.ResourceType {
		return arm.ResourceType{Name: name, APIVersions: versions, Extension: true, ParentTypes: []string{WorkspaceType}}
	}
	onboarding := ext("Microsoft.SecurityInsights/onboardingStates")
	onboarding.Get, onboarding.List, onboarding.Put, onboarding.Delete = arm.GetStored, arm.ListStored, s.putOnboarding, arm.DeleteStored

	rules := ext("Microsoft.SecurityInsights/alertRules")
	rules.Get, rules.List, rules.Put, rules.Delete = onboarded(arm.GetStored), onboarded(arm.ListStored), s.putAlertRule, onboarded(arm.DeleteStored)

	connectors := ext("Microsoft.SecurityInsights/dataConnectors")
	connectors.Get, connectors.List, connectors.Put, connectors.Delete = onboarded(arm.GetStored), onboarded(arm.ListStored), s.putConnector, onboarded(arm.DeleteStored)

	automation := ext("Microsoft.SecurityInsights/automationRules")
	automation.Get, automation.List, automation.Put, automation.Delete = onboarded(arm.GetStored), onboarded(arm.ListStored), s.putAutomationRule, onboarded(arm.DeleteStored)

	incidents := ext("Microsoft.SecurityInsights/incidents")
	incidents.Get, incidents.List, incidents.Put, incidents.Delete = onboarded(arm.GetStored), onboarded(s.listIncidents), s.putIncident, onboarded(arm.DeleteStored)
	incidents.Actions = map[string]arm.HandlerFunc{"alerts": onboarded(s.incidentAlerts), "entities": onboarded(s.incidentEntities), "bookmarks": onboarded(s.incidentBookmarks)}

	comments := ext("Microsoft.SecurityInsights/incidents/comments")
	comments.Get, comments.List, comments.Put, comments.Delete = onboarded(arm.GetStored), onboarded(arm.ListStored), s.putComment, onboarded(s.deleteComment)

	relations := ext("Microsoft.SecurityInsights/incidents/relations")
	relations.Get, relations.List, relations.Put, relations.Delete = onboarded(arm.GetStored), onboarded(arm.ListStored), s.putRelation, onboarded(s.deleteRelation)

	tasks := ext("Microsoft.SecurityInsights/incidents/tasks") // read-only: automation rules add them
	tasks.Get, tasks.List = onboarded(arm.GetStored), onboarded(arm.ListStored)

	entities := ext("Microsoft.SecurityInsights/entities")
	entities.Get, entities.List = onboarded(arm.GetStored), onboarded(arm.ListStored)

	return []arm.ResourceType{onboarding, rules, connectors, automation, incidents, comments, relations, tasks, entities}
}

// service holds what the handlers share.
type service struct {
	queries model.QueryChecker
}

// LabTypes returns the Sentinel types with rule queries compiled against the lab's real
// table schemas. The schemas are embedded in the binary, so failing to load them is a
// programming error and panics, as arm.NewHandler does for malformed types.
func LabTypes() []arm.ResourceType {
	checker, err := model.NewLabChecker()
	if err != nil {
		panic(err)
	}
	return Types(Options{Queries: checker})
}
