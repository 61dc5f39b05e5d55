package sentinel

import (
	"time"
)

// ARM types of the Sentinel objects, in the case the service writes in "type" fields.
const (
	OnboardingStateType = "Microsoft.SecurityInsights/onboardingStates"
	AlertRuleType       = "Microsoft.SecurityInsights/alertRules"
	DataConnectorType   = "Microsoft.SecurityInsights/dataConnectors"
	AutomationRuleType  = "Microsoft.SecurityInsights/automationRules"
	IncidentType        = "Microsoft.SecurityInsights/Incidents"
	CommentType         = "Microsoft.SecurityInsights/Incidents/Comments"
	RelationType        = "Microsoft.SecurityInsights/Incidents/Relations"
	EntityType          = "Microsoft.SecurityInsights/Entities"
)

// Rule kinds the lab serves.
const (
	KindScheduled = "Scheduled"
	KindNRT       = "NRT"
)

// SystemData is ARM's read-only systemData block.
type SystemData struct {
	CreatedBy          string `json:"createdBy"`
	CreatedByType      string `json:"createdByType"`
	CreatedAt          string `json:"createdAt"`
	LastModifiedBy     string `json:"lastModifiedBy"`
	LastModifiedByType string `json:"lastModifiedByType"`
	LastModifiedAt     string `json:"lastModifiedAt"`
}

// AlertRule is an analytics rule (kind Scheduled or NRT) exactly as the API answers it.
type AlertRule struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Kind       string         `json:"kind"`
	Etag       string         `json:"etag"`
	Properties RuleProperties `json:"properties"`
	SystemData *SystemData    `json:"systemData,omitempty"`
}

// RuleProperties are the properties of Scheduled and NRT rules. Pointers tell an absent
// property from a zero one while validating; after ValidateRule every required one is set.
// Scheduled-only properties stay nil on NRT rules.
type RuleProperties struct {
	DisplayName              *string                 `json:"displayName"`
	Description              *string                 `json:"description,omitempty"`
	Severity                 *string                 `json:"severity"`
	Enabled                  *bool                   `json:"enabled"`
	Query                    *string                 `json:"query"`
	QueryFrequency           *string                 `json:"queryFrequency,omitempty"`
	QueryPeriod              *string                 `json:"queryPeriod,omitempty"`
	TriggerOperator          *string                 `json:"triggerOperator,omitempty"`
	TriggerThreshold         *int32                  `json:"triggerThreshold,omitempty"`
	SuppressionDuration      *string                 `json:"suppressionDuration"`
	SuppressionEnabled       *bool                   `json:"suppressionEnabled"`
	Tactics                  []string                `json:"tactics"`
	Techniques               []string                `json:"techniques"`
	SubTechniques            []string                `json:"subTechniques,omitempty"`
	AlertRuleTemplateName    *string                 `json:"alertRuleTemplateName"`
	TemplateVersion          *string                 `json:"templateVersion,omitempty"`
	LastModifiedUtc          string                  `json:"lastModifiedUtc"`
	EventGroupingSettings    *EventGroupingSettings  `json:"eventGroupingSettings,omitempty"`
	CustomDetails            map[string]string       `json:"customDetails,omitempty"`
	EntityMappings           []EntityMapping         `json:"entityMappings,omitempty"`
	SentinelEntitiesMappings []SentinelEntityMapping `json:"sentinelEntitiesMappings,omitempty"`
	AlertDetailsOverride     *AlertDetailsOverride   `json:"alertDetailsOverride,omitempty"`
	IncidentConfiguration    *IncidentConfiguration  `json:"incidentConfiguration,omitempty"`
}

// EventGroupingSettings says whether a run makes one alert or one per result row.
type EventGroupingSettings struct {
	AggregationKind *string `json:"aggregationKind,omitempty"`
}

// EntityMapping maps result columns to the identifiers of one entity.
type EntityMapping struct {
	EntityType    *string        `json:"entityType"`
	FieldMappings []FieldMapping `json:"fieldMappings"`
}

// FieldMapping maps one column to one identifier.
type FieldMapping struct {
	Identifier *string `json:"identifier"`
	ColumnName *string `json:"columnName"`
}

// SentinelEntityMapping names a column holding Sentinel entities (preview versions).
type SentinelEntityMapping struct {
	ColumnName *string `json:"columnName"`
}

