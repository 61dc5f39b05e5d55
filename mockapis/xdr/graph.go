package xdr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/mockapis/odata"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

// Graph's page sizes for security incidents and alerts.
const (
	graphDefaultTop = 50
	graphMaxTop     = 50
	bodyLimit       = 1 << 20
)

// GraphRoutes are security/incidents and security/alerts_v2 for mockapis/graph.
func GraphRoutes(w *simulator.World) []graph.Route {
	g := graphAPI{w}
	return []graph.Route{
		{Method: http.MethodGet, Path: "/security/incidents", Handle: g.listIncidents},
		{Method: http.MethodGet, Path: "/security/incidents/{id}", Handle: g.getIncident},
		{Method: http.MethodPatch, Path: "/security/incidents/{id}", Handle: g.patchIncident},
		{Method: http.MethodPost, Path: "/security/incidents/{id}/comments", Handle: g.comment},
		{Method: http.MethodGet, Path: "/security/alerts_v2", Handle: g.listAlerts},
		{Method: http.MethodGet, Path: "/security/alerts_v2/{id}", Handle: g.getAlert},
		{Method: http.MethodPatch, Path: "/security/alerts_v2/{id}", Handle: g.patchAlert},
	}
}

type graphAPI struct{ w *simulator.World }

func version(r *graph.Request) string {
	if strings.HasPrefix(r.URL.Path, "/beta/") {
		return "beta"
	}
	return "v1.0"
}

func metadata(r *graph.Request, what string) string {
	return "https://graph.microsoft.com/" + version(r) + "/$metadata#" + what
}

func badRequest(format string, args ...any) *graph.Error {
	return graph.Errorf(http.StatusBadRequest, "BadRequest", format, args...)
}

func odataError(err error) error {
	var oe *odata.Error
	if errors.As(err, &oe) {
		return graph.Errorf(http.StatusBadRequest, oe.Code, "%s", oe.Message)
	}
	return err
}

// expandsAlerts reads $expand: only "alerts" is a navigation property of incident.
func expandsAlerts(q *odata.Query, entity string) (bool, error) {
	for _, e := range q.Expand {
		if !strings.EqualFold(e, "alerts") || entity != "incident" {
			return false, badRequest("Could not find a property named '%s' on type 'microsoft.graph.security.%s'.", e, entity)
		}
	}
	return len(q.Expand) > 0, nil
}

func (g graphAPI) listIncidents(r *graph.Request) (graph.Response, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	expand, err := expandsAlerts(q, "incident")
	if err != nil {
		return graph.Response{}, err
	}
	var items []map[string]any
	err = g.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		incs, err := xdr.Incidents(tx)
		if err != nil {
			return err
		}
		items = make([]map[string]any, 0, len(incs))
		for _, inc := range incs {
			obj := GraphIncident(inc, tx.Tenant().ID)
			if expand {
				if obj["alerts"], err = graphAlertsOf(tx, inc); err != nil {
					return err
				}
			}
			items = append(items, obj)
		}
		return nil
	})
	if err != nil {
		return graph.Response{}, err
	}
	page, next, err := q.Apply(items, odata.Page{URL: r.URL, DefaultTop: graphDefaultTop, MaxTop: graphMaxTop})
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	ctx := "security/incidents"
	if expand {
		ctx += "(alerts())"
	}
	return graph.Response{Body: odata.Collection(metadata(r, ctx), page, next)}, nil
}

func graphAlertsOf(tx *simulator.TenantTx, inc xdr.Incident) ([]map[string]any, error) {
	alerts, err := xdr.IncidentAlerts(tx, inc)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(alerts))
	for _, a := range alerts {
		out = append(out, GraphAlert(a, tx.Tenant().ID))
	}
	return out, nil
}

func incidentNotFound(id string) *graph.Error {
	return graph.Errorf(http.StatusNotFound, "NotFound", "Incident with id '%s' was not found.", id)
}

func (g graphAPI) getIncident(r *graph.Request) (graph.Response, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	expand, err := expandsAlerts(q, "incident")
	if err != nil {
		return graph.Response{}, err
	}
	id, ok := xdr.ParseIncidentID(r.Vars["id"])
	if !ok {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	var obj map[string]any
	err = g.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		inc, ok, err := xdr.IncidentByID(tx, id)
		if err != nil || !ok {
			obj = nil
			return err
		}
		obj = GraphIncident(inc, tx.Tenant().ID)
		if expand {
			obj["alerts"], err = graphAlertsOf(tx, inc)
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	obj = odata.Select(obj, q.Select)
	ctx := "security/incidents/$entity"
	if expand {
		ctx = "security/incidents(alerts())/$entity"
	}
	return graph.Response{Body: withContext(metadata(r, ctx), obj)}, nil
}

func withContext(ctx string, obj map[string]any) map[string]any {
	out := map[string]any{"@odata.context": ctx}
	for k, v := range obj {
		out[k] = v
	}
	return out
}

// readBody decodes a JSON object body into its properties.
func readBody(r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, bodyLimit+1))
	if err != nil {
		return nil, err
	}
	if len(data) > bodyLimit {
		return nil, fmt.Errorf("the request body is larger than %d bytes", bodyLimit)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("the request body is not a JSON object")
	}
	return m, nil
}

