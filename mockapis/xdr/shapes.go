package xdr

import (
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/xdr"
)

// ts writes a time as Graph and the Defender API do (null when zero).
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// graphComments are comments as Graph's alertComment.
func graphComments(cs []xdr.Comment) []any {
	out := []any{}
	for _, c := range cs {
		out = append(out, map[string]any{"comment": c.Comment, "createdByDisplayName": c.CreatedBy, "createdDateTime": ts(c.Created)})
	}
	return out
}

// GraphIncident is an incident as Graph's microsoft.graph.security.incident.
func GraphIncident(inc xdr.Incident, tenantID string) map[string]any {
	var redirect any
	if inc.RedirectIncidentID != 0 {
		redirect = itoa(inc.RedirectIncidentID)
	}
	return map[string]any{
		"@odata.type": "#microsoft.graph.security.incident", "id": itoa(inc.ID), "tenantId": tenantID,
		"status": inc.Status, "incidentWebUrl": xdr.IncidentURL(inc.ID, tenantID), "redirectIncidentId": redirect,
		"displayName": inc.DisplayName, "description": orNull(inc.Description), "createdDateTime": ts(inc.Created),
		"lastUpdateDateTime": ts(inc.LastUpdate), "assignedTo": orNull(inc.AssignedTo),
		"classification": orUnknown(inc.Classification), "determination": orUnknown(inc.Determination),
		"severity": inc.Severity, "customTags": nonNil(inc.CustomTags), "systemTags": nonNil(inc.SystemTags),
		"lastModifiedBy": inc.LastModifiedBy, "resolvingComment": nil, "summary": nil, "comments": graphComments(inc.Comments),
	}
}

// GraphAlert is an alert as Graph's microsoft.graph.security.alert (alerts_v2).
func GraphAlert(a xdr.Alert, tenantID string) map[string]any {
	var incident, incidentURL any
	if a.IncidentID != 0 {
		incident, incidentURL = itoa(a.IncidentID), xdr.IncidentURL(a.IncidentID, tenantID)
	}
	evidence := []any{}
	for _, e := range a.Entities {
		ev := map[string]any{"createdDateTime": ts(a.Created), "verdict": "suspicious", "remediationStatus": "none",
			"remediationStatusDetails": nil, "roles": []any{}, "detailedRoles": []any{}, "tags": []any{}}
		if e.Role == "impacted" {
			ev["roles"] = []any{"compromised"}
		}
		switch e.Kind {
		case xdr.EntityUser:
			name, domain, _ := strings.Cut(e.UPN, "@")
			ev["@odata.type"] = "#microsoft.graph.security.userEvidence"
			ev["userAccount"] = map[string]any{"accountName": name, "domainName": domain, "userSid": nil,
				"azureAdUserId": e.ObjectID, "userPrincipalName": e.UPN, "displayName": e.DisplayName}
		case xdr.EntityIP:
			ev["@odata.type"] = "#microsoft.graph.security.ipEvidence"
			ev["ipAddress"], ev["countryLetterCode"] = e.Address, orNull(e.Country)
		case xdr.EntityResource:
			ev["@odata.type"] = "#microsoft.graph.security.azureResourceEvidence"
			ev["resourceId"], ev["resourceName"], ev["resourceType"] = e.ResourceID, e.Name, orNull(e.Type)
		}
		evidence = append(evidence, ev)
	}
	return map[string]any{
		"@odata.type": "#microsoft.graph.security.alert", "id": a.ID, "providerAlertId": a.ProviderAlertID,
		"incidentId": incident, "status": a.Status, "severity": a.Severity, "classification": orUnknown(a.Classification),
		"determination": orUnknown(a.Determination), "serviceSource": a.ServiceSource, "detectionSource": a.DetectionSource,
		"productName": a.ProductName, "detectorId": a.DetectorID, "tenantId": tenantID, "title": a.Title,
		"description": a.Description, "recommendedActions": a.Recommended, "category": a.Category,
		"assignedTo": orNull(a.AssignedTo), "alertWebUrl": xdr.AlertURL(a.ID, tenantID), "incidentWebUrl": incidentURL,
		"actorDisplayName": nil, "threatDisplayName": nil, "threatFamilyName": nil, "mitreTechniques": nonNil(a.MitreTechniques),
		"createdDateTime": ts(a.Created), "lastUpdateDateTime": ts(a.LastUpdate), "resolvedDateTime": ts(a.Resolved),
		"firstActivityDateTime": ts(a.FirstActivity), "lastActivityDateTime": ts(a.LastActivity),
		"comments": graphComments(a.Comments), "evidence": evidence, "systemTags": []any{},
	}
}

