package portal

import (
	"errors"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// asset is one entity of the incident's Assets tab.
type asset struct {
	Kind, Label, Detail, Role string
	Alerts                    int
}

type incidentData struct {
	Incident xdr.Incident
	Alerts   []xdr.Alert
	Story    xdr.Story
	Users    []asset
	IPs      []asset
	Cloud    []asset
	Graph    template.HTML
	Activity []sentinel.ActivityEntry
	Twin     string // the synced Sentinel incident's number ("" none)
	// Choices of the manage form.
	Statuses, Classifications, Determinations []string
}

// loadIncident reads everything the incident page shows, in one read transaction.
func loadIncident(tx *simulator.TenantTx, id int) (incidentData, bool, error) {
	inc, ok, err := xdr.IncidentByID(tx, id)
	if err != nil || !ok {
		return incidentData{}, ok, err
	}
	d := incidentData{Incident: inc, Statuses: xdr.IncidentStatuses, Classifications: xdr.Classifications, Determinations: xdr.Determinations}
	if d.Alerts, err = xdr.IncidentAlerts(tx, inc); err != nil {
		return d, false, err
	}
	sort.SliceStable(d.Alerts, func(i, j int) bool { return d.Alerts[i].FirstActivity.Before(d.Alerts[j].FirstActivity) })
	if d.Story, _, err = xdr.StoryOf(tx, id); err != nil {
		return d, false, err
	}
	d.Users, d.IPs, d.Cloud = assets(d.Alerts)
	d.Graph = evidenceGraph(d.Story, labelsOf(d.Alerts, d.Users, d.IPs, d.Cloud))
	if inc.Sync.SentinelID != "" {
		if d.Activity, err = sentinel.IncidentActivity(tx, inc.Sync.SentinelID); err != nil {
			return d, false, err
		}
		if s, ok, err := sentinel.IncidentByID(tx, inc.Sync.SentinelID); err != nil {
			return d, false, err
		} else if ok {
			d.Twin = strconv.Itoa(s.Properties.IncidentNumber)
		}
	}
	return d, true, nil
}

// assets groups the alerts' entities by kind, counting the alerts each appears in.
func assets(alerts []xdr.Alert) (users, ips, cloud []asset) {
	seen := map[string]*asset{}
	var order []string
	for _, a := range alerts {
		inAlert := map[string]bool{}
		for _, e := range a.Entities {
			k := e.Key()
			if k == "" || inAlert[k] {
				continue
			}
			inAlert[k] = true
			if x := seen[k]; x != nil {
				x.Alerts++
				if e.Role == "impacted" {
					x.Role = "impacted"
				}
				if l := entityName(e); shouted(x.Label) && !shouted(l) {
					x.Label = l // a rule's mapping may upper-case a name Azure spells in lower case
				}
				continue
			}
			x := &asset{Kind: e.Kind, Role: orRelated(e.Role), Alerts: 1}
			x.Label = entityName(e)
			switch e.Kind {
			case xdr.EntityUser:
				x.Detail = e.DisplayName
			case xdr.EntityIP:
				x.Detail = strings.Trim(strings.Join([]string{e.City, e.Country}, ", "), ", ")
			case xdr.EntityResource:
				x.Detail = e.Type
			}
			seen[k] = x
			order = append(order, k)
		}
	}
	for _, k := range order {
		x := *seen[k]
		switch x.Kind {
		case xdr.EntityUser:
			users = append(users, x)
		case xdr.EntityIP:
			ips = append(ips, x)
		default:
			cloud = append(cloud, x)
		}
	}
	return users, ips, cloud
}

// entityName is how the portal names an entity.
func entityName(e xdr.Entity) string {
	switch e.Kind {
	case xdr.EntityUser:
		return e.UPN
	case xdr.EntityIP:
		return e.Address
	}
	return firstOf(e.Name, e.ResourceID)
}

// shouted reports a name written all in upper case.
func shouted(s string) bool { return s != "" && s == strings.ToUpper(s) && s != strings.ToLower(s) }

// labelsOf is each asset's name by entity key, for the evidence graph.
func labelsOf(alerts []xdr.Alert, groups ...[]asset) map[string]string {
	out := map[string]string{}
	byLabel := map[string]string{}
	for _, g := range groups {
		for _, a := range g {
			byLabel[strings.ToLower(a.Label)] = a.Label
		}
	}
	for _, a := range alerts {
		for _, e := range a.Entities {
			if l, ok := byLabel[strings.ToLower(entityName(e))]; ok {
				out[e.Key()] = l
			}
		}
	}
	return out
}

func orRelated(r string) string {
	if r == "" {
		return "related"
	}
	return r
}

func incidentID(r *http.Request) (int, bool) {
	return xdr.ParseIncidentID(mux.Vars(r)["id"])
}

func (p *Portal) incidentPage(w http.ResponseWriter, r *http.Request, s *session) {
	p.showIncident(w, r, s, http.StatusOK, "", false)
}

func (p *Portal) showIncident(w http.ResponseWriter, r *http.Request, s *session, status int, flash string, bad bool) {
	id, ok := incidentID(r)
	if !ok {
		p.notFound(w, r, s)
		return
	}
	var d incidentData
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		var err error
		d, ok, err = loadIncident(tx, id)
		return err
	})
	switch {
	case err != nil:
		p.fail(w, r, s, err)
	case !ok:
		p.notFound(w, r, s)
	default:
		p.render(w, r, s, status, "incident", pageData{Title: d.Incident.DisplayName, Nav: "incidents", Flash: flash, Bad: bad, Data: d})
	}
}

