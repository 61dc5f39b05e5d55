package identity

import (
	"net/netip"
	"strings"
	"time"
)

// Graph's type names of the Conditional Access objects.
const (
	ipLocationType      = "#microsoft.graph.ipNamedLocation"
	countryLocationType = "#microsoft.graph.countryNamedLocation"
	ipv4RangeType       = "#microsoft.graph.iPv4CidrRange"
	ipv6RangeType       = "#microsoft.graph.iPv6CidrRange"
)

var (
	policyStates   = []string{"enabled", "disabled", "enabledForReportingButNotEnforced"}
	clientAppTypes = []string{"all", "browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "easSupported", "other"}
	grantControls  = []string{"block", "mfa", "compliantDevice", "domainJoinedDevice", "approvedApplication", "compliantApplication", "passwordChange", "unknownFutureValue"}
)

// badProperty is OData's answer for a property the type does not define.
func badProperty(name, typ string) *Error {
	return errorf(400, "BadRequest", "The property '%s' does not exist on type '%s'. Make sure to only use property names that are defined by the type.", name, typ)
}

func badValue(prop, typ string) *Error {
	return errorf(400, "BadRequest", "Invalid value specified for property '%s' of resource '%s'.", prop, typ)
}

// NormalizeLocation validates a named location body (the whole object after a merge for
// PATCH) and returns it as Graph stores and answers it. old is the stored object (nil on create).
func NormalizeLocation(body map[string]any, old map[string]any, now time.Time) (map[string]any, error) {
	typ := str(body["@odata.type"])
	if old != nil && typ == "" {
		typ = str(old["@odata.type"])
	}
	if typ != ipLocationType && typ != countryLocationType {
		if typ == "" {
			return nil, errorf(400, "BadRequest", "A type must be specified for a named location: '%s' or '%s'.", ipLocationType, countryLocationType)
		}
		return nil, errorf(400, "BadRequest", "The type '%s' is not a valid named location type.", strings.TrimPrefix(typ, "#"))
	}
	shortType := strings.TrimPrefix(typ, "#")
	allowed := map[string]bool{"@odata.type": true, "id": true, "displayName": true, "createdDateTime": true, "modifiedDateTime": true}
	if typ == ipLocationType {
		allowed["isTrusted"], allowed["ipRanges"] = true, true
	} else {
		allowed["countriesAndRegions"], allowed["includeUnknownCountriesAndRegions"], allowed["countryLookupMethod"] = true, true, true
	}
	for k := range body {
		if !allowed[k] {
			return nil, badProperty(k, shortType)
		}
	}
	name, ok := body["displayName"].(string)
	if !ok || strings.TrimSpace(name) == "" {
		return nil, errorf(400, "BadRequest", "The displayName property is required and cannot be empty.")
	}
	if len(name) > 256 {
		return nil, errorf(400, "BadRequest", "The displayName property cannot exceed 256 characters.")
	}
	out := map[string]any{"@odata.type": typ, "id": str(body["id"]), "displayName": name,
		"createdDateTime": graphTime(now), "modifiedDateTime": graphTime(now)}
	if old != nil {
		out["id"], out["createdDateTime"] = old["id"], old["createdDateTime"]
	}
	if typ == ipLocationType {
		trusted := false
		if v, present := body["isTrusted"]; present && v != nil {
			b, ok := v.(bool)
			if !ok {
				return nil, badValue("isTrusted", shortType)
			}
			trusted = b
		}
		ranges, ok := body["ipRanges"].([]any)
		if !ok || len(ranges) == 0 {
			return nil, errorf(400, "BadRequest", "The ipRanges property is required and must contain at least one IP range.")
		}
		if len(ranges) > 2000 {
			return nil, errorf(400, "BadRequest", "A named location can contain at most 2000 IP ranges.")
		}
		var norm []any
		for i, r := range ranges {
			obj, ok := r.(map[string]any)
			if !ok {
				return nil, errorf(400, "BadRequest", "ipRanges[%d] must be an object with @odata.type and cidrAddress.", i)
			}
			nr, err := normalizeRange(obj, i)
			if err != nil {
				return nil, err
			}
			norm = append(norm, nr)
		}
		out["isTrusted"], out["ipRanges"] = trusted, norm
		return out, nil
	}
	list, ok := body["countriesAndRegions"].([]any)
	if !ok || len(list) == 0 {
		return nil, errorf(400, "BadRequest", "The countriesAndRegions property is required and must contain at least one country or region.")
	}
	for _, c := range list {
		s, ok := c.(string)
		if !ok || len(s) != 2 || strings.ToUpper(s) != s {
			return nil, errorf(400, "BadRequest", "'%v' is not a valid two-letter ISO 3166 country or region code.", c)
		}
	}
	unknown, _ := body["includeUnknownCountriesAndRegions"].(bool)
	method := "clientIpAddress"
	if m := str(body["countryLookupMethod"]); m != "" {
		if m != "clientIpAddress" && m != "authenticatorAppGps" {
			return nil, badValue("countryLookupMethod", shortType)
		}
		method = m
	}
	out["countriesAndRegions"], out["includeUnknownCountriesAndRegions"], out["countryLookupMethod"] = list, unknown, method
	return out, nil
}

func normalizeRange(obj map[string]any, i int) (map[string]any, error) {
	typ := str(obj["@odata.type"])
	for k := range obj {
		if k != "@odata.type" && k != "cidrAddress" {
			return nil, badProperty(k, strings.TrimPrefix(typ, "#"))
		}
	}
	if typ != ipv4RangeType && typ != ipv6RangeType {
		return nil, errorf(400, "BadRequest", "ipRanges[%d]: @odata.type must be '%s' or '%s'.", i, ipv4RangeType, ipv6RangeType)
	}
	cidr := str(obj["cidrAddress"])
	pr, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, errorf(400, "BadRequest", "The IP range '%s' is not a valid CIDR address.", cidr)
	}
	if (typ == ipv4RangeType) != pr.Addr().Is4() {
		return nil, errorf(400, "BadRequest", "The IP range '%s' does not match its type '%s'.", cidr, strings.TrimPrefix(typ, "#"))
	}
	if pr.Bits() < 8 {
		return nil, errorf(400, "BadRequest", "The IP range '%s' is too large: ranges must have a prefix of /8 or longer.", cidr)
	}
	return map[string]any{"@odata.type": typ, "cidrAddress": cidr}, nil
}

