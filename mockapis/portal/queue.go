package portal

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// Providers as the queue names them.
const (
	ProviderDefender = "Microsoft Defender XDR"
	ProviderSentinel = "Microsoft Sentinel"
)

// queueItem is one row of the unified incident queue.
type queueItem struct {
	Provider   string
	ID         string
	Link       string
	Name       string
	Severity   string // informational, low, medium, high
	Status     string // the provider's own wording
	State      string // active, inProgress, resolved (what the status filter matches)
	AssignedTo string
	Alerts     int
	Created    time.Time
	LastUpdate time.Time
}

// queueFilter is the queue's query string.
type queueFilter struct {
	Severity, Status, Provider, Assigned, Period, Sort, Order string
	Page                                                      int
}

const queuePageSize = 20

// maxQueuePage bounds the page number (an absurd one is page 1, not an overflow).
const maxQueuePage = 1 << 20

func readQueueFilter(q url.Values) queueFilter {
	f := queueFilter{Severity: q.Get("severity"), Status: q.Get("status"), Provider: q.Get("provider"), Assigned: strings.TrimSpace(q.Get("assigned")),
		Period: q.Get("period"), Sort: q.Get("sort"), Order: q.Get("order")}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 || page > maxQueuePage {
		page = 1
	}
	f.Page = page
	switch f.Sort {
	case "created", "lastUpdate", "severity", "id", "name":
	default:
		f.Sort = "lastUpdate"
	}
	if f.Order != "asc" {
		f.Order = "desc"
	}
	return f
}

// values is the filter as a query string, with one key changed.
func (f queueFilter) values(key, value string) url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("severity", f.Severity)
	set("status", f.Status)
	set("provider", f.Provider)
	set("assigned", f.Assigned)
	set("period", f.Period)
	set("sort", f.Sort)
	set("order", f.Order)
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	if key != "" {
		v.Del(key)
		set(key, value)
	}
	return v
}

