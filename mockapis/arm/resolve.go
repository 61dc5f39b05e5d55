package arm

import (
	"encoding/json"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Resolved is a request target checked against the tenant's state, with canonical ids.
type Resolved struct {
	// ID is the canonical id of the addressed resource, or of the collection for lists.
	ID string
	// ScopeID is the canonical id of what the resource lives in: subscription, group or parent.
	ScopeID string
	// Group is the canonical resource group name ("" at subscription scope).
	Group string
	// Parent is the resource the target lives under (child and extension resources).
	Parent *simulator.Resource
	// Existing is the addressed resource when it exists.
	Existing *simulator.Resource
}

// Resolve checks that the target's group and parents exist (ResourceGroupNotFound,
// ResourceNotFound otherwise) and builds canonical ids: names keep the case they were
// created with, keywords and types the registry's case.
func (c *Call) Resolve(tx *simulator.TenantTx) (Resolved, error) {
	t := c.target
	res := Resolved{ScopeID: "/subscriptions/" + c.Tenant.Subscription.ID}
	if t.group != "" {
		g, ok, err := tx.Resource(simulator.ResourceGroupID(c.Tenant.Subscription.ID, t.group))
		if err != nil {
			return res, err
		}
		if !ok {
			return res, errGroupNotFound(t.group)
		}
		res.ScopeID = g.ID
		res.Group = lastSegment(g.ID)
	}
	if t.scopeIsResource {
		p, ok, err := tx.Resource(t.scope)
		if err != nil {
			return res, err
		}
		if !ok {
			return res, errResourceNotFound(afterProviders(t.scope), groupOrEmpty(res.Group, t.group))
		}
		res.Parent = &p
		res.ScopeID = p.ID
	}
	if c.Type == nil {
		res.ID = res.ScopeID
		return res, nil
	}
	segs := c.Type.typeSegments()
	id := res.ScopeID + "/providers/" + c.Type.idNamespace()
	for i, name := range t.names {
		id += "/" + segs[i] + "/" + name
		if t.kind == kindCollection || i < len(t.names)-1 {
			// An enclosing resource of a child type must exist.
			p, ok, err := tx.Resource(id)
			if err != nil {
				return res, err
			}
			if !ok {
				return res, errResourceNotFound(afterProviders(id), groupOrEmpty(res.Group, t.group))
			}
			res.Parent = &p
			id = p.ID
		}
	}
	if t.kind == kindCollection {
		id += "/" + segs[len(t.names)]
	}
	res.ID = id
	if t.kind == kindResource {
		r, ok, err := tx.Resource(id)
		if err != nil {
			return res, err
		}
		if ok {
			res.Existing = &r
			res.ID = r.ID
		}
	}
	return res, nil
}

// NotFound is ARM's 404 for the addressed resource.
func (c *Call) NotFound(res Resolved) *Error {
	return errResourceNotFound(afterProviders(res.ID), groupOrEmpty(res.Group, c.target.group))
}

func groupOrEmpty(canonical, written string) string {
	if canonical != "" {
		return canonical
	}
	return written
}

// afterProviders returns "Namespace/type/name[/type/name]" of an id: what follows its last
// /providers/ segment.
func afterProviders(id string) string {
	i := strings.LastIndex(strings.ToLower(id), "/providers/")
	if i < 0 {
		return strings.TrimPrefix(id, "/")
	}
	return id[i+len("/providers/"):]
}

func lastSegment(id string) string { return id[strings.LastIndex(id, "/")+1:] }

// bodyString reads a top-level string field of a stored body.
func bodyString(body json.RawMessage, field string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	var s string
	json.Unmarshal(m[field], &s)
	return s
}

// isTopLevelResource reports whether id names a resource directly in a group
// (.../providers/NS/type/name), not a child or an extension resource.
func isTopLevelResource(id string) bool {
	return strings.Count(strings.ToLower(id), "/providers/") == 1 && strings.Count(afterProviders(id), "/") == 2
}
