package sentinel

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// EventsCollection is the tenant collection of incident events (CONTRACTS §2): one per
// incident create and per update that changed what automation conditions read, keyed by
// sequence number (simulator.SeqKey), appended in the transaction of the change.
const EventsCollection = "sentinel-incident-events"

// Event kinds.
const (
	EventCreated = "Created"
	EventUpdated = "Updated"
)

// Source is who changed an incident: the "Updated by" (IncidentUpdatedBySource) of
// automation conditions.
type Source string

// Sources of incident changes.
const (
	SourceAnalyticsRule  Source = "AnalyticsRule"
	SourceDefender       Source = "Microsoft365Defender"
	SourceUser           Source = "User"
	SourceAutomationRule Source = "AutomationRule"
	SourcePlaybook       Source = "Playbook"
)

// Actor is who makes an incident change, as the event and the activity log record it.
type Actor struct {
	Source Source
	// Name is how the activity log names the actor ("Automation rule 'X'", a UPN, ...).
	Name string
	// Cause is the Seq of the event whose automation made this change (0 otherwise).
	Cause uint64
	// AutomationTrigger is the trigger (Created/Updated) of the automation rule making the
	// change, "" for other actors.
	AutomationTrigger string
}

// defaultActor is who changes an incident when the caller does not say: the Defender sync
// for Defender incidents, Sentinel's analytics (alert grouping) otherwise.
func defaultActor(providerName string) Actor {
	if providerName == ProviderDefender {
		return Actor{Source: SourceDefender, Name: "Microsoft 365 Defender"}
	}
	return Actor{Source: SourceAnalyticsRule, Name: "Microsoft Sentinel"}
}

// IncidentState is what automation conditions read of an incident, before and after a change.
type IncidentState struct {
	Title                  string   `json:"title"`
	Description            string   `json:"description,omitempty"`
	Severity               string   `json:"severity"`
	Status                 string   `json:"status"`
	Classification         string   `json:"classification,omitempty"`
	ClassificationReason   string   `json:"classificationReason,omitempty"`
	Owner                  Owner    `json:"owner"`
	Labels                 []string `json:"labels"`
	Tactics                []string `json:"tactics"`
	AlertProductNames      []string `json:"alertProductNames"`
	RelatedAnalyticRuleIDs []string `json:"relatedAnalyticRuleIds"`
	ProviderName           string   `json:"providerName"`
	AlertsCount            int      `json:"alertsCount"`
	CommentsCount          int      `json:"commentsCount"`
}

// StateOf extracts the automation-visible state of an incident.
func StateOf(inc Incident) IncidentState {
	p := inc.Properties
	s := IncidentState{Title: deref(p.Title), Description: deref(p.Description), Severity: deref(p.Severity),
		Status: deref(p.Status), Classification: deref(p.Classification), ClassificationReason: deref(p.ClassificationReason),
		Labels: []string{}, Tactics: nonNil(slices.Clone(p.AdditionalData.Tactics)),
		AlertProductNames:      nonNil(slices.Clone(p.AdditionalData.AlertProductNames)),
		RelatedAnalyticRuleIDs: nonNil(slices.Clone(p.RelatedAnalyticRuleIDs)), ProviderName: p.ProviderName,
		AlertsCount: p.AdditionalData.AlertsCount, CommentsCount: p.AdditionalData.CommentsCount}
	if o := p.Owner; o != nil { // copied: a change may write through the pointers
		s.Owner = Owner{ObjectID: clonePtr(o.ObjectID), Email: clonePtr(o.Email), AssignedTo: clonePtr(o.AssignedTo),
			UserPrincipalName: clonePtr(o.UserPrincipalName), OwnerType: clonePtr(o.OwnerType)}
	}
	for _, l := range p.Labels {
		s.Labels = append(s.Labels, l.LabelName)
	}
	return s
}

// OwnerName is how Sentinel shows an owner: assignedTo, else the UPN, email or object id.
func OwnerName(o Owner) string {
	for _, v := range []*string{o.AssignedTo, o.UserPrincipalName, o.Email, o.ObjectID} {
		if v != nil && *v != "" {
			return *v
		}
	}
	return ""
}

