package arm

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// dispatch routes every /subscriptions/{sub}/... request: core routes first, then the
// registry of resource types.
func (h *handler) dispatch(c *Call) (Response, error) {
	t, ok := parseTarget(c.Request.URL.Path)
	if !ok {
		return Response{}, NewError(http.StatusBadRequest, "InvalidRequestUri",
			"The request URI '"+c.Request.URL.Path+"' is not valid: expected /subscriptions/{id}[/resourceGroups/{name}]/providers/{namespace}/{type}/{name}..., without empty segments.")
	}
	c.target = t
	for _, name := range append(scopeNames(t.scope), t.names...) {
		if err := validateResourceName(name); err != nil {
			return Response{}, err
		}
	}
	// A subscription of another tenant is answered exactly like one that does not exist.
	if !strings.EqualFold(t.sub, c.Tenant.Subscription.ID) {
		return Response{}, errSubscriptionNotFound(t.sub)
	}
	m := c.Request.Method
	switch t.kind {
	case kindSubscription:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: getSubscription})
	case kindGroups:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: listGroups})
	case kindGroup:
		return h.core(c, map[string]HandlerFunc{
			http.MethodGet: getGroup, http.MethodHead: headGroup, http.MethodPut: putGroup,
			http.MethodPatch: patchGroup, http.MethodDelete: deleteGroup,
		})
	case kindGroupResources:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: listGroupResources})
	case kindLocations:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: listLocations})
	case kindProviders:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: h.getProviders})
	case kindOperation:
		return h.core(c, map[string]HandlerFunc{http.MethodGet: getOperationResult})
	}

	rt, found := h.reg.lookup(t.typeName())
	if !found && m == http.MethodPost {
		if a, ok := t.asAction(); ok {
			if art, ok := h.reg.lookup(a.typeName()); ok {
				c.target, rt, found = a, art, true
			}
		}
	}
	if !found {
		if !h.reg.knowsNamespace(t.namespace) {
			return Response{}, errInvalidNamespace(t.namespace)
		}
		return Response{}, errInvalidResourceType(strings.Join(t.types, "/"), t.namespace, c.APIVersion)
	}
	c.Type = rt
	if err := h.checkPlacement(c); err != nil {
		return Response{}, err
	}
	if !rt.supports(c.APIVersion) {
		return Response{}, errNoRegisteredProvider(h.locationFor(c), c.APIVersion, strings.Join(rt.typeSegments(), "/"), rt.APIVersions)
	}
	fn := h.pick(c)
	if fn == nil {
		return Response{}, errMethodNotAllowed(m, rt.Name)
	}
	return fn(c)
}

// core answers a Microsoft.Resources route after checking its api-version.
func (h *handler) core(c *Call, methods map[string]HandlerFunc) (Response, error) {
	fn, ok := methods[c.Request.Method]
	if !ok {
		return Response{}, errMethodNotAllowed(c.Request.Method, resourceTypeOfCore(c.target.kind))
	}
	if !supportsVersion(resourcesAPIVersions, c.APIVersion) {
		return Response{}, errInvalidAPIVersion(c.APIVersion, resourcesAPIVersions)
	}
	return fn(c)
}

func resourceTypeOfCore(k targetKind) string {
	switch k {
	case kindGroup, kindGroups:
		return "Microsoft.Resources/resourceGroups"
	case kindGroupResources:
		return "Microsoft.Resources/resources"
	default:
		return "Microsoft.Resources/subscriptions"
	}
}

// checkPlacement refuses a type addressed where it cannot live: a tracked type under another
// resource, an extension type under a parent it does not extend, a resource outside a group.
func (h *handler) checkPlacement(c *Call) error {
	t, rt := c.target, c.Type
	bad := errInvalidResourceType(strings.Join(t.types, "/"), t.namespace, c.APIVersion)
	if rt.Extension {
		if len(rt.ParentTypes) == 0 {
			return nil
		}
		parent := h.reg.parentTypeOf(t.scope)
		for _, p := range rt.ParentTypes {
			if strings.EqualFold(p, parent) {
				return nil
			}
		}
		return bad
	}
	if t.scopeIsResource {
		return bad
	}
	if t.group == "" {
		if t.kind == kindCollection && rt.ListBySubscription && len(t.types) == 1 {
			return nil
		}
		return bad
	}
	return nil
}

// pick chooses the type's handler for the request's method and target kind.
func (h *handler) pick(c *Call) HandlerFunc {
	rt := c.Type
	if c.target.kind == kindCollection {
		if c.Request.Method == http.MethodGet {
			return rt.List
		}
		return nil
	}
	if c.target.action != "" {
		fn, _ := rt.action(c.target.action)
		return fn
	}
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead:
		return rt.Get
	case http.MethodPut:
		return rt.Put
	case http.MethodPatch:
		return rt.Patch
	case http.MethodDelete:
		return rt.Delete
	}
	return nil
}

// locationFor names the region in NoRegisteredProviderFound: the request body's location,
// else the group's, else the lab's default region.
func (h *handler) locationFor(c *Call) string {
	var body struct {
		Location string `json:"location"`
	}
	if json.Unmarshal(c.body, &body) == nil && body.Location != "" {
		return strings.ToLower(strings.ReplaceAll(body.Location, " ", ""))
	}
	if c.target.group != "" {
		loc := ""
		c.View(func(tx *simulator.TenantTx) error {
			if g, ok, _ := tx.Resource(simulator.ResourceGroupID(c.Tenant.Subscription.ID, c.target.group)); ok {
				loc = bodyString(g.Body, "location")
			}
			return nil
		})
		if loc != "" {
			return loc
		}
	}
	return "eastus"
}

func supportsVersion(versions []string, v string) bool {
	for _, s := range versions {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// unverifiedAudience reads the aud claim of the bearer token without trusting it, only to
// name it in the wrong-audience message as ARM does.
func unverifiedAudience(r *http.Request) string {
	tok := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer"))
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Aud any `json:"aud"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	switch a := claims.Aud.(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}