// AlertDetailsOverride builds alert details from result columns.
type AlertDetailsOverride struct {
	AlertDisplayNameFormat  *string                `json:"alertDisplayNameFormat,omitempty"`
	AlertDescriptionFormat  *string                `json:"alertDescriptionFormat,omitempty"`
	AlertTacticsColumnName  *string                `json:"alertTacticsColumnName,omitempty"`
	AlertSeverityColumnName *string                `json:"alertSeverityColumnName,omitempty"`
	AlertDynamicProperties  []AlertPropertyMapping `json:"alertDynamicProperties,omitempty"`
}

// AlertPropertyMapping sets one alert property from a column.
type AlertPropertyMapping struct {
	AlertProperty *string `json:"alertProperty"`
	Value         *string `json:"value"`
}

// IncidentConfiguration says whether alerts make incidents and how they are grouped.
type IncidentConfiguration struct {
	CreateIncident        *bool                  `json:"createIncident"`
	GroupingConfiguration *GroupingConfiguration `json:"groupingConfiguration,omitempty"`
}

// GroupingConfiguration groups a rule's alerts into incidents.
type GroupingConfiguration struct {
	Enabled              *bool    `json:"enabled"`
	ReopenClosedIncident *bool    `json:"reopenClosedIncident"`
	LookbackDuration     *string  `json:"lookbackDuration"`
	MatchingMethod       *string  `json:"matchingMethod"`
	GroupByEntities      []string `json:"groupByEntities"`
	GroupByAlertDetails  []string `json:"groupByAlertDetails"`
	GroupByCustomDetails []string `json:"groupByCustomDetails"`
}

// Defaults the service fills in when a rule leaves them out.
const (
	// DefaultSuppressionDuration is used when a rule omits suppressionDuration (the portal's
	// default). The spec marks it required, but az sentinel 0.2.0 lets users leave it out.
	DefaultSuppressionDuration = "PT5H"
	// DefaultLookback is the grouping lookback when grouping is not configured.
	DefaultLookback = "PT5H"
)

// The accessors below read a validated rule for the rule engine.

// IsEnabled reports whether the rule runs.
func (r AlertRule) IsEnabled() bool { return r.Properties.Enabled != nil && *r.Properties.Enabled }

// QueryText returns the rule's KQL.
func (r AlertRule) QueryText() string { return str(r.Properties.Query) }

// Frequency is how often a Scheduled rule runs; NRT rules run every minute.
func (r AlertRule) Frequency() time.Duration {
	if r.Kind == KindNRT {
		return time.Minute
	}
	d, _ := ParseDuration(str(r.Properties.QueryFrequency))
	return d
}

// Period is how far back a Scheduled rule looks; NRT rules look at the last minute.
func (r AlertRule) Period() time.Duration {
	if r.Kind == KindNRT {
		return time.Minute
	}
	d, _ := ParseDuration(str(r.Properties.QueryPeriod))
	return d
}

// Suppression is how long the rule stays quiet after firing; zero when disabled.
func (r AlertRule) Suppression() time.Duration {
	if r.Properties.SuppressionEnabled == nil || !*r.Properties.SuppressionEnabled {
		return 0
	}
	d, _ := ParseDuration(str(r.Properties.SuppressionDuration))
	return d
}

// Triggers reports whether a result count passes the rule's trigger (NRT: any row).
func (r AlertRule) Triggers(count int) bool {
	if r.Kind == KindNRT || r.Properties.TriggerOperator == nil || r.Properties.TriggerThreshold == nil {
		return count > 0
	}
	t := int(*r.Properties.TriggerThreshold)
	switch *r.Properties.TriggerOperator {
	case "GreaterThan":
		return count > t
	case "LessThan":
		return count < t
	case "Equal":
		return count == t
	default:
		return count != t
	}
}

// AlertPerResult reports whether every result row makes its own alert.
func (r AlertRule) AlertPerResult() bool {
	e := r.Properties.EventGroupingSettings
	return e != nil && e.AggregationKind != nil && *e.AggregationKind == "AlertPerResult"
}

// CreatesIncidents reports whether the rule's alerts make incidents.
func (r AlertRule) CreatesIncidents() bool {
	ic := r.Properties.IncidentConfiguration
	return ic == nil || ic.CreateIncident == nil || *ic.CreateIncident
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }
