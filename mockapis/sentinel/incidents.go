package sentinel

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/sentinel"
)

var relationName = regexp.MustCompile(`^[a-zA-Z0-9-]{3,63}$`)

// putIncident updates an incident (the portal's GET, modify, PUT with the etag) or creates
// a manual one.
func (s *service) putIncident(c *arm.Call) (arm.Response, error) {
	var req model.Incident
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	if err := model.ValidateIncidentUpdate(&req.Properties); err != nil {
		return arm.Response{}, armError(err)
	}
	p := req.Properties
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		var inc model.Incident
		if res.Existing == nil {
			created, err := model.CreateIncident(tx, workspaceOf(res), model.NewIncident{Name: name(res.ID), Title: *p.Title,
				Severity: *p.Severity, Description: deref(p.Description), Status: *p.Status, Owner: p.Owner, Labels: p.Labels, By: userActor(c)})
			if err != nil {
				return nil, err
			}
			inc = created
		} else if err := json.Unmarshal(res.Existing.Body, &inc); err != nil {
			return nil, fmt.Errorf("decode incident %s: %w", res.ID, err)
		}
		q := &inc.Properties
		model.ApplyIncidentUpdate(q, p)
		q.LastModifiedTimeUtc = model.Timestamp(tx.Now())
		inc.Etag = model.NewEtag()
		inc.SystemData = systemData(c, tx, res.Existing)
		return inc, nil
	}, after: func(tx *simulator.TenantTx, res arm.Resolved) error {
		if res.Existing == nil {
			return nil // CreateIncident recorded the creation
		}
		var before model.Incident
		if err := json.Unmarshal(res.Existing.Body, &before); err != nil {
			return fmt.Errorf("decode incident %s: %w", res.ID, err)
		}
		return model.RecordIncidentChange(tx, &before, res.ID, userActor(c))
	}})
}

// userActor is the ARM caller as the incident's activity log names it.
func userActor(c *arm.Call) model.Actor {
	return model.Actor{Source: model.SourceUser, Name: clientInfo(c).Name}
}

// listIncidents answers the incidents collection with $filter (eq on status, severity,
// title, providerName, incidentNumber, joined by and), $orderby and $top.
func (s *service) listIncidents(c *arm.Call) (arm.Response, error) {
	var items []model.Incident
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		items, err = model.Incidents(tx, workspaceOf(res))
		return err
	})
	if err != nil {
		return arm.Response{}, err
	}
	q := c.Request.URL.Query()
	if f := q.Get("$filter"); f != "" {
		keep, err := incidentFilter(f)
		if err != nil {
			return arm.Response{}, err
		}
		var out []model.Incident
		for _, i := range items {
			if keep(i) {
				out = append(out, i)
			}
		}
		items = out
	}
	if o := q.Get("$orderby"); o != "" {
		if err := orderIncidents(items, o); err != nil {
			return arm.Response{}, err
		}
	}
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return arm.Response{}, arm.NewError(http.StatusBadRequest, "BadRequest", "The value '"+t+"' of the $top query option is not a non-negative integer.")
		}
		if n < len(items) {
			items = items[:n]
		}
	}
	return arm.OK(arm.List(items)), nil
}

var filterTerm = regexp.MustCompile(`(?i)^\s*properties/(\w+)\s+eq\s+(?:'([^']*)'|(\d+))\s*$`)

