package sentinel

import "fmt"

// ConnectorKindMTP is the Microsoft Defender XDR (Microsoft 365 Defender) connector.
const ConnectorKindMTP = "MicrosoftThreatProtection"

// ConnectorKinds are every data connector kind the service knows (dataConnectors.json,
// preview); the lab serves MicrosoftThreatProtection.
var ConnectorKinds = []string{"AzureActiveDirectory", "AzureSecurityCenter", "MicrosoftCloudAppSecurity",
	"ThreatIntelligence", "ThreatIntelligenceTaxii", "Office365", "OfficeATP", "OfficeIRM", "Office365Project",
	"MicrosoftPurviewInformationProtection", "OfficePowerBI", "AmazonWebServicesCloudTrail", "AmazonWebServicesS3",
	"AzureAdvancedThreatProtection", "MicrosoftDefenderAdvancedThreatProtection", "Dynamics365",
	"MicrosoftThreatProtection", "MicrosoftThreatIntelligence", "GenericUI", "APIPolling", "IOT", "GCP",
	"RestApiPoller", "PurviewAudit"}

// DataConnector is a data connector exactly as the API answers it.
type DataConnector struct {
	ID         string                  `json:"id"`
	Name       string                  `json:"name"`
	Type       string                  `json:"type"`
	Kind       string                  `json:"kind"`
	Etag       string                  `json:"etag"`
	Properties DataConnectorProperties `json:"properties"`
	SystemData *SystemData             `json:"systemData,omitempty"`
}

// DataConnectorProperties are the MicrosoftThreatProtection connector's properties.
type DataConnectorProperties struct {
	TenantID          *string            `json:"tenantId"`
	DataTypes         *MTPDataTypes      `json:"dataTypes"`
	FilteredProviders *FilteredProviders `json:"filteredProviders,omitempty"`
}

// MTPDataTypes are what the connector brings in.
type MTPDataTypes struct {
	Incidents *DataTypeState `json:"incidents,omitempty"`
	Alerts    *DataTypeState `json:"alerts,omitempty"`
}

// DataTypeState switches one data type on or off.
type DataTypeState struct {
	State *string `json:"state"`
}

// FilteredProviders limits which Defender products' alerts come in (later previews).
type FilteredProviders struct {
	Alerts []string `json:"alerts"`
}

// ConnectorRequest is what ValidateConnector needs besides the body.
type ConnectorRequest struct {
	Kind string
	// Preview is true for preview api-versions: the connector exists only there.
	Preview bool
	// AlertsDataType is true for api-versions that know dataTypes.alerts (after 2022-06-01-preview).
	AlertsDataType bool
	// TenantID is the caller's tenant: a connector can only connect its own tenant.
	TenantID string
}

// ValidateConnector checks a data connector body and canonicalizes it in place.
func ValidateConnector(req ConnectorRequest, p *DataConnectorProperties) (string, *Error) {
	if req.Kind == "" {
		return "", missing("", "kind")
	}
	kind, ok := canonical(ConnectorKinds, req.Kind)
	if !ok || (kind == ConnectorKindMTP && !req.Preview) {
		return "", badRequest("The data connector kind '%s' is not valid for this api-version.", req.Kind)
	}
	if kind != ConnectorKindMTP {
		return "", badRequest("Data connectors of kind '%s' are not available in this lab; the lab connects Microsoft Defender XDR with kind 'MicrosoftThreatProtection'.", kind)
	}
	const base = "properties"
	switch {
	case p.TenantID == nil:
		return "", missing(base, "tenantId")
	case !isGUID(*p.TenantID):
		return "", guidError(*p.TenantID, base+".tenantId")
	case !equalFold(*p.TenantID, req.TenantID):
		return "", badRequest("The tenant '%s' in property 'properties.tenantId' is not the workspace's tenant '%s'; the connector can only connect the workspace's own tenant.", *p.TenantID, req.TenantID)
	case p.DataTypes == nil:
		return "", missing(base, "dataTypes")
	case p.DataTypes.Incidents == nil:
		return "", missing(base+".dataTypes", "incidents")
	}
	if !req.AlertsDataType {
		p.DataTypes.Alerts = nil // not part of this api-version's model
	}
	for name, dt := range map[string]*DataTypeState{"incidents": p.DataTypes.Incidents, "alerts": p.DataTypes.Alerts} {
		if dt == nil {
			continue
		}
		path := fmt.Sprintf("%s.dataTypes.%s", base, name)
		if dt.State == nil {
			return "", missing(path, "state")
		}
		if err := enumAt(path+".state", dt.State, []string{"Enabled", "Disabled"}); err != nil {
			return "", err
		}
	}
	*p.TenantID = req.TenantID
	return kind, nil
}

// IncidentsEnabled reports whether the connector brings Defender XDR incidents in.
func (c DataConnector) IncidentsEnabled() bool {
	d := c.Properties.DataTypes
	return c.Kind == ConnectorKindMTP && d != nil && d.Incidents != nil && d.Incidents.State != nil && *d.Incidents.State == "Enabled"
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
