package identity

import (
	"net/http"
	"sort"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/simulator"
	dir "github.com/soclab/soclab/simulator/identity"
)

const (
	locationsSet = "identity/conditionalAccess/namedLocations"
	policiesSet  = "identity/conditionalAccess/policies"
)

func (a *api) caRoutes(add adder) {
	for _, k := range []caKind{locationKind, policyKind} {
		k := k
		add(http.MethodGet, "/"+k.set, func(r *graph.Request) (graph.Response, error) { return a.listCA(r, k) })
		add(http.MethodPost, "/"+k.set, func(r *graph.Request) (graph.Response, error) { return a.createCA(r, k) })
		add(http.MethodGet, "/"+k.set+"/{id}", func(r *graph.Request) (graph.Response, error) { return a.getCA(r, k) })
		add(http.MethodPatch, "/"+k.set+"/{id}", func(r *graph.Request) (graph.Response, error) { return a.patchCA(r, k) })
		add(http.MethodDelete, "/"+k.set+"/{id}", func(r *graph.Request) (graph.Response, error) { return a.deleteCA(r, k) })
	}
}

// caKind is one of the two Conditional Access collections.
type caKind struct {
	set       string
	all       func(d *dir.Directory) []map[string]any
	find      func(d *dir.Directory, id string) map[string]any
	normalize func(d *dir.Directory, body, old map[string]any, w *dir.Writer) (map[string]any, error)
	put       func(w *dir.Writer, obj, old map[string]any)
	del       func(w *dir.Writer, id string) error
}

var locationKind = caKind{
	set:  locationsSet,
	all:  func(d *dir.Directory) []map[string]any { return d.Locations },
	find: func(d *dir.Directory, id string) map[string]any { return d.Location(id) },
	normalize: func(d *dir.Directory, body, old map[string]any, w *dir.Writer) (map[string]any, error) {
		return dir.NormalizeLocation(body, old, d.At)
	},
	put: func(w *dir.Writer, obj, old map[string]any) { w.PutLocation(obj, old) },
	del: func(w *dir.Writer, id string) error { return w.DeleteLocation(id) },
}

var policyKind = caKind{
	set:  policiesSet,
	all:  func(d *dir.Directory) []map[string]any { return d.Policies },
	find: func(d *dir.Directory, id string) map[string]any { return d.Policy(id) },
	normalize: func(d *dir.Directory, body, old map[string]any, w *dir.Writer) (map[string]any, error) {
		return dir.NormalizePolicy(d, body, old, d.At)
	},
	put: func(w *dir.Writer, obj, old map[string]any) { w.PutPolicy(obj, old) },
	del: func(w *dir.Writer, id string) error { return w.DeletePolicy(id) },
}

func (a *api) listCA(r *graph.Request, k caKind) (graph.Response, error) {
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, o := range k.all(d) {
			items = append(items, copyMap(o))
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	sort.SliceStable(items, func(i, j int) bool {
		return items[i]["createdDateTime"].(string) < items[j]["createdDateTime"].(string)
	})
	return collection(r, k.set, items, nil)
}

func (a *api) getCA(r *graph.Request, k caKind) (graph.Response, error) {
	id := r.Vars["id"]
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		if o := k.find(d, id); o != nil {
			obj = copyMap(o)
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(id)
	}
	return entity(r, k.set, obj, nil)
}

func (a *api) createCA(r *graph.Request, k caKind) (graph.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	var obj map[string]any
	if err := a.write(r, func(w *dir.Writer) error {
		o, err := k.normalize(w.Dir, body, nil, w)
		if err != nil {
			return err
		}
		o["id"] = simulator.NewGUID()
		k.put(w, o, nil)
		obj = copyMap(o)
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	obj["@odata.context"] = contextURL(r, k.set+"/$entity")
	return graph.Response{Status: http.StatusCreated, Body: obj}, nil
}

// patchCA merges the body into the stored object (top level; nested objects replace
// wholesale except conditions, merged one level down, as Graph's PATCH of a policy does) and
// validates the result.
func (a *api) patchCA(r *graph.Request, k caKind) (graph.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	id := r.Vars["id"]
	if err := a.write(r, func(w *dir.Writer) error {
		old := k.find(w.Dir, id)
		if old == nil {
			return notFound(id)
		}
		merged := copyMap(old)
		for key, v := range body {
			if key == "conditions" {
				if nc, ok := v.(map[string]any); ok {
					oc, _ := merged["conditions"].(map[string]any)
					mc := copyMap(oc)
					for ck, cv := range nc {
						mc[ck] = cv
					}
					merged[key] = mc
					continue
				}
			}
			merged[key] = v
		}
		if t, ok := body["@odata.type"]; ok && k.set == locationsSet && !strings.EqualFold(stringOf(t), stringOf(old["@odata.type"])) {
			return graph.Errorf(http.StatusBadRequest, "BadRequest", "The type of a named location cannot be changed.")
		}
		for _, ro := range []string{"createdDateTime", "modifiedDateTime"} {
			delete(merged, ro)
		}
		merged["id"] = old["id"]
		o, err := k.normalize(w.Dir, merged, old, w)
		if err != nil {
			return err
		}
		k.put(w, o, old)
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func (a *api) deleteCA(r *graph.Request, k caKind) (graph.Response, error) {
	id := r.Vars["id"]
	if err := a.write(r, func(w *dir.Writer) error { return k.del(w, id) }); err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
