package copilot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
)

// kqlLookback is the lookback of a KQL ask that names none, and the longest one (the lab
// workspace's interactive retention).
const (
	kqlLookback    = 30
	kqlMaxLookback = 90
)

// nlToKQL writes the query a natural-language ask is about (KQLTemplates), explains it, runs
// it where it belongs (the Sentinel workspace, or advanced hunting) and shows what it returns.
// An ask that names no topic or lacks the template's entity gets a question back. Advanced
// hunting reads Defender XDR: its plugin and the caller's Defender role are needed.
func (s *Service) nlToKQL(ctx context.Context, b *answer, tenantID, prompt string, e Entities, c Caller) error {
	t, ok := pickKQLTemplate(prompt, e)
	if !ok {
		b.clarify = true
		b.line("What should the query look for? I can write KQL for:")
		for _, t := range KQLTemplates {
			b.line("- %s", t.Topic)
		}
		b.line("")
		b.line("Name the data and, where it matters, the IP range (CIDR) or the user (for example \"KQL for sign-ins from 185.220.101.0/24 in the last 7 days\").")
		return nil
	}
	p := KQLParams{CIDR: e.CIDR, UPN: e.UPN, Days: e.Days}
	if p.CIDR == "" && e.IP != "" {
		p.CIDR = e.IP + "/32"
	}
	if p.Days <= 0 || p.Days > kqlMaxLookback {
		p.Days = kqlLookback
	}
	switch {
	case t.Needs == "range" && p.CIDR == "":
		b.clarify = true
		b.line("I can write KQL for %s here. Which range? Give it as a CIDR (for example 185.220.101.0/24) or an IP address.", t.Topic)
		return nil
	case t.Needs == "user" && p.UPN == "":
		b.clarify = true
		b.line("I can write KQL for %s here. Which user? Name the account by its user principal name (for example %s).", t.Topic, labUser)
		return nil
	}
	if t.Hunting {
		plugins, err := s.Plugins(tenantID)
		if err != nil {
			return err
		}
		if !connected(plugins, PluginDefender) {
			b.pluginOff(IntentKQL, PluginDefender)
			return nil
		}
		rc, err := s.defenderAccess(tenantID, c)
		if err != nil {
			return err
		}
		if !rc.ok {
			b.noDefenderRole(rc)
			return nil
		}
	}
	q := t.Build(p)
	b.query, b.template = q, t.ID
	b.line("%s:", t.Explain(p))
	b.line("")
	b.line("```kusto\n%s\n```", q)
	b.line("")
	where := LabWorkspace
	cols, rows, err := s.runTable(ctx, tenantID, q, t.Hunting)
	if t.Hunting {
		where = "advanced hunting"
	}
	if err != nil {
		b.line("I could not run it on %s: %v", where, err)
		b.source("%s (not available)", where)
		return nil
	}
	b.line("On %s it returns %d row(s) now:", where, len(rows))
	writeTable(b, cols, rows, 10)
	b.source("Query run on %s (%s), %d rows", where, strings.Join(tablesOf(q), ", "), len(rows))
	return nil
}

// runTable runs a query at the tenant clock on the lab workspace or in advanced hunting; the
// columns come in the result's order.
func (s *Service) runTable(ctx context.Context, tenantID, query string, hunting bool) ([]string, []map[string]any, error) {
	now, err := s.World().Now(tenantID)
	if err != nil {
		return nil, nil, err
	}
	var db kql.Database
	cat := s.logs.WorkspaceCatalog()
	if hunting {
		if db, err = s.logs.Hunting(tenantID, now); err != nil {
			return nil, nil, err
		}
		cat = s.logs.HuntingCatalog()
	} else {
		ws, err := s.logs.Workspace(tenantID, LabWorkspace)
		if err != nil {
			return nil, nil, err
		}
		if db, err = ws.Database(now); err != nil {
			return nil, nil, err
		}
	}
	return runCols(ctx, query, db, cat, now)
}

// writeTable writes up to max rows as a markdown table.
func writeTable(b *answer, cols []string, rows []map[string]any, max int) {
	if len(rows) == 0 {
		return
	}
	b.line("")
	b.line("| %s |", strings.Join(cols, " | "))
	b.line("|%s", strings.Repeat("---|", len(cols)))
	for _, r := range rows[:min(len(rows), max)] {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = cell(r[c])
		}
		b.line("| %s |", strings.Join(cells, " | "))
	}
	if len(rows) > max {
		b.line("")
		b.line("(%d more rows)", len(rows)-max)
	}
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return ts(x)
	}
	return strings.ReplaceAll(fmt.Sprint(v), "|", "\\|")
}

// tablesOf names the tables a template's query reads (its first word, and a let's source).
func tablesOf(q string) []string {
	var out []string
	for _, line := range strings.Split(q, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "|") || line == "" {
			continue
		}
		if strings.HasPrefix(line, "let ") {
			if i := strings.Index(line, "= "); i > 0 {
				line = line[i+2:]
			}
		}
		if f := strings.Fields(line); len(f) > 0 && !contains(out, f[0]) {
			out = append(out, strings.TrimSuffix(f[0], ";"))
		}
	}
	return out
}