// NormalizePolicy validates a Conditional Access policy (the whole object after a merge for
// PATCH) against the directory and returns it as Graph answers it.
func NormalizePolicy(d *Directory, body map[string]any, old map[string]any, now time.Time) (map[string]any, error) {
	const typ = "microsoft.graph.conditionalAccessPolicy"
	allowed := map[string]bool{"@odata.type": true, "id": true, "displayName": true, "state": true, "conditions": true, "grantControls": true,
		"sessionControls": true, "createdDateTime": true, "modifiedDateTime": true, "templateId": true, "description": true}
	for k := range body {
		if !allowed[k] {
			return nil, badProperty(k, typ)
		}
	}
	name, ok := body["displayName"].(string)
	if !ok || strings.TrimSpace(name) == "" {
		return nil, errorf(400, "BadRequest", "The displayName property is required and cannot be empty.")
	}
	state, ok := body["state"].(string)
	if !ok {
		return nil, errorf(400, "BadRequest", "The state property is required: enabled, disabled or enabledForReportingButNotEnforced.")
	}
	if !oneOf(state, policyStates) {
		return nil, badValue("state", typ)
	}
	cond, ok := body["conditions"].(map[string]any)
	if !ok {
		return nil, errorf(400, "BadRequest", "The conditions property is required.")
	}
	apps, err := normalizeSet(cond, "applications", []string{"includeApplications", "excludeApplications", "includeUserActions", "includeAuthenticationContextClassReferences"})
	if err != nil {
		return nil, err
	}
	if len(list(apps["includeApplications"])) == 0 && len(list(apps["includeUserActions"])) == 0 && len(list(apps["includeAuthenticationContextClassReferences"])) == 0 {
		return nil, errorf(400, "BadRequest", "Policy is invalid: conditions.applications must include applications, user actions or authentication contexts.")
	}
	users, err := normalizeSet(cond, "users", []string{"includeUsers", "excludeUsers", "includeGroups", "excludeGroups", "includeRoles", "excludeRoles"})
	if err != nil {
		return nil, err
	}
	if len(list(users["includeUsers"])) == 0 && len(list(users["includeGroups"])) == 0 && len(list(users["includeRoles"])) == 0 {
		return nil, errorf(400, "BadRequest", "Policy is invalid: conditions.users must include users, groups or roles.")
	}
	if err := checkDirectoryRefs(d, users); err != nil {
		return nil, err
	}
	locs, err := normalizeSet(cond, "locations", []string{"includeLocations", "excludeLocations"})
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"includeLocations", "excludeLocations"} {
		for _, id := range list(locs[k]) {
			if id != "All" && id != "AllTrusted" && d.Location(id) == nil {
				return nil, errorf(400, "BadRequest", "Policy is invalid: the named location '%s' in conditions.locations.%s does not exist.", id, k)
			}
		}
	}
	apt := list(cond["clientAppTypes"])
	if len(apt) == 0 {
		apt = []string{"all"}
	}
	for _, c := range apt {
		if !oneOf(c, clientAppTypes) {
			return nil, badValue("clientAppTypes", "microsoft.graph.conditionalAccessConditionSet")
		}
	}
	grant, sess := body["grantControls"], body["sessionControls"]
	gm, hasGrant := grant.(map[string]any)
	sm, hasSession := sess.(map[string]any)
	if (!hasGrant || len(list(gm["builtInControls"])) == 0 && len(list(gm["termsOfUse"])) == 0 && len(list(gm["customAuthenticationFactors"])) == 0 && gm["authenticationStrength"] == nil) && (!hasSession || len(sm) == 0) {
		return nil, errorf(400, "BadRequest", "Policy is invalid: a policy needs grant controls or session controls.")
	}
	var grantOut any
	if hasGrant {
		op := str(gm["operator"])
		if op == "" {
			op = "OR"
		}
		if op != "OR" && op != "AND" {
			return nil, badValue("operator", "microsoft.graph.conditionalAccessGrantControls")
		}
		ctrls := list(gm["builtInControls"])
		for _, c := range ctrls {
			if !oneOf(c, grantControls) {
				return nil, badValue("builtInControls", "microsoft.graph.conditionalAccessGrantControls")
			}
		}
		if oneOf("block", ctrls) && len(ctrls) > 1 {
			return nil, errorf(400, "BadRequest", "Policy is invalid: the block control cannot be combined with other grant controls.")
		}
		grantOut = map[string]any{"operator": op, "builtInControls": anyList(ctrls), "customAuthenticationFactors": anyList(list(gm["customAuthenticationFactors"])),
			"termsOfUse": anyList(list(gm["termsOfUse"])), "authenticationStrength": gm["authenticationStrength"]}
	}
	var sessOut any
	if hasSession && len(sm) > 0 {
		sessOut = sm
	}
	risk := func(k string) []any { return anyList(list(cond[k])) }
	out := map[string]any{
		"id": str(body["id"]), "templateId": nil, "displayName": name, "createdDateTime": graphTime(now), "modifiedDateTime": nil,
		"state": state, "sessionControls": sessOut, "grantControls": grantOut,
		"conditions": map[string]any{
			"userRiskLevels": risk("userRiskLevels"), "signInRiskLevels": risk("signInRiskLevels"), "servicePrincipalRiskLevels": risk("servicePrincipalRiskLevels"),
			"clientAppTypes": anyList(apt), "platforms": cond["platforms"], "devices": cond["devices"], "clientApplications": cond["clientApplications"],
			"applications": apps, "users": users, "locations": nilIfEmpty(locs),
		},
	}
	if old != nil {
		out["id"], out["createdDateTime"], out["modifiedDateTime"] = old["id"], old["createdDateTime"], graphTime(now)
	}
	return out, nil
}

