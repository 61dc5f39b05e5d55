package identity

import (
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	dir "github.com/soclab/soclab/simulator/identity"
)

func (a *api) riskRoutes(add adder) {
	add(http.MethodGet, "/identityProtection/riskyUsers", a.listRisky)
	add(http.MethodGet, "/identityProtection/riskyUsers/{id}", a.getRisky)
	add(http.MethodPost, "/identityProtection/riskyUsers/confirmCompromised", a.setRisk(true))
	add(http.MethodPost, "/identityProtection/riskyUsers/dismiss", a.setRisk(false))
	add(http.MethodGet, "/identityProtection/riskDetections", a.listDetections)
	add(http.MethodGet, "/identityProtection/riskDetections/{id}", a.getDetection)
}

func (a *api) risk(r *graph.Request) (*dir.Risk, error) {
	rk, err := a.svc.Risk(r.Context(), r.Principal.TenantID)
	return rk, dirError(err)
}

func (a *api) listRisky(r *graph.Request) (graph.Response, error) {
	rk, err := a.risk(r)
	if err != nil {
		return graph.Response{}, err
	}
	return collection(r, "identityProtection/riskyUsers", rk.Users, nil)
}

func (a *api) getRisky(r *graph.Request) (graph.Response, error) {
	rk, err := a.risk(r)
	if err != nil {
		return graph.Response{}, err
	}
	for _, u := range rk.Users {
		if strings.EqualFold(stringOf(u["id"]), r.Vars["id"]) {
			return entity(r, "identityProtection/riskyUsers", u, nil)
		}
	}
	return graph.Response{}, graph.Errorf(http.StatusNotFound, "ResourceNotFound", "The risky user '%s' was not found.", r.Vars["id"])
}

func (a *api) listDetections(r *graph.Request) (graph.Response, error) {
	rk, err := a.risk(r)
	if err != nil {
		return graph.Response{}, err
	}
	return collection(r, "identityProtection/riskDetections", rk.Detections, nil)
}

func (a *api) getDetection(r *graph.Request) (graph.Response, error) {
	rk, err := a.risk(r)
	if err != nil {
		return graph.Response{}, err
	}
	for _, d := range rk.Detections {
		if stringOf(d["id"]) == r.Vars["id"] {
			return entity(r, "identityProtection/riskDetections", d, nil)
		}
	}
	return graph.Response{}, graph.Errorf(http.StatusNotFound, "ResourceNotFound", "The risk detection '%s' was not found.", r.Vars["id"])
}

// setRisk is confirmCompromised / dismiss: {"userIds": [...]} → 204.
func (a *api) setRisk(confirm bool) graph.HandlerFunc {
	return func(r *graph.Request) (graph.Response, error) {
		body, err := readBody(r)
		if err != nil {
			return graph.Response{}, err
		}
		for k := range body {
			if k != "userIds" {
				return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "The parameter '%s' in the request payload is not a valid parameter for the operation.", k)
			}
		}
		raw, ok := body["userIds"].([]any)
		if !ok {
			return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "The userIds parameter is required and must list at least one user id.")
		}
		ids := make([]string, 0, len(raw))
		for _, v := range raw {
			s, ok := v.(string)
			if !ok {
				return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "The userIds parameter must be a list of user ids.")
			}
			ids = append(ids, s)
		}
		if err := a.write(r, func(w *dir.Writer) error { return w.SetRisk(ids, confirm) }); err != nil {
			return graph.Response{}, err
		}
		return noContent()
	}
}
