package xdr

import (
	"strings"
	"time"
)

// Alert is a Defender XDR alert (Graph security alert, alerts_v2) as the tenant keeps it.
type Alert struct {
	ID              string    `json:"id"`
	ProviderAlertID string    `json:"providerAlertId"`
	IncidentID      int       `json:"incidentId"`
	Status          string    `json:"status"`   // new, inProgress, resolved
	Severity        string    `json:"severity"` // informational, low, medium, high
	Classification  string    `json:"classification,omitempty"`
	Determination   string    `json:"determination,omitempty"`
	ServiceSource   string    `json:"serviceSource"`
	DetectionSource string    `json:"detectionSource"`
	ProductName     string    `json:"productName"`
	DetectorID      string    `json:"detectorId"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Recommended     string    `json:"recommendedActions"`
	Category        string    `json:"category"`
	MitreTechniques []string  `json:"mitreTechniques"`
	AssignedTo      string    `json:"assignedTo,omitempty"`
	Created         time.Time `json:"created"`
	LastUpdate      time.Time `json:"lastUpdate"`
	FirstActivity   time.Time `json:"firstActivity"`
	LastActivity    time.Time `json:"lastActivity"`
	Resolved        time.Time `json:"resolved,omitzero"`
	Comments        []Comment `json:"comments"`
	Entities        []Entity  `json:"entities"`

	// SentinelAlertID is the ARM id of the alert's SecurityAlert entity in the synced workspace:
	// the rule's own alert for Sentinel alerts, the mirrored one for Defender's ("" until synced).
	SentinelAlertID string `json:"sentinelAlertId,omitempty"`
	// SentinelIncidentID is the rule's own single-alert incident of a Sentinel alert.
	SentinelIncidentID string `json:"sentinelIncidentId,omitempty"`
}

// Entity is an alert's evidence: Kind "user" (UPN, ObjectID, DisplayName), "ip" (Address,
// Country...) or "azureResource" (ResourceID, Name, Type), with the role it plays.
type Entity struct {
	Kind        string `json:"kind"`
	UPN         string `json:"upn,omitempty"`
	ObjectID    string `json:"objectId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Address     string `json:"address,omitempty"`
	Country     string `json:"country,omitempty"`
	City        string `json:"city,omitempty"`
	ASN         int    `json:"asn,omitempty"`
	ResourceID  string `json:"resourceId,omitempty"`
	Name        string `json:"name,omitempty"`
	Type        string `json:"type,omitempty"`
	// Role is "impacted" or "related" (evidence roles).
	Role string `json:"role,omitempty"`
}

// Key is what correlation compares: kind and identifier, lower case.
func (e Entity) Key() string {
	switch e.Kind {
	case EntityUser:
		return "user:" + strings.ToLower(e.UPN)
	case EntityIP:
		return "ip:" + e.Address
	case EntityResource:
		return "resource:" + strings.ToLower(e.ResourceID)
	}
	return ""
}

// Entity kinds.
const (
	EntityUser     = "user"
	EntityIP       = "ip"
	EntityResource = "azureResource"
)

// Comment is a comment on an incident or alert.
type Comment struct {
	Comment   string    `json:"comment"`
	CreatedBy string    `json:"createdBy"`
	Created   time.Time `json:"created"`
}

// Incident is a Defender XDR incident.
type Incident struct {
	ID             int       `json:"id"`
	DisplayName    string    `json:"displayName"`
	Description    string    `json:"description"`
	Created        time.Time `json:"created"`
	LastUpdate     time.Time `json:"lastUpdate"`
	AssignedTo     string    `json:"assignedTo,omitempty"`
	Classification string    `json:"classification,omitempty"` // "" = unknown
	Determination  string    `json:"determination,omitempty"`
	Status         string    `json:"status"` // active, inProgress, resolved, redirected, awaitingAction
	Severity       string    `json:"severity"`
	CustomTags     []string  `json:"customTags"`
	SystemTags     []string  `json:"systemTags"`
	Comments       []Comment `json:"comments"`
	LastModifiedBy string    `json:"lastModifiedBy"`
	// RedirectIncidentID is the incident this one was merged into (0: none).
	RedirectIncidentID int `json:"redirectIncidentId,omitempty"`
	// AlertIDs are the incident's alerts in arrival order.
	AlertIDs []string `json:"alertIds"`
	// EntityKeys are the alerts' entities (Entity.Key), what correlation matches on.
	EntityKeys []string `json:"entityKeys"`
	// FirstActivity and LastActivity span the alerts' activity.
	FirstActivity time.Time `json:"firstActivity"`
	LastActivity  time.Time `json:"lastActivity"`

	Sync SyncState `json:"sync"`
}

// SyncState is the incident's pairing with a Sentinel incident.
type SyncState struct {
	// Workspace is the ARM id of the workspace the incident is synced to ("" until it is).
	Workspace string `json:"workspace,omitempty"`
	// SentinelID is the ARM id of the paired Sentinel incident.
	SentinelID string `json:"sentinelId,omitempty"`
	// Seen is the last Sentinel state taken over or written (status, owner, classification).
	Seen SentinelView `json:"seen"`
	// Attached are the alerts attached to the Sentinel incident.
	Attached []string `json:"attached,omitempty"`
	// DefenderChanged is when a learner last changed status, owner or classification in
	// Defender; it reaches Sentinel SyncDelay later (zero: nothing pending).
	DefenderChanged time.Time `json:"defenderChanged,omitzero"`
}

// SentinelView is the part of a Sentinel incident the sync carries across.
type SentinelView struct {
	Status, Owner, Classification, Reason string
	Modified                              time.Time
}

// Settings are the Microsoft Sentinel settings of the Defender portal for the tenant.
type Settings struct {
	// SyncEnabled carries incidents and alerts between Sentinel and Defender XDR.
	SyncEnabled bool `json:"syncEnabled"`
	// Severities are the Sentinel alert severities that join Defender XDR incidents.
	Severities []string `json:"severities"`
}

// DefaultSettings sync every severity.
func DefaultSettings() Settings {
	return Settings{SyncEnabled: true, Severities: []string{"High", "Medium", "Low", "Informational"}}
}

// Passes reports whether a Sentinel alert of the severity is synced.
func (s Settings) Passes(severity string) bool {
	for _, v := range s.Severities {
		if strings.EqualFold(v, severity) {
			return true
		}
	}
	return false
}

// Severity ranks, low to high.
var severityRank = map[string]int{"informational": 1, "low": 2, "medium": 3, "high": 4}

// SeverityRank orders severities (0 for unknown).
func SeverityRank(s string) int { return severityRank[strings.ToLower(s)] }

// SentinelSeverity writes a severity as Sentinel does (High, Medium, ...).
func SentinelSeverity(s string) string {
	switch strings.ToLower(s) {
	case "high":
		return "High"
	case "medium":
		return "Medium"
	case "low":
		return "Low"
	}
	return "Informational"
}
