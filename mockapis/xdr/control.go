package xdr

import (
	"errors"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

// SettingsPath is the control endpoint of the Defender-side Sentinel settings.
const SettingsPath = "xdr/settings"

// SettingsRequest is the body of POST /_soclab/xdr/settings; absent fields stay as they are.
type SettingsRequest struct {
	Tenant      string   `json:"tenant,omitempty"`
	SyncEnabled *bool    `json:"syncEnabled,omitempty"`
	Severities  []string `json:"severities,omitempty"`
}

// SettingsAnswer is what the endpoint answers: the settings and the connector's state.
type SettingsAnswer struct {
	Tenant      string   `json:"tenant"`
	SyncEnabled bool     `json:"syncEnabled"`
	Severities  []string `json:"severities"`
	// Workspace is the ARM id of the workspace whose MicrosoftThreatProtection connector brings
	// Defender incidents in ("" when no onboarded workspace has it enabled).
	Workspace string `json:"connectedWorkspace"`
}

// NewControl serves GET and POST /_soclab/xdr/settings and passes other paths to next.
func NewControl(w *simulator.World, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
		if path != SettingsPath {
			next.ServeHTTP(rw, r)
			return
		}
		var out any
		var err error
		switch r.Method {
		case http.MethodGet:
			out, err = settings(w, r.URL.Query().Get("tenant"), nil)
		case http.MethodPost:
			var req SettingsRequest
			if err = control.DecodeJSON(r, &req, 1<<16); err == nil {
				out, err = settings(w, req.Tenant, &req)
			}
		default:
			err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
		}
		control.WriteAnswer(rw, out, err, func(err error) *control.Error {
			if errors.Is(err, simulator.ErrTenantNotFound) {
				return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
			}
			return nil
		})
	})
}

// settings reads, and with req changes, a tenant's settings in one transaction.
func settings(w *simulator.World, tenant string, req *SettingsRequest) (SettingsAnswer, error) {
	if tenant == "" {
		tenant = simulator.DefaultTenantName
	}
	t, err := w.LookupTenant(tenant)
	if err != nil {
		return SettingsAnswer{}, err
	}
	var out SettingsAnswer
	fn := func(tx *simulator.TenantTx) error {
		s, err := xdr.ReadSettings(tx)
		if err != nil {
			return err
		}
		if req != nil {
			if req.SyncEnabled != nil {
				s.SyncEnabled = *req.SyncEnabled
			}
			if req.Severities != nil {
				s.Severities = req.Severities
			}
			if ie := xdr.ValidateSettings(&s); ie != nil {
				return control.Fail(http.StatusBadRequest, "InvalidArgument", "%s", ie.Message)
			}
			if err := xdr.WriteSettings(tx, s); err != nil {
				return err
			}
		}
		ws, err := xdr.ConnectedWorkspace(tx)
		out = SettingsAnswer{Tenant: t.Name, SyncEnabled: s.SyncEnabled, Severities: s.Severities, Workspace: ws}
		return err
	}
	if req == nil {
		err = w.View(t.ID, fn)
	} else {
		err = w.Update(t.ID, fn)
	}
	return out, err
}
