package scenario

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

// validator collects every problem of a scenario with its file, line and path.
type validator struct {
	lines map[string]map[string]int
	errs  []error

	places map[string]*Place
	users  map[string]bool
	groups map[string]bool
	roles  map[string]bool
	apps   map[string]bool
	sps    map[string]bool
	rgs    map[string]bool
	// resources maps a resource name to its resource group.
	resources map[string]string
	vaults    map[string]*KeyVault
	accounts  map[string]*StorageAccount
	profiles  map[string]bool
	// steps are the attack's step ids.
	steps map[string]bool
}

func (v *validator) errf(file, path, format string, args ...any) {
	line := 0
	for p := path; ; {
		if l, ok := v.lines[file][p]; ok {
			line = l
			break
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	v.errs = append(v.errs, fmt.Errorf("%s:%d: %s", file, line, msg))
}

var (
	guidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	userRE      = regexp.MustCompile(`^[a-z][a-z0-9.-]*[a-z0-9]$`)
	techniqueRE = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	stepIDRE    = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

func (v *validator) scenario(s *Scenario, name string) {
	f := FileMeta
	if s.Name != name {
		v.errf(f, "name", "is %q, want the folder name %q", s.Name, name)
	}
	day, err := time.Parse("2006-01-02", s.AttackDay)
	if err != nil {
		v.errf(f, "attackDay", "%q is not a date (YYYY-MM-DD)", s.AttackDay)
	}
	s.Day = day
	if s.Tenant.Domain == "" {
		v.errf(f, "tenant.domain", "is empty")
	}
	v.guid(f, "tenant.defaultTenantId", s.Tenant.DefaultTenantID)
	v.guid(f, "tenant.defaultSubscriptionId", s.Tenant.DefaultSubscriptionID)
	v.placesOf(s)
	v.profiles = map[string]bool{}
	for k := range s.Background.Profiles {
		v.profiles[k] = true
	}
	v.cast(&s.Cast)
	v.background(&s.Background)
	v.attack(&s.Attack, s.Day)
	v.steps = map[string]bool{}
	for _, st := range s.Attack.Steps {
		v.steps[st.ID] = true
	}
	v.attackReturn(&s.Attack, s.Day)
	v.phish(&s.Attack, s)
	v.faults(s.Faults, s.Cast.DiagnosticSettings)
}

func (v *validator) guid(file, path, s string) {
	if !guidRE.MatchString(s) {
		v.errf(file, path, "%q is not a lower-case GUID", s)
	}
}

func (v *validator) placesOf(s *Scenario) {
	v.places = map[string]*Place{}
	kinds := map[string]bool{PlaceOffice: true, PlaceHome: true, PlaceTravel: true, PlaceVPN: true, PlaceAttacker: true, PlaceCloud: true}
	for i := range s.Places {
		p := &s.Places[i]
		path := fmt.Sprintf("places[%d]", i)
		if p.ID == "" {
			v.errf(FileMeta, path+".id", "is empty")
		} else if v.places[p.ID] != nil {
			v.errf(FileMeta, path+".id", "duplicate place %q", p.ID)
		}
		v.places[p.ID] = p
		if !kinds[p.Kind] {
			v.errf(FileMeta, path+".kind", "unknown kind %q (office, home, travel, vpn, attacker, cloud)", p.Kind)
		}
		if pr, err := netip.ParsePrefix(p.CIDR); err != nil || !pr.Addr().Is4() || pr.Bits() > 28 {
			v.errf(FileMeta, path+".cidr", "%q is not an IPv4 CIDR of /28 or wider", p.CIDR)
		}
		loc, err := time.LoadLocation(p.Timezone)
		if err != nil || p.Timezone == "" {
			v.errf(FileMeta, path+".timezone", "unknown time zone %q", p.Timezone)
		}
		p.Location = loc
		if len(p.Country) != 2 || strings.ToUpper(p.Country) != p.Country {
			v.errf(FileMeta, path+".country", "%q is not a 2-letter upper-case country code", p.Country)
		}
		if p.City == "" || p.ISP == "" || p.ASN <= 0 {
			v.errf(FileMeta, path, "city, isp and asn are required")
		}
		if p.Latitude < -90 || p.Latitude > 90 || p.Longitude < -180 || p.Longitude > 180 {
			v.errf(FileMeta, path, "latitude/longitude out of range")
		}
	}
	for i := range s.Places {
		for j := i + 1; j < len(s.Places); j++ {
			a, errA := netip.ParsePrefix(s.Places[i].CIDR)
			b, errB := netip.ParsePrefix(s.Places[j].CIDR)
			if errA == nil && errB == nil && a.Overlaps(b) {
				v.errf(FileMeta, fmt.Sprintf("places[%d].cidr", j), "overlaps %s of place %q (an IP must geolocate to one place)", a, s.Places[i].ID)
			}
		}
	}
}

func (v *validator) place(file, path, id string, kinds ...string) {
	p := v.places[id]
	if p == nil {
		v.errf(file, path, "unknown place %q", id)
		return
	}
	if len(kinds) > 0 && !contains(kinds, p.Kind) {
		v.errf(file, path, "place %q is a %s, want %s", id, p.Kind, strings.Join(kinds, " or "))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *validator) faults(faults []Fault, settings []DiagnosticSetting) {
	f := FileFaults
	seen := map[string]bool{}
	for i, ft := range faults {
		path := fmt.Sprintf("faults[%d]", i)
		if !stepIDRE.MatchString(ft.ID) {
			v.errf(f, path+".id", "%q is not a lower-case-dashed id", ft.ID)
		}
		if seen[ft.ID] {
			v.errf(f, path+".id", "duplicate fault %q", ft.ID)
		}
		seen[ft.ID] = true
		if ft.Title == "" || ft.Description == "" || ft.Fix == "" {
			v.errf(f, path, "title, description and fix are required")
		}
		switch ft.Kind {
		case FaultRemoveDiagnosticSetting:
			found := false
			for _, d := range settings {
				found = found || d.Name == ft.Target
			}
			if !found {
				v.errf(f, path+".target", "unknown diagnostic setting %q", ft.Target)
			}
		case FaultSyncSeverityFilter:
			if !contains([]string{"Informational", "Low", "Medium", "High"}, ft.MinSeverity) {
				v.errf(f, path+".minSeverity", "%q is not Informational, Low, Medium or High", ft.MinSeverity)
			}
		case FaultSyncOff:
		case FaultCopilotPluginOff:
			if ft.Target == "" {
				v.errf(f, path+".target", "names no plugin")
			}
		case FaultCopilotRoleMissing:
		default:
			v.errf(f, path+".kind", "unknown fault kind %q (%s, %s, %s, %s, %s)", ft.Kind,
				FaultRemoveDiagnosticSetting, FaultSyncSeverityFilter, FaultSyncOff, FaultCopilotPluginOff, FaultCopilotRoleMissing)
		}
	}
}
