package aad

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Device code timing, as Entra ID answers az: 15 minutes to approve, poll every second.
const (
	deviceCodeLifetime = 15 * time.Minute
	devicePollInterval = 1
)

// userCodeAlphabet avoids look-alike characters (0/O, 1/I) so codes can be read aloud.
const userCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// Errors of ApproveDeviceCode.
var (
	ErrUnknownCode = errors.New("no pending sign-in has this code")
	ErrCodeExpired = errors.New("the code has expired; start the sign-in again")
	ErrCodeUsed    = errors.New("the code was already approved")
	ErrBadPassword = errors.New("the user name or password is wrong")
	ErrWrongTenant = errors.New("the sign-in belongs to another tenant than the control token's")
)

// Approval is one sign-in of a pending device code.
type Approval struct {
	// UserCode is the code az printed (case, spaces and dashes do not matter).
	UserCode string
	// UPN is the user to sign in as; empty means the first user of the tenant the sign-in
	// names, or of DefaultTenant for common/organizations sign-ins.
	UPN string
	// DefaultTenant is a tenant id, name or domain.
	DefaultTenant string
	// Password, when CheckPassword is set, must be the user's password: sign-ins approved from
	// another machine prove who they are, as on the real page.
	Password      string
	CheckPassword bool
	// OnlyTenant, when set, is the only tenant id the sign-in may be for (an approval made
	// with a tenant's control token).
	OnlyTenant string
}

type deviceCode struct {
	device, user string
	clientID     string
	scope        string
	tenant       tenantSegment
	expires      time.Time
	approved     bool
	redeemed     bool
	approvedT    Tenant
	approvedU    User
}

// deviceCodes holds pending device sign-ins in memory: a restart simply makes the learner
// start `az login --use-device-code` again, as an expired code would.
type deviceCodes struct {
	loginURL string

	mu       sync.Mutex
	byDevice map[string]*deviceCode
	byUser   map[string]*deviceCode
}

func newDeviceCodes(loginURL string) *deviceCodes {
	if loginURL == "" {
		loginURL = "https://microsoft.com/devicelogin"
	}
	return &deviceCodes{loginURL: loginURL, byDevice: map[string]*deviceCode{}, byUser: map[string]*deviceCode{}}
}

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// deviceCode is POST /{tenant}/oauth2/v2.0/devicecode.
func (h *Handler) deviceCode(w http.ResponseWriter, r *http.Request, seg tenantSegment) {
	now := h.now()
	if err := r.ParseForm(); err != nil {
		writeSTSError(w, r, now, &stsError{http.StatusBadRequest, "invalid_request", 900144, "The request body must be application/x-www-form-urlencoded: " + err.Error()})
		return
	}
	clientID := strings.TrimSpace(r.Form.Get("client_id"))
	scope := strings.TrimSpace(r.Form.Get("scope"))
	serr := func() *stsError {
		if clientID == "" {
			return errMissingParam("client_id")
		}
		if scope == "" {
			return errMissingParam("scope")
		}
		if seg.consumer {
			return errConsumersNotSupported()
		}
		if _, serr := h.resolveTenant(seg); serr != nil {
			return serr
		}
		if res := resourceOf(scope); res != "" && !isKnownResource(res) {
			return errUnknownResource(res, seg.raw)
		}
		return nil
	}()
	if serr != nil {
		writeSTSError(w, r, now, serr)
		return
	}
	d := h.devices.issue(clientID, scope, seg, now)
	msg := fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate. (soclab: or run `soclab login approve %s`.)", h.devices.loginURL, d.user, d.user)
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code": d.user, "device_code": d.device, "verification_uri": h.devices.loginURL,
		"expires_in": int(deviceCodeLifetime / time.Second), "interval": devicePollInterval, "message": msg,
	})
}

func (c *deviceCodes) issue(clientID, scope string, seg tenantSegment, now time.Time) *deviceCode {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, d := range c.byDevice { // forget codes long past expiry
		if now.After(d.expires.Add(time.Hour)) {
			delete(c.byDevice, k)
			delete(c.byUser, d.user)
		}
	}
	raw := make([]byte, 48)
	rand.Read(raw)
	d := &deviceCode{device: base64.RawURLEncoding.EncodeToString(raw), clientID: clientID, scope: scope, tenant: seg, expires: now.Add(deviceCodeLifetime)}
	for {
		d.user = randomString(userCodeAlphabet, 9)
		if _, taken := c.byUser[d.user]; !taken {
			break
		}
	}
	c.byDevice[d.device] = d
	c.byUser[d.user] = d
	return d
}