func incidentFilter(f string) (func(model.Incident) bool, error) {
	var tests []func(model.Incident) bool
	for _, term := range regexp.MustCompile(`(?i)\s+and\s+`).Split(f, -1) {
		m := filterTerm.FindStringSubmatch(term)
		if m == nil {
			return nil, arm.NewError(http.StatusBadRequest, "BadRequest", "The $filter expression '"+term+"' is not supported: use properties/<name> eq '<value>' joined by 'and'.")
		}
		field, want := strings.ToLower(m[1]), m[2]+m[3]
		get := map[string]func(model.Incident) string{
			"status":         func(i model.Incident) string { return deref(i.Properties.Status) },
			"severity":       func(i model.Incident) string { return deref(i.Properties.Severity) },
			"title":          func(i model.Incident) string { return deref(i.Properties.Title) },
			"providername":   func(i model.Incident) string { return i.Properties.ProviderName },
			"incidentnumber": func(i model.Incident) string { return strconv.Itoa(i.Properties.IncidentNumber) },
		}[field]
		if get == nil {
			return nil, arm.NewError(http.StatusBadRequest, "BadRequest", "Filtering incidents on 'properties/"+m[1]+"' is not supported.")
		}
		tests = append(tests, func(i model.Incident) bool { return strings.EqualFold(get(i), want) })
	}
	return func(i model.Incident) bool {
		for _, t := range tests {
			if !t(i) {
				return false
			}
		}
		return true
	}, nil
}

func orderIncidents(items []model.Incident, order string) error {
	f := strings.Fields(order)
	desc := len(f) == 2 && strings.EqualFold(f[1], "desc")
	if len(f) == 0 || len(f) > 2 || (len(f) == 2 && !desc && !strings.EqualFold(f[1], "asc")) {
		return arm.NewError(http.StatusBadRequest, "BadRequest", "The $orderby expression '"+order+"' is not valid.")
	}
	key := map[string]func(model.Incident) string{
		"properties/createdtimeutc":      func(i model.Incident) string { return i.Properties.CreatedTimeUtc },
		"properties/lastmodifiedtimeutc": func(i model.Incident) string { return i.Properties.LastModifiedTimeUtc },
		"properties/incidentnumber":      func(i model.Incident) string { return fmt.Sprintf("%010d", i.Properties.IncidentNumber) },
	}[strings.ToLower(f[0])]
	if key == nil {
		return arm.NewError(http.StatusBadRequest, "BadRequest", "Ordering incidents by '"+f[0]+"' is not supported.")
	}
	sort.SliceStable(items, func(a, b int) bool {
		if desc {
			return key(items[a]) > key(items[b])
		}
		return key(items[a]) < key(items[b])
	})
	return nil
}

// existingIncident resolves an incident action's target, or ARM's 404.
func existingIncident(c *arm.Call, fn func(tx *simulator.TenantTx, id string) error) error {
	return c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing == nil {
			return c.NotFound(res)
		}
		return fn(tx, res.ID)
	})
}

// incidentAlerts answers POST incidents/{id}/alerts.
func (s *service) incidentAlerts(c *arm.Call) (arm.Response, error) {
	var alerts []model.Entity
	err := existingIncident(c, func(tx *simulator.TenantTx, id string) error {
		var err error
		alerts, err = model.IncidentAlerts(tx, id)
		return err
	})
	return arm.OK(arm.List(alerts)), err
}

