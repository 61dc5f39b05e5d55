package arm

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ResourceType describes one resource type the mock serves and how to answer it. A nil
// handler means the method is not supported for the type.
type ResourceType struct {
	// Name is "Namespace/type[/childType]" in canonical case, e.g.
	// "Microsoft.OperationalInsights/workspaces" or "Microsoft.SecurityInsights/alertRules".
	Name string
	// IDNamespace, when set, replaces the namespace's case inside ids the mock builds
	// (Azure Monitor writes "microsoft.insights" in diagnostic setting ids).
	IDNamespace string
	// APIVersions are the versions the type accepts; requests with others are refused.
	APIVersions []string
	// AnyAPIVersion accepts every well-formed version (yyyy-mm-dd[-preview]) instead: for the
	// scenario's standing resources of types the lab only shows.
	AnyAPIVersion bool
	// Extension types live under any resource id ({id}/providers/NS/type/name), or only
	// under the ParentTypes when those are given (Sentinel types under workspaces).
	Extension   bool
	ParentTypes []string
	// ListBySubscription serves List at /subscriptions/{sub}/providers/NS/type as well.
	ListBySubscription bool
	// Get, Put, Patch, Delete answer requests for one resource; List answers the collection.
	Get, Put, Patch, Delete, List HandlerFunc
	// Actions answer POST {id}/{action}; keys are compared case-insensitively.
	Actions map[string]HandlerFunc
}

// namespace returns the provider namespace of the type.
func (t *ResourceType) namespace() string { return t.Name[:strings.Index(t.Name, "/")] }

// typeSegments returns the type names after the namespace.
func (t *ResourceType) typeSegments() []string {
	return strings.Split(t.Name[strings.Index(t.Name, "/")+1:], "/")
}

// idNamespace is the namespace as written in ids.
func (t *ResourceType) idNamespace() string {
	if t.IDNamespace != "" {
		return t.IDNamespace
	}
	return t.namespace()
}

func (t *ResourceType) supports(apiVersion string) bool {
	if t.AnyAPIVersion {
		return apiVersionPattern.MatchString(apiVersion)
	}
	return slices.ContainsFunc(t.APIVersions, func(v string) bool { return strings.EqualFold(v, apiVersion) })
}

func (t *ResourceType) action(name string) (HandlerFunc, bool) {
	for k, h := range t.Actions {
		if strings.EqualFold(k, name) {
			return h, true
		}
	}
	return nil, false
}

var apiVersionPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview|-privatepreview|-beta|-alpha)?$`)

// registry finds resource types by name, case-insensitively.
type registry struct {
	types      map[string]*ResourceType // lower-case Name
	namespaces map[string]string        // lower-case namespace -> canonical
}

func newRegistry(types []ResourceType) (*registry, error) {
	r := &registry{types: map[string]*ResourceType{}, namespaces: map[string]string{}}
	for i := range types {
		t := types[i]
		if strings.Count(t.Name, "/") < 1 || strings.HasPrefix(t.Name, "/") || strings.HasSuffix(t.Name, "/") {
			return nil, fmt.Errorf("arm: resource type %q is not Namespace/type", t.Name)
		}
		if len(t.APIVersions) == 0 && !t.AnyAPIVersion {
			return nil, fmt.Errorf("arm: resource type %q lists no api-versions", t.Name)
		}
		key := strings.ToLower(t.Name)
		if _, dup := r.types[key]; dup {
			return nil, fmt.Errorf("arm: resource type %q registered twice", t.Name)
		}
		r.types[key] = &t
		r.namespaces[strings.ToLower(t.namespace())] = t.namespace()
	}
	return r, nil
}

// lookup returns the type for "namespace/type..." as written in a path.
func (r *registry) lookup(name string) (*ResourceType, bool) {
	t, ok := r.types[strings.ToLower(name)]
	return t, ok
}

// knowsNamespace reports whether any registered type is in the namespace.
func (r *registry) knowsNamespace(ns string) bool {
	_, ok := r.namespaces[strings.ToLower(ns)]
	return ok
}

// parentTypeOf returns the canonical type name of the resource a scope path names, and ""
// for a subscription or group scope.
func (r *registry) parentTypeOf(scope string) string {
	segs := strings.Split(strings.Trim(scope, "/"), "/")
	last := -1
	for i, s := range segs {
		if eq(s, "providers") {
			last = i
		}
	}
	if last < 0 || last+2 >= len(segs) {
		return ""
	}
	ns := segs[last+1]
	var types []string
	for i := last + 2; i < len(segs); i += 2 {
		types = append(types, segs[i])
	}
	name := ns + "/" + strings.Join(types, "/")
	if t, ok := r.lookup(name); ok {
		return t.Name
	}
	return name
}
