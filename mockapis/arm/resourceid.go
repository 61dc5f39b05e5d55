package arm

import (
	"strings"
)

// target is what an ARM request path names, parsed case-insensitively. Names keep the case
// the client sent; canonical ids are rebuilt from the registry and the stored resources.
type target struct {
	kind targetKind
	// sub is the subscription id as written.
	sub string
	// group is the resource group name as written ("" at subscription scope).
	group string
	// scope is the path of the resource this target lives under: the group, the subscription,
	// or (extension and child resources) the parent resource.
	scope string
	// scopeIsResource is true when scope is a resource below a group (child or extension).
	scopeIsResource bool
	// namespace is the provider namespace as written.
	namespace string
	// types are the type segments after the namespace, as written.
	types []string
	// names are the names after each type segment; one fewer than types for a collection.
	names []string
	// action is the trailing action segment of a POST (listKeys), if any.
	action string
	// operation is the token of /operationresults/{token}.
	operation string
}

type targetKind int

const (
	kindInvalid        targetKind = iota
	kindSubscription              // /subscriptions/{sub}
	kindGroups                    // /subscriptions/{sub}/resourcegroups
	kindGroup                     // /subscriptions/{sub}/resourcegroups/{rg}
	kindOperation                 // /subscriptions/{sub}/operationresults/{token}
	kindCollection                // .../providers/{ns}/{type}[/{name}/{type}]
	kindResource                  // .../providers/{ns}/{type}/{name}[/{type}/{name}]
	kindGroupResources            // /subscriptions/{sub}[/resourcegroups/{rg}]/resources
	kindProviders                 // /subscriptions/{sub}/providers[/{namespace}]
	kindLocations                 // /subscriptions/{sub}/locations
)

// typeName is "namespace/type[/subtype]" as written.
func (t target) typeName() string { return t.namespace + "/" + strings.Join(t.types, "/") }

// name is the resource's own name (last name segment).
func (t target) name() string {
	if len(t.names) == 0 {
		return ""
	}
	return t.names[len(t.names)-1]
}

func eq(a, b string) bool { return strings.EqualFold(a, b) }

// parseTarget parses a path that starts with /subscriptions/{sub}. It returns false for
// paths ARM would not route (odd segments in the wrong place).
func parseTarget(path string) (target, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 2 || !eq(segs[0], "subscriptions") || segs[1] == "" {
		return target{}, false
	}
	for _, s := range segs {
		if s == "" {
			return target{}, false
		}
	}
	t := target{sub: segs[1], scope: "/subscriptions/" + segs[1]}
	rest := segs[2:]
	if len(rest) == 0 {
		t.kind = kindSubscription
		return t, true
	}
	switch {
	case eq(rest[0], "resourcegroups"):
		if len(rest) == 1 {
			t.kind = kindGroups
			return t, true
		}
		t.group = rest[1]
		t.scope += "/resourceGroups/" + rest[1]
		rest = rest[2:]
		if len(rest) == 0 {
			t.kind = kindGroup
			return t, true
		}
		if len(rest) == 1 && eq(rest[0], "resources") {
			t.kind = kindGroupResources
			return t, true
		}
	case eq(rest[0], "providers") && len(rest) <= 2:
		t.kind = kindProviders
		if len(rest) == 2 {
			t.namespace = rest[1]
		}
		return t, true
	case eq(rest[0], "locations") && len(rest) == 1:
		t.kind = kindLocations
		return t, true
	case eq(rest[0], "resources") && len(rest) == 1:
		t.kind = kindGroupResources
		return t, true
	case eq(rest[0], "operationresults"):
		if len(rest) != 2 {
			return target{}, false
		}
		t.kind = kindOperation
		t.operation = rest[1]
		return t, true
	}
	return parseProviders(t, rest)
}

// parseProviders parses providers/{ns}/{type}/{name}... blocks; every block but the last
// must name a whole resource, which becomes the scope of the next (extension resources).
func parseProviders(t target, rest []string) (target, bool) {
	for {
		if len(rest) < 3 || !eq(rest[0], "providers") {
			return target{}, false
		}
		ns := rest[1]
		block := rest[2:]
		next := len(block)
		for i := 0; i < len(block); i += 2 {
			if eq(block[i], "providers") && i > 0 {
				next = i
				break
			}
		}
		if next < len(block) {
			// A whole resource followed by an extension block.
			t.scope += "/providers/" + ns + "/" + strings.Join(block[:next], "/")
			t.scopeIsResource = true
			rest = block[next:]
			continue
		}
		t.namespace = ns
		for i, s := range block {
			if i%2 == 0 {
				t.types = append(t.types, s)
			} else {
				t.names = append(t.names, s)
			}
		}
		if len(t.names) == len(t.types) {
			t.kind = kindResource
		} else {
			t.kind = kindCollection
		}
		return t, true
	}
}

// asAction reinterprets a collection path .../{type}/{name}/{action} as an action on the
// resource, for POST requests whose last segment is not a registered child type.
func (t target) asAction() (target, bool) {
	if t.kind != kindCollection || len(t.types) < 2 {
		return t, false
	}
	a := t
	a.action = t.types[len(t.types)-1]
	a.types = append([]string(nil), t.types[:len(t.types)-1]...)
	a.kind = kindResource
	return a, true
}

// groupOf returns the resource group named in an ARM id, and "" if none.
func groupOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if eq(segs[i], "resourcegroups") {
			return segs[i+1]
		}
	}
	return ""
}