// periods are the queue's time filter (on creation, relative to the tenant clock).
var periods = map[string]time.Duration{"1d": 24 * time.Hour, "3d": 72 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// unifiedQueue reads Defender XDR incidents and the Sentinel incidents that are not already in
// Defender (neither a synced twin nor redirected into a Defender incident).
func unifiedQueue(tx *simulator.TenantTx) ([]queueItem, error) {
	incs, err := xdr.Incidents(tx)
	if err != nil {
		return nil, err
	}
	var out []queueItem
	twins := map[string]bool{}
	for _, inc := range incs {
		if inc.Sync.SentinelID != "" {
			twins[strings.ToLower(inc.Sync.SentinelID)] = true
		}
		if inc.Status == "redirected" {
			continue
		}
		out = append(out, queueItem{Provider: ProviderDefender, ID: strconv.Itoa(inc.ID), Link: "/incidents/" + strconv.Itoa(inc.ID),
			Name: inc.DisplayName, Severity: strings.ToLower(inc.Severity), Status: splitWords(inc.Status), State: inc.Status,
			AssignedTo: inc.AssignedTo, Alerts: len(inc.AlertIDs), Created: inc.Created, LastUpdate: inc.LastUpdate})
	}
	wss, err := sentinel.OnboardedWorkspaces(tx)
	if err != nil {
		return nil, err
	}
	for _, ws := range wss {
		sincs, err := sentinel.Incidents(tx, ws)
		if err != nil {
			return nil, err
		}
		for _, s := range sincs {
			if twins[strings.ToLower(s.ID)] || redirected(s) {
				continue
			}
			out = append(out, sentinelItem(s))
		}
	}
	return out, nil
}

func redirected(s sentinel.Incident) bool {
	for _, l := range s.Properties.Labels {
		if strings.EqualFold(l.LabelName, "Redirected") {
			return true
		}
	}
	return false
}

func sentinelItem(s sentinel.Incident) queueItem {
	p := s.Properties
	it := queueItem{Provider: ProviderSentinel, ID: strconv.Itoa(p.IncidentNumber), Link: "/sentinel/incidents/" + url.PathEscape(s.Name),
		Name: deref(p.Title), Severity: strings.ToLower(deref(p.Severity)), Status: deref(p.Status), Alerts: p.AdditionalData.AlertsCount}
	switch it.Status {
	case "Closed":
		it.State = "resolved"
	default:
		it.State = "active"
	}
	if p.Owner != nil {
		it.AssignedTo = firstOf(deref(p.Owner.UserPrincipalName), deref(p.Owner.Email), deref(p.Owner.AssignedTo))
	}
	it.Created, _ = time.Parse(time.RFC3339Nano, p.CreatedTimeUtc)
	it.LastUpdate, _ = time.Parse(time.RFC3339Nano, p.LastModifiedTimeUtc)
	return it
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// apply filters, sorts and returns one page of items, with the total after filtering.
func (f queueFilter) apply(items []queueItem, now time.Time) ([]queueItem, int) {
	var kept []queueItem
	for _, it := range items {
		switch {
		case f.Severity != "" && !strings.EqualFold(it.Severity, f.Severity),
			f.Status != "" && !strings.EqualFold(it.State, f.Status),
			f.Provider == "defender" && it.Provider != ProviderDefender,
			f.Provider == "sentinel" && it.Provider != ProviderSentinel,
			f.Assigned == "unassigned" && it.AssignedTo != "",
			f.Assigned != "" && f.Assigned != "unassigned" && !strings.Contains(strings.ToLower(it.AssignedTo), strings.ToLower(f.Assigned)):
			continue
		}
		if d, ok := periods[f.Period]; ok && it.Created.Before(now.Add(-d)) {
			continue
		}
		kept = append(kept, it)
	}
	less := func(a, b queueItem) bool {
		switch f.Sort {
		case "created":
			return a.Created.Before(b.Created)
		case "severity":
			if ra, rb := xdr.SeverityRank(a.Severity), xdr.SeverityRank(b.Severity); ra != rb {
				return ra < rb
			}
			return a.LastUpdate.Before(b.LastUpdate)
		case "id":
			na, _ := strconv.Atoi(a.ID)
			nb, _ := strconv.Atoi(b.ID)
			return na < nb
		case "name":
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		}
		return a.LastUpdate.Before(b.LastUpdate)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if f.Order == "asc" {
			return less(kept[i], kept[j])
		}
		return less(kept[j], kept[i])
	})
	total := len(kept)
	from := (f.Page - 1) * queuePageSize
	if from > total {
		from = total
	}
	to := min(from+queuePageSize, total)
	return kept[from:to], total
}

type queueData struct {
	Items             []queueItem
	Total, Page, Last int
	Filter            queueFilter
	Prev, Next        url.Values
	Now               time.Time
	SortLinks         map[string]url.Values
}

func (p *Portal) incidentQueue(w http.ResponseWriter, r *http.Request, s *session) {
	f := readQueueFilter(r.URL.Query())
	var items []queueItem
	var now time.Time
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		now = tx.Now()
		var err error
		items, err = unifiedQueue(tx)
		return err
	})
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	page, total := f.apply(items, now)
	d := queueData{Items: page, Total: total, Page: f.Page, Last: max(1, (total+queuePageSize-1)/queuePageSize), Filter: f, Now: now,
		SortLinks: map[string]url.Values{}}
	if f.Page > 1 {
		d.Prev = f.values("page", strconv.Itoa(f.Page-1))
	}
	if f.Page < d.Last {
		d.Next = f.values("page", strconv.Itoa(f.Page+1))
	}
	for _, k := range []string{"id", "name", "severity", "created", "lastUpdate"} {
		v := f.values("page", "")
		v.Set("sort", k)
		if f.Sort == k && f.Order == "desc" {
			v.Set("order", "asc")
		} else {
			v.Set("order", "desc")
		}
		d.SortLinks[k] = v
	}
	p.render(w, r, s, http.StatusOK, "queue", pageData{Title: "Incidents", Nav: "incidents", Data: d})
}