// normalizeSet reads one condition object whose members are string lists, filling the
// missing ones with empty lists as Graph answers.
func normalizeSet(cond map[string]any, key string, members []string) (map[string]any, error) {
	out := map[string]any{}
	raw, present := cond[key]
	obj, ok := raw.(map[string]any)
	if present && raw != nil && !ok {
		return nil, badValue(key, "microsoft.graph.conditionalAccessConditionSet")
	}
	for k, v := range obj {
		if !oneOf(k, members) {
			return nil, badProperty(k, "microsoft.graph.conditionalAccess"+strings.ToUpper(key[:1])+key[1:])
		}
		arr, ok := v.([]any)
		if !ok && v != nil {
			return nil, badValue(k, "microsoft.graph.conditionalAccess"+strings.ToUpper(key[:1])+key[1:])
		}
		for _, x := range arr {
			if _, ok := x.(string); !ok {
				return nil, badValue(k, "microsoft.graph.conditionalAccess"+strings.ToUpper(key[:1])+key[1:])
			}
		}
	}
	for _, m := range members {
		out[m] = anyList(list(obj[m]))
	}
	return out, nil
}

// checkDirectoryRefs refuses user, group and role ids the directory does not hold.
func checkDirectoryRefs(d *Directory, users map[string]any) error {
	for _, k := range []string{"includeUsers", "excludeUsers"} {
		for _, id := range list(users[k]) {
			if id == "All" || id == "None" || id == "GuestsOrExternalUsers" {
				continue
			}
			if !isGUID(id) || d.UserByKey(id) == nil {
				return errorf(400, "BadRequest", "Policy is invalid: the user '%s' in conditions.users.%s does not exist in the directory.", id, k)
			}
		}
	}
	for _, k := range []string{"includeGroups", "excludeGroups"} {
		for _, id := range list(users[k]) {
			if d.Group(id) == nil {
				return errorf(400, "BadRequest", "Policy is invalid: the group '%s' in conditions.users.%s does not exist in the directory.", id, k)
			}
		}
	}
	for _, k := range []string{"includeRoles", "excludeRoles"} {
		for _, id := range list(users[k]) {
			if !roleTemplateKnown(d, id) {
				return errorf(400, "BadRequest", "Policy is invalid: the role template '%s' in conditions.users.%s is not a directory role template.", id, k)
			}
		}
	}
	return nil
}

