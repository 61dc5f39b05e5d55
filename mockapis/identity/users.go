package identity

import (
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	dir "github.com/soclab/soclab/simulator/identity"
)

func (a *api) userRoutes(add adder) {
	add(http.MethodGet, "/users", a.listUsers)
	add(http.MethodGet, "/users/{id}", a.getUser)
	add(http.MethodGet, "/me", a.getMe)
	add(http.MethodPatch, "/users/{id}", a.patchUser)
	add(http.MethodDelete, "/users/{id}", a.deleteUser)
	add(http.MethodGet, "/users/{id}/memberOf", a.memberOf(false))
	add(http.MethodGet, "/users/{id}/transitiveMemberOf", a.memberOf(true))
	add(http.MethodPost, "/users/{id}/revokeSignInSessions", a.revokeSessions)
}

// userKey reads {id}: an object id or a UPN, also in Graph's ('upn') form.
func userKey(r *graph.Request) string {
	k := r.Vars["id"]
	if strings.HasPrefix(k, "('") && strings.HasSuffix(k, "')") {
		k = strings.ReplaceAll(k[2:len(k)-2], "''", "'")
	}
	return k
}

func (a *api) listUsers(r *graph.Request) (graph.Response, error) {
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, u := range d.SortedUsers() {
			items = append(items, u.Graph())
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	return collection(r, "users", items, dir.UserDefaultProperties)
}

func (a *api) getUser(r *graph.Request) (graph.Response, error) {
	key := userKey(r)
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		if u := d.UserByKey(key); u != nil {
			obj = u.Graph()
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(key)
	}
	return entity(r, "users", obj, dir.UserDefaultProperties)
}

func (a *api) getMe(r *graph.Request) (graph.Response, error) {
	if r.Principal.IsServicePrincipal {
		return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	}
	r.Vars = map[string]string{"id": r.Principal.ObjectID}
	return a.getUser(r)
}

func notFound(key string) error {
	return graph.Errorf(http.StatusNotFound, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", key)
}

func (a *api) patchUser(r *graph.Request) (graph.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	key := userKey(r)
	if err := a.write(r, func(w *dir.Writer) error { return w.PatchUser(key, body) }); err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func (a *api) deleteUser(r *graph.Request) (graph.Response, error) {
	key := userKey(r)
	if err := a.write(r, func(w *dir.Writer) error { return w.DeleteUser(key) }); err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

// revokeSessions answers 200 with an Edm.Boolean, as the service does (its documented known
// issue: not the 204 first designed).
func (a *api) revokeSessions(r *graph.Request) (graph.Response, error) {
	key := userKey(r)
	if err := a.write(r, func(w *dir.Writer) error { return w.RevokeSessions(key) }); err != nil {
		return graph.Response{}, err
	}
	return graph.Response{Status: http.StatusOK, Body: map[string]any{"@odata.context": contextURL(r, "Edm.Boolean"), "value": true}}, nil
}

// memberOf lists the groups and directory roles of a user (transitive: the same, the lab's
// groups do not nest).
func (a *api) memberOf(transitive bool) graph.HandlerFunc {
	return func(r *graph.Request) (graph.Response, error) {
		key := userKey(r)
		var items []map[string]any
		found := false
		if err := a.read(r, func(d *dir.Directory) error {
			u := d.UserByKey(key)
			if u == nil {
				return nil
			}
			found = true
			for _, gid := range u.Groups {
				if g := d.Group(gid); g != nil {
					items = append(items, typed(g.Graph(), "#microsoft.graph.group"))
				}
			}
			for _, ro := range d.UserRoles(u.ID) {
				items = append(items, typed(ro.Graph(), "#microsoft.graph.directoryRole"))
			}
			return nil
		}); err != nil {
			return graph.Response{}, err
		}
		if !found {
			return graph.Response{}, notFound(key)
		}
		return collection(r, "directoryObjects", items, nil)
	}
}

func typed(m map[string]any, t string) map[string]any {
	m["@odata.type"] = t
	return m
}
