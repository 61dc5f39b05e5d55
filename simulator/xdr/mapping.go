package xdr

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/sentinel"
)

// ProviderName is how Sentinel names Defender XDR incidents (providerName, SecurityIncident.ProviderName).
const ProviderName = "Microsoft 365 Defender"

// IncidentURL is the Defender portal link of an incident.
func IncidentURL(id int, tenantID string) string {
	return "https://security.microsoft.com/incidents/" + itoa(id) + "?tid=" + tenantID
}

// AlertURL is the Defender portal link of an alert.
func AlertURL(id, tenantID string) string {
	return "https://security.microsoft.com/alerts/" + id + "?tid=" + tenantID
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// sentinelStatus maps a Defender status to Sentinel's.
func sentinelStatus(s string) string {
	switch s {
	case "resolved", "redirected":
		return "Closed"
	case "inProgress", "awaitingAction":
		return "Active"
	}
	return "New"
}

// defenderStatus maps a Sentinel status to Defender's.
func defenderStatus(s string) string {
	switch s {
	case "Closed":
		return "resolved"
	case "Active":
		return "inProgress"
	}
	return "active"
}

// sentinelClassification maps a Defender classification to Sentinel's classification and reason.
func sentinelClassification(c string) (string, string) {
	switch c {
	case "truePositive":
		return "TruePositive", "SuspiciousActivity"
	case "falsePositive":
		return "FalsePositive", "IncorrectAlertLogic"
	case "informationalExpectedActivity":
		return "BenignPositive", "SuspiciousButExpected"
	}
	return "Undetermined", ""
}

// defenderClassification maps a Sentinel classification to Defender's ("" = unknown).
func defenderClassification(c string) string {
	switch c {
	case "TruePositive":
		return "truePositive"
	case "FalsePositive":
		return "falsePositive"
	case "BenignPositive":
		return "informationalExpectedActivity"
	}
	return ""
}

// ownerText is the Defender assignedTo of a Sentinel owner.
func ownerText(o *sentinel.Owner) string {
	if o == nil {
		return ""
	}
	for _, p := range []*string{o.UserPrincipalName, o.Email, o.AssignedTo} {
		if p != nil && *p != "" {
			return *p
		}
	}
	return ""
}

// ownerOf is the Sentinel owner of a Defender assignedTo; a current owner naming the same person
// or group is kept as it is.
func ownerOf(assignedTo string, current *sentinel.Owner) *sentinel.Owner {
	if assignedTo == "" {
		return &sentinel.Owner{OwnerType: ptr("Unknown")}
	}
	if strings.EqualFold(ownerText(current), assignedTo) {
		return current
	}
	o := &sentinel.Owner{AssignedTo: ptr(assignedTo), OwnerType: ptr("User")}
	if strings.Contains(assignedTo, "@") {
		o.Email, o.UserPrincipalName = ptr(assignedTo), ptr(assignedTo)
	}
	return o
}

// viewOf reads the synced properties of a Sentinel incident.
func viewOf(inc sentinel.Incident) SentinelView {
	p := inc.Properties
	t, _ := time.Parse(time.RFC3339Nano, p.LastModifiedTimeUtc)
	return SentinelView{Status: deref(p.Status), Owner: ownerText(p.Owner), Classification: deref(p.Classification),
		Reason: deref(p.ClassificationReason), Modified: t.UTC()}
}

// sameView compares the synced properties (not the time).
func sameView(a, b SentinelView) bool {
	return a.Status == b.Status && strings.EqualFold(a.Owner, b.Owner) && a.Classification == b.Classification && a.Reason == b.Reason
}

func ptr(s string) *string { return &s }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
