package portal

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/soclab/soclab/simulator/hunting"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
)

// Results are paged on the server: a page of the grid is rendered from the kept result, so a
// 100 000-row result costs the browser one page of rows.
const (
	resultPageSize = 50
	// keptResults is how many results a session keeps for paging and CSV export, for at most
	// resultLifetime (a class's idle results do not hold memory).
	keptResults    = 2
	resultLifetime = 30 * time.Minute
)

// queryResult is a finished query kept in the session.
type queryResult struct {
	ID      string
	Mode    string // "hunting" or "logs"
	Query   string
	Res     *kql.Result
	Elapsed time.Duration
	Chart   string // the query's render kind ("" none)
	// Workspace is the Logs blade's workspace name ("" for hunting).
	Workspace string
	kept      time.Time
}

type schemaTable struct {
	Name    string
	Columns []kql.Column
}

// queryData is the editor page: the schema tree, the query and a page of results or an error.
type queryData struct {
	Mode, Action, Heading string
	Query                 string
	// Workspaces and Workspace are the Logs blade's choice.
	Workspaces        []logs.WorkspaceInfo
	Workspace         string
	Schema            []schemaTable
	SchemaJSON        string
	Result            *queryResult
	Columns           []kql.ResultColumn
	Rows              [][]string
	Page, Last, Total int
	Prev, Next        url.Values
	Partial           string
	Chart             *chart
	// Error and its place (1-based; 0 when the error has no place).
	Error            string
	ErrLine, ErrCol  int
	ErrStart, ErrEnd int // byte offsets into Query, for the editor's mark
}

// schemaOf lists a catalog's tables and columns (hidden columns left out), sorted; the
// editor's completion reads the same tree from the page.
func schemaOf(cat kql.Catalog) []schemaTable {
	names := append([]string{}, cat.Names()...)
	sort.Strings(names)
	tables := make([]schemaTable, 0, len(names))
	for _, n := range names {
		cols, _ := cat.Table(n)
		t := schemaTable{Name: n}
		for _, c := range cols {
			if !c.Hidden {
				t.Columns = append(t.Columns, c)
			}
		}
		tables = append(tables, t)
	}
	return tables
}

func (p *Portal) huntingData() queryData {
	d := queryData{Mode: "hunting", Action: "/v2/advanced-hunting", Heading: "Advanced hunting"}
	d.Schema = schemaOf(p.cfg.Logs.HuntingCatalog())
	return d
}

func (p *Portal) huntingPage(w http.ResponseWriter, r *http.Request, s *session) {
	d := p.huntingData()
	p.showResult(w, r, s, d, "Advanced hunting", "hunting")
}

// showResult renders the editor with the session's result named by ?result= (a page of it).
func (p *Portal) showResult(w http.ResponseWriter, r *http.Request, s *session, d queryData, title, nav string) {
	q := r.URL.Query()
	if rid := q.Get("result"); rid != "" {
		res := p.result(s, rid)
		if res == nil || res.Mode != d.Mode {
			d.Query, d.Error = defaultQuery(d.Mode), "This result is not kept any more (a session keeps its last two results for 30 minutes): run the query again."
			p.render(w, r, s, http.StatusNotFound, "query", pageData{Title: title, Nav: nav, Data: d})
			return
		}
		page, _ := strconv.Atoi(q.Get("page"))
		d.fill(res, page)
	} else {
		d.Query = defaultQuery(d.Mode)
	}
	p.render(w, r, s, http.StatusOK, "query", pageData{Title: title, Nav: nav, Data: d})
}

func defaultQuery(mode string) string {
	if mode == "logs" {
		return "SigninLogs\n| where TimeGenerated > ago(1d)\n| summarize count() by bin(TimeGenerated, 1h)\n| render timechart"
	}
	return "AlertInfo\n| where Timestamp > ago(1d)\n| project Timestamp, AlertId, Title, Severity, ServiceSource\n| order by Timestamp desc"
}