func roleTemplateKnown(d *Directory, id string) bool {
	for _, r := range d.Roles {
		if strings.EqualFold(r.TemplateID, id) {
			return true
		}
	}
	return false
}

func nilIfEmpty(m map[string]any) any {
	for _, v := range m {
		if len(v.([]any)) > 0 {
			return m
		}
	}
	return nil
}

// list reads a JSON array of strings ([]any or []string); anything else is empty.
func list(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

func oneOf(s string, set []string) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// locationContains tells whether a named location covers ip (country locations through the
// scenario's geolocation of the address).
func (d *Directory) locationContains(loc map[string]any, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	switch str(loc["@odata.type"]) {
	case ipLocationType:
		for _, r := range loc["ipRanges"].([]any) {
			pr, err := netip.ParsePrefix(str(r.(map[string]any)["cidrAddress"]))
			if err == nil && pr.Masked().Contains(addr) {
				return true
			}
		}
	case countryLocationType:
		pl, ok := d.base.placeOf(ip)
		if !ok {
			unknown, _ := loc["includeUnknownCountriesAndRegions"].(bool)
			return unknown
		}
		return oneOf(pl.Country, list(loc["countriesAndRegions"]))
	}
	return false
}

// trusted tells whether ip is in a trusted IP named location or a trusted scenario network.
func (d *Directory) trusted(ip string) bool {
	for _, l := range d.Locations {
		if t, _ := l["isTrusted"].(bool); t && d.locationContains(l, ip) {
			return true
		}
	}
	pl, ok := d.base.placeOf(ip)
	return ok && pl.Trusted
}
