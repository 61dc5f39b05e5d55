package portal

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// Cookie names and lifetimes.
const (
	sessionCookie = "soclab_portal"
	signinCookie  = "soclab_signin" // the sign-in form's CSRF token (no session yet)
	// SessionIdle ends a session nobody used for this long.
	SessionIdle = 8 * time.Hour
	// LinkLifetime is how long a one-time sign-in link stays valid.
	LinkLifetime = 10 * time.Minute
	maxSessions  = 10000
)

// session is a signed-in analyst. Only the session's tenant is ever read.
type session struct {
	id          string
	TenantID    string
	TenantName  string
	UPN         string
	ObjectID    string
	DisplayName string
	CSRF        string
	last        time.Time
	results     []*queryResult // the last hunting/Logs results, newest last (paged and exported)
}

// link is a one-time sign-in link's target.
type link struct {
	tenantID, upn string
	expires       time.Time
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("portal: crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// newSession signs a user in and sets the cookie.
func (p *Portal) newSession(w http.ResponseWriter, r *http.Request, t simulator.Tenant, u simulator.User) {
	s := &session{id: randomToken(), TenantID: t.ID, TenantName: t.Name, UPN: u.UserPrincipalName, ObjectID: u.ObjectID, DisplayName: u.DisplayName,
		CSRF: randomToken(), last: p.cfg.Now()}
	p.mu.Lock()
	p.expireLocked()
	p.sessions[s.id] = s
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

// expireLocked drops idle sessions and used-up links (and the oldest sessions past the cap).
func (p *Portal) expireLocked() {
	now := p.cfg.Now()
	for id, s := range p.sessions {
		if now.Sub(s.last) > SessionIdle || len(p.sessions) > maxSessions {
			delete(p.sessions, id)
		}
	}
	for tok, l := range p.links {
		if now.After(l.expires) {
			delete(p.links, tok)
		}
	}
}

// sessionOf is the request's live session, or nil.
func (p *Portal) sessionOf(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[c.Value]
	if s == nil {
		return nil
	}
	now := p.cfg.Now()
	if now.Sub(s.last) > SessionIdle {
		delete(p.sessions, c.Value)
		return nil
	}
	s.last = now
	return s
}

// authed serves h only with a session; state-changing requests must also carry the session's
// CSRF token and, when the browser says where they come from, come from the portal itself.
func (p *Portal) authed(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := p.sessionOf(r)
		if s == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			p.render(w, r, nil, http.StatusUnauthorized, "error", pageData{Title: "Sign in first", Data: errorData{Message: "Your session has ended. Sign in again."}})
			return
		}
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				p.render(w, r, s, http.StatusBadRequest, "error", pageData{Title: "Bad request", Data: errorData{Message: "The form could not be read: " + err.Error()}})
				return
			}
			if !sameOrigin(r) || !equalTokens(r.PostForm.Get("csrf"), s.CSRF) {
				p.render(w, r, s, http.StatusForbidden, "error", pageData{Title: "Request refused", Data: errorData{Message: "This form was not sent by the portal's own page (missing or wrong CSRF token). Reload the page and try again."}})
				return
			}
		}
		h(w, r, s)
	}
}

// sameOrigin refuses a request whose Origin header names another site.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

func equalTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

type signinData struct {
	Next, CSRF, User, Error string
}

// signInPage shows the form with a fresh sign-in CSRF token (a double-submit cookie).
func (p *Portal) signInPage(w http.ResponseWriter, r *http.Request) {
	if p.sessionOf(r) != nil { // already signed in: go where the sign-in would have led
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: tok, Path: "/signin", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	p.render(w, r, nil, http.StatusOK, "signin", pageData{Title: "Sign in", Data: signinData{Next: safeNext(r.URL.Query().Get("next")), CSRF: tok}})
}

// signIn checks the analyst's user name and password.
func (p *Portal) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	c, err := r.Cookie(signinCookie)
	if err != nil || !sameOrigin(r) || !equalTokens(r.PostForm.Get("csrf"), c.Value) {
		p.render(w, r, nil, http.StatusForbidden, "error", pageData{Title: "Request refused", Data: errorData{Message: "This sign-in was not sent by the portal's own page (missing or wrong CSRF token). Open the sign-in page again."}})
		return
	}
	user, pass, next := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
	t, u, err := p.cfg.World.AuthenticateUser(user, pass)
	if err != nil {
		msg := "Your account or password is incorrect."
		if !errors.Is(err, simulator.ErrBadUserPassword) && !errors.Is(err, simulator.ErrUserNotFound) && !errors.Is(err, simulator.ErrTenantNotFound) {
			p.cfg.Log.Printf("portal: sign-in: %v", err)
		}
		tok := randomToken()
		http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: tok, Path: "/signin", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		p.render(w, r, nil, http.StatusUnauthorized, "signin", pageData{Title: "Sign in", Data: signinData{Next: next, CSRF: tok, User: user, Error: msg}})
		return
	}
	p.newSession(w, r, t, u)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// safeNext keeps a post-sign-in target on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/signin") {
		return "/incidents"
	}
	return next
}

// signInLink redeems a one-time link: it signs in and lands on the incident queue.
func (p *Portal) signInLink(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	p.mu.Lock()
	l, ok := p.links[tok]
	delete(p.links, tok)
	p.mu.Unlock()
	if !ok || p.cfg.Now().After(l.expires) {
		p.render(w, r, nil, http.StatusUnauthorized, "error", pageData{Title: "Link expired", Data: errorData{Message: "This sign-in link was already used or has expired. Run `soclab portal` for a new one, or sign in with your user name and password."}})
		return
	}
	t, err := p.cfg.World.TenantByID(l.tenantID)
	if err != nil {
		p.notFound(w, r, nil)
		return
	}
	for _, u := range t.Users {
		if strings.EqualFold(u.UserPrincipalName, l.upn) {
			p.newSession(w, r, t, u)
			http.Redirect(w, r, "/incidents", http.StatusSeeOther)
			return
		}
	}
	p.notFound(w, r, nil)
}

func (p *Portal) signOut(w http.ResponseWriter, r *http.Request, s *session) {
	p.mu.Lock()
	delete(p.sessions, s.id)
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// NewLink makes a one-time sign-in link path for the tenant's analyst (its first user), valid
// for LinkLifetime: "/signin/link?token=…" to append to the server's base URL.
func (p *Portal) NewLink(tenant string) (simulator.Tenant, string, time.Time, error) {
	t, err := p.cfg.World.LookupTenant(tenant)
	if err != nil {
		return t, "", time.Time{}, err
	}
	if len(t.Users) == 0 {
		return t, "", time.Time{}, errors.New("portal: the tenant has no user who can sign in")
	}
	tok := randomToken()
	exp := p.cfg.Now().Add(LinkLifetime)
	p.mu.Lock()
	p.expireLocked()
	p.links[tok] = link{tenantID: t.ID, upn: t.Users[0].UserPrincipalName, expires: exp}
	p.mu.Unlock()
	return t, "/signin/link?token=" + tok, exp, nil
}
