package sentinel

import (
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
)

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
	// By is who creates it (the event's Source); zero: the Defender sync for Defender
	// incidents, Sentinel's analytics otherwise.
	By Actor
}

// CreateIncident stores a new incident holding the given alerts (ids returned by
// CreateAlert) and returns it with its number, activity times and summary filled in. It
// appends the Created incident event in the same transaction.
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
	if in.Owner != nil {
		o := *in.Owner // the caller's owner is not ours to change
		inc.Properties.Owner = &o
	} else {
		inc.Properties.Owner = &Owner{}
	}
	if o := inc.Properties.Owner; o.OwnerType == nil {
		o.OwnerType = ptr("Unknown")
		if o.ObjectID != nil {
			o.OwnerType = ptr("User")
		}
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
	if err != nil {
		return Incident{}, err
	}
	by := in.By
	if by.Source == "" {
		by = defaultActor(inc.Properties.ProviderName)
	}
	return inc, recordChange(tx, nil, inc, by)
}

// AttachAlert adds an existing alert to an incident (alert grouping) and refreshes the
// incident's summary, recording the update (alerts added) as made by the incident's
// provider. Attaching twice is harmless.
func AttachAlert(tx *simulator.TenantTx, incidentID, alertID string) error {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("attach alert to %s: no such incident", incidentID)
	}
	if err := linkAlert(tx, incidentID, alertID); err != nil {
		return err
	}
	return RefreshAs(tx, incidentID, defaultActor(inc.Properties.ProviderName))
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

// UpdateIncident applies change to a stored incident (alert grouping, Defender sync) and
// stores it with a new etag and modification time, recording the update as made by the
// incident's provider (Microsoft365Defender for Defender incidents, else AnalyticsRule).
func UpdateIncident(tx *simulator.TenantTx, incidentID string, change func(*Incident) error) (Incident, error) {
	return UpdateIncidentAs(tx, incidentID, Actor{}, change)
}

// UpdateIncidentAs is UpdateIncident made by the given actor (zero: the provider's default).
// When the change alters what automation conditions read, an Updated incident event and
// activity-log entries are appended in the same transaction.
func UpdateIncidentAs(tx *simulator.TenantTx, incidentID string, by Actor, change func(*Incident) error) (Incident, error) {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil {
		return Incident{}, err
	}
	if !ok {
		return Incident{}, fmt.Errorf("update incident %s: no such incident", incidentID)
	}
	before := StateOf(inc)
	if err := change(&inc); err != nil {
		return Incident{}, err
	}
	inc.Etag = NewEtag()
	inc.Properties.LastModifiedTimeUtc = Timestamp(tx.Now())
	if err := put(tx, incidentID, resIncidents, inc); err != nil {
		return Incident{}, err
	}
	if by.Source == "" {
		by = defaultActor(inc.Properties.ProviderName)
	}
	return inc, recordChange(tx, &before, inc, by)
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