// incidentEntities answers POST incidents/{id}/entities.
func (s *service) incidentEntities(c *arm.Call) (arm.Response, error) {
	var ents []model.Entity
	var counts map[string]int
	err := existingIncident(c, func(tx *simulator.TenantTx, id string) error {
		var err error
		ents, counts, err = model.IncidentEntities(tx, id)
		return err
	})
	if err != nil {
		return arm.Response{}, err
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	meta := make([]map[string]any, 0, len(kinds))
	for _, k := range kinds {
		meta = append(meta, map[string]any{"entityKind": k, "count": counts[k]})
	}
	if ents == nil {
		ents = []model.Entity{}
	}
	return arm.OK(map[string]any{"entities": ents, "metaData": meta}), nil
}

// incidentBookmarks answers POST incidents/{id}/bookmarks; the lab has no hunting
// bookmarks, so the list is empty for every existing incident.
func (s *service) incidentBookmarks(c *arm.Call) (arm.Response, error) {
	err := existingIncident(c, func(*simulator.TenantTx, string) error { return nil })
	return arm.OK(arm.List([]any{})), err
}

// putComment adds or edits a comment and refreshes the incident's comment count.
func (s *service) putComment(c *arm.Call) (arm.Response, error) {
	var req model.Comment
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	if err := model.ValidateComment(&req.Properties); err != nil {
		return arm.Response{}, armError(err)
	}
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		now := model.Timestamp(tx.Now())
		cm := model.Comment{ID: res.ID, Name: name(res.ID), Type: model.CommentType, Etag: model.NewEtag(),
			Properties: model.CommentProperties{Message: req.Properties.Message, CreatedTimeUtc: now, LastModifiedTimeUtc: now,
				Author: *clientInfo(c)}, SystemData: systemData(c, tx, res.Existing)}
		if res.Existing != nil {
			var old model.Comment
			if json.Unmarshal(res.Existing.Body, &old) == nil {
				cm.Properties.CreatedTimeUtc, cm.Properties.Author = old.Properties.CreatedTimeUtc, old.Properties.Author
			}
		}
		return cm, nil
	}, after: func(tx *simulator.TenantTx, res arm.Resolved) error {
		return model.RefreshAs(tx, res.Parent.ID, userActor(c))
	}})
}

// putRelation links an incident to an alert or entity of the same workspace.
func (s *service) putRelation(c *arm.Call) (arm.Response, error) {
	var req model.Relation
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	if !relationName.MatchString(c.Name()) {
		return arm.Response{}, arm.NewError(http.StatusBadRequest, "BadRequest",
			"The relation name '"+c.Name()+"' is not valid: use 3 to 63 letters, digits and hyphens.")
	}
	if req.Properties.RelatedResourceID == nil || *req.Properties.RelatedResourceID == "" {
		return arm.Response{}, arm.NewError(http.StatusBadRequest, "BadRequest", "Required property 'relatedResourceId' not found in JSON. Path 'properties'.")
	}
	target := *req.Properties.RelatedResourceID
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		prefix := strings.ToLower(model.Prefix(workspaceOf(res)) + "/entities/")
		r, ok, err := tx.Resource(target)
		if err != nil {
			return nil, err
		}
		if !ok || !strings.HasPrefix(strings.ToLower(r.ID), prefix) {
			return nil, arm.NewError(http.StatusBadRequest, "BadRequest",
				"The related resource '"+target+"' at path 'properties.relatedResourceId' was not found in this workspace; relate alerts and entities of the same workspace.")
		}
		var e model.Entity
		json.Unmarshal(r.Body, &e)
		return model.Relation{ID: res.ID, Name: name(res.ID), Type: model.RelationType, Etag: model.NewEtag(),
			Properties: model.RelationProperties{RelatedResourceID: &r.ID, RelatedResourceName: e.Name,
				RelatedResourceType: model.EntityType, RelatedResourceKind: e.Kind}, SystemData: systemData(c, tx, res.Existing)}, nil
	}, after: func(tx *simulator.TenantTx, res arm.Resolved) error {
		return model.RefreshAs(tx, res.Parent.ID, userActor(c))
	}})
}

// deleteComment and deleteRelation delete a child of an incident and refresh its summary.
func (s *service) deleteComment(c *arm.Call) (arm.Response, error)  { return deleteChild(c) }
func (s *service) deleteRelation(c *arm.Call) (arm.Response, error) { return deleteChild(c) }

func deleteChild(c *arm.Call) (arm.Response, error) {
	status := http.StatusOK
	err := c.Update(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing == nil {
			status = http.StatusNoContent
			return nil
		}
		if _, err := tx.DeleteTree(res.ID); err != nil {
			return err
		}
		if err := model.Refresh(tx, res.Parent.ID); err != nil {
			return err
		}
		return c.Record(tx, res.ID, c.Type.Name+"/delete", http.StatusOK)
	})
	return arm.Response{Status: status}, err
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
