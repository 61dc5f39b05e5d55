package xdr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
)

// SyncDelay is how long a change takes to cross between Defender XDR and Sentinel on the lab
// clock (Microsoft documents "up to 10 minutes" for new incidents; the lab uses 5 for both).
const SyncDelay = 5 * time.Minute

// modifiedBy names the sync in SecurityIncident rows.
const modifiedBy = "Microsoft 365 Defender"

// syncTimes lists when something of an incident becomes due (creation of its Sentinel twin,
// alerts to attach, a change on either side), ascending, up to to.
func syncTimes(inc Incident, alerts []Alert, twin *sentinel.Incident, to time.Time) []time.Time {
	var ts []time.Time
	add := func(t time.Time) {
		if !t.After(to) {
			ts = append(ts, t)
		}
	}
	created := inc.Created.Add(SyncDelay)
	if inc.Sync.SentinelID == "" {
		if inc.Status == "redirected" || len(inc.AlertIDs) == 0 {
			return nil
		}
		add(created)
	} else if twin != nil {
		if inc.Status == "redirected" && deref(twin.Properties.Status) != "Closed" {
			add(inc.LastUpdate.Add(SyncDelay))
		}
		v := viewOf(*twin)
		if !sameView(v, inc.Sync.Seen) {
			add(v.Modified.Add(SyncDelay))
		}
	}
	for _, a := range alerts {
		if !slices.Contains(inc.Sync.Attached, a.ID) {
			t := a.Created.Add(SyncDelay)
			if t.Before(created) {
				t = created
			}
			add(t)
		}
	}
	if !inc.Sync.DefenderChanged.IsZero() {
		add(inc.Sync.DefenderChanged.Add(SyncDelay))
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return slices.CompactFunc(ts, func(a, b time.Time) bool { return a.Equal(b) })
}

// syncIncident does, at tx.Now(), everything of one incident that is due by then.
func syncIncident(tx *simulator.TenantTx, ws, customerID string, id int, rows *rowBatch) error {
	now := tx.Now()
	inc, ok, err := IncidentByID(tx, id)
	if err != nil || !ok {
		return err
	}
	alerts, err := IncidentAlerts(tx, inc)
	if err != nil {
		return err
	}
	touched := map[string]bool{}
	if inc.Sync.SentinelID == "" {
		if inc.Status == "redirected" || inc.Created.Add(SyncDelay).After(now) {
			return nil
		}
		if err := createTwin(tx, ws, &inc); err != nil {
			return err
		}
		touched[inc.Sync.SentinelID] = true
	}
	// Alerts due: mirror Defender's, attach all, close the rules' own incidents.
	for _, a := range alerts {
		if slices.Contains(inc.Sync.Attached, a.ID) || a.Created.Add(SyncDelay).After(now) {
			continue
		}
		if a.SentinelAlertID == "" {
			ent, err := mirrorAlert(tx, ws, a)
			if err != nil {
				return err
			}
			a.SentinelAlertID = ent.ID
			if err := putAlert(tx, a); err != nil {
				return err
			}
			rows.alerts = append(rows.alerts, alertRow(customerID, ws, a, ent, now))
		}
		if err := sentinel.AttachAlert(tx, inc.Sync.SentinelID, a.SentinelAlertID); err != nil {
			return err
		}
		inc.Sync.Attached = append(inc.Sync.Attached, a.ID)
		touched[inc.Sync.SentinelID] = true
		if a.SentinelIncidentID != "" {
			closed, err := closeRedirected(tx, a.SentinelIncidentID, inc.ID)
			if err != nil {
				return err
			}
			if closed {
				touched[a.SentinelIncidentID] = true
			}
		}
	}
	twin, ok, err := sentinel.IncidentByID(tx, inc.Sync.SentinelID)
	if err != nil {
		return err
	}
	if !ok { // deleted in Sentinel: nothing left to sync with
		return putIncident(tx, inc)
	}
	// Defender renames an incident and raises its severity as alerts join; Sentinel follows.
	if inc.Status != "redirected" && (deref(twin.Properties.Title) != inc.DisplayName || deref(twin.Properties.Severity) != SentinelSeverity(inc.Severity)) {
		if twin, err = sentinel.UpdateIncidentAs(tx, twin.ID, syncActor(), func(s *sentinel.Incident) error {
			s.Properties.Title, s.Properties.Severity = ptr(inc.DisplayName), ptr(SentinelSeverity(inc.Severity))
			return nil
		}); err != nil {
			return err
		}
		if sameView(viewOf(twin), inc.Sync.Seen) {
			inc.Sync.Seen = viewOf(twin)
		}
		touched[twin.ID] = true
	}
	if inc.Status == "redirected" {
		if deref(twin.Properties.Status) != "Closed" {
			if _, err := closeRedirected(tx, twin.ID, inc.RedirectIncidentID); err != nil {
				return err
			}
			touched[twin.ID] = true
			if twin, _, err = sentinel.IncidentByID(tx, twin.ID); err != nil {
				return err
			}
		}
		inc.Sync.Seen, inc.Sync.DefenderChanged = viewOf(twin), time.Time{}
		return finish(tx, inc, customerID, touched, rows)
	}
	// Sentinel -> Defender: a change made in Sentinel, newer than any pending Defender change.
	if v := viewOf(twin); !sameView(v, inc.Sync.Seen) && !v.Modified.Add(SyncDelay).After(now) {
		if inc.Sync.DefenderChanged.IsZero() || v.Modified.After(inc.Sync.DefenderChanged) {
			takeSentinel(&inc, v, now)
			inc.Sync.DefenderChanged = time.Time{}
		} else {
			// Both sides changed since the last sync and Defender's change is the later one: it
			// wins on the fields it changed; Sentinel's changes to the others are kept.
			mergeSentinel(&inc, inc.Sync.Seen, v)
		}
		if err := cascadeStatus(tx, inc, now); err != nil {
			return err
		}
		inc.Sync.Seen = v
	}
	// Defender -> Sentinel.
	if c := inc.Sync.DefenderChanged; !c.IsZero() && !c.Add(SyncDelay).After(now) {
		updated, err := sentinel.UpdateIncidentAs(tx, twin.ID, syncActor(), func(s *sentinel.Incident) error {
			applyDefender(s, inc)
			return nil
		})
		if err != nil {
			return fmt.Errorf("xdr: sync incident %d to Sentinel: %w", inc.ID, err)
		}
		inc.Sync.Seen, inc.Sync.DefenderChanged = viewOf(updated), time.Time{}
		touched[twin.ID] = true
	}
	return finish(tx, inc, customerID, touched, rows)
}

// finish stores the incident and collects the SecurityIncident rows of the Sentinel incidents
// the sync wrote.
func finish(tx *simulator.TenantTx, inc Incident, customerID string, touched map[string]bool, rows *rowBatch) error {
	if err := putIncident(tx, inc); err != nil {
		return err
	}
	ids := make([]string, 0, len(touched))
	for k := range touched {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	for _, sid := range ids {
		row, err := incidentRow(tx, customerID, sid, modifiedBy)
		if err != nil {
			return err
		}
		rows.incidents = append(rows.incidents, row)
	}
	return nil
}

// createTwin creates the Sentinel incident of a Defender incident (no alerts yet).
func createTwin(tx *simulator.TenantTx, ws string, inc *Incident) error {
	tid := tx.Tenant().ID
	labels := []sentinel.IncidentLabel{}
	for _, t := range inc.CustomTags {
		labels = append(labels, sentinel.IncidentLabel{LabelName: t, LabelType: "User"})
	}
	twin, err := sentinel.CreateIncident(tx, ws, sentinel.NewIncident{
		Title: inc.DisplayName, Description: inc.Description, Severity: SentinelSeverity(inc.Severity),
		Status: sentinelStatus(inc.Status), Owner: ownerOf(inc.AssignedTo, nil), Labels: labels,
		ProviderName: ProviderName, ProviderIncidentID: itoa(inc.ID), ProviderIncidentURL: IncidentURL(inc.ID, tid),
	})
	if err != nil {
		return fmt.Errorf("xdr: create Sentinel incident for %d: %w", inc.ID, err)
	}
	if inc.Status == "resolved" {
		twin, err = sentinel.UpdateIncidentAs(tx, twin.ID, syncActor(), func(s *sentinel.Incident) error {
			applyDefender(s, *inc)
			return nil
		})
		if err != nil {
			return err
		}
	}
	inc.Sync.Workspace, inc.Sync.SentinelID, inc.Sync.Seen = ws, twin.ID, viewOf(twin)
	return nil
}

// applyDefender writes a Defender incident's status, owner and classification onto its twin.
func applyDefender(s *sentinel.Incident, inc Incident) {
	p := &s.Properties
	p.Status = ptr(sentinelStatus(inc.Status))
	p.Owner = ownerOf(inc.AssignedTo, p.Owner)
	p.Severity = ptr(SentinelSeverity(inc.Severity))
	if *p.Status == "Closed" {
		c, r := sentinelClassification(inc.Classification)
		p.Classification = ptr(c)
		p.ClassificationReason = nil
		if r != "" {
			p.ClassificationReason = ptr(r)
		}
		if p.ClassificationComment == nil {
			p.ClassificationComment = ptr("Resolved in Microsoft Defender XDR")
		}
	} else {
		p.Classification, p.ClassificationReason, p.ClassificationComment = nil, nil, nil
	}
}

// takeSentinel applies a Sentinel change to the Defender incident.
func takeSentinel(inc *Incident, v SentinelView, now time.Time) {
	inc.Status = defenderStatus(v.Status)
	inc.AssignedTo = v.Owner
	if c := defenderClassification(v.Classification); c != inc.Classification {
		inc.Classification, inc.Determination = c, ""
	}
	if v.Status != "Closed" && v.Classification == "" {
		inc.Classification, inc.Determination = "", ""
	}
	inc.LastUpdate, inc.LastModifiedBy = now, "Microsoft Sentinel"
}

// mergeSentinel is a three-way merge of a Sentinel change into a Defender incident that changed
// too: base is what both sides agreed on at the last sync, v is Sentinel now. A field Sentinel
// changed and Defender kept as it was takes Sentinel's value.
func mergeSentinel(inc *Incident, base, v SentinelView) {
	if v.Owner != base.Owner && strings.EqualFold(inc.AssignedTo, base.Owner) {
		inc.AssignedTo = v.Owner
	}
	if v.Status != base.Status && sentinelStatus(inc.Status) == base.Status {
		inc.Status = defenderStatus(v.Status)
	}
	if v.Classification != base.Classification && defenderClassification(base.Classification) == inc.Classification {
		inc.Classification, inc.Determination = defenderClassification(v.Classification), ""
	}
}

// closeRedirected closes a Sentinel incident whose alerts now live in Defender incident target,
// as Sentinel does ("Redirected" label). It reports whether it changed anything.
func closeRedirected(tx *simulator.TenantTx, sentinelID string, target int) (bool, error) {
	s, ok, err := sentinel.IncidentByID(tx, sentinelID)
	if err != nil || !ok || deref(s.Properties.Status) == "Closed" {
		return false, err
	}
	_, err = sentinel.UpdateIncidentAs(tx, sentinelID, syncActor(), func(s *sentinel.Incident) error {
		p := &s.Properties
		p.Status, p.Classification, p.ClassificationReason = ptr("Closed"), ptr("Undetermined"), nil
		p.ClassificationComment = ptr(fmt.Sprintf("Redirected to Microsoft Defender XDR incident %d.", target))
		if !slices.ContainsFunc(p.Labels, func(l sentinel.IncidentLabel) bool { return strings.EqualFold(l.LabelName, "Redirected") }) {
			p.Labels = append(p.Labels, sentinel.IncidentLabel{LabelName: "Redirected", LabelType: "AutoAssigned"})
		}
		return nil
	})
	return err == nil, err
}

// cascadeStatus resolves an incident's alerts with it (and reopens them with it).
func cascadeStatus(tx *simulator.TenantTx, inc Incident, now time.Time) error {
	for _, id := range inc.AlertIDs {
		a, ok, err := AlertByID(tx, id)
		if err != nil || !ok {
			return err
		}
		switch {
		case inc.Status == "resolved" && a.Status != "resolved":
			a.Status, a.Resolved = "resolved", now
		case inc.Status != "resolved" && a.Status == "resolved":
			a.Status, a.Resolved = "inProgress", time.Time{}
		default:
			continue
		}
		a.LastUpdate = now
		if inc.Classification != "" {
			a.Classification, a.Determination = inc.Classification, inc.Determination
		}
		if err := putAlert(tx, a); err != nil {
			return err
		}
	}
	return nil
}

// syncActor is who the Sentinel side records for the sync's changes (IncidentUpdatedBySource
// Microsoft365Defender), also on the rules' own incidents it closes.
func syncActor() sentinel.Actor {
	return sentinel.Actor{Source: sentinel.SourceDefender, Name: "Microsoft 365 Defender"}
}