// fill puts one page of a result into the page data.
func (d *queryData) fill(res *queryResult, page int) {
	d.Result, d.Query, d.Columns, d.Total = res, res.Query, res.Res.Columns(), res.Res.Len()
	d.Last = max(1, (d.Total+resultPageSize-1)/resultPageSize)
	d.Page = min(max(page, 1), d.Last)
	t := res.Res.Table
	for i := (d.Page - 1) * resultPageSize; i < min(d.Page*resultPageSize, t.N); i++ {
		row := make([]string, len(t.Vecs))
		for c, v := range t.Vecs {
			row[c] = types.FormatText(v.Get(i))
		}
		d.Rows = append(d.Rows, row)
	}
	link := func(n int) url.Values {
		return url.Values{"result": {res.ID}, "page": {strconv.Itoa(n)}}
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page < d.Last {
		d.Next = link(d.Page + 1)
	}
	if res.Res.Partial != nil {
		d.Partial = res.Res.Partial.Msg
	}
	d.Chart = buildChart(res.Chart, res.Res)
}

// huntingRun runs the editor's query through simulator/hunting (as runHuntingQuery does).
func (p *Portal) huntingRun(w http.ResponseWriter, r *http.Request, s *session) {
	d := p.huntingData()
	query := r.PostForm.Get("query")
	res, err := hunting.Run(r.Context(), p.cfg.Gate, p.cfg.Logs, s.TenantID, query, "")
	if err != nil {
		var qe *hunting.QueryError
		status := http.StatusBadRequest
		switch {
		case errors.As(err, &qe):
			d.setError(query, qe.Msg, qe.Engine)
		case errors.Is(err, hunting.ErrThrottled):
			status = http.StatusTooManyRequests
			d.setError(query, err.Error(), nil)
		default:
			p.fail(w, r, s, err)
			return
		}
		p.render(w, r, s, status, "query", pageData{Title: "Advanced hunting", Nav: "hunting", Data: d})
		return
	}
	rid := p.keep(s, &queryResult{Mode: "hunting", Query: query, Res: res.Result, Elapsed: res.Elapsed, Chart: renderKind(query)})
	http.Redirect(w, r, "/v2/advanced-hunting?result="+rid, http.StatusSeeOther)
}

// setError shows an error; an engine error with a position marks it in the editor.
func (d *queryData) setError(query, msg string, ke *kql.Error) {
	d.Query, d.Error = query, msg
	if ke == nil || !ke.Pos.IsValid() {
		return
	}
	d.ErrStart, d.ErrEnd = hunting.ErrorSpan(query, ke)
	if ke.IsSyntax() {
		line, pos, _ := hunting.SyntaxPlace(query, ke)
		d.ErrLine, d.ErrCol = line, pos+1
	} else {
		d.ErrLine, d.ErrCol = diag.LineCol(query, ke.Pos)
	}
}

// keep stores a result in the session (the oldest beyond keptResults is dropped).
func (p *Portal) keep(s *session, res *queryResult) string {
	res.ID, res.kept = randomToken()[:16], p.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	s.results = append(s.dropOld(p.cfg.Now()), res)
	if len(s.results) > keptResults {
		s.results = s.results[len(s.results)-keptResults:]
	}
	return res.ID
}

func (p *Portal) result(s *session, id string) *queryResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.results = s.dropOld(p.cfg.Now())
	for _, r := range s.results {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// resultCSV exports a kept result as CSV (every row, not only the page shown).
func (p *Portal) resultCSV(w http.ResponseWriter, r *http.Request, s *session) {
	res := p.result(s, mux.Vars(r)["rid"])
	if res == nil {
		p.notFound(w, r, s)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+res.Mode+`-results.csv"`)
	if err := res.Res.WriteCSV(w); err != nil {
		p.cfg.Log.Printf("portal: CSV export: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// dropOld forgets results kept longer than resultLifetime (the caller holds p.mu).
func (s *session) dropOld(now time.Time) []*queryResult {
	kept := s.results[:0]
	for _, r := range s.results {
		if now.Sub(r.kept) <= resultLifetime {
			kept = append(kept, r)
		}
	}
	return kept
}