// fields reads the properties of a PATCH body: writable ones into their targets, "@odata.type"
// ignored, read-only ones (known) and unknown ones refused.
func fields(m map[string]json.RawMessage, entity string, writable map[string]any, known []string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "@odata.type" {
			continue
		}
		target, ok := writable[k]
		if !ok {
			if slices.Contains(known, k) {
				return badRequest("The property '%s' of type 'microsoft.graph.security.%s' is read-only and cannot be updated.", k, entity)
			}
			return badRequest("The property '%s' does not exist on type 'microsoft.graph.security.%s'. Make sure to only use property names that are defined by the type.", k, entity)
		}
		if string(m[k]) == "null" {
			return badRequest("The property '%s' cannot be null.", k)
		}
		if err := json.Unmarshal(m[k], target); err != nil {
			return badRequest("Cannot convert the value of property '%s' to the type it has on 'microsoft.graph.security.%s'.", k, entity)
		}
	}
	return nil
}

var incidentProps = []string{"id", "tenantId", "incidentWebUrl", "redirectIncidentId", "displayName", "createdDateTime",
	"lastUpdateDateTime", "severity", "systemTags", "comments", "lastModifiedBy", "resolvingComment", "summary", "alerts"}

func (g graphAPI) patchIncident(r *graph.Request) (graph.Response, error) {
	id, ok := xdr.ParseIncidentID(r.Vars["id"])
	if !ok {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	m, err := readBody(r.Request)
	if err != nil {
		return graph.Response{}, badRequest("%v", err)
	}
	var status, assigned, class, det, desc string
	var tags []string
	if err := fields(m, "incident", map[string]any{"status": &status, "assignedTo": &assigned, "classification": &class,
		"determination": &det, "description": &desc, "customTags": &tags}, incidentProps); err != nil {
		return graph.Response{}, err
	}
	u := xdr.IncidentUpdate{By: by(r)}
	set := func(k string, v *string, into **string) {
		if _, ok := m[k]; ok {
			*into = v
		}
	}
	set("status", &status, &u.Status)
	set("assignedTo", &assigned, &u.AssignedTo)
	set("classification", &class, &u.Classification)
	set("determination", &det, &u.Determination)
	set("description", &desc, &u.Description)
	if _, ok := m["customTags"]; ok {
		u.CustomTags = &tags
	}
	var obj map[string]any
	err = g.w.Update(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		obj = nil
		if _, ok, err := xdr.IncidentByID(tx, id); err != nil || !ok {
			return err
		}
		inc, err := xdr.UpdateIncident(tx, id, u)
		if err != nil {
			return err
		}
		obj = GraphIncident(inc, tx.Tenant().ID)
		return nil
	})
	if err := invalidError(err); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	return graph.Response{Body: withContext(metadata(r, "security/incidents/$entity"), obj)}, nil
}

// invalidError turns a refused update into Graph's 400.
func invalidError(err error) error {
	var ie *xdr.InvalidError
	if errors.As(err, &ie) {
		return badRequest("%s", ie.Message)
	}
	return err
}

// by names the caller in comments and lastModifiedBy.
func by(r *graph.Request) string {
	p := r.Principal
	for _, s := range []string{p.UPN, p.Name, p.AppID} {
		if s != "" {
			return s
		}
	}
	return "Unknown"
}

func (g graphAPI) comment(r *graph.Request) (graph.Response, error) {
	id, ok := xdr.ParseIncidentID(r.Vars["id"])
	if !ok {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	m, err := readBody(r.Request)
	if err != nil {
		return graph.Response{}, badRequest("%v", err)
	}
	var text string
	if err := fields(m, "alertComment", map[string]any{"comment": &text}, []string{"createdByDisplayName", "createdDateTime"}); err != nil {
		return graph.Response{}, err
	}
	if _, ok := m["comment"]; !ok {
		return graph.Response{}, badRequest("The property 'comment' is required.")
	}
	var out []any
	err = g.w.Update(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		out = nil
		if _, ok, err := xdr.IncidentByID(tx, id); err != nil || !ok {
			return err
		}
		inc, err := xdr.UpdateIncident(tx, id, xdr.IncidentUpdate{Comment: &text, By: by(r)})
		if err != nil {
			return err
		}
		out = graphComments(inc.Comments)
		return nil
	})
	if err := invalidError(err); err != nil {
		return graph.Response{}, err
	}
	if out == nil {
		return graph.Response{}, incidentNotFound(r.Vars["id"])
	}
	return graph.Response{Body: map[string]any{"@odata.context": metadata(r, "Collection(microsoft.graph.security.alertComment)"), "value": out}}, nil
}
