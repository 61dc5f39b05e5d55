package portal

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/xdr"
)

var t0 = time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)

func queueItems() []queueItem {
	return []queueItem{
		{Provider: ProviderDefender, ID: "2972395", Name: "Multi-stage incident", Severity: "high", State: "active", Created: t0.Add(-90 * time.Minute), LastUpdate: t0.Add(-10 * time.Minute)},
		{Provider: ProviderDefender, ID: "2972396", Name: "Password spray", Severity: "high", State: "resolved", AssignedTo: "analyst@contoso.com", Created: t0.Add(-5 * time.Minute), LastUpdate: t0.Add(-5 * time.Minute)},
		{Provider: ProviderSentinel, ID: "7", Name: "Admin created", Severity: "medium", State: "active", Created: t0.Add(-48 * time.Hour), LastUpdate: t0.Add(-47 * time.Hour)},
		{Provider: ProviderSentinel, ID: "12", Name: "Brute force", Severity: "low", State: "inProgress", AssignedTo: "soc-tier2", Created: t0.Add(-10 * 24 * time.Hour), LastUpdate: t0.Add(-time.Hour)},
	}
}

func ids(items []queueItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return strings.Join(out, ",")
}

// TestQueueFilter: the queue's filters, sorts and pages on a fixed set of incidents.
func TestQueueFilter(t *testing.T) {
	cases := []struct {
		query string
		want  string
		total int
	}{
		{"", "2972396,2972395,12,7", 4},
		{"severity=high", "2972396,2972395", 2},
		{"severity=HIGH&status=active", "2972395", 1},
		{"status=resolved", "2972396", 1},
		{"status=inProgress", "12", 1},
		{"provider=sentinel", "12,7", 2},
		{"provider=defender&sort=created&order=asc", "2972395,2972396", 2},
		{"assigned=unassigned", "2972395,7", 2},
		{"assigned=ANALYST", "2972396", 1},
		{"period=1d", "2972396,2972395", 2},
		{"period=3d", "2972396,2972395,7", 3},
		{"period=bogus", "2972396,2972395,12,7", 4},
		{"sort=severity", "2972396,2972395,7,12", 4},
		{"sort=severity&order=asc", "12,7,2972395,2972396", 4},
		{"sort=id&order=asc", "7,12,2972395,2972396", 4},
		{"sort=name&order=asc", "7,12,2972395,2972396", 4},
		{"sort=nonsense&order=sideways", "2972396,2972395,12,7", 4},
		{"page=2", "", 4},
		{"page=-3", "2972396,2972395,12,7", 4},
		{"severity=critical", "", 0},
	}
	for _, tc := range cases {
		q, _ := url.ParseQuery(tc.query)
		got, total := readQueueFilter(q).apply(queueItems(), t0)
		if ids(got) != tc.want || total != tc.total {
			t.Errorf("?%s: %s (%d), want %s (%d)", tc.query, ids(got), total, tc.want, tc.total)
		}
	}
}

func TestQueuePaging(t *testing.T) {
	var items []queueItem
	for i := 0; i < 45; i++ {
		items = append(items, queueItem{ID: string(rune('a' + i%26)), LastUpdate: t0.Add(time.Duration(i) * time.Minute)})
	}
	f := readQueueFilter(url.Values{"page": {"3"}})
	got, total := f.apply(items, t0)
	if total != 45 || len(got) != 5 || !got[0].LastUpdate.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("page 3: %d of %d, first %v", len(got), total, got[0].LastUpdate)
	}
	if v := f.values("page", "4").Encode(); v != "order=desc&page=4&sort=lastUpdate" {
		t.Errorf("next page link %q", v)
	}
}

func TestRenderKind(t *testing.T) {
	for q, want := range map[string]string{
		"T | render timechart":                         "timechart",
		"T | summarize count() by x | render barchart": "barchart",
		"T | render columnchart with (title='x')":      "columnchart",
		"let a = 1;\nT | render piechart":              "piechart",
		"T | take 10":                                  "",
		"T | render timechart | take 1":                "",
		"T | where":                                    "",
		"":                                             "",
	} {
		if got := renderKind(q); got != want {
			t.Errorf("renderKind(%q) = %q, want %q", q, got, want)
		}
	}
}

