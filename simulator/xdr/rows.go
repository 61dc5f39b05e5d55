package xdr

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// rowBatch collects the SecurityAlert and SecurityIncident rows of one Advance.
type rowBatch struct {
	alerts, incidents []logs.Row
}

// alertRow is the SecurityAlert row of a Defender alert streamed into the workspace.
func alertRow(customerID, ws string, a Alert, ent sentinel.Entity, at time.Time) logs.Row {
	prod := productOf(a.ServiceSource)
	ents := []map[string]any{}
	for i, e := range a.Entities {
		m := map[string]any{"$id": itoa(i + 2)}
		switch e.Kind {
		case EntityUser:
			name, sfx, _ := strings.Cut(e.UPN, "@")
			m["Type"], m["Name"], m["UPNSuffix"], m["AadUserId"] = "account", name, sfx, e.ObjectID
		case EntityIP:
			m["Type"], m["Address"] = "ip", e.Address
			if e.Country != "" {
				m["Location"] = map[string]any{"CountryCode": e.Country, "City": e.City, "Asn": e.ASN}
			}
		case EntityResource:
			m["Type"], m["ResourceId"] = "azure-resource", e.ResourceID
		}
		ents = append(ents, m)
	}
	entJSON, _ := json.Marshal(ents)
	techJSON, _ := json.Marshal(a.MitreTechniques)
	ext, _ := json.Marshal(map[string]string{"DetectorId": a.DetectorID, "ServiceSource": a.ServiceSource, "DetectionSource": a.DetectionSource})
	compromised := ""
	for _, e := range a.Entities {
		if e.Kind == EntityUser {
			compromised = e.UPN
			break
		}
	}
	return logs.Row{Workspace: customerID, Time: at, Values: map[string]any{
		"TimeGenerated": at, "DisplayName": a.Title, "AlertName": a.Title, "AlertSeverity": SentinelSeverity(a.Severity),
		"Description": a.Description, "ProviderName": prod.SentinelProvider, "VendorName": "Microsoft",
		"VendorOriginalId": a.ID, "SystemAlertId": ent.Name, "AlertType": a.DetectorID, "IsIncident": false,
		"StartTime": a.FirstActivity, "EndTime": a.LastActivity, "ProcessingEndTime": at, "RemediationSteps": a.Recommended,
		"ExtendedProperties": string(ext), "Entities": string(entJSON), "SourceSystem": "Detection",
		"WorkspaceSubscriptionId": subscriptionOf(ws), "WorkspaceResourceGroup": groupOf(ws), "ProductName": prod.SentinelProduct,
		"ProductComponentName": "", "AlertLink": "", "Status": "New", "CompromisedEntity": compromised,
		"Tactics": a.Category, "Techniques": string(techJSON), "Type": "SecurityAlert", "_IsBillable": "False",
	}}
}

// incidentRow is the SecurityIncident row of a Sentinel incident's current state.
func incidentRow(tx *simulator.TenantTx, customerID, incidentID, modifiedBy string) (logs.Row, error) {
	if _, ok, err := sentinel.IncidentByID(tx, incidentID); err != nil || !ok {
		return logs.Row{}, err
	}
	at := tx.Now()
	v, err := sentinel.SecurityIncidentValues(tx, incidentID, at, modifiedBy)
	if err != nil {
		return logs.Row{}, err
	}
	return logs.Row{Workspace: customerID, Time: at, Values: v}, nil
}

func groupOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "resourceGroups") {
			return segs[i+1]
		}
	}
	return ""
}
