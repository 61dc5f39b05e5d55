package xdr

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/odata"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

// The Defender API's page limit for incidents.
const apiMaxTop = 100

// filterable are the incident properties the Defender API's $filter supports.
var filterable = []string{"lastUpdateTime", "createdTime", "status", "assignedTo"}

// DefenderRoutes are GET /api/incidents, GET and PATCH /api/incidents/{id} for mockapis/defender.
func DefenderRoutes(w *simulator.World) []defender.Route {
	d := defenderAPI{w}
	return []defender.Route{
		{Method: http.MethodGet, Path: "/api/incidents", Handle: d.list},
		{Method: http.MethodGet, Path: "/api/incidents/{id}", Handle: d.get},
		{Method: http.MethodPatch, Path: "/api/incidents/{id}", Handle: d.patch},
	}
}

type defenderAPI struct{ w *simulator.World }

func apiError(status int, code, format string, args ...any) *defender.Error {
	return defender.Errorf(status, code, format, args...)
}

func (d defenderAPI) list(r *defender.Request) (int, any, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		var oe *odata.Error
		if errors.As(err, &oe) {
			return 0, nil, apiError(http.StatusBadRequest, "ODataError", "%s", oe.Message)
		}
		return 0, nil, err
	}
	for _, p := range q.Filter.Properties() {
		if !slices.Contains(filterable, p) {
			return 0, nil, apiError(http.StatusBadRequest, "ODataError", "Filtering on the property '%s' is not supported; supported properties: %s.", p, strings.Join(filterable, ", "))
		}
	}
	if len(q.Select) > 0 || len(q.Expand) > 0 || len(q.OrderBy) > 0 || q.SkipToken != "" {
		return 0, nil, apiError(http.StatusBadRequest, "ODataError", "Only $filter, $top and $skip are supported on incidents.")
	}
	if q.Top == 0 || q.Top > apiMaxTop {
		return 0, nil, apiError(http.StatusBadRequest, "ODataError", "The value of $top must be between 1 and %d.", apiMaxTop)
	}
	var items []map[string]any
	err = d.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		incs, err := xdr.Incidents(tx)
		if err != nil {
			return err
		}
		items = make([]map[string]any, 0, len(incs))
		for _, inc := range incs {
			alerts, err := xdr.IncidentAlerts(tx, inc)
			if err != nil {
				return err
			}
			items = append(items, APIIncident(inc, alerts))
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	page, _, err := q.Apply(items, odata.Page{DefaultTop: apiMaxTop, MaxTop: apiMaxTop})
	if err != nil {
		return 0, nil, apiError(http.StatusBadRequest, "ODataError", "%v", err)
	}
	return http.StatusOK, map[string]any{"@odata.context": "https://api.security.microsoft.com/api/$metadata#Incidents", "value": page}, nil
}

func notFound(id string) *defender.Error {
	return apiError(http.StatusNotFound, "ResourceNotFound", "Incident %s was not found.", id)
}

func (d defenderAPI) get(r *defender.Request) (int, any, error) {
	id, ok := xdr.ParseIncidentID(r.Vars["id"])
	if !ok {
		return 0, nil, notFound(r.Vars["id"])
	}
	var obj map[string]any
	err := d.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		inc, ok, err := xdr.IncidentByID(tx, id)
		if err != nil || !ok {
			return err
		}
		alerts, err := xdr.IncidentAlerts(tx, inc)
		obj = APIIncident(inc, alerts)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	if obj == nil {
		return 0, nil, notFound(r.Vars["id"])
	}
	return http.StatusOK, withContext("https://api.security.microsoft.com/api/$metadata#Incidents/$entity", obj), nil
}

// apiPatch is the Defender API's update body.
type apiPatch struct {
	Status, AssignedTo, Classification, Determination, Comment *string
	Tags                                                       *[]string
}

func (d defenderAPI) patch(r *defender.Request) (int, any, error) {
	id, ok := xdr.ParseIncidentID(r.Vars["id"])
	if !ok {
		return 0, nil, notFound(r.Vars["id"])
	}
	m, err := readBody(r.Request)
	if err != nil {
		return 0, nil, apiError(http.StatusBadRequest, "InvalidRequestBody", "%v", err)
	}
	var p apiPatch
	targets := map[string]any{"status": &p.Status, "assignedTo": &p.AssignedTo, "classification": &p.Classification,
		"determination": &p.Determination, "comment": &p.Comment, "tags": &p.Tags}
	for k, v := range m {
		t, ok := targets[k]
		if !ok {
			return 0, nil, apiError(http.StatusBadRequest, "InvalidRequestBody", "The property '%s' cannot be updated; the body may contain status, assignedTo, classification, determination, tags and comment.", k)
		}
		if err := json.Unmarshal(v, t); err != nil {
			return 0, nil, apiError(http.StatusBadRequest, "InvalidRequestBody", "The value of '%s' has the wrong type.", k)
		}
	}
	if len(m) == 0 {
		return 0, nil, apiError(http.StatusBadRequest, "MissingRequiredParameter", "The request body names no property to update.")
	}
	if p.Status != nil && strings.EqualFold(*p.Status, "Redirected") {
		return 0, nil, apiError(http.StatusBadRequest, "InvalidInput", "The status 'Redirected' is set by Microsoft Defender XDR when it merges incidents.")
	}
	if p.Determination != nil && p.Classification == nil {
		return 0, nil, apiError(http.StatusBadRequest, "InvalidInput", "The determination can only be set together with a classification.")
	}
	if p.Classification != nil && strings.EqualFold(*p.Classification, "Unknown") {
		return 0, nil, apiError(http.StatusBadRequest, "InvalidInput", "The classification must be TruePositive, InformationalExpectedActivity or FalsePositive.")
	}
	if p.Determination != nil {
		if d, ok := xdr.CanonicalDetermination(*p.Determination); ok && (d == "apt" || d == "securityPersonnel") {
			return 0, nil, apiError(http.StatusBadRequest, "InvalidInput", "The determination '%s' is deprecated.", *p.Determination)
		}
	}
	u := xdr.IncidentUpdate{Status: p.Status, AssignedTo: p.AssignedTo, Classification: p.Classification,
		Determination: p.Determination, CustomTags: p.Tags, Comment: p.Comment, By: apiBy(r)}
	var obj map[string]any
	err = d.w.Update(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		obj = nil
		if _, ok, err := xdr.IncidentByID(tx, id); err != nil || !ok {
			return err
		}
		inc, err := xdr.UpdateIncident(tx, id, u)
		if err != nil {
			return err
		}
		alerts, err := xdr.IncidentAlerts(tx, inc)
		obj = APIIncident(inc, alerts)
		return err
	})
	var ie *xdr.InvalidError
	if errors.As(err, &ie) {
		return 0, nil, apiError(http.StatusBadRequest, "InvalidInput", "%s", ie.Message)
	}
	if err != nil {
		return 0, nil, err
	}
	if obj == nil {
		return 0, nil, notFound(r.Vars["id"])
	}
	return http.StatusOK, obj, nil
}

func apiBy(r *defender.Request) string {
	p := r.Principal
	for _, s := range []string{p.UPN, p.Name, p.AppID} {
		if s != "" {
			return s
		}
	}
	return "Unknown"
}