// updateIncident is the Manage incident form: assign, status, classification and
// determination go through xdr.UpdateIncident, as Graph's PATCH does, and reach Sentinel
// through the sync. Only the fields the analyst changed are sent.
func (p *Portal) updateIncident(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := incidentID(r)
	if !ok {
		p.notFound(w, r, s)
		return
	}
	f := r.PostForm
	if f.Has("assignToMe") {
		f.Set("assignedTo", s.UPN)
	}
	found := false
	err := p.cfg.World.Update(s.TenantID, func(tx *simulator.TenantTx) error {
		cur, ok, err := xdr.IncidentByID(tx, id)
		if err != nil || !ok {
			found = false
			return err
		}
		found = true
		u := xdr.IncidentUpdate{By: s.UPN}
		change := func(key, current string, into **string) {
			if !f.Has(key) {
				return
			}
			v := strings.TrimSpace(f.Get(key))
			if key != "assignedTo" && v == "" {
				v = "unknown"
			}
			if v != current && !(v == "unknown" && current == "") {
				*into = &v
			}
		}
		change("status", cur.Status, &u.Status)
		change("assignedTo", cur.AssignedTo, &u.AssignedTo)
		change("classification", cur.Classification, &u.Classification)
		change("determination", cur.Determination, &u.Determination)
		if u.Status == nil && u.AssignedTo == nil && u.Classification == nil && u.Determination == nil {
			return nil
		}
		_, err = xdr.UpdateIncident(tx, id, u)
		return err
	})
	var ie *xdr.InvalidError
	switch {
	case errors.As(err, &ie):
		p.showIncident(w, r, s, http.StatusBadRequest, ie.Message, true)
	case err != nil:
		p.fail(w, r, s, err)
	case !found:
		p.notFound(w, r, s)
	default:
		p.enqueue(s.TenantID)
		done(w, r, r.URL.Path, "Incident updated.")
	}
}

// commentIncident adds a comment (xdr.UpdateIncident with Comment, as Graph's comment action).
func (p *Portal) commentIncident(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := incidentID(r)
	if !ok {
		p.notFound(w, r, s)
		return
	}
	text := r.PostForm.Get("comment")
	found := false
	err := p.cfg.World.Update(s.TenantID, func(tx *simulator.TenantTx) error {
		_, ok, err := xdr.IncidentByID(tx, id)
		if found = ok; err != nil || !ok {
			return err
		}
		_, err = xdr.UpdateIncident(tx, id, xdr.IncidentUpdate{Comment: &text, By: s.UPN})
		return err
	})
	var ie *xdr.InvalidError
	switch {
	case errors.As(err, &ie):
		p.showIncident(w, r, s, http.StatusBadRequest, ie.Message, true)
	case err != nil:
		p.fail(w, r, s, err)
	case !found:
		p.notFound(w, r, s)
	default:
		done(w, r, "/incidents/"+strconv.Itoa(id), "Comment added.")
	}
}

func (p *Portal) enqueue(tenantID string) {
	if p.cfg.Enqueue != nil {
		p.cfg.Enqueue(tenantID)
	}
}

type sentinelIncidentData struct {
	Incident sentinel.Incident
	Alerts   []sentinel.Entity
	Entities []sentinel.Entity
	Comments []sentinel.Comment
	Activity []sentinel.ActivityEntry
	// Choices of the manage form (Sentinel's own enumerations).
	Statuses, Classifications, Reasons []string
	Owner                              string
}

// sentinelIncidentByName finds a Sentinel incident of the tenant's onboarded workspaces by its
// name (the GUID in its ARM id).
func sentinelIncidentByName(tx *simulator.TenantTx, name string) (sentinel.Incident, bool, error) {
	wss, err := sentinel.OnboardedWorkspaces(tx)
	if err != nil {
		return sentinel.Incident{}, false, err
	}
	for _, ws := range wss {
		incs, err := sentinel.Incidents(tx, ws)
		if err != nil {
			return sentinel.Incident{}, false, err
		}
		for _, inc := range incs {
			if strings.EqualFold(inc.Name, name) {
				return inc, true, nil
			}
		}
	}
	return sentinel.Incident{}, false, nil
}

// sentinelIncidentPage shows a Sentinel incident that is not in Defender XDR.
func (p *Portal) sentinelIncidentPage(w http.ResponseWriter, r *http.Request, s *session) {
	p.showSentinelIncident(w, r, s, http.StatusOK, "")
}

