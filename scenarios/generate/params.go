package generate

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"regexp"

	"github.com/brianvoe/gofakeit/v7"
)

// Params make one tenant's telemetry: the same scenario and Params give byte-identical tables.
type Params struct {
	// TenantID is the Entra tenant (directory) id; default: the scenario's defaultTenantId.
	TenantID string
	// TenantDomain is the verified domain of UPNs; default: the scenario's domain (contoso.com).
	TenantDomain string
	// SubscriptionID is the Azure subscription; default: the scenario's defaultSubscriptionId.
	SubscriptionID string
	// WorkspaceID is the Log Analytics workspace id (customerId) written to the TenantId column of
	// workspace tables; default: TenantID (the routing layer may pass the real one).
	WorkspaceID string
	// Seed drives every random choice; default 1.
	Seed int64
	// Users is the directory size including the named people; default 200.
	Users int
	// Days is how many days of background precede the attack day; default 30.
	Days int
}

// Defaults of Params.
const (
	DefaultSeed  = 1
	DefaultUsers = 200
	DefaultDays  = 30
	// MaxUsers and MaxDays bound a request so a typo cannot exhaust memory.
	MaxUsers = 100000
	MaxDays  = 90
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// withDefaults fills zero fields and checks the rest.
func (p Params) withDefaults(defTenant, defDomain, defSub string, named int) (Params, error) {
	if p.TenantID == "" {
		p.TenantID = defTenant
	}
	if p.TenantDomain == "" {
		p.TenantDomain = defDomain
	}
	if p.SubscriptionID == "" {
		p.SubscriptionID = defSub
	}
	if p.WorkspaceID == "" {
		p.WorkspaceID = p.TenantID
	}
	if p.Seed == 0 {
		p.Seed = DefaultSeed
	}
	if p.Users == 0 {
		p.Users = DefaultUsers
	}
	if p.Days == 0 {
		p.Days = DefaultDays
	}
	for _, id := range [][2]string{{"tenant id", p.TenantID}, {"subscription id", p.SubscriptionID}, {"workspace id", p.WorkspaceID}} {
		if !guidRE.MatchString(id[1]) {
			return p, fmt.Errorf("generate: %s %q is not a lower-case GUID", id[0], id[1])
		}
	}
	if p.Users < named || p.Users > MaxUsers {
		return p, fmt.Errorf("generate: users %d out of range [%d, %d] (the scenario names %d people)", p.Users, named, MaxUsers, named)
	}
	if p.Days < 1 || p.Days > MaxDays {
		return p, fmt.Errorf("generate: days %d out of range [1, %d]", p.Days, MaxDays)
	}
	return p, nil
}

// derive returns a seed for one independent stream (a user-day, the attack...), so streams can
// be generated in any order or in parallel and still give the same values.
func derive(seed int64, parts ...string) uint64 {
	h := sha1.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return binary.LittleEndian.Uint64(sum[:8])
}

// newFaker is a gofakeit faker on its own PCG stream (never gofakeit's seed-0 crypto source).
func newFaker(seed int64, parts ...string) *gofakeit.Faker {
	s := derive(seed, parts...)
	return gofakeit.NewFaker(rand.NewPCG(s, s^0x9e3779b97f4a7c15), false)
}

// nameUUID is a stable GUID for a named object of a tenant (SHA-1 name-based, version 5 layout),
// so object ids agree between the simulator's directory and the telemetry.
func nameUUID(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{'/'})
	}
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// uuidFrom draws a random (version 4 layout) GUID from a faker's stream.
func uuidFrom(f *gofakeit.Faker) string {
	a, b := f.Uint64(), f.Uint64()
	var s [16]byte
	binary.BigEndian.PutUint64(s[:8], a)
	binary.BigEndian.PutUint64(s[8:], b)
	s[6] = (s[6] & 0x0f) | 0x40
	s[8] = (s[8] & 0x3f) | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 36)
	j := 0
	for i, c := range s {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hex[c>>4], hex[c&15]
		j += 2
	}
	return string(out)
}
