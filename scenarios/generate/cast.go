package generate

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// User is a resolved member of the directory, with ids of this tenant.
type User struct {
	UPN, DisplayName, GivenName, Surname string
	ObjectID, Department, JobTitle       string
	// Manager is the manager's UPN ("" for the top).
	Manager        string
	Groups         []string
	DirectoryRoles []string
	AzureRoles     []scenario.RoleAssignment
	Office, Home   *scenario.Place
	ProfileName    string
	Profile        scenario.Profile
	Devices        []Device
	// HomeIP is the user's fixed home address; office sign-ins draw from the office range.
	HomeIP string
	// Named marks the hand-written people.
	Named bool
	// Created is when the account was created; PasswordChanged its last password change.
	Created, PasswordChanged time.Time
	// SID is the on-premises-style security id IdentityLogonEvents carries.
	SID string
	// EmployeeID is the HR number.
	EmployeeID string
}

// Device is a resolved device of a user.
type Device struct {
	scenario.Device
	ID        string
	UserAgent string
}

// ServicePrincipal is a resolved workload identity.
type ServicePrincipal struct {
	scenario.ServicePrincipal
	AppID, ObjectID string
	IP              string
	place           *scenario.Place
}

// Cast is the scenario's directory and estate resolved for one tenant: the contract with the
// simulator's directory (same object ids, UPNs and resource ids as the telemetry).
type Cast struct {
	Params            Params
	Users             []*User
	ServicePrincipals []*ServicePrincipal
	byUPN             map[string]*User
	places            []*scenario.Place
	prefixes          []netip.Prefix
}

// User returns a user by UPN (case-insensitive).
func (c *Cast) User(upn string) (*User, bool) {
	u, ok := c.byUPN[strings.ToLower(upn)]
	return u, ok
}

// PlaceOf geolocates an IP: the one place whose range holds it.
func (c *Cast) PlaceOf(ip string) (*scenario.Place, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, false
	}
	for i, pr := range c.prefixes {
		if pr.Contains(addr) {
			return c.places[i], true
		}
	}
	return nil, false
}

// ResolveCast builds the directory for Params: the named people first, then generated users
// (gofakeit names under the seed) spread over departments by weight.
func ResolveCast(s *scenario.Scenario, p Params) (*Cast, error) {
	p, err := p.withDefaults(s.Tenant.DefaultTenantID, s.Tenant.Domain, s.Tenant.DefaultSubscriptionID, len(s.Cast.People))
	if err != nil {
		return nil, err
	}
	c := &Cast{Params: p, byUPN: map[string]*User{}}
	places := map[string]*scenario.Place{}
	for i := range s.Places {
		pl := &s.Places[i]
		places[pl.ID] = pl
		c.places = append(c.places, pl)
		c.prefixes = append(c.prefixes, netip.MustParsePrefix(pl.CIDR))
	}
	f := newFaker(p.Seed, "cast")
	epoch := s.Day.AddDate(-3, 0, 0)
	for _, per := range s.Cast.People {
		u := &User{
			UPN: per.User + "@" + p.TenantDomain, GivenName: per.GivenName, Surname: per.Surname,
			DisplayName: per.GivenName + " " + per.Surname, Department: per.Department, JobTitle: per.JobTitle,
			Groups: per.Groups, DirectoryRoles: per.DirectoryRoles, AzureRoles: per.AzureRoles,
			Office: places[per.Office], Home: places[per.Home], ProfileName: per.Profile, Named: true,
		}
		if per.Manager != "" {
			u.Manager = per.Manager + "@" + p.TenantDomain
		}
		for _, d := range per.Devices {
			u.Devices = append(u.Devices, Device{Device: d})
		}
		c.add(u)
	}
	deps := s.Cast.Departments
	total := 0
	for _, d := range deps {
		total += d.Weight
	}
	managers := map[string]string{}
	for _, u := range c.Users {
		if _, ok := managers[u.Department]; !ok {
			managers[u.Department] = u.UPN
		}
	}
	for n := len(c.Users); n < p.Users; n++ {
		d := deps[pickWeighted(f, total, func(i int) int { return deps[i].Weight })]
		given, sur := f.FirstName(), f.LastName()
		local := localPart(given, sur)
		upn := local + "@" + p.TenantDomain
		for k := 2; c.byUPN[upn] != nil; k++ {
			upn = fmt.Sprintf("%s%d@%s", local, k, p.TenantDomain)
		}
		u := &User{
			UPN: upn, GivenName: given, Surname: sur, DisplayName: given + " " + sur,
			Department: d.Name, JobTitle: d.Titles[f.IntN(len(d.Titles))], Groups: d.Groups,
			AzureRoles: d.AzureRoles, Office: places[d.Office], Home: places[d.Homes[f.IntN(len(d.Homes))]],
			ProfileName: d.Profile, Manager: managers[d.Name],
		}
		if u.Manager == "" {
			managers[d.Name] = upn
		}
		serial := f.Number(1000, 9999)
		for _, dm := range d.Devices {
			dm.Name = fmt.Sprintf("%s-%04d", dm.Name, serial)
			u.Devices = append(u.Devices, Device{Device: dm})
		}
		c.add(u)
	}
	for i, u := range c.Users {
		u.Profile = s.Background.Profiles[u.ProfileName]
		u.ObjectID = UserObjectID(p.TenantID, u.UPN)
		u.HomeIP = hostIn(u.Home.CIDR, f)
		u.Created = epoch.Add(time.Duration(f.IntN(900*24)) * time.Hour)
		u.PasswordChanged = s.Day.AddDate(0, 0, -1-f.IntN(85)).Add(time.Duration(f.IntN(86400)) * time.Second)
		u.SID = fmt.Sprintf("S-1-5-21-%d-%d-%d-%d", 1004336348, 1177238915, 682003330, 1100+i)
		u.EmployeeID = fmt.Sprintf("%06d", 100000+i*37)
		for j := range u.Devices {
			d := &u.Devices[j]
			d.ID = nameUUID(p.TenantID, "device", u.UPN, d.Name)
			d.UserAgent = userAgent(d.OS, d.Browser)
		}
	}
	for _, sp := range s.Cast.ServicePrincipals {
		pl := places[sp.Place]
		c.ServicePrincipals = append(c.ServicePrincipals, &ServicePrincipal{
			ServicePrincipal: sp, AppID: nameUUID("app", sp.Name),
			ObjectID: nameUUID(p.TenantID, "sp", sp.Name), IP: hostIn(pl.CIDR, f), place: pl,
		})
	}
	return c, nil
}

