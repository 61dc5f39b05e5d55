package sentinel

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
)

// Sentinel's limits on analytics rules (docs and the service's validation).
const (
	MinQueryFrequency   = 5 * time.Minute
	MaxQueryFrequency   = 14 * 24 * time.Hour
	MinQueryPeriod      = 5 * time.Minute
	MaxQueryPeriod      = 14 * 24 * time.Hour
	MinSuppression      = 5 * time.Minute
	MaxSuppression      = 24 * time.Hour
	MinLookback         = 5 * time.Minute
	MaxLookback         = 7 * 24 * time.Hour
	MaxTriggerThreshold = 10000
	MaxEntityMappings   = 10
	MaxFieldMappings    = 3
	MaxCustomDetails    = 20
	// MaxNRTRules is the number of NRT rules a workspace may hold.
	MaxNRTRules = 50
)

var (
	techniquePattern    = regexp.MustCompile(`^T\d{4}$`)
	subTechniquePattern = regexp.MustCompile(`^T\d{4}\.\d{3}$`)
	formatColumn        = regexp.MustCompile(`\{\{([^{}]+)\}\}`)
)

// RuleRequest is what ValidateRule needs besides the body.
type RuleRequest struct {
	// Kind is the body's kind ("" when absent).
	Kind string
	// Preview is true for preview api-versions: NRT rules exist only there.
	Preview bool
	// Queries compiles the query; nil skips query checks.
	Queries QueryChecker
}

// ValidateRule checks a rule body the way Sentinel does, canonicalizes enum values in place,
// fills the defaults the service returns and returns the canonical kind. Errors name the
// offending property.
func ValidateRule(req RuleRequest, p *RuleProperties) (string, *Error) {
	if req.Kind == "" {
		return "", missing("", "kind")
	}
	kind, ok := canonical(AlertRuleKinds, req.Kind)
	if !ok || (kind == KindNRT && !req.Preview) {
		allowed := AlertRuleKinds
		if !req.Preview {
			allowed = []string{"Scheduled", "MicrosoftSecurityIncidentCreation", "Fusion", "MLBehaviorAnalytics", "ThreatIntelligence"}
		}
		return "", invalidValue("kind", req.Kind, allowed)
	}
	if kind != KindScheduled && kind != KindNRT {
		return "", badRequest("Alert rules of kind '%s' are managed by Microsoft in this lab; create Scheduled or NRT rules.", kind)
	}
	if err := validateCommon(kind, p); err != nil {
		return "", err
	}
	if kind == KindScheduled {
		if err := validateSchedule(p); err != nil {
			return "", err
		}
	} else {
		// NRT rules have no schedule or trigger: the service ignores them.
		p.QueryFrequency, p.QueryPeriod, p.TriggerOperator, p.TriggerThreshold = nil, nil, nil, nil
	}
	cols, err := validateQuery(req.Queries, *p.Query)
	if err != nil {
		return "", err
	}
	if err := validateMappings(kind, p, cols); err != nil {
		return "", err
	}
	if err := validateIncidentConfig(p); err != nil {
		return "", err
	}
	return kind, nil
}