func (p *Portal) showSentinelIncident(w http.ResponseWriter, r *http.Request, s *session, status int, problem string) {
	d := sentinelIncidentData{Statuses: sentinel.IncidentStatuses, Classifications: sentinel.Classifications, Reasons: sentinel.ClassificationReasons}
	found := false
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		inc, ok, err := sentinelIncidentByName(tx, mux.Vars(r)["name"])
		if found = ok; err != nil || !ok {
			return err
		}
		d.Incident = inc
		if o := inc.Properties.Owner; o != nil {
			d.Owner = firstOf(deref(o.UserPrincipalName), deref(o.Email), deref(o.AssignedTo))
		}
		if d.Alerts, err = sentinel.IncidentAlerts(tx, inc.ID); err != nil {
			return err
		}
		if d.Entities, _, err = sentinel.IncidentEntities(tx, inc.ID); err != nil {
			return err
		}
		if d.Comments, err = sentinel.IncidentComments(tx, inc.ID); err != nil {
			return err
		}
		d.Activity, err = sentinel.IncidentActivity(tx, inc.ID)
		return err
	})
	switch {
	case err != nil:
		p.fail(w, r, s, err)
	case !found:
		p.notFound(w, r, s)
	default:
		p.render(w, r, s, status, "sentinel_incident", pageData{Title: deref(d.Incident.Properties.Title), Nav: "incidents", Flash: problem, Bad: problem != "", Data: d})
	}
}

// updateSentinelIncident changes a Sentinel incident's owner, status and classification as
// Sentinel's incident PUT does (the current properties with the changes, ValidateIncidentUpdate,
// ApplyIncidentUpdate), stored by sentinel.UpdateIncidentAs as the signed-in user, so the
// activity log, automation's update events and the SecurityIncident row follow.
func (p *Portal) updateSentinelIncident(w http.ResponseWriter, r *http.Request, s *session) {
	f := r.PostForm
	opt := func(key string) *string {
		if v := strings.TrimSpace(f.Get(key)); v != "" {
			return &v
		}
		return nil
	}
	found := false
	var refused *sentinel.Error
	err := p.cfg.World.Update(s.TenantID, func(tx *simulator.TenantTx) error {
		refused = nil
		inc, ok, err := sentinelIncidentByName(tx, mux.Vars(r)["name"])
		if found = ok; err != nil || !ok {
			return err
		}
		upd := inc.Properties
		if v := opt("status"); v != nil {
			upd.Status = v
		}
		switch {
		case f.Has("assignToMe"):
			upd.Owner = &sentinel.Owner{ObjectID: &s.ObjectID, UserPrincipalName: &s.UPN, Email: &s.UPN, AssignedTo: &s.DisplayName}
		case f.Has("assignedTo"):
			cur := ""
			if o := inc.Properties.Owner; o != nil {
				cur = firstOf(deref(o.UserPrincipalName), deref(o.Email), deref(o.AssignedTo))
			}
			if v := opt("assignedTo"); v == nil {
				upd.Owner = &sentinel.Owner{}
			} else if *v != cur {
				upd.Owner = &sentinel.Owner{AssignedTo: v}
				if strings.Contains(*v, "@") {
					upd.Owner.UserPrincipalName = v
				}
			}
		}
		upd.Classification, upd.ClassificationReason, upd.ClassificationComment = opt("classification"), opt("classificationReason"), opt("classificationComment")
		if e := sentinel.ValidateIncidentUpdate(&upd); e != nil {
			refused = e
			return e
		}
		_, err = sentinel.UpdateIncidentAs(tx, inc.ID, sentinel.Actor{Source: sentinel.SourceUser, Name: s.UPN}, func(i *sentinel.Incident) error {
			sentinel.ApplyIncidentUpdate(&i.Properties, upd)
			return nil
		})
		return err
	})
	switch {
	case refused != nil:
		p.showSentinelIncident(w, r, s, http.StatusBadRequest, refused.Message)
	case err != nil:
		p.fail(w, r, s, err)
	case !found:
		p.notFound(w, r, s)
	default:
		p.enqueue(s.TenantID)
		done(w, r, r.URL.Path, "Incident updated.")
	}
}

// alertPage opens the incident an alert belongs to (/incidents/byalert?alertId=, the real portal's
// link; the Copilot answers' alert sources use it).
func (p *Portal) alertPage(w http.ResponseWriter, r *http.Request, s *session) {
	var a xdr.Alert
	found := false
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		var err error
		a, found, err = xdr.AlertByID(tx, r.URL.Query().Get("alertId"))
		return err
	})
	switch {
	case err != nil:
		p.fail(w, r, s, err)
	case !found || a.IncidentID == 0:
		p.notFound(w, r, s)
	default:
		http.Redirect(w, r, "/incidents/"+strconv.Itoa(a.IncidentID)+"#alerts", http.StatusSeeOther)
	}
}
