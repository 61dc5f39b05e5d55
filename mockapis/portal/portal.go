package portal

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Host is the portal's host name through the lab's proxy.
const Host = "security.microsoft.com"

// Config is what the portal reads and writes: the same services the REST faces use.
type Config struct {
	World    *simulator.World
	Logs     *logs.Engine
	Copilot  *copilot.Service
	Identity *identity.Service
	// Gate admits the pages' queries with the query APIs' (one tenant's bound covers all).
	Gate *sched.Gate
	// Enqueue, when set, asks the engine pipeline to catch the tenant up after a change
	// (the Defender → Sentinel sync, automation), as the control endpoints do.
	Enqueue func(tenantID string)
	// Log receives internal errors of pages.
	Log *log.Logger
	// Now is the real clock (sessions and links expire by it); nil is time.Now.
	Now func() time.Time
}

// Portal serves the pages. Build it with New.
type Portal struct {
	cfg    Config
	router *mux.Router
	pages  map[string]*template.Template

	mu       sync.Mutex
	sessions map[string]*session
	links    map[string]link
}

// New builds the portal.
func New(cfg Config) (*Portal, error) {
	if cfg.World == nil || cfg.Logs == nil || cfg.Copilot == nil || cfg.Identity == nil {
		return nil, errors.New("portal: World, Logs, Copilot and Identity are required")
	}
	if cfg.Gate == nil {
		cfg.Gate = sched.New(sched.Options{})
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = log.New(discard{}, "", 0)
	}
	p := &Portal{cfg: cfg, sessions: map[string]*session{}, links: map[string]link{}}
	if err := p.parseTemplates(); err != nil {
		return nil, err
	}
	p.routes()
	return p, nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// routes registers every page. Paths follow the real portal's where the lab names them and
// never start with /_soclab/ (the control endpoints on the same port).
func (p *Portal) routes() {
	r := mux.NewRouter()
	static, _ := fs.Sub(staticFS, "static")
	r.PathPrefix("/static/").Handler(http.StripPrefix("/static/", cacheForever(http.FileServer(http.FS(static)))))
	r.HandleFunc("/signin", p.signInPage).Methods(http.MethodGet)
	r.HandleFunc("/signin", p.signIn).Methods(http.MethodPost)
	r.HandleFunc("/signin/link", p.signInLink).Methods(http.MethodGet)
	r.HandleFunc("/signout", p.authed(p.signOut)).Methods(http.MethodPost)
	r.HandleFunc("/", p.authed(func(w http.ResponseWriter, r *http.Request, s *session) {
		http.Redirect(w, r, "/incidents", http.StatusSeeOther)
	})).Methods(http.MethodGet)
	r.HandleFunc("/incidents", p.authed(p.incidentQueue)).Methods(http.MethodGet)
	r.HandleFunc("/incidents/{id:[0-9]+}", p.authed(p.incidentPage)).Methods(http.MethodGet)
	r.HandleFunc("/incidents/{id:[0-9]+}", p.authed(p.updateIncident)).Methods(http.MethodPost)
	r.HandleFunc("/incidents/{id:[0-9]+}/comments", p.authed(p.commentIncident)).Methods(http.MethodPost)
	r.HandleFunc("/incidents/byalert", p.authed(p.alertPage)).Methods(http.MethodGet)
	r.HandleFunc("/sentinel/incidents/{name}", p.authed(p.sentinelIncidentPage)).Methods(http.MethodGet)
	r.HandleFunc("/sentinel/incidents/{name}", p.authed(p.updateSentinelIncident)).Methods(http.MethodPost)
	r.HandleFunc("/v2/advanced-hunting", p.authed(p.huntingPage)).Methods(http.MethodGet)
	r.HandleFunc("/v2/advanced-hunting", p.authed(p.huntingRun)).Methods(http.MethodPost)
	r.HandleFunc("/sentinel/logs", p.authed(p.logsPage)).Methods(http.MethodGet)
	r.HandleFunc("/sentinel/logs", p.authed(p.logsRun)).Methods(http.MethodPost)
	r.HandleFunc("/results/{rid}.csv", p.authed(p.resultCSV)).Methods(http.MethodGet)
	r.HandleFunc("/copilot", p.authed(p.copilotPage)).Methods(http.MethodGet)
	r.HandleFunc("/copilot", p.authed(p.copilotAsk)).Methods(http.MethodPost)
	r.HandleFunc("/securitysettings/sentinel", p.authed(p.sentinelSettingsPage)).Methods(http.MethodGet)
	r.HandleFunc("/securitysettings/sentinel", p.authed(p.sentinelSettingsSave)).Methods(http.MethodPost)
	r.HandleFunc("/securitysettings/copilot", p.authed(p.copilotSettingsPage)).Methods(http.MethodGet)
	r.HandleFunc("/securitysettings/copilot", p.authed(p.copilotSettingsSave)).Methods(http.MethodPost)
	r.HandleFunc("/securitysettings/mtp_roles", p.authed(p.rolesPage)).Methods(http.MethodGet)
	r.HandleFunc("/sentinel/analytics", p.authed(p.analyticsPage)).Methods(http.MethodGet)
	r.HandleFunc("/sentinel/automation", p.authed(p.automationPage)).Methods(http.MethodGet)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.notFound(w, r, p.sessionOf(r)) })
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
	})
	p.router = r
}

// ServeHTTP serves a page after the host check.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowedHost(r) {
		// A page of another site whose name resolves to 127.0.0.1 (DNS rebinding) must not
		// read the portal under its own name.
		http.Error(w, "soclab portal: open it at http://127.0.0.1:PORT/ or https://"+Host+"/ (this host name is not the lab's)", http.StatusMisdirectedRequest)
		return
	}
	if r.TLS == nil && !fromLoopback(r) {
		// Passwords and session cookies never cross the network in clear (a classroom server
		// with --allow-remote answers other machines over HTTPS on the same port).
		http.Error(w, "soclab portal: other machines reach the portal only over HTTPS (https://"+r.Host+"/)", http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: with no-referrer a browser's form posts carry "Origin: null",
	// which sameOrigin refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	p.router.ServeHTTP(w, r)
}

// allowedHost accepts the portal's own name, an IP literal and localhost.
func allowedHost(r *http.Request) bool {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return host == Host || host == "localhost" || net.ParseIP(host) != nil
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// fail logs an internal error and shows a plain error page.
func (p *Portal) fail(w http.ResponseWriter, r *http.Request, s *session, err error) {
	p.cfg.Log.Printf("portal: %s %s: %v", r.Method, r.URL.Path, err)
	p.render(w, r, s, http.StatusInternalServerError, "error", pageData{Title: "Something went wrong", Data: errorData{Message: "The portal could not show this page: " + err.Error()}})
}

func (p *Portal) notFound(w http.ResponseWriter, r *http.Request, s *session) {
	p.render(w, r, s, http.StatusNotFound, "error", pageData{Title: "Not found", Data: errorData{Message: fmt.Sprintf("There is nothing at %s in this tenant.", r.URL.Path)}})
}

type errorData struct{ Message string }
