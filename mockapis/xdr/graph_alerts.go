package xdr

import (
	"net/http"

	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/mockapis/odata"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

func (g graphAPI) listAlerts(r *graph.Request) (graph.Response, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	if _, err := expandsAlerts(q, "alert"); err != nil {
		return graph.Response{}, err
	}
	var items []map[string]any
	err = g.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		alerts, err := xdr.Alerts(tx)
		items = make([]map[string]any, 0, len(alerts))
		for _, a := range alerts {
			items = append(items, GraphAlert(a, tx.Tenant().ID))
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	page, next, err := q.Apply(items, odata.Page{URL: r.URL, DefaultTop: 2000, MaxTop: 2000})
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	return graph.Response{Body: odata.Collection(metadata(r, "security/alerts_v2"), page, next)}, nil
}

func alertNotFound(id string) *graph.Error {
	return graph.Errorf(http.StatusNotFound, "NotFound", "Alert with id '%s' was not found.", id)
}

func (g graphAPI) getAlert(r *graph.Request) (graph.Response, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		return graph.Response{}, odataError(err)
	}
	var obj map[string]any
	err = g.w.View(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		a, ok, err := xdr.AlertByID(tx, r.Vars["id"])
		if ok {
			obj = GraphAlert(a, tx.Tenant().ID)
		}
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, alertNotFound(r.Vars["id"])
	}
	return graph.Response{Body: withContext(metadata(r, "security/alerts_v2/$entity"), odata.Select(obj, q.Select))}, nil
}

var alertProps = []string{"id", "providerAlertId", "incidentId", "severity", "serviceSource", "detectionSource", "productName",
	"detectorId", "tenantId", "title", "description", "recommendedActions", "category", "alertWebUrl", "incidentWebUrl",
	"actorDisplayName", "threatDisplayName", "threatFamilyName", "mitreTechniques", "createdDateTime", "lastUpdateDateTime",
	"resolvedDateTime", "firstActivityDateTime", "lastActivityDateTime", "comments", "evidence", "systemTags"}

func (g graphAPI) patchAlert(r *graph.Request) (graph.Response, error) {
	m, err := readBody(r.Request)
	if err != nil {
		return graph.Response{}, badRequest("%v", err)
	}
	var status, assigned, class, det string
	if err := fields(m, "alert", map[string]any{"status": &status, "assignedTo": &assigned, "classification": &class,
		"determination": &det}, alertProps); err != nil {
		return graph.Response{}, err
	}
	u := xdr.AlertUpdate{By: by(r)}
	for k, pair := range map[string]struct {
		v    *string
		into **string
	}{"status": {&status, &u.Status}, "assignedTo": {&assigned, &u.AssignedTo}, "classification": {&class, &u.Classification}, "determination": {&det, &u.Determination}} {
		if _, ok := m[k]; ok {
			*pair.into = pair.v
		}
	}
	var obj map[string]any
	err = g.w.Update(r.Principal.TenantID, func(tx *simulator.TenantTx) error {
		obj = nil
		if _, ok, err := xdr.AlertByID(tx, r.Vars["id"]); err != nil || !ok {
			return err
		}
		a, err := xdr.UpdateAlert(tx, r.Vars["id"], u)
		if err != nil {
			return err
		}
		obj = GraphAlert(a, tx.Tenant().ID)
		return nil
	})
	if err := invalidError(err); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, alertNotFound(r.Vars["id"])
	}
	return graph.Response{Body: withContext(metadata(r, "security/alerts_v2/$entity"), obj)}, nil
}
