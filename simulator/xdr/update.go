package xdr

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// Enumerations of Graph's security incident and alert (canonical spelling).
var (
	IncidentStatuses = []string{"active", "resolved", "inProgress", "awaitingAction"}
	AlertStatuses    = []string{"new", "inProgress", "resolved"}
	Classifications  = []string{"unknown", "falsePositive", "truePositive", "informationalExpectedActivity"}
	Determinations   = []string{"unknown", "apt", "malware", "securityPersonnel", "securityTesting", "unwantedSoftware",
		"multiStagedAttack", "compromisedAccount", "phishing", "maliciousUserActivity", "notMalicious",
		"notEnoughDataToValidate", "confirmedActivity", "lineOfBusinessApplication", "other"}
)

// determinationAliases are the other spellings Graph's docs and the Defender API use.
var determinationAliases = map[string]string{
	"compromiseduser": "compromisedAccount", "clean": "notMalicious", "insufficientdata": "notEnoughDataToValidate",
	"noenoughdatatovalidate": "notEnoughDataToValidate", "confirmeduseractivity": "confirmedActivity", "notavailable": "unknown",
}

// validPairs are the determinations each classification allows (Defender API, update incident).
var validPairs = map[string][]string{
	"truePositive":                  {"multiStagedAttack", "maliciousUserActivity", "compromisedAccount", "malware", "phishing", "unwantedSoftware", "other", "apt", "securityPersonnel"},
	"informationalExpectedActivity": {"securityTesting", "lineOfBusinessApplication", "confirmedActivity", "other"},
	"falsePositive":                 {"notMalicious", "notEnoughDataToValidate", "other"},
}

// Canonical finds v in list case-insensitively and returns the list's spelling.
func Canonical(list []string, v string) (string, bool) {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return x, true
		}
	}
	return "", false
}

// CanonicalDetermination reads a determination in any of its documented spellings.
func CanonicalDetermination(v string) (string, bool) {
	if d, ok := determinationAliases[strings.ToLower(v)]; ok {
		return d, true
	}
	return Canonical(Determinations, v)
}

// IncidentUpdate is a change of an incident; nil fields stay as they are.
type IncidentUpdate struct {
	Status, AssignedTo, Classification, Determination, Description *string
	// CustomTags replaces the tags.
	CustomTags *[]string
	// Comment is appended.
	Comment *string
	// By is who makes the change (comments' author, lastModifiedBy).
	By string
}

// InvalidError is a refused update: Target names the property.
type InvalidError struct{ Target, Message string }

func (e *InvalidError) Error() string { return e.Message }

func invalid(target, format string, args ...any) *InvalidError {
	return &InvalidError{Target: target, Message: fmt.Sprintf(format, args...)}
}

// MaxCommentLength is the longest comment kept.
const MaxCommentLength = 30000

// Validate canonicalizes the update's values and checks the classification/determination pair
// against the incident's current values.
func (u *IncidentUpdate) Validate(cur Incident) *InvalidError {
	if u.Status != nil {
		s, ok := Canonical(IncidentStatuses, *u.Status)
		if !ok {
			return invalid("status", "The value '%s' is not valid for 'status'. Valid values: %s.", *u.Status, strings.Join(IncidentStatuses, ", "))
		}
		if cur.Status == "redirected" {
			return invalid("status", "Incident %d was redirected to incident %d and cannot be changed.", cur.ID, cur.RedirectIncidentID)
		}
		u.Status = &s
	}
	if u.Classification != nil {
		c, ok := Canonical(Classifications, *u.Classification)
		if !ok {
			return invalid("classification", "The value '%s' is not valid for 'classification'. Valid values: %s.", *u.Classification, strings.Join(Classifications, ", "))
		}
		u.Classification = &c
	}
	if u.Determination != nil {
		d, ok := CanonicalDetermination(*u.Determination)
		if !ok {
			return invalid("determination", "The value '%s' is not valid for 'determination'. Valid values: %s.", *u.Determination, strings.Join(Determinations, ", "))
		}
		u.Determination = &d
	}
	class := cur.Classification
	if u.Classification != nil {
		class = *u.Classification
	}
	if u.Determination != nil && *u.Determination != "unknown" {
		if class == "" || class == "unknown" {
			return invalid("determination", "A determination can only be set together with a classification.")
		}
		ok := false
		for _, d := range validPairs[class] {
			ok = ok || d == *u.Determination
		}
		if !ok {
			return invalid("determination", "The determination '%s' is not valid for the classification '%s'.", *u.Determination, class)
		}
	}
	if u.AssignedTo != nil && len(*u.AssignedTo) > 256 {
		return invalid("assignedTo", "The value of 'assignedTo' is longer than 256 characters.")
	}
	if u.CustomTags != nil {
		for _, t := range *u.CustomTags {
			if strings.TrimSpace(t) == "" || len(t) > 120 {
				return invalid("customTags", "Each tag must be 1 to 120 characters long.")
			}
		}
	}
	if u.Comment != nil && (strings.TrimSpace(*u.Comment) == "" || len(*u.Comment) > MaxCommentLength) {
		return invalid("comment", "A comment must be 1 to %d characters long.", MaxCommentLength)
	}
	return nil
}

