package detect

import (
	"net"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/sentinel"
)

// entity is one entity of an alert: its ARM kind and properties (the incident's entities API),
// its SecurityAlert.Entities JSON, and the mapping type it came from (grouping by entity type).
type entity struct {
	mapType string
	kind    string
	props   map[string]any
	json    map[string]any
	key     string
}

// armKinds are the ARM entity kinds of the entityMappings types that differ from them.
var armKinds = map[string]string{"IP": "Ip", "DNS": "DnsResolution", "URL": "Url"}

// jsonTypes are the Type values of SecurityAlert.Entities per mapping type.
var jsonTypes = map[string]string{
	"Account": "account", "IP": "ip", "Host": "host", "AzureResource": "azure-resource",
	"CloudApplication": "cloud-application", "DNS": "dns", "File": "file", "FileHash": "filehash",
	"Process": "process", "Malware": "malware", "RegistryKey": "registry-key", "RegistryValue": "registry-value",
	"SecurityGroup": "security-group", "URL": "url", "Mailbox": "mailbox", "MailCluster": "mail-cluster",
	"MailMessage": "mail-message", "SubmissionMail": "SubmissionMail",
}

// wellKnown are the columns recognised as entities when a rule maps none, per mapping type and
// identifier, in order of preference.
var wellKnown = []struct {
	mapType, identifier string
	columns             []string
}{
	{"Account", "FullName", []string{"UserPrincipalName", "AccountUpn", "AccountUPN", "Caller", "User", "InitiatedBy", "UserId", "Upn", "identity_claim_upn_s", "identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s"}},
	{"IP", "Address", []string{"IPAddress", "IpAddress", "CallerIPAddress", "CallerIpAddress", "ClientIP", "ClientIp", "SourceIP", "RemoteIP"}},
	{"AzureResource", "ResourceId", []string{"ResourceId", "_ResourceId", "Resource"}},
	{"Host", "HostName", []string{"Computer", "HostName", "DeviceName"}},
}

// extractEntities returns the distinct entities of the given rows, from the rule's
// entityMappings or, when it has none, from well-known columns.
func extractEntities(rule sentinel.AlertRule, t *kql.Table, rows []int) []entity {
	var out []entity
	seen := map[string]bool{}
	add := func(e entity, ok bool) {
		if ok && !seen[e.key] {
			seen[e.key] = true
			out = append(out, e)
		}
	}
	maps := rule.Properties.EntityMappings
	for _, i := range rows {
		if len(maps) > 0 {
			for _, m := range maps {
				ids := map[string]string{}
				for _, f := range m.FieldMappings {
					if f.Identifier == nil || f.ColumnName == nil {
						continue
					}
					if v := cell(t, *f.ColumnName, i); v != "" {
						ids[*f.Identifier] = v
					}
				}
				add(newEntity(strOr(m.EntityType, ""), ids))
			}
			continue
		}
		for _, w := range wellKnown {
			for _, c := range w.columns {
				v := cell(t, c, i)
				if v == "" || !plausible(w.mapType, v) {
					continue
				}
				add(newEntity(w.mapType, map[string]string{w.identifier: v}))
				break
			}
		}
	}
	return out
}

// plausible tells a value of a well-known column that really is such an entity (Caller may
// be an application id, Resource a plain name).
func plausible(mapType, v string) bool {
	switch mapType {
	case "Account":
		return strings.Contains(v, "@")
	case "IP":
		return net.ParseIP(v) != nil
	case "AzureResource":
		return strings.HasPrefix(strings.ToLower(v), "/subscriptions/")
	}
	return true
}

// cell is the text of a column in row i ("" when the column is missing, null or empty).
func cell(t *kql.Table, col string, i int) string {
	c := t.ColumnIndex(col)
	if c < 0 {
		return ""
	}
	v := t.Vecs[c].Get(i)
	if v.IsNull() {
		return ""
	}
	return strings.TrimSpace(types.FormatText(v))
}

// newEntity builds an entity of a mapping type from its identifiers.
func newEntity(mapType string, ids map[string]string) (entity, bool) {
	if len(ids) == 0 || mapType == "" {
		return entity{}, false
	}
	e := entity{mapType: mapType, kind: mapType, props: map[string]any{}, json: map[string]any{}}
	if k, ok := armKinds[mapType]; ok {
		e.kind = k
	}
	set := func(armName, jsonName, v string) {
		if v != "" {
			e.props[armName] = v
			e.json[jsonName] = v
		}
	}
	switch mapType {
	case "Account":
		full := ids["FullName"]
		name, suffix := ids["Name"], ids["UPNSuffix"]
		if n, s, ok := strings.Cut(full, "@"); ok {
			name, suffix = orStr(name, n), orStr(suffix, s)
		} else if d, n, ok := strings.Cut(full, `\`); ok {
			name = orStr(name, n)
			set("ntDomain", "NTDomain", d)
		} else {
			name = orStr(name, full)
		}
		set("accountName", "Name", name)
		set("upnSuffix", "UPNSuffix", suffix)
		set("aadUserId", "AadUserId", ids["AadUserId"])
		set("sid", "Sid", ids["Sid"])
		set("objectGuid", "ObjectGuid", ids["ObjectGuid"])
		set("ntDomain", "NTDomain", ids["NTDomain"])
		set("displayName", "DisplayName", ids["DisplayName"])
	case "Host":
		host, domain := ids["HostName"], ids["DnsDomain"]
		if h, d, ok := strings.Cut(ids["FullName"], "."); ok {
			host, domain = orStr(host, h), orStr(domain, d)
		}
		set("hostName", "HostName", orStr(host, ids["FullName"]))
		set("dnsDomain", "DnsDomain", domain)
		set("netBiosName", "NetBiosName", ids["NetBiosName"])
		set("azureID", "AzureID", ids["AzureID"])
		set("omsAgentID", "OMSAgentID", ids["OMSAgentID"])
	case "AzureResource":
		id := ids["ResourceId"]
		set("resourceId", "ResourceId", id)
		parts := strings.Split(id, "/")
		if len(parts) > 2 && strings.EqualFold(parts[1], "subscriptions") {
			e.props["subscriptionId"] = parts[2]
		}
	case "IP":
		set("address", "Address", ids["Address"])
	default:
		for k, v := range ids {
			set(strings.ToLower(k[:1])+k[1:], k, v)
		}
	}
	if len(e.props) == 0 {
		return entity{}, false
	}
	e.json["Type"] = jsonTypes[mapType]
	if e.json["Type"] == "" {
		e.json["Type"] = strings.ToLower(mapType)
	}
	keys := make([]string, 0, len(e.props))
	for k, v := range e.props {
		keys = append(keys, k+"="+strings.ToLower(v.(string)))
	}
	sort.Strings(keys)
	e.key = mapType + "|" + strings.Join(keys, "|")
	return e, true
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
