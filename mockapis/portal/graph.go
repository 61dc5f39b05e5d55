package portal

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/soclab/soclab/simulator/xdr"
)

// Evidence graph layout: one column per entity kind, in the order an attack story reads
// (who → from where → what), edges from the story's relations.
const (
	graphColWidth = 330
	graphRowH     = 64
	graphTop      = 48
	graphNodeW    = 260
	graphNodeH    = 40
)

var graphColumns = []struct{ kind, heading string }{
	{xdr.EntityUser, "Users"}, {xdr.EntityIP, "IP addresses"}, {xdr.EntityResource, "Cloud resources"},
}

// evidenceGraph draws the story's entities and their relations as inline SVG, server-side, so
// the page needs no script to show it. Each node says how many alerts involve it.
func evidenceGraph(st xdr.Story, names map[string]string) template.HTML {
	type pos struct{ x, y int }
	at := map[string]pos{}
	label := map[string]string{}
	for i, n := range st.Nodes {
		if name, ok := names[n.ID]; ok {
			st.Nodes[i].Label = name
		}
		label[n.ID] = st.Nodes[i].Label
	}
	alertsOf := map[string]int{}
	for _, e := range st.Edges {
		if strings.HasPrefix(e.From, "alert:") {
			alertsOf[e.To]++
		}
	}
	rows := 0
	var nodes strings.Builder
	for ci, col := range graphColumns {
		n := 0
		for _, node := range st.Nodes {
			if node.Kind != col.kind {
				continue
			}
			p := pos{x: 10 + ci*graphColWidth, y: graphTop + n*graphRowH}
			at[node.ID] = p
			label := node.Label
			if len([]rune(label)) > 34 {
				label = string([]rune(label)[:33]) + "…"
			}
			fmt.Fprintf(&nodes, `<g class="node node-%s"><title>%s: %s (%d alerts)</title><rect x="%d" y="%d" width="%d" height="%d" rx="6"/>`+
				`<text x="%d" y="%d">%s</text><text class="count" x="%d" y="%d">%d alerts</text></g>`,
				col.kind, html.EscapeString(col.heading), html.EscapeString(node.Label), alertsOf[node.ID],
				p.x, p.y, graphNodeW, graphNodeH, p.x+10, p.y+17, html.EscapeString(label), p.x+10, p.y+33, alertsOf[node.ID])
			n++
		}
		rows = max(rows, n)
	}
	var edges strings.Builder
	for _, e := range st.Edges {
		a, okA := at[e.From]
		b, okB := at[e.To]
		if !okA || !okB {
			continue
		}
		x1, y1 := a.x+graphNodeW, a.y+graphNodeH/2
		x2, y2 := b.x, b.y+graphNodeH/2
		if b.x < a.x {
			x1, x2 = a.x, b.x+graphNodeW
		} else if b.x == a.x {
			x1, x2 = a.x+graphNodeW, b.x+graphNodeW
		}
		fmt.Fprintf(&edges, `<g class="edge"><title>%s %s %s (%d alerts)</title><line x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#arrow)"/></g>`,
			html.EscapeString(label[e.From]), html.EscapeString(relationWords[e.Relation]), html.EscapeString(label[e.To]), len(e.Alerts), x1, y1, x2, y2)
	}
	if rows == 0 {
		return template.HTML(`<p>No entities yet.</p>`)
	}
	width := len(graphColumns)*graphColWidth - (graphColWidth - graphNodeW) + 20
	height := graphTop + rows*graphRowH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="evidence" role="img" aria-labelledby="graph-title graph-desc" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="graph-title">Evidence graph</title><desc id="graph-desc">%d entities and %d relations between them</desc>`, len(at), len(st.Edges))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`)
	for ci, col := range graphColumns {
		fmt.Fprintf(&b, `<text class="colhead" x="%d" y="24">%s</text>`, 10+ci*graphColWidth, col.heading)
	}
	b.WriteString(edges.String())
	b.WriteString(nodes.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// relationWords reads a story relation as a sentence's verb.
var relationWords = map[string]string{"signedInFrom": "signed in from", "accessed": "accessed", "connectedTo": "connected to"}