func chartResult(t *testing.T, query string) *kql.Result {
	t.Helper()
	q, err := kql.Compile(query, kql.MapCatalog{}, kql.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(t.Context(), kql.MapDatabase{}, kql.RunOptions{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCharts: what each chart kind draws from a result, and what it refuses to draw.
func TestCharts(t *testing.T) {
	series := `datatable(T:datetime, ip:string, n:long)[datetime(2025-01-15 08:00), "1.1.1.1", 3, datetime(2025-01-15 09:00), "1.1.1.1", 5, datetime(2025-01-15 09:00), "2.2.2.2", 1]`
	cases := []struct {
		kind, query string
		want        []string
		none        bool
	}{
		{"timechart", series, []string{`<title id="chart-title">Time chart of 1.1.1.1, 2.2.2.2 by T</title>`, `<polyline class="series"`, ">2.2.2.2</text>"}, false},
		{"barchart", `datatable(ip:string, n:long)["1.1.1.1", 4, "2.2.2.2", 2]`, []string{"Bar chart of n by ip", "<title>1.1.1.1: 4</title>", `width="500.0"`}, false},
		{"timechart", `datatable(a:string)["x"]`, nil, true},
		{"scatterchart", series, nil, true},
		{"barchart", `datatable(n:long)[1]`, nil, true},
	}
	for _, tc := range cases {
		c := buildChart(tc.kind, chartResult(t, tc.query))
		if tc.none {
			if c != nil {
				t.Errorf("%s over %s: drew a chart", tc.kind, tc.query)
			}
			continue
		}
		if c == nil {
			t.Fatalf("%s over %s: no chart", tc.kind, tc.query)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(c.SVG), w) {
				t.Errorf("%s: SVG lacks %q:\n%s", tc.kind, w, c.SVG)
			}
		}
	}
}

// TestEvidenceGraph: entities in their columns, relations as edges, labels escaped.
func TestEvidenceGraph(t *testing.T) {
	st := xdr.Story{Nodes: []xdr.StoryNode{{ID: "alert:1", Kind: "alert", Label: "A"}, {ID: "user:a", Kind: "user", Label: "alex<script>"},
		{ID: "ip:1.2.3.4", Kind: "ip", Label: "1.2.3.4"}, {ID: "resource:/kv", Kind: "azureResource", Label: "KV-CONTOSO-PROD"}},
		Edges: []xdr.StoryEdge{{From: "alert:1", To: "user:a", Relation: "impacted", Alerts: []string{"1"}}, {From: "alert:1", To: "ip:1.2.3.4", Relation: "related", Alerts: []string{"1"}},
			{From: "user:a", To: "ip:1.2.3.4", Relation: "signedInFrom", Alerts: []string{"1"}}, {From: "user:a", To: "resource:/kv", Relation: "accessed", Alerts: []string{"1", "2"}}}}
	svg := string(evidenceGraph(st, map[string]string{"resource:/kv": "kv-contoso-prod"}))
	for _, w := range []string{`<desc id="graph-desc">3 entities and 4 relations between them</desc>`, "alex&lt;script&gt; signed in from 1.2.3.4 (1 alerts)",
		"alex&lt;script&gt; accessed kv-contoso-prod (2 alerts)", `<rect x="10" y="48"`, `<rect x="340" y="48"`, `<rect x="670" y="48"`, "1 alerts</text>"} {
		if !strings.Contains(svg, w) {
			t.Errorf("graph lacks %q:\n%s", w, svg)
		}
	}
	if strings.Contains(svg, "<script>") {
		t.Error("a label reached the SVG unescaped")
	}
	if got := string(evidenceGraph(xdr.Story{}, nil)); got != "<p>No entities yet.</p>" {
		t.Errorf("empty story: %q", got)
	}
}

func TestRenderAnswer(t *testing.T) {
	md := "## Incident 2972395\n\nSee <script>alert(1)</script> [x](javascript:alert(1))\n\n```kql\nSigninLogs | take 1\n```\n\n**Sources**\n1. Microsoft Defender XDR incident 2972395\n2. alert da0123456789abcdef: Anonymous IP address\n"
	got := string(renderAnswer(md))
	for _, w := range []string{`<a href="/incidents/2972395">Microsoft Defender XDR incident 2972395</a>`,
		`<a href="/incidents/byalert?alertId=da0123456789abcdef">alert da0123456789abcdef</a>: Anonymous IP address`,
		`<a href="/sentinel/logs?query=SigninLogs+%7C+take+1">Run this query in Logs</a>`, "<ol>"} {
		if !strings.Contains(got, w) {
			t.Errorf("answer lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, `href="javascript:`) {
		t.Errorf("unsafe HTML kept:\n%s", got)
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string]string{"truePositive": "True positive", "inProgress": "In progress", "active": "Active", "": "",
		"informationalExpectedActivity": "Informational expected activity"} {
		if got := splitWords(in); got != want {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzQueueFilter(f *testing.F) {
	for _, s := range []string{"", "severity=high&page=2", "sort=id&order=asc&period=7d", "page=99999999999999999999", "assigned=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		flt := readQueueFilter(q)
		got, total := flt.apply(queueItems(), t0)
		if flt.Page < 1 || len(got) > queuePageSize || total > len(queueItems()) || len(got) > total {
			t.Fatalf("?%s: page %d, %d of %d", raw, flt.Page, len(got), total)
		}
	})
}

func FuzzRenderKind(f *testing.F) {
	for _, s := range []string{"T | render timechart", "T | render", "render barchart", "let x = 1; T | render piechart with (a=1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		k := renderKind(q)
		if k != strings.ToLower(k) {
			t.Fatalf("kind %q is not lower case", k)
		}
	})
}

// TestSchemaOf: the schema tree lists tables sorted and leaves hidden columns out (the editor
// completes from it).
func TestSchemaOf(t *testing.T) {
	long, _ := kql.ParseType("long")
	cat := kql.MapCatalog{"Zeta": {{Name: "a", Type: long}}, "Alpha": {{Name: "_ItemId", Type: long, Hidden: true}, {Name: "b", Type: long}}}
	got := schemaOf(cat)
	if len(got) != 2 || got[0].Name != "Alpha" || got[1].Name != "Zeta" || len(got[0].Columns) != 1 || got[0].Columns[0].Name != "b" {
		t.Errorf("schemaOf: %+v", got)
	}
}
