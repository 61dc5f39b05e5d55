package xdr

import (
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// Story is an incident's attack story as the portal draws it: the alerts on a timeline and the
// evidence graph of the entities they involve.
type Story struct {
	IncidentID int          `json:"incidentId"`
	Timeline   []StoryEvent `json:"timeline"`
	Nodes      []StoryNode  `json:"nodes"`
	Edges      []StoryEdge  `json:"edges"`
}

// StoryEvent is one alert on the timeline (by first activity).
type StoryEvent struct {
	Time          time.Time `json:"time"`
	AlertID       string    `json:"alertId"`
	Title         string    `json:"title"`
	Category      string    `json:"category"`
	Severity      string    `json:"severity"`
	ServiceSource string    `json:"serviceSource"`
	// Entities are the node ids the alert involves.
	Entities []string `json:"entities"`
}

// StoryNode is an entity (or alert) of the evidence graph; ID is "user:…", "ip:…",
// "resource:…" (Entity.Key) or "alert:<id>".
type StoryNode struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Label string `json:"label"`
}

// StoryEdge relates two nodes: alert → entity ("impacted"/"related"), user → ip ("signedInFrom"),
// user → resource ("accessed"), ip → resource ("connectedTo"); Alerts names the alerts that
// show the relation.
type StoryEdge struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Relation string   `json:"relation"`
	Alerts   []string `json:"alerts"`
}

// StoryOf builds an incident's story from its alerts.
func StoryOf(tx *simulator.TenantTx, id int) (Story, bool, error) {
	inc, ok, err := IncidentByID(tx, id)
	if err != nil || !ok {
		return Story{}, ok, err
	}
	alerts, err := IncidentAlerts(tx, inc)
	if err != nil {
		return Story{}, false, err
	}
	return buildStory(id, alerts), true, nil
}

func buildStory(id int, alerts []Alert) Story {
	st := Story{IncidentID: id, Timeline: []StoryEvent{}, Nodes: []StoryNode{}, Edges: []StoryEdge{}}
	nodes := map[string]bool{}
	edges := map[string]int{}
	node := func(n StoryNode) {
		if !nodes[n.ID] {
			nodes[n.ID] = true
			st.Nodes = append(st.Nodes, n)
		}
	}
	edge := func(from, to, rel, alert string) {
		k := from + "\x00" + to + "\x00" + rel
		i, ok := edges[k]
		if !ok {
			i = len(st.Edges)
			edges[k] = i
			st.Edges = append(st.Edges, StoryEdge{From: from, To: to, Relation: rel})
		}
		if e := &st.Edges[i]; len(e.Alerts) == 0 || e.Alerts[len(e.Alerts)-1] != alert {
			e.Alerts = append(e.Alerts, alert)
		}
	}
	sorted := append([]Alert{}, alerts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].FirstActivity.Before(sorted[j].FirstActivity) })
	for _, a := range sorted {
		an := "alert:" + a.ID
		node(StoryNode{ID: an, Kind: "alert", Label: a.Title})
		ev := StoryEvent{Time: a.FirstActivity, AlertID: a.ID, Title: a.Title, Category: a.Category, Severity: a.Severity,
			ServiceSource: a.ServiceSource, Entities: []string{}}
		var users, ips, resources []string
		for _, e := range a.Entities {
			k := e.Key()
			if k == "" {
				continue
			}
			node(StoryNode{ID: k, Kind: e.Kind, Label: entityLabel(e)})
			edge(an, k, orRole(e.Role), a.ID)
			ev.Entities = append(ev.Entities, k)
			switch e.Kind {
			case EntityUser:
				users = append(users, k)
			case EntityIP:
				ips = append(ips, k)
			case EntityResource:
				resources = append(resources, k)
			}
		}
		for _, u := range users {
			for _, ip := range ips {
				edge(u, ip, "signedInFrom", a.ID)
			}
			for _, r := range resources {
				edge(u, r, "accessed", a.ID)
			}
		}
		for _, ip := range ips {
			for _, r := range resources {
				edge(ip, r, "connectedTo", a.ID)
			}
		}
		st.Timeline = append(st.Timeline, ev)
	}
	return st
}

func entityLabel(e Entity) string {
	switch e.Kind {
	case EntityUser:
		return e.UPN
	case EntityIP:
		return e.Address
	}
	if e.Name != "" {
		return e.Name
	}
	return e.ResourceID[strings.LastIndex(e.ResourceID, "/")+1:]
}

func orRole(r string) string {
	if r == "" {
		return "related"
	}
	return r
}
