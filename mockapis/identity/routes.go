package identity

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/mockapis/odata"
	dir "github.com/soclab/soclab/simulator/identity"
)

// api holds the directory service the handlers read and write.
type api struct {
	svc *dir.Service
}

// GraphRoutes are the directory's Graph routes over svc.
func GraphRoutes(svc *dir.Service) []graph.Route {
	a := &api{svc: svc}
	var out []graph.Route
	add := func(method, path string, h graph.HandlerFunc) {
		out = append(out, graph.Route{Method: method, Path: path, Handle: h})
	}
	a.userRoutes(add)
	a.groupRoutes(add)
	a.roleRoutes(add)
	a.caRoutes(add)
	a.riskRoutes(add)
	a.auditRoutes(add)
	return out
}

type adder func(method, path string, h graph.HandlerFunc)

// version is the request's Graph version ("v1.0" or "beta").
func version(r *graph.Request) string {
	if strings.HasPrefix(r.URL.Path, "/beta/") {
		return "beta"
	}
	return "v1.0"
}

// contextURL is the @odata.context of a response: the version's $metadata plus fragment.
func contextURL(r *graph.Request, fragment string) string {
	return "https://graph.microsoft.com/" + version(r) + "/$metadata#" + fragment
}

// parseQuery reads the OData options, refusing bad ones with Graph's 400.
func parseQuery(r *graph.Request) (*odata.Query, error) {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		var oe *odata.Error
		if errors.As(err, &oe) {
			code := oe.Code
			if code == "" {
				code = "BadRequest"
			}
			return nil, graph.Errorf(http.StatusBadRequest, code, "%s", oe.Message)
		}
		return nil, graph.Errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	return q, nil
}

// collection answers a list: the query applied to items (defaults: defaultSelect when no
// $select), paged, with the entity set's context.
func collection(r *graph.Request, set string, items []map[string]any, defaultSelect []string) (graph.Response, error) {
	q, err := parseQuery(r)
	if err != nil {
		return graph.Response{}, err
	}
	sel := q.Select
	ctx := set
	if len(sel) > 0 {
		ctx = set + "(" + strings.Join(sel, ",") + ")"
	}
	q.Select = nil
	page, next, err := q.Apply(items, odata.Page{URL: r.URL, DefaultTop: 100, MaxTop: 999})
	if err != nil {
		return graph.Response{}, queryError(err)
	}
	explicit := len(sel) > 0
	if !explicit {
		sel = defaultSelect
	}
	for i, o := range page {
		page[i] = selected(o, sel, explicit)
	}
	return graph.Response{Status: http.StatusOK, Body: odata.Collection(contextURL(r, ctx), page, next)}, nil
}

// entity answers one object: $select applied (or the default set), with its context.
func entity(r *graph.Request, set string, obj map[string]any, defaultSelect []string) (graph.Response, error) {
	q, err := parseQuery(r)
	if err != nil {
		return graph.Response{}, err
	}
	sel, ctx := q.Select, set+"/$entity"
	explicit := len(sel) > 0
	if explicit {
		ctx = set + "(" + strings.Join(sel, ",") + ")/$entity"
	} else {
		sel = defaultSelect
	}
	out := map[string]any{"@odata.context": contextURL(r, ctx)}
	for k, v := range selected(obj, sel, explicit) {
		out[k] = v
	}
	return graph.Response{Status: http.StatusOK, Body: out}, nil
}

// selected keeps the listed properties; an explicitly selected property the lab does not model
// is null, as Graph answers a property that has no value (nested paths are left to odata).
func selected(obj map[string]any, sel []string, explicit bool) map[string]any {
	out := odata.Select(obj, sel)
	if explicit {
		for _, f := range sel {
			if _, ok := out[f]; !ok && !strings.Contains(f, "/") {
				out[f] = nil
			}
		}
	}
	return out
}

func queryError(err error) error {
	var oe *odata.Error
	if errors.As(err, &oe) {
		code := oe.Code
		if code == "" {
			code = "BadRequest"
		}
		return graph.Errorf(http.StatusBadRequest, code, "%s", oe.Message)
	}
	return err
}

// dirError maps the model's refusals to Graph errors.
func dirError(err error) error {
	var de *dir.Error
	if errors.As(err, &de) {
		return graph.Errorf(de.Status, de.Code, "%s", de.Message)
	}
	return err
}

// readBody decodes a JSON object body; Graph's message for anything else.
func readBody(r *graph.Request) (map[string]any, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, graph.Errorf(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	var body map[string]any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&body); err != nil || body == nil || dec.More() {
		return nil, graph.Errorf(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	return body, nil
}

// caller is who makes a write, from the token.
func caller(r *graph.Request) dir.Caller {
	p := r.Principal
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		ip = strings.TrimSpace(strings.Split(f, ",")[0])
	}
	c := dir.Caller{UserID: p.ObjectID, UPN: p.UPN, IP: ip, UserAgent: r.UserAgent()}
	if p.IsServicePrincipal {
		c = dir.Caller{IsApp: true, AppID: p.AppID, ServicePrincipalID: p.ObjectID, AppName: p.Name, IP: ip, UserAgent: r.UserAgent()}
	}
	return c
}

// read runs fn over the caller's tenant directory at its clock.
func (a *api) read(r *graph.Request, fn func(d *dir.Directory) error) error {
	return dirError(a.svc.Read(r.Principal.TenantID, fn))
}

// write runs fn as one write of the caller's tenant.
func (a *api) write(r *graph.Request, fn func(w *dir.Writer) error) error {
	return dirError(a.svc.Write(r.Principal.TenantID, caller(r), fn))
}

// noContent is Graph's 204.
func noContent() (graph.Response, error) { return graph.Response{Status: http.StatusNoContent}, nil }