func validateCommon(kind string, p *RuleProperties) *Error {
	const base = "properties"
	switch {
	case p.DisplayName == nil:
		return missing(base, "displayName")
	case strings.TrimSpace(*p.DisplayName) == "":
		return badRequest("The property 'properties.displayName' must not be empty.")
	case p.Enabled == nil:
		return missing(base, "enabled")
	case p.Severity == nil:
		return missing(base, "severity")
	case p.Query == nil:
		return missing(base, "query")
	case strings.TrimSpace(*p.Query) == "":
		return badRequest("The property 'properties.query' must not be empty.")
	case len([]rune(*p.Query)) > MaxQueryLength:
		return badRequest("The property 'properties.query' is %d characters long; the limit is %d.", len([]rune(*p.Query)), MaxQueryLength)
	}
	if err := enumAt(base+".severity", p.Severity, Severities); err != nil {
		return err
	}
	// Suppression is required by the spec, but az sentinel 0.2.0 sends rules without it:
	// accept them with the portal's defaults (az-cli.md §7.6).
	if p.SuppressionEnabled == nil {
		p.SuppressionEnabled = ptr(false)
	}
	if p.SuppressionDuration == nil {
		p.SuppressionDuration = ptr(DefaultSuppressionDuration)
	}
	if _, err := durationIn(base+".suppressionDuration", *p.SuppressionDuration, MinSuppression, MaxSuppression, "Suppression duration"); err != nil {
		return err
	}
	if p.Tactics == nil {
		p.Tactics = []string{}
	}
	for i := range p.Tactics {
		if err := enumAt(fmt.Sprintf("%s.tactics[%d]", base, i), &p.Tactics[i], Tactics); err != nil {
			return err
		}
	}
	if p.Techniques == nil {
		p.Techniques = []string{}
	}
	for i, t := range p.Techniques {
		if !techniquePattern.MatchString(t) {
			hint := ""
			if subTechniquePattern.MatchString(t) {
				hint = " Sub-techniques such as '" + t + "' go in 'properties.subTechniques'."
			}
			return badRequest("The technique '%s' in property 'properties.techniques[%d]' is not valid: techniques are MITRE ATT&CK ids of the form T1234.%s", t, i, hint)
		}
	}
	for i, t := range p.SubTechniques {
		if !subTechniquePattern.MatchString(t) {
			return badRequest("The sub-technique '%s' in property 'properties.subTechniques[%d]' is not valid: sub-techniques are MITRE ATT&CK ids of the form T1234.001.", t, i)
		}
		if !slices.Contains(p.Techniques, t[:5]) {
			return badRequest("The sub-technique '%s' in property 'properties.subTechniques[%d]' requires its technique '%s' in 'properties.techniques'.", t, i, t[:5])
		}
	}
	if e := p.EventGroupingSettings; e != nil && e.AggregationKind != nil {
		if err := enumAt(base+".eventGroupingSettings.aggregationKind", e.AggregationKind, AggregationKinds); err != nil {
			return err
		}
	} else if kind == KindScheduled {
		p.EventGroupingSettings = &EventGroupingSettings{AggregationKind: ptr("SingleAlert")}
	}
	return nil
}

func validateSchedule(p *RuleProperties) *Error {
	const base = "properties"
	switch {
	case p.QueryFrequency == nil:
		return missing(base, "queryFrequency")
	case p.QueryPeriod == nil:
		return missing(base, "queryPeriod")
	case p.TriggerOperator == nil:
		return missing(base, "triggerOperator")
	case p.TriggerThreshold == nil:
		return missing(base, "triggerThreshold")
	}
	freq, err := durationIn(base+".queryFrequency", *p.QueryFrequency, MinQueryFrequency, MaxQueryFrequency, "Query frequency")
	if err != nil {
		return err
	}
	period, err := durationIn(base+".queryPeriod", *p.QueryPeriod, MinQueryPeriod, MaxQueryPeriod, "Query period")
	if err != nil {
		return err
	}
	if freq > period {
		return badRequest("Query frequency ('%s' in property 'properties.queryFrequency') must be less than or equal to the query period ('%s' in property 'properties.queryPeriod'), otherwise the rule would not look at every event.", *p.QueryFrequency, *p.QueryPeriod)
	}
	if err := enumAt(base+".triggerOperator", p.TriggerOperator, TriggerOperators); err != nil {
		return err
	}
	if t := *p.TriggerThreshold; t < 0 || t > MaxTriggerThreshold {
		return badRequest("The value %d of property 'properties.triggerThreshold' is out of range: it must be between 0 and %d.", t, MaxTriggerThreshold)
	}
	return nil
}

// validateQuery compiles the query; cols are the result columns (nil: unknown).
func validateQuery(qc QueryChecker, query string) ([]string, *Error) {
	if qc == nil {
		return nil, nil
	}
	cols, err := qc.Check(query)
	if err != nil {
		var cat kql.Catalog
		if k, ok := qc.(KQLChecker); ok {
			cat = k.Catalog
		}
		return nil, queryError(query, err, cat)
	}
	return cols, nil
}