// normalizeUserCode accepts codes typed in lower case, with spaces or dashes.
func normalizeUserCode(code string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code)))
}

// ApproveDeviceCode signs a pending device sign-in in and returns the user it signed in.
func (h *Handler) ApproveDeviceCode(a Approval) (Tenant, User, error) {
	now := h.now()
	code, upn, defaultTenant := normalizeUserCode(a.UserCode), strings.TrimSpace(a.UPN), a.DefaultTenant
	h.devices.mu.Lock()
	d, ok := h.devices.byUser[code]
	var seg tenantSegment
	if ok {
		seg = d.tenant
	}
	h.devices.mu.Unlock()
	switch {
	case !ok:
		return Tenant{}, User{}, fmt.Errorf("device code %q: %w", code, ErrUnknownCode)
	case now.After(d.expires):
		return Tenant{}, User{}, fmt.Errorf("device code %q: %w", code, ErrCodeExpired)
	}
	// Resolve the user outside the lock: the directory may read the store.
	var t Tenant
	var err error
	switch {
	case upn != "" && seg.generic:
		t, err = h.dir.LookupTenant(domainOf(upn))
	case !seg.generic:
		t, err = h.dir.LookupTenant(seg.raw)
	default:
		t, err = h.dir.LookupTenant(defaultTenant)
	}
	if err != nil {
		return Tenant{}, User{}, fmt.Errorf("approve device code %q: no tenant for user %q: %w", code, upn, ErrNotFound)
	}
	if a.OnlyTenant != "" && t.ID != a.OnlyTenant {
		return Tenant{}, User{}, fmt.Errorf("approve device code %q: the sign-in is for tenant %s: %w", code, t.DisplayName, ErrWrongTenant)
	}
	var u User
	if a.CheckPassword && upn == "" {
		return Tenant{}, User{}, fmt.Errorf("approve device code %q: name the user: %w", code, ErrBadPassword)
	}
	if upn == "" {
		if len(t.Users) == 0 {
			return Tenant{}, User{}, fmt.Errorf("approve device code %q: tenant %s has no users: %w", code, t.DisplayName, ErrNotFound)
		}
		u = t.Users[0]
	} else if u, ok = t.user(upn); !ok {
		return Tenant{}, User{}, fmt.Errorf("approve device code %q: user %q is not in tenant %s: %w", code, upn, t.DisplayName, ErrNotFound)
	}
	if a.CheckPassword && subtle.ConstantTimeCompare([]byte(a.Password), []byte(u.Password)) != 1 {
		return Tenant{}, User{}, fmt.Errorf("approve device code %q: %w", code, ErrBadPassword)
	}
	h.devices.mu.Lock()
	defer h.devices.mu.Unlock()
	if d.approved {
		return Tenant{}, User{}, fmt.Errorf("device code %q: %w", code, ErrCodeUsed)
	}
	d.approved, d.approvedT, d.approvedU = true, t, u
	return t, u, nil
}

// deviceCodeGrant is the polling token request of a device sign-in.
func (h *Handler) deviceCodeGrant(r *http.Request, now time.Time) (map[string]any, *stsError) {
	device := r.Form.Get("device_code")
	if device == "" {
		device = r.Form.Get("code") // MSAL Python sends both
	}
	if device == "" {
		return nil, errMissingParam("device_code")
	}
	h.devices.mu.Lock()
	d, ok := h.devices.byDevice[device]
	var redeem bool
	switch {
	case !ok || d.redeemed:
	case now.After(d.expires):
	case d.approved:
		d.redeemed, redeem = true, true
	}
	var dc deviceCode
	if ok {
		dc = *d
	}
	h.devices.mu.Unlock()
	switch {
	case !ok || (dc.redeemed && !redeem):
		return nil, errBadDeviceCode()
	case now.After(dc.expires):
		return nil, errDeviceCodeExpired()
	case !redeem:
		return nil, errAuthorizationPending()
	}
	return h.userTokens(dc.approvedT, dc.approvedU, dc.clientID, dc.scope, now)
}
