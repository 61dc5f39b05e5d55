package sentinel

import (
	"crypto/sha256"
	"encoding/hex"
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

// alertLink is what the store remembers about an alert beyond its ARM body.
type alertLink struct {
	RuleID    string   `json:"ruleId,omitempty"`
	EntityIDs []string `json:"entityIds"`
}

func linkKey(alertID string) string { return "alert/" + strings.ToLower(alertID) }

// NewEntity is an entity the rule engine found in a result (kind Account, Ip, Host,
// AzureResource, CloudApplication, Url, File, FileHash, Process, ...); Properties are the
// kind's ARM properties (Account: accountName, upnSuffix, aadUserId; Ip: address; ...).
type NewEntity struct {
	Kind       string
	Properties map[string]any
}

// NewAlert is an alert the rule engine (or a Defender source) raises.
type NewAlert struct {
	// RuleID is the ARM id of the analytics rule; "" for alerts of other products.
	RuleID                            string
	DisplayName, Description          string
	Severity                          string
	AlertType, ProductName, Component string
	VendorName, ProviderAlertID       string
	Tactics, Techniques               []string
	StartTime, EndTime                time.Time
	CompromisedEntity                 string
	// ExtendedProperties land in properties.additionalData (rule name, query, custom details).
	ExtendedProperties map[string]string
	Entities           []NewEntity
}

// CreateAlert stores an alert (a SecurityAlert entity) with its entities, de-duplicating
// entities within the workspace, and returns it.
func CreateAlert(tx *simulator.TenantTx, workspaceID string, a NewAlert) (Entity, error) {
	if a.DisplayName == "" || a.Severity == "" {
		return Entity{}, fmt.Errorf("create alert: display name and severity are required")
	}
	if _, ok := canonical(Severities, a.Severity); !ok {
		return Entity{}, fmt.Errorf("create alert: severity %q is not one of %s", a.Severity, joinList(Severities))
	}
	name := simulator.NewGUID()
	id := Prefix(workspaceID) + "/entities/" + name
	link := alertLink{RuleID: a.RuleID, EntityIDs: []string{}}
	for _, e := range a.Entities {
		eid, err := putEntity(tx, workspaceID, e)
		if err != nil {
			return Entity{}, err
		}
		link.EntityIDs = append(link.EntityIDs, eid)
	}
	now := tx.Now()
	start, end := a.StartTime, a.EndTime
	if start.IsZero() {
		start = now
	}
	if end.IsZero() {
		end = start
	}
	product := orDefault(a.ProductName, "Azure Sentinel")
	extra := map[string]any{}
	for k, v := range a.ExtendedProperties {
		extra[k] = v
	}
	props := map[string]any{
		"systemAlertId": name, "alertDisplayName": a.DisplayName, "friendlyName": a.DisplayName,
		"alertType": orDefault(a.AlertType, name), "severity": a.Severity, "status": "New",
		"vendorName": orDefault(a.VendorName, "Microsoft"), "productName": product,
		"productComponentName": a.Component, "providerAlertId": orDefault(a.ProviderAlertID, name),
		"tactics": nonNil(a.Tactics), "techniques": nonNil(a.Techniques), "confidenceLevel": "Unknown",
		"startTimeUtc": Timestamp(start), "endTimeUtc": Timestamp(end), "timeGenerated": Timestamp(now),
		"processingEndTime": Timestamp(now), "description": a.Description, "compromisedEntity": a.CompromisedEntity,
		"remediationSteps": []string{}, "additionalData": extra,
		"resourceIdentifiers": []map[string]any{{"type": "LogAnalytics", "workspaceId": customerID(tx, workspaceID),
			"subscriptionId": tx.Tenant().Subscription.ID, "resourceGroup": groupOf(workspaceID)}},
	}
	alert := Entity{ID: id, Name: name, Type: EntityType, Kind: "SecurityAlert", Properties: props}
	if err := put(tx, id, resEntities, alert); err != nil {
		return Entity{}, err
	}
	return alert, tx.PutJSON(coll, linkKey(id), link)
}

// customerID returns the workspace's Log Analytics workspace id (properties.customerId),
// which alerts name in their resource identifiers.
func customerID(tx *simulator.TenantTx, workspaceID string) string {
	var ws struct {
		Properties struct {
			CustomerID string `json:"customerId"`
		} `json:"properties"`
	}
	if r, ok, err := tx.Resource(workspaceID); err == nil && ok {
		json.Unmarshal(r.Body, &ws)
	}
	return ws.Properties.CustomerID
}

// putEntity stores an entity once per workspace (same kind and properties = same entity).
func putEntity(tx *simulator.TenantTx, workspaceID string, e NewEntity) (string, error) {
	if e.Kind == "" {
		return "", fmt.Errorf("create alert: an entity has no kind")
	}
	props := map[string]any{}
	for k, v := range e.Properties {
		props[k] = v
	}
	data, _ := json.Marshal(props)
	sum := sha256.Sum256(append([]byte(strings.ToLower(e.Kind)+"\x00"+strings.ToLower(workspaceID)+"\x00"), data...))
	key := "entity/" + hex.EncodeToString(sum[:16])
	var known string
	if ok, err := tx.GetJSON(coll, key, &known); err != nil || ok {
		return known, err
	}
	if _, ok := props["friendlyName"]; !ok {
		props["friendlyName"] = friendlyName(props)
	}
	name := simulator.NewGUID()
	id := Prefix(workspaceID) + "/entities/" + name
	if err := put(tx, id, resEntities, Entity{ID: id, Name: name, Type: EntityType, Kind: e.Kind, Properties: props}); err != nil {
		return "", err
	}
	return id, tx.PutJSON(coll, key, id)
}

// friendlyName picks the identifier people recognise an entity by.
func friendlyName(p map[string]any) string {
	for _, k := range []string{"accountName", "address", "hostName", "resourceId", "appName", "url", "fileName", "name", "displayName"} {
		if s, ok := p[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// NewIncident is an incident the rule engine (or the Defender sync) creates.
type NewIncident struct {
	// Name is the incident's id (a GUID); "" picks a new one.
	Name                         string
	Title, Description, Severity string
	// Status defaults to New.
	Status string
	Owner  *Owner
	Labels []IncidentLabel
	// ProviderName defaults to "Azure Sentinel"; ProviderIncidentID to the incident number.
	ProviderName, ProviderIncidentID, ProviderIncidentURL string
}

// CreateIncident stores a new incident holding the given alerts (ids returned by
// CreateAlert) and returns it with its number, activity times and summary filled in.
func CreateIncident(tx *simulator.TenantTx, workspaceID string, in NewIncident, alertIDs ...string) (Incident, error) {
	sev, ok := canonical(Severities, in.Severity)
	if in.Title == "" || !ok {
		return Incident{}, fmt.Errorf("create incident: a title and a severity (%s) are required", joinList(Severities))
	}
	var n int
	numKey := "incidentNumber/" + strings.ToLower(workspaceID)
	if _, err := tx.GetJSON(coll, numKey, &n); err != nil {
		return Incident{}, err
	}
	n++
	if err := tx.PutJSON(coll, numKey, n); err != nil {
		return Incident{}, err
	}
	name := orDefault(in.Name, simulator.NewGUID())
	id := Prefix(workspaceID) + "/incidents/" + name
	now := Timestamp(tx.Now())
	inc := Incident{ID: id, Name: name, Type: IncidentType, Etag: NewEtag(), Properties: IncidentProperties{
		Title: ptr(in.Title), Description: ptr(in.Description), Severity: ptr(sev), Status: ptr(orDefault(in.Status, "New")),
		Owner: in.Owner, Labels: in.Labels, CreatedTimeUtc: now, LastModifiedTimeUtc: now, IncidentNumber: n,
		IncidentURL:  "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident" + id,
		ProviderName: orDefault(in.ProviderName, ProviderSentinel), ProviderIncidentID: orDefault(in.ProviderIncidentID, fmt.Sprint(n)),
	}}
	if inc.Properties.Owner == nil {
		inc.Properties.Owner = &Owner{OwnerType: ptr("Unknown")}
	}
	if inc.Properties.Labels == nil {
		inc.Properties.Labels = []IncidentLabel{}
	}
	inc.Properties.AdditionalData.ProviderIncidentURL = in.ProviderIncidentURL
	if err := put(tx, id, resIncidents, inc); err != nil {
		return Incident{}, err
	}
	for _, a := range alertIDs {
		if err := linkAlert(tx, id, a); err != nil {
			return Incident{}, err
		}
	}
	if err := Refresh(tx, id); err != nil {
		return Incident{}, err
	}
	inc, _, err := IncidentByID(tx, id)
	return inc, err
}

// AttachAlert adds an existing alert to an incident (alert grouping) and refreshes the
// incident's summary. Attaching twice is harmless.
func AttachAlert(tx *simulator.TenantTx, incidentID, alertID string) error {
	if err := linkAlert(tx, incidentID, alertID); err != nil {
		return err
	}
	return Refresh(tx, incidentID)
}

// linkAlert records the incident -> alert relation (visible under incidents/{id}/relations).
func linkAlert(tx *simulator.TenantTx, incidentID, alertID string) error {
	alert, ok, err := tx.Resource(alertID)
	if err != nil {
		return err
	}
	if !ok || entityKind(alert.Body) != "SecurityAlert" {
		return fmt.Errorf("attach alert %s: no such alert", alertID)
	}
	name := alert.ID[strings.LastIndex(alert.ID, "/")+1:]
	id := incidentID + "/relations/" + name
	rel := Relation{ID: id, Name: name, Type: RelationType, Etag: NewEtag(), Properties: RelationProperties{
		RelatedResourceID: ptr(alert.ID), RelatedResourceName: name, RelatedResourceType: EntityType, RelatedResourceKind: "SecurityAlert"}}
	return put(tx, id, resRelations, rel)
}

// IncidentAlerts returns the alerts related to an incident, oldest first.
func IncidentAlerts(tx *simulator.TenantTx, incidentID string) ([]Entity, error) {
	return relatedEntities(tx, incidentID, true)
}

// relatedEntities follows an incident's relations to entities; alerts selects SecurityAlert
// relations, otherwise the other entity relations.
func relatedEntities(tx *simulator.TenantTx, incidentID string, alerts bool) ([]Entity, error) {
	rels, err := decodeAll[Relation](tx, incidentID+"/relations", resRelations)
	if err != nil {
		return nil, err
	}
	var out []Entity
	for _, r := range rels {
		if r.Properties.RelatedResourceID == nil || (r.Properties.RelatedResourceKind == "SecurityAlert") != alerts {
			continue
		}
		e, ok, err := get[Entity](tx, *r.Properties.RelatedResourceID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	if alerts {
		sort.SliceStable(out, func(i, j int) bool {
			a, _ := out[i].Properties["timeGenerated"].(string)
			b, _ := out[j].Properties["timeGenerated"].(string)
			return a < b
		})
	}
	return out, nil
}

// IncidentEntities returns the entities of an incident's alerts and of its entity
// relations, each once, with a count per kind.
func IncidentEntities(tx *simulator.TenantTx, incidentID string) ([]Entity, map[string]int, error) {
	alerts, err := IncidentAlerts(tx, incidentID)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	var out []Entity
	add := func(e Entity) {
		if !seen[strings.ToLower(e.ID)] {
			seen[strings.ToLower(e.ID)] = true
			out = append(out, e)
		}
	}
	for _, a := range alerts {
		var link alertLink
		if _, err := tx.GetJSON(coll, linkKey(a.ID), &link); err != nil {
			return nil, nil, err
		}
		for _, id := range link.EntityIDs {
			e, ok, err := get[Entity](tx, id)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				add(e)
			}
		}
	}
	direct, err := relatedEntities(tx, incidentID, false)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range direct {
		if e.Kind != "Bookmark" {
			add(e)
		}
	}
	counts := map[string]int{}
	for _, e := range out {
		counts[e.Kind]++
	}
	return out, counts, nil
}

// Refresh recomputes an incident's summary from its alerts and comments: counts, product
// names, tactics, techniques, related rules and activity times. The etag is kept: the
// summary is read-only and changing it is not a client's edit.
func Refresh(tx *simulator.TenantTx, incidentID string) error {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil || !ok {
		return err
	}
	alerts, err := IncidentAlerts(tx, incidentID)
	if err != nil {
		return err
	}
	comments, err := tx.ResourcesUnder(incidentID+"/comments", resComments)
	if err != nil {
		return err
	}
	ad := &inc.Properties.AdditionalData
	ad.AlertsCount, ad.CommentsCount = len(alerts), len(comments)
	products, tactics, techniques, rules := set{}, set{}, set{}, set{}
	var first, last string
	for _, a := range alerts {
		products.add(a.Properties["productName"])
		tactics.addAll(a.Properties["tactics"])
		techniques.addAll(a.Properties["techniques"])
		var link alertLink
		if _, err := tx.GetJSON(coll, linkKey(a.ID), &link); err != nil {
			return err
		}
		if link.RuleID != "" {
			rules.add(link.RuleID)
		}
		if s, _ := a.Properties["startTimeUtc"].(string); s != "" && (first == "" || s < first) {
			first = s
		}
		if e, _ := a.Properties["endTimeUtc"].(string); e != "" && e > last {
			last = e
		}
	}
	ad.AlertProductNames, ad.Tactics, ad.Techniques = products.list(), tactics.list(), techniques.list()
	inc.Properties.RelatedAnalyticRuleIDs = rules.list()
	if first != "" {
		inc.Properties.FirstActivityTimeUtc, inc.Properties.LastActivityTimeUtc = ptr(first), ptr(last)
	}
	return put(tx, incidentID, resIncidents, inc)
}

// UpdateIncident applies change to a stored incident (automation rules, Defender sync) and
// stores it with a new etag and modification time.
func UpdateIncident(tx *simulator.TenantTx, incidentID string, change func(*Incident) error) (Incident, error) {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil {
		return Incident{}, err
	}
	if !ok {
		return Incident{}, fmt.Errorf("update incident %s: no such incident", incidentID)
	}
	if err := change(&inc); err != nil {
		return Incident{}, err
	}
	inc.Etag = NewEtag()
	inc.Properties.LastModifiedTimeUtc = Timestamp(tx.Now())
	return inc, put(tx, incidentID, resIncidents, inc)
}

// set keeps distinct strings in insertion order.
type set struct {
	seen  map[string]bool
	items []string
}

func (s *set) add(v any) {
	str, ok := v.(string)
	if !ok || str == "" {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if !s.seen[str] {
		s.seen[str] = true
		s.items = append(s.items, str)
	}
}

func (s *set) addAll(v any) {
	switch l := v.(type) {
	case []string:
		for _, x := range l {
			s.add(x)
		}
	case []any:
		for _, x := range l {
			s.add(x)
		}
	}
}

func (s *set) list() []string { return nonNil(s.items) }

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// groupOf returns the resource group named in an ARM id.
func groupOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "resourceGroups") {
			return segs[i+1]
		}
	}
	return ""
}