func sameOwner(a, b Owner) bool {
	return strings.EqualFold(deref(a.ObjectID), deref(b.ObjectID)) && deref(a.AssignedTo) == deref(b.AssignedTo) &&
		strings.EqualFold(deref(a.UserPrincipalName), deref(b.UserPrincipalName)) && strings.EqualFold(deref(a.Email), deref(b.Email)) &&
		deref(a.OwnerType) == deref(b.OwnerType)
}

// IncidentEvent is one incident create or update (CONTRACTS §2).
type IncidentEvent struct {
	Seq        uint64    `json:"seq"`
	Workspace  string    `json:"workspace"`
	IncidentID string    `json:"incidentId"`
	Kind       string    `json:"kind"`
	At         time.Time `json:"at"`
	Source     Source    `json:"source"`
	// Actor names who made the change (the activity log's wording).
	Actor string `json:"actor,omitempty"`
	// Cause is the Seq of the event whose automation made this change (0 otherwise).
	Cause uint64 `json:"cause,omitempty"`
	// AutomationTrigger is the trigger of the automation rule that made the change.
	AutomationTrigger string         `json:"automationTrigger,omitempty"`
	Before            *IncidentState `json:"before,omitempty"`
	After             IncidentState  `json:"after"`
}

const eventSeqKey = "incidentEventSeq"

// LastIncidentEventSeq returns the Seq of the tenant's newest incident event (0: none).
func LastIncidentEventSeq(tx *simulator.TenantTx) (uint64, error) {
	var n uint64
	_, err := tx.GetJSON(coll, eventSeqKey, &n)
	return n, err
}