// validateMappings checks entity mappings, custom details and alert details override,
// and, when the query's columns are known, that every column they name exists.
func validateMappings(kind string, p *RuleProperties, cols []string) *Error {
	hasCol := func(c string) bool { return cols == nil || slices.Contains(cols, c) }
	if n := len(p.EntityMappings) + len(p.SentinelEntitiesMappings); n > MaxEntityMappings {
		return badRequest("Error in EntityMappings: a rule may map at most %d entities; %d were given in property 'properties.entityMappings'.", MaxEntityMappings, n)
	}
	for i := range p.EntityMappings {
		m := &p.EntityMappings[i]
		path := fmt.Sprintf("properties.entityMappings[%d]", i)
		if m.EntityType == nil {
			return missing(path, "entityType")
		}
		if err := enumAt(path+".entityType", m.EntityType, EntityTypes); err != nil {
			return err
		}
		if len(m.FieldMappings) == 0 {
			return badRequest("Error in EntityMappings: the entity '%s' in property '%s.fieldMappings' needs at least one field mapping.", *m.EntityType, path)
		}
		if len(m.FieldMappings) > MaxFieldMappings {
			return badRequest("Error in EntityMappings: the entity '%s' in property '%s.fieldMappings' has %d identifiers; the limit is %d.", *m.EntityType, path, len(m.FieldMappings), MaxFieldMappings)
		}
		for j := range m.FieldMappings {
			f := &m.FieldMappings[j]
			fpath := fmt.Sprintf("%s.fieldMappings[%d]", path, j)
			if f.Identifier == nil {
				return missing(fpath, "identifier")
			}
			if f.ColumnName == nil || *f.ColumnName == "" {
				return missing(fpath, "columnName")
			}
			if err := enumAt(fpath+".identifier", f.Identifier, EntityIdentifiers[*m.EntityType]); err != nil {
				return badRequest("Error in EntityMappings: the identifier '%s' in property '%s.identifier' is not valid for entity type '%s'. Valid identifiers are: %s.",
					*f.Identifier, fpath, *m.EntityType, joinList(EntityIdentifiers[*m.EntityType]))
			}
			if !hasCol(*f.ColumnName) {
				return badRequest("Error in EntityMappings: The given column '%s' does not exist.", *f.ColumnName)
			}
		}
	}
	for i, s := range p.SentinelEntitiesMappings {
		if s.ColumnName == nil || *s.ColumnName == "" {
			return missing(fmt.Sprintf("properties.sentinelEntitiesMappings[%d]", i), "columnName")
		}
		if !hasCol(*s.ColumnName) {
			return badRequest("Error in SentinelEntitiesMappings: The given column '%s' does not exist.", *s.ColumnName)
		}
	}
	if len(p.CustomDetails) > MaxCustomDetails {
		return badRequest("Error in CustomDetails: a rule may have at most %d custom details; %d were given in property 'properties.customDetails'.", MaxCustomDetails, len(p.CustomDetails))
	}
	for k, col := range p.CustomDetails {
		if strings.TrimSpace(k) == "" {
			return badRequest("Error in CustomDetails: keys in property 'properties.customDetails' must not be empty.")
		}
		if !hasCol(col) {
			return badRequest("Error in CustomDetails: The given column '%s' does not exist.", col)
		}
	}
	if o := p.AlertDetailsOverride; o != nil {
		for _, f := range []*string{o.AlertDisplayNameFormat, o.AlertDescriptionFormat} {
			if f == nil {
				continue
			}
			for _, m := range formatColumn.FindAllStringSubmatch(*f, -1) {
				if !hasCol(strings.TrimSpace(m[1])) {
					return badRequest("Error in AlertDetailsOverride: The given column '%s' does not exist.", strings.TrimSpace(m[1]))
				}
			}
		}
		for _, c := range []*string{o.AlertTacticsColumnName, o.AlertSeverityColumnName} {
			if c != nil && !hasCol(*c) {
				return badRequest("Error in AlertDetailsOverride: The given column '%s' does not exist.", *c)
			}
		}
		for i := range o.AlertDynamicProperties {
			d := &o.AlertDynamicProperties[i]
			path := fmt.Sprintf("properties.alertDetailsOverride.alertDynamicProperties[%d]", i)
			if d.AlertProperty == nil {
				return missing(path, "alertProperty")
			}
			if d.Value == nil {
				return missing(path, "value")
			}
			if err := enumAt(path+".alertProperty", d.AlertProperty, AlertProperties); err != nil {
				return err
			}
			if !hasCol(*d.Value) {
				return badRequest("Error in AlertDetailsOverride: The given column '%s' does not exist.", *d.Value)
			}
		}
	}
	return nil
}