// UpdateIncident applies a validated update at tx.Now(); status, owner and classification
// changes are synced to Sentinel SyncDelay later. Resolving resolves the alerts.
func UpdateIncident(tx *simulator.TenantTx, id int, u IncidentUpdate) (Incident, error) {
	inc, ok, err := IncidentByID(tx, id)
	if err != nil {
		return inc, err
	}
	if !ok {
		return inc, fmt.Errorf("xdr: incident %d not found", id)
	}
	if verr := u.Validate(inc); verr != nil {
		return inc, verr
	}
	now := tx.Now()
	before := [3]string{inc.Status, inc.AssignedTo, inc.Classification}
	if u.Status != nil {
		inc.Status = *u.Status
	}
	if u.AssignedTo != nil {
		inc.AssignedTo = *u.AssignedTo
	}
	if u.Classification != nil {
		inc.Classification = *u.Classification
		if inc.Classification == "unknown" {
			inc.Classification, inc.Determination = "", ""
		}
	}
	if u.Determination != nil {
		inc.Determination = *u.Determination
		if inc.Determination == "unknown" {
			inc.Determination = ""
		}
	}
	if u.Description != nil {
		inc.Description = *u.Description
	}
	if u.CustomTags != nil {
		inc.CustomTags = append([]string{}, *u.CustomTags...)
	}
	if u.Comment != nil {
		inc.Comments = append(inc.Comments, Comment{Comment: *u.Comment, CreatedBy: u.By, Created: now})
	}
	inc.LastUpdate, inc.LastModifiedBy = now, u.By
	if [3]string{inc.Status, inc.AssignedTo, inc.Classification} != before {
		inc.Sync.DefenderChanged = now
		if err := cascadeStatus(tx, inc, now); err != nil {
			return inc, err
		}
	}
	return inc, putIncident(tx, inc)
}

// AlertUpdate is a change of an alert; nil fields stay.
type AlertUpdate struct {
	Status, AssignedTo, Classification, Determination *string
	By                                                string
}

// Validate canonicalizes the alert update.
func (u *AlertUpdate) Validate(cur Alert) *InvalidError {
	if u.Status != nil {
		s, ok := Canonical(AlertStatuses, *u.Status)
		if !ok {
			return invalid("status", "The value '%s' is not valid for 'status'. Valid values: %s.", *u.Status, strings.Join(AlertStatuses, ", "))
		}
		u.Status = &s
	}
	iu := IncidentUpdate{Classification: u.Classification, Determination: u.Determination, AssignedTo: u.AssignedTo}
	if err := iu.Validate(Incident{Classification: cur.Classification}); err != nil {
		return err
	}
	u.Classification, u.Determination = iu.Classification, iu.Determination
	return nil
}

// UpdateAlert applies a validated alert update at tx.Now().
func UpdateAlert(tx *simulator.TenantTx, id string, u AlertUpdate) (Alert, error) {
	a, ok, err := AlertByID(tx, id)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, fmt.Errorf("xdr: alert %s not found", id)
	}
	if verr := u.Validate(a); verr != nil {
		return a, verr
	}
	now := tx.Now()
	if u.Status != nil {
		a.Status = *u.Status
		a.Resolved = time.Time{}
		if a.Status == "resolved" {
			a.Resolved = now
		}
	}
	if u.AssignedTo != nil {
		a.AssignedTo = *u.AssignedTo
	}
	if u.Classification != nil {
		a.Classification = strings.TrimPrefix(*u.Classification, "unknown")
	}
	if u.Determination != nil {
		a.Determination = strings.TrimPrefix(*u.Determination, "unknown")
	}
	a.LastUpdate = now
	return a, putAlert(tx, a)
}

// ValidateSettings checks and canonicalizes settings (severities High, Medium, Low, Informational).
func ValidateSettings(s *Settings) *InvalidError {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range s.Severities {
		c, ok := Canonical(DefaultSettings().Severities, v)
		if !ok {
			return invalid("severities", "'%s' is not a severity (High, Medium, Low, Informational).", v)
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	s.Severities = out
	return nil
}