// Defender API spellings of the Graph enums.
var (
	apiStatus = map[string]string{"active": "Active", "resolved": "Resolved", "inProgress": "InProgress",
		"redirected": "Redirected", "awaitingAction": "InProgress", "new": "New"}
	apiClassification = map[string]string{"": "Unknown", "unknown": "Unknown", "truePositive": "TruePositive",
		"falsePositive": "FalsePositive", "informationalExpectedActivity": "InformationalExpectedActivity"}
	apiDetermination = map[string]string{"": "NotAvailable", "unknown": "NotAvailable", "apt": "Apt", "malware": "Malware",
		"securityPersonnel": "SecurityPersonnel", "securityTesting": "SecurityTesting", "unwantedSoftware": "UnwantedSoftware",
		"other": "Other", "multiStagedAttack": "MultiStagedAttack", "compromisedAccount": "CompromisedAccount",
		"phishing": "Phishing", "maliciousUserActivity": "MaliciousUserActivity", "notMalicious": "Clean",
		"notEnoughDataToValidate": "NoEnoughDataToValidate", "confirmedActivity": "ConfirmedActivity",
		"lineOfBusinessApplication": "LineOfBusinessApplication"}
	apiServiceSource = map[string]string{"azureAdIdentityProtection": "AzureAdIdentityProtection",
		"microsoftDefenderForCloudApps": "MicrosoftCloudAppSecurity", "microsoftDefenderForCloud": "MicrosoftDefenderForCloud",
		"microsoftSentinel": "MicrosoftSentinel"}
	apiDetectionSource = map[string]string{"azureAdIdentityProtection": "AadIdentityProtection", "cloudAppSecurity": "MCAS",
		"scheduledAlerts": "ScheduledAlerts", "nrtAlerts": "NrtAlerts"}
)

func apiSeverity(s string) string {
	if s == "" {
		return "Informational"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// APIIncident is an incident as the Defender API answers it.
func APIIncident(inc xdr.Incident, alerts []xdr.Alert) map[string]any {
	var redirect any
	if inc.RedirectIncidentID != 0 {
		redirect = inc.RedirectIncidentID
	}
	comments := []any{}
	for _, c := range inc.Comments {
		comments = append(comments, map[string]any{"comment": c.Comment, "createdBy": c.CreatedBy, "createdTime": ts(c.Created)})
	}
	list := []any{}
	for _, a := range alerts {
		list = append(list, apiAlert(a))
	}
	return map[string]any{
		"incidentId": inc.ID, "incidentUri": "https://security.microsoft.com/incidents/" + itoa(inc.ID),
		"redirectIncidentId": redirect, "incidentName": inc.DisplayName, "createdTime": ts(inc.Created),
		"lastUpdateTime": ts(inc.LastUpdate), "assignedTo": orNull(inc.AssignedTo),
		"classification": apiClassification[inc.Classification], "determination": apiDetermination[inc.Determination],
		"status": apiStatus[inc.Status], "severity": apiSeverity(inc.Severity), "tags": nonNil(inc.CustomTags),
		"systemTags": nonNil(inc.SystemTags), "comments": comments, "alerts": list,
	}
}

func apiAlert(a xdr.Alert) map[string]any {
	ents := []any{}
	for _, e := range a.Entities {
		m := map[string]any{"entityType": nil, "sha1": nil, "sha256": nil, "fileName": nil, "filePath": nil, "processId": nil,
			"processCommandLine": nil, "processCreationTime": nil, "parentProcessId": nil, "parentProcessCreationTime": nil,
			"ipAddress": nil, "url": nil, "accountName": nil, "domainName": nil, "userSid": nil, "aadUserId": nil,
			"userPrincipalName": nil, "mailboxDisplayName": nil, "mailboxAddress": nil, "clusterBy": nil, "sender": nil,
			"recipient": nil, "subject": nil, "deliveryAction": nil, "securityGroupId": nil, "securityGroupName": nil,
			"registryHive": nil, "registryKey": nil, "registryValueType": nil, "registryValue": nil, "deviceId": nil}
		switch e.Kind {
		case xdr.EntityUser:
			name, domain, _ := strings.Cut(e.UPN, "@")
			m["entityType"], m["accountName"], m["domainName"], m["aadUserId"], m["userPrincipalName"] = "User", name, domain, e.ObjectID, e.UPN
		case xdr.EntityIP:
			m["entityType"], m["ipAddress"] = "Ip", e.Address
		case xdr.EntityResource:
			m["entityType"], m["url"] = "Url", e.ResourceID
		}
		ents = append(ents, m)
	}
	det := apiDetectionSource[a.DetectionSource]
	if det == "" {
		det = strings.ToUpper(a.DetectionSource[:1]) + a.DetectionSource[1:]
	}
	return map[string]any{
		"alertId": a.ID, "providerAlertId": a.ProviderAlertID, "incidentId": a.IncidentID,
		"serviceSource": apiServiceSource[a.ServiceSource], "creationTime": ts(a.Created), "lastUpdatedTime": ts(a.LastUpdate),
		"resolvedTime": ts(a.Resolved), "firstActivity": ts(a.FirstActivity), "lastActivity": ts(a.LastActivity),
		"title": a.Title, "description": a.Description, "category": a.Category, "status": apiStatus[a.Status],
		"severity": apiSeverity(a.Severity), "investigationId": nil, "investigationState": "UnsupportedAlertType",
		"classification": apiClassification[a.Classification], "determination": apiDetermination[a.Determination],
		"detectionSource": det, "detectorId": a.DetectorID, "assignedTo": orNull(a.AssignedTo), "actorName": nil,
		"threatFamilyName": nil, "mitreTechniques": nonNil(a.MitreTechniques), "devices": []any{}, "entities": ents,
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func itoa(n int) string { return strconv.Itoa(n) }