// PendingIncidentEvents returns the tenant's incident events after afterSeq, oldest first.
// It reads only those events (cheap when there are none).
func PendingIncidentEvents(tx *simulator.TenantTx, afterSeq uint64) ([]IncidentEvent, error) {
	last, err := LastIncidentEventSeq(tx)
	if err != nil {
		return nil, err
	}
	var out []IncidentEvent
	for seq := afterSeq + 1; seq <= last; seq++ {
		var ev IncidentEvent
		ok, err := tx.GetJSON(EventsCollection, string(simulator.SeqKey(seq)), &ev)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// recordChange appends the event of a create (before nil) or of an update that changed the
// automation-visible state, and the activity-log entries describing it.
func recordChange(tx *simulator.TenantTx, before *IncidentState, inc Incident, by Actor) error {
	after := StateOf(inc)
	msgs := describeChange(before, after)
	if before != nil && len(msgs) == 0 {
		return nil
	}
	seq, err := LastIncidentEventSeq(tx)
	if err != nil {
		return err
	}
	seq++
	kind := EventUpdated
	if before == nil {
		kind = EventCreated
	}
	ev := IncidentEvent{Seq: seq, Workspace: workspaceOfIncident(inc.ID), IncidentID: inc.ID, Kind: kind, At: tx.Now().UTC(),
		Source: by.Source, Actor: by.Name, Cause: by.Cause, AutomationTrigger: by.AutomationTrigger, Before: before, After: after}
	if err := tx.PutJSON(EventsCollection, string(simulator.SeqKey(seq)), ev); err != nil {
		return err
	}
	if err := tx.PutJSON(coll, eventSeqKey, seq); err != nil {
		return err
	}
	for _, m := range msgs {
		if err := AddIncidentActivity(tx, inc.ID, ActivityEntry{By: by.Name, Source: by.Source, Message: m}); err != nil {
			return err
		}
	}
	if by.Source == SourceUser { // the state this change left, for the SecurityIncident table
		v, err := SecurityIncidentValues(tx, inc.ID, tx.Now(), by.Name)
		if err != nil {
			return err
		}
		return tx.PutJSON(rowsColl, string(simulator.SeqKey(seq)), PendingRow{Workspace: CustomerID(tx, ev.Workspace), At: tx.Now().UTC(), Values: v})
	}
	return nil
}

// rowsColl holds the SecurityIncident rows of users' changes until the automation stage
// appends them to the logs (simulator/sentinel does not write logs), keyed by event Seq.
const rowsColl = "sentinel-incident-rows"

// PendingRow is the SecurityIncident row of a user's change, waiting to be appended.
type PendingRow struct {
	// Workspace is the customerId of the incident's workspace.
	Workspace string         `json:"workspace"`
	At        time.Time      `json:"at"`
	Values    map[string]any `json:"values"`
}

// TakePendingRow returns and removes the pending SecurityIncident row of an event, if any.
// Without remove it only reports it.
func TakePendingRow(tx *simulator.TenantTx, seq uint64, remove bool) (PendingRow, bool, error) {
	var r PendingRow
	ok, err := tx.GetJSON(rowsColl, string(simulator.SeqKey(seq)), &r)
	if err != nil || !ok || !remove {
		return r, ok, err
	}
	return r, true, tx.Delete(rowsColl, string(simulator.SeqKey(seq)))
}

// RecordIncidentChange records a change a caller stored itself (the ARM PUT of an incident):
// before is the incident as it was (nil: it was just created by CreateIncident, which
// recorded the creation). Nothing is recorded when the visible state did not change.
func RecordIncidentChange(tx *simulator.TenantTx, before *Incident, incidentID string, by Actor) error {
	if before == nil {
		return nil
	}
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil || !ok {
		return err
	}
	b := StateOf(*before)
	return recordChange(tx, &b, inc, by)
}

// RefreshAs is Refresh recorded as a change by the actor (a comment or relation written
// through ARM adds to the incident's comments or alerts).
func RefreshAs(tx *simulator.TenantTx, incidentID string, by Actor) error {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil || !ok {
		return err
	}
	before := StateOf(inc)
	if err := Refresh(tx, incidentID); err != nil {
		return err
	}
	if inc, _, err = IncidentByID(tx, incidentID); err != nil {
		return err
	}
	return recordChange(tx, &before, inc, by)
}

// workspaceOfIncident returns the workspace id an incident id lives under.
func workspaceOfIncident(id string) string {
	if i := strings.Index(strings.ToLower(id), "/providers/microsoft.securityinsights/"); i >= 0 {
		return id[:i]
	}
	return ""
}

func clonePtr(p *string) *string {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// describeChange words a change as the incident's activity log does (verb phrases; the
// entry's By names the actor). A create is one entry.
func describeChange(before *IncidentState, after IncidentState) []string {
	if before == nil {
		return []string{"created the incident"}
	}
	var out []string
	b := *before
	if b.Title != after.Title {
		out = append(out, fmt.Sprintf("changed the title from '%s' to '%s'", b.Title, after.Title))
	}
	if b.Description != after.Description {
		out = append(out, "changed the description")
	}
	if b.Severity != after.Severity {
		out = append(out, fmt.Sprintf("changed severity from %s to %s", b.Severity, after.Severity))
	}
	if b.Status != after.Status {
		out = append(out, fmt.Sprintf("changed status from %s to %s", b.Status, after.Status))
	}
	if b.Classification != after.Classification || b.ClassificationReason != after.ClassificationReason {
		switch {
		case after.Classification == "":
			out = append(out, "cleared the classification")
		case after.ClassificationReason != "":
			out = append(out, fmt.Sprintf("changed classification to %s - %s", after.Classification, after.ClassificationReason))
		default:
			out = append(out, "changed classification to "+after.Classification)
		}
	}
	if !sameOwner(b.Owner, after.Owner) {
		if name := OwnerName(after.Owner); name != "" {
			out = append(out, "assigned the incident to "+name)
		} else {
			out = append(out, "unassigned the incident")
		}
	}
	for _, l := range added(b.Labels, after.Labels) {
		out = append(out, fmt.Sprintf("added tag '%s'", l))
	}
	for _, l := range added(after.Labels, b.Labels) {
		out = append(out, fmt.Sprintf("removed tag '%s'", l))
	}
	if n := after.AlertsCount - b.AlertsCount; n == 1 {
		out = append(out, "added an alert")
	} else if n > 1 {
		out = append(out, fmt.Sprintf("added %d alerts", n))
	}
	if after.CommentsCount > b.CommentsCount {
		out = append(out, "added a comment")
	}
	for _, t := range added(b.Tactics, after.Tactics) {
		out = append(out, "added tactic "+t)
	}
	return out
}

// added returns the items of after that before lacks (case-insensitive).
func added(before, after []string) []string {
	var out []string
	for _, a := range after {
		if !slices.ContainsFunc(before, func(b string) bool { return strings.EqualFold(a, b) }) {
			out = append(out, a)
		}
	}
	return out
}