func validateIncidentConfig(p *RuleProperties) *Error {
	const base = "properties.incidentConfiguration"
	if p.IncidentConfiguration == nil {
		p.IncidentConfiguration = &IncidentConfiguration{CreateIncident: ptr(true)}
	}
	ic := p.IncidentConfiguration
	if ic.CreateIncident == nil {
		return missing(base, "createIncident")
	}
	if ic.GroupingConfiguration == nil {
		ic.GroupingConfiguration = &GroupingConfiguration{Enabled: ptr(false), ReopenClosedIncident: ptr(false),
			LookbackDuration: ptr(DefaultLookback), MatchingMethod: ptr("AllEntities")}
	}
	g := ic.GroupingConfiguration
	gpath := base + ".groupingConfiguration"
	switch {
	case g.Enabled == nil:
		return missing(gpath, "enabled")
	case g.ReopenClosedIncident == nil:
		return missing(gpath, "reopenClosedIncident")
	case g.LookbackDuration == nil:
		return missing(gpath, "lookbackDuration")
	case g.MatchingMethod == nil:
		return missing(gpath, "matchingMethod")
	}
	if _, err := durationIn(gpath+".lookbackDuration", *g.LookbackDuration, MinLookback, MaxLookback, "Grouping lookback duration"); err != nil {
		return err
	}
	if err := enumAt(gpath+".matchingMethod", g.MatchingMethod, MatchingMethods); err != nil {
		return err
	}
	mapped := map[string]bool{}
	for _, m := range p.EntityMappings {
		mapped[*m.EntityType] = true
	}
	for i := range g.GroupByEntities {
		path := fmt.Sprintf("%s.groupByEntities[%d]", gpath, i)
		if err := enumAt(path, &g.GroupByEntities[i], EntityTypes); err != nil {
			return err
		}
		// Rules without entity mappings may still define entities with legacy
		// <Type>CustomEntity columns (the spec's own NRT example groups by them).
		if len(mapped) > 0 && !mapped[g.GroupByEntities[i]] {
			return badRequest("The entity type '%s' in property '%s' is not mapped by this rule; only entities defined in the rule's entityMappings may be used for grouping.", g.GroupByEntities[i], path)
		}
	}
	for i := range g.GroupByAlertDetails {
		if err := enumAt(fmt.Sprintf("%s.groupByAlertDetails[%d]", gpath, i), &g.GroupByAlertDetails[i], AlertDetails); err != nil {
			return err
		}
	}
	for i, k := range g.GroupByCustomDetails {
		if _, ok := p.CustomDetails[k]; !ok {
			return badRequest("The custom detail '%s' in property '%s.groupByCustomDetails[%d]' is not defined in the rule's customDetails.", k, gpath, i)
		}
	}
	if *g.MatchingMethod == "Selected" && len(g.GroupByEntities)+len(g.GroupByAlertDetails)+len(g.GroupByCustomDetails) == 0 {
		return badRequest("When property '%s.matchingMethod' is 'Selected', at least one of groupByEntities, groupByAlertDetails and groupByCustomDetails must be provided and not empty.", gpath)
	}
	for _, l := range []*[]string{&g.GroupByEntities, &g.GroupByAlertDetails, &g.GroupByCustomDetails} {
		if *l == nil {
			*l = []string{}
		}
	}
	return nil
}
