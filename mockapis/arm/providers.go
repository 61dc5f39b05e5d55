package arm

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// standingAPIVersions are listed for types that accept any dated api-version, so that az's
// api-version discovery (az resource show --ids) picks one.
var standingAPIVersions = []string{"2024-07-01", "2023-09-01", "2023-03-01", "2022-11-01", "2021-04-01"}

// provider is a resource provider as GET /subscriptions/{sub}/providers answers it.
type provider struct {
	ID                 string         `json:"id"`
	Namespace          string         `json:"namespace"`
	RegistrationState  string         `json:"registrationState"`
	RegistrationPolicy string         `json:"registrationPolicy"`
	ResourceTypes      []providerType `json:"resourceTypes"`
}

type providerType struct {
	ResourceType string   `json:"resourceType"`
	Locations    []string `json:"locations"`
	APIVersions  []string `json:"apiVersions"`
	Capabilities string   `json:"capabilities"`
}

// providers lists the registry's namespaces with their types, for the caller's subscription.
func (h *handler) providers(sub string) []provider {
	byNS := map[string]*provider{}
	for _, t := range h.reg.types {
		ns := t.namespace()
		p := byNS[strings.ToLower(ns)]
		if p == nil {
			p = &provider{ID: "/subscriptions/" + sub + "/providers/" + ns, Namespace: ns,
				RegistrationState: "Registered", RegistrationPolicy: "RegistrationRequired"}
			byNS[strings.ToLower(ns)] = p
		}
		versions := t.APIVersions
		if t.AnyAPIVersion {
			versions = standingAPIVersions
		}
		// Newest first, as ARM lists them.
		versions = append([]string(nil), versions...)
		sort.Sort(sort.Reverse(sort.StringSlice(versions)))
		locs := supportedLocations
		caps := "SupportsTags, SupportsLocation"
		if t.Extension {
			locs, caps = []string{}, "SupportsExtension"
		}
		p.ResourceTypes = append(p.ResourceTypes, providerType{ResourceType: strings.Join(t.typeSegments(), "/"),
			Locations: locs, APIVersions: versions, Capabilities: caps})
	}
	out := make([]provider, 0, len(byNS))
	for _, p := range byNS {
		sort.Slice(p.ResourceTypes, func(i, j int) bool { return p.ResourceTypes[i].ResourceType < p.ResourceTypes[j].ResourceType })
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace < out[j].Namespace })
	return out
}

// getProviders answers GET /subscriptions/{sub}/providers[/{namespace}] (az provider list|show,
// and az's api-version discovery for generic resource commands).
func (h *handler) getProviders(c *Call) (Response, error) {
	all := h.providers(c.Tenant.Subscription.ID)
	if c.target.namespace == "" {
		return OK(List(all)), nil
	}
	for _, p := range all {
		if strings.EqualFold(p.Namespace, c.target.namespace) {
			return OK(p), nil
		}
	}
	return Response{}, NewError(http.StatusNotFound, "InvalidResourceNamespace",
		fmt.Sprintf("The resource namespace '%s' is invalid.", c.target.namespace))
}
