package logcontrol

import (
	"net/http"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// huntingRetention is how far back advanced hunting reads (the hunting API's 30 days).
const huntingRetention = 30 * 24 * time.Hour

// kqlSource is where POST kql runs a query: a catalog to compile against and the database
// at the tenant's clock.
type kqlSource struct {
	cat  kql.Catalog
	open func() (time.Time, kql.Database, error)
	// face and workspace name the source in the tenant's query log.
	face, workspace string
}

// kqlSource picks the request's source: the tenant's workspace (the named one, else the
// lab's) or advanced hunting (no workspace needed: the Defender tables, last 30 days).
func (h *handler) kqlSource(t simulator.Tenant, req KQLRequest) (kqlSource, error) {
	switch req.Source {
	case "", "workspace":
		ws, err := h.pickWorkspace(t, req.Workspace)
		if err != nil {
			return kqlSource{}, err
		}
		return kqlSource{face: "soclab-kql", workspace: ws.Info.Name, cat: h.engine.WorkspaceCatalog(), open: func() (time.Time, kql.Database, error) {
			now, err := ws.Now()
			if err != nil {
				return now, nil, err
			}
			db, err := ws.Database(now)
			return now, db, err
		}}, nil
	case "hunting":
		return kqlSource{face: "soclab-kql-hunting", cat: h.engine.HuntingCatalog(), open: func() (time.Time, kql.Database, error) {
			now, err := h.engine.World().Now(t.ID)
			if err != nil {
				return now, nil, err
			}
			db, err := h.engine.Hunting(t.ID, now)
			if err != nil {
				return now, nil, err
			}
			return now, logs.Restrict(db, now.Add(-huntingRetention), now), nil
		}}, nil
	}
	return kqlSource{}, control.Fail(http.StatusBadRequest, "InvalidArgument", "source must be workspace or hunting, not %q", req.Source)
}