func (c *Cast) add(u *User) {
	c.Users = append(c.Users, u)
	c.byUPN[strings.ToLower(u.UPN)] = u
}

// generatedUPNs lists the generated (not named) users, sorted, for deterministic sampling.
func (c *Cast) generatedUPNs() []string {
	var out []string
	for _, u := range c.Users {
		if !u.Named {
			out = append(out, u.UPN)
		}
	}
	sort.Strings(out)
	return out
}

func localPart(given, sur string) string {
	clean := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			if r >= 'a' && r <= 'z' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return clean(given) + "." + clean(sur)
}

type intner interface{ IntN(int) int }

func pickWeighted(f intner, total int, weight func(int) int) int {
	x := f.IntN(total)
	for i := 0; ; i++ {
		x -= weight(i)
		if x < 0 {
			return i
		}
	}
}

// hostIn draws a usable host address of a range (never the network or broadcast address).
func hostIn(cidr string, f intner) string {
	pr := netip.MustParsePrefix(cidr)
	size := 1 << (32 - pr.Bits())
	a := pr.Masked().Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n += uint32(1 + f.IntN(size-2))
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
}

// userAgent is the browser user agent string of an OS/browser pair as sign-in logs show it.
func userAgent(os, browser string) string {
	ver := browser[strings.LastIndexByte(browser, ' ')+1:]
	switch {
	case strings.HasPrefix(os, "Windows") && strings.HasPrefix(browser, "Edge"):
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver + " Safari/537.36 Edg/" + ver
	case strings.HasPrefix(os, "Windows"):
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver + " Safari/537.36"
	case strings.HasPrefix(os, "MacOs"):
		return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver + " Safari/537.36"
	case strings.HasPrefix(os, "Ios"):
		return "Mozilla/5.0 (iPhone; CPU iPhone OS " + strings.ReplaceAll(ver, ".", "_") + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" + ver + " Mobile/15E148 Safari/604.1"
	case strings.HasPrefix(os, "Android"):
		return "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + ver + " Mobile Safari/537.36"
	case strings.HasPrefix(os, "Linux") && strings.HasPrefix(browser, "Firefox"):
		return "Mozilla/5.0 (X11; Linux x86_64; rv:" + ver + ") Gecko/20100101 Firefox/" + ver
	}
	return "Mozilla/5.0"
}
