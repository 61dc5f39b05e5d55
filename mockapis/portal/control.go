package portal

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/simulator"
)

// LinkPath is the control endpoint (under /_soclab/) that makes a one-time sign-in link.
const LinkPath = "portal/link"

// LinkRequest is the body of POST /_soclab/portal/link.
type LinkRequest struct {
	Tenant string `json:"tenant,omitempty"`
}

// LinkAnswer is the link: open URL in a browser on this machine before Expires.
type LinkAnswer struct {
	Tenant  string    `json:"tenant"`
	User    string    `json:"user"`
	URL     string    `json:"url"`
	Expires time.Time `json:"expires"`
}

// Control serves POST /_soclab/portal/link (`soclab portal`) and passes other paths to next.
// It sits behind the control chain's token guard: a tenant's token gets links to its tenant only.
func (p *Portal) Control(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
		if path != LinkPath {
			next.ServeHTTP(w, r)
			return
		}
		var out any
		var err error
		if r.Method != http.MethodPost {
			err = control.Fail(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not supported on /_soclab/%s", r.Method, path)
		} else {
			var req LinkRequest
			if err = control.DecodeJSON(r, &req, 1<<16); err == nil {
				if req.Tenant == "" {
					req.Tenant = simulator.DefaultTenantName
				}
				var t simulator.Tenant
				var rel string
				var exp time.Time
				if t, rel, exp, err = p.NewLink(req.Tenant); err == nil {
					scheme := "http"
					if r.TLS != nil {
						scheme = "https"
					}
					out = LinkAnswer{Tenant: t.Name, User: t.Users[0].UserPrincipalName, URL: scheme + "://" + r.Host + rel, Expires: exp.UTC()}
				}
			}
		}
		control.WriteAnswer(w, out, err, func(err error) *control.Error {
			if errors.Is(err, simulator.ErrTenantNotFound) {
				return control.Fail(http.StatusNotFound, "TenantNotFound", "%v", err)
			}
			return nil
		})
	})
}
