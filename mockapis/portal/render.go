package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// pageData is what every page template gets: the layout's parts and the page's own Data.
type pageData struct {
	Title string
	// Nav is the menu item to mark current.
	Nav     string
	Session *session
	// Flash is a one-line outcome of the last action (error when Bad).
	Flash string
	Bad   bool
	Data  any
}

// pageNames are the templates; each is parsed together with layout.html.
var pageNames = []string{"signin", "error", "queue", "incident", "sentinel_incident", "query", "copilot",
	"settings_sentinel", "settings_copilot", "roles", "analytics", "automation"}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("Jan 2, 2006 3:04:05 PM")
	},
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"dur":   func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"lower": strings.ToLower,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"join":   strings.Join,
	"query":  func(v url.Values) template.URL { return template.URL("?" + v.Encode()) },
	"add":    func(a, b int) int { return a + b },
	"eq2":    func(a, b string) bool { return strings.EqualFold(a, b) },
	"words":  splitWords,
	"deref":  deref,
	"wsname": workspaceName,
}

// splitWords turns "truePositive" into "True positive" (the portal's labels for Graph enums).
func splitWords(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case i == 0:
			b.WriteString(strings.ToUpper(string(r)))
		case r >= 'A' && r <= 'Z':
			b.WriteByte(' ')
			b.WriteString(strings.ToLower(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (p *Portal) parseTemplates() error {
	p.pages = map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", path.Join("templates", name+".html"))
		if err != nil {
			return fmt.Errorf("portal: parse template %s: %w", name, err)
		}
		p.pages[name] = t
	}
	return nil
}

// render writes a page; the template runs into a buffer first so a template error is a clean 500.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, s *session, status int, name string, d pageData) {
	d.Session = s
	if d.Flash == "" {
		if f := r.URL.Query().Get("done"); f != "" && len(f) < 200 {
			d.Flash = f
		}
	}
	var buf bytes.Buffer
	if err := p.pages[name].Execute(&buf, d); err != nil {
		p.cfg.Log.Printf("portal: render %s: %v", name, err)
		http.Error(w, "soclab portal: internal error rendering "+name, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// done redirects after a successful POST (post/redirect/get) with a flash line.
func done(w http.ResponseWriter, r *http.Request, to, flash string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"done="+url.QueryEscape(flash), http.StatusSeeOther)
}
