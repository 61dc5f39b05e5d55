package scenario

import (
	"fmt"
	"net/netip"
	"sort"
	"time"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (v *validator) background(b *Background) {
	f := FileBackground
	if b.WorkHours[0] < 0 || b.WorkHours[0] >= b.WorkHours[1] || b.WorkHours[1] > 24 {
		v.errf(f, "workHours", "%v is not [start, end) hours within 0..24", b.WorkHours)
	}
	for i, h := range b.Holidays {
		if _, err := time.Parse("2006-01-02", h); err != nil {
			v.errf(f, fmt.Sprintf("holidays[%d]", i), "%q is not a date (YYYY-MM-DD)", h)
		}
	}
	if len(b.Profiles) == 0 {
		v.errf(f, "profiles", "is empty")
	}
	for _, name := range sortedKeys(b.Profiles) {
		p := b.Profiles[name]
		path := "profiles." + name
		ranges := []Range{p.Interactive, p.NonInteractive, p.CloudApp, p.ARMOperations, p.DirectoryEdits, p.SecretReads, p.BlobReads}
		fields := []string{"interactive", "nonInteractive", "cloudApp", "armOperations", "directoryEdits", "secretReads", "blobReads"}
		for k, r := range ranges {
			if r[0] < 0 || r[0] > r[1] {
				v.errf(f, path+"."+fields[k], "%v is not a [min, max] range", r)
			}
		}
		if len(p.Apps) == 0 {
			v.errf(f, path+".apps", "is empty")
		}
		for j, a := range p.Apps {
			if !v.apps[a] {
				v.errf(f, fmt.Sprintf("%s.apps[%d]", path, j), "unknown app %q", a)
			}
		}
		if p.WeekendShare < 0 || p.WeekendShare > 1 {
			v.errf(f, path+".weekendShare", "must be within 0..1")
		}
	}
	if b.FailureRate < 0 || b.FailureRate > 0.5 {
		v.errf(f, "failureRate", "must be within 0..0.5")
	}
	if b.RefreshFailureRate < 0 || b.RefreshFailureRate > 0.5 {
		v.errf(f, "refreshFailureRate", "must be within 0..0.5")
	}
	for _, list := range []struct {
		name     string
		failures []Failure
	}{{"failures", b.Failures}, {"refreshFailures", b.RefreshFailures}} {
		for i, fl := range list.failures {
			if _, ok := SignInErrors[fl.Code]; !ok || fl.Code == 0 {
				v.errf(f, fmt.Sprintf("%s[%d].code", list.name, i), "unknown sign-in error code %d", fl.Code)
			}
			if fl.Weight <= 0 {
				v.errf(f, fmt.Sprintf("%s[%d].weight", list.name, i), "must be positive")
			}
		}
	}
	seen := set(len(b.Noise))
	for i := range b.Noise {
		n := &b.Noise[i]
		path := fmt.Sprintf("noise[%d]", i)
		v.unique(f, path+".id", "noise", n.ID, seen)
		if !v.users[n.User] {
			v.errf(f, path+".user", "unknown user %q", n.User)
		}
		if !RiskLevels[n.Risk] {
			v.errf(f, path+".risk", "unknown risk level %q", n.Risk)
		}
		switch n.Kind {
		case NoiseTravel:
			v.place(f, path+".place", n.Place, PlaceTravel)
			from, e1 := time.Parse("2006-01-02", n.From)
			to, e2 := time.Parse("2006-01-02", n.To)
			if e1 != nil || e2 != nil || to.Before(from) {
				v.errf(f, path, "from/to %q..%q are not an ordered pair of dates", n.From, n.To)
			}
		case NoiseVPN:
			v.place(f, path+".place", n.Place, PlaceVPN)
			if n.Share <= 0 || n.Share > 1 {
				v.errf(f, path+".share", "must be within (0, 1]")
			}
		case NoiseAudit, NoiseARMBurst:
			if len(n.Events) == 0 {
				v.errf(f, path+".events", "is empty")
			}
			for j := range n.Events {
				v.event(f, fmt.Sprintf("%s.events[%d]", path, j), &n.Events[j], time.Time{}, time.Time{})
			}
		default:
			v.errf(f, path+".kind", "unknown noise kind %q (travel, vpn, audit, arm-burst)", n.Kind)
		}
	}
}

func (v *validator) attack(a *Attack, day time.Time) {
	f := FileAttack
	if !a.Start.Before(a.End) || a.Start.Truncate(24*time.Hour) != day {
		v.errf(f, "start", "the window %s..%s must be ordered and start on the attack day", a.Start.Format(time.RFC3339), a.End.Format(time.RFC3339))
	}
	if !v.users[a.Victim] {
		v.errf(f, "victim", "unknown user %q", a.Victim)
	}
	v.place(f, "place", a.Place, PlaceAttacker)
	if a.UserAgent == "" || a.Device.OS == "" || a.Device.Browser == "" {
		v.errf(f, "device", "userAgent, device.os and device.browser are required")
	}
	seen := set(len(a.Steps))
	for i := range a.Steps {
		s := &a.Steps[i]
		path := fmt.Sprintf("steps[%d]", i)
		if !stepIDRE.MatchString(s.ID) {
			v.errf(f, path+".id", "%q is not a lower-case-dashed id", s.ID)
		}
		v.unique(f, path+".id", "step", s.ID, seen)
		if !techniqueRE.MatchString(s.Technique) {
			v.errf(f, path+".technique", "%q is not a MITRE technique id (T1234 or T1234.001)", s.Technique)
		} else if MitreTechniques[s.Technique] == "" {
			v.errf(f, path+".technique", "unknown MITRE technique %q (add it to the catalog)", s.Technique)
		}
		if s.Title == "" || s.Tactic == "" {
			v.errf(f, path, "title and tactic are required")
		}
		if len(s.Events) == 0 {
			v.errf(f, path+".events", "is empty")
		}
		for j := range s.Events {
			v.event(f, fmt.Sprintf("%s.events[%d]", path, j), &s.Events[j], a.Start, a.End)
		}
		for j, id := range s.ReplayWith {
			// Only earlier steps: a replay never loops back to itself.
			if !seen[id] || id == s.ID {
				v.errf(f, fmt.Sprintf("%s.replayWith[%d]", path, j), "%q is not an earlier step", id)
			}
		}
	}
}

// DefaultInterval spaces the repeats of an event that sets no every.
const DefaultInterval = 2 * time.Second

// Repeats is how many rows-worth of actions the event expands to: count times for a sign-in, one
// per secret, blob or operation, one per (ip, user) pair for a spray.
func (e *Event) Repeats() int {
	n := max(e.Count, 1)
	switch e.Kind {
	case EventSpray:
		n = len(e.IPs) * (len(e.Users) + e.Sample)
	case EventKeyVault:
		n *= max(len(e.Secrets), 1)
	case EventARM:
		n *= max(len(e.Operations), 1)
	case EventBlob:
		n *= max(len(e.Blobs), 1)
	}
	return max(n, 1)
}

// event checks one action; start/end, when set, bound its times.
func (v *validator) event(f, path string, e *Event, start, end time.Time) {
	if e.At.IsZero() {
		v.errf(f, path+".at", "is missing")
	}
	if e.Count < 0 {
		v.errf(f, path+".count", "must not be negative")
	}
	if e.Every != "" {
		d, err := time.ParseDuration(e.Every)
		if err != nil || d <= 0 {
			v.errf(f, path+".every", "%q is not a positive duration", e.Every)
		}
		e.Interval = d
	} else if e.Repeats() > 1 {
		e.Interval = DefaultInterval
	}
	last := e.At.Add(time.Duration(e.Repeats()-1) * e.Interval)
	if !start.IsZero() && (e.At.Before(start) || last.After(end)) {
		v.errf(f, path+".at", "%s..%s is outside the attack window", e.At.Format(time.RFC3339), last.Format(time.RFC3339))
	}
	if e.User != "" && !v.users[e.User] {
		v.errf(f, path+".user", "unknown user %q", e.User)
	}
	if e.ServicePrincipal != "" {
		switch {
		case e.Kind != EventAudit:
			v.errf(f, path+".servicePrincipal", "only audit events can have a service principal as the actor")
		case !v.sps[e.ServicePrincipal]:
			v.errf(f, path+".servicePrincipal", "unknown service principal %q", e.ServicePrincipal)
		case e.User != "":
			v.errf(f, path+".servicePrincipal", "an event has one actor: a user or a service principal")
		}
	}
	for i, ip := range append([]string{e.IP}, e.IPs...) {
		if ip == "" && i == 0 {
			continue
		}
		p := path + ".ip"
		if i > 0 {
			p = fmt.Sprintf("%s.ips[%d]", path, i-1)
		}
		v.ip(f, p, ip)
	}
	if !RiskLevels[e.Risk] {
		v.errf(f, path+".risk", "unknown risk level %q", e.Risk)
	}
	if e.App != "" && e.Kind != EventSignIn && e.Kind != EventSpray && !v.apps[e.App] {
		v.errf(f, path+".app", "unknown app %q", e.App)
	}
	switch e.Kind {
	case EventSignIn, EventSpray:
		if !v.apps[e.App] {
			v.errf(f, path+".app", "unknown app %q", e.App)
		}
		if _, ok := SignInErrors[e.Result]; !ok {
			v.errf(f, path+".result", "unknown sign-in error code %d", e.Result)
		}
		if e.Kind == EventSpray && (len(e.Users) == 0 || len(e.IPs) == 0) {
			v.errf(f, path, "a spray needs users and ips")
		}
		for j, u := range e.Users {
			if !v.users[u] {
				v.errf(f, fmt.Sprintf("%s.users[%d]", path, j), "unknown user %q", u)
			}
		}
	case EventKeyVault:
		if !KeyVaultOperations[e.Operation] {
			v.errf(f, path+".operation", "unknown Key Vault operation %q", e.Operation)
		}
		v.secrets(f, path, e.Vault, e.Secrets)
	case EventARM:
		if len(e.Operations) == 0 {
			v.errf(f, path+".operations", "is empty")
		}
		for j, op := range e.Operations {
			v.armAction(f, fmt.Sprintf("%s.operations[%d]", path, j), op)
		}
	case EventBlob:
		if !BlobOperations[e.Operation] {
			v.errf(f, path+".operation", "unknown blob operation %q", e.Operation)
		}
		if !BlobAuthTypes[e.Auth] {
			v.errf(f, path+".auth", "unknown authentication type %q", e.Auth)
		}
		v.container(f, path, e.Account, e.Container, e.Blobs)
	case EventAudit:
		if _, ok := AuditActivities[e.Activity]; !ok {
			v.errf(f, path+".activity", "unknown directory activity %q", e.Activity)
		}
		if e.Target.Role != "" && !v.roles[e.Target.Role] {
			v.errf(f, path+".target.role", "unknown directory role %q", e.Target.Role)
		}
		if e.Target.Group != "" && !v.groups[e.Target.Group] {
			v.errf(f, path+".target.group", "unknown group %q", e.Target.Group)
		}
		if e.Target.User == "" {
			v.errf(f, path+".target.user", "is empty")
		}
	case EventAlert:
		if e.Title == "" || e.Category == "" {
			v.errf(f, path, "an alert needs a title and a category")
		}
		if !AlertSeverities[e.Severity] {
			v.errf(f, path+".severity", "%q is not Informational, Low, Medium or High", e.Severity)
		}
		if _, ok := AlertServices[e.Service]; !ok {
			v.errf(f, path+".service", "unknown alerting service %q", e.Service)
		}
		for j, r := range e.Resources {
			if _, ok := v.resources[r]; !ok {
				v.errf(f, fmt.Sprintf("%s.resources[%d]", path, j), "unknown resource %q", r)
			}
		}
	default:
		v.errf(f, path+".kind", "unknown event kind %q (signin, spray, keyvault, arm, blob, audit, alert)", e.Kind)
	}
	if e.Kind != EventSpray && e.Kind != EventAlert && e.User == "" && e.ServicePrincipal == "" {
		v.errf(f, path+".user", "is empty")
	}
}

func (v *validator) armAction(f, path string, op ARMAction) {
	def, ok := ARMOperations[op.Operation]
	if !ok {
		v.errf(f, path+".operation", "unknown ARM operation %q", op.Operation)
		return
	}
	if def.ResourceType == "" {
		if !v.rgs[op.ResourceGroup] {
			v.errf(f, path+".resourceGroup", "unknown resource group %q", op.ResourceGroup)
		}
		return
	}
	if _, ok := v.resources[op.Resource]; !ok {
		v.errf(f, path+".resource", "unknown resource %q", op.Resource)
	}
}

// ip checks that an address parses and lies in a declared place, so it geolocates consistently.
func (v *validator) ip(f, path, s string) {
	addr, err := netip.ParseAddr(s)
	if err != nil || !addr.Is4() {
		v.errf(f, path, "%q is not an IPv4 address", s)
		return
	}
	for _, p := range v.places {
		if pr, err := netip.ParsePrefix(p.CIDR); err == nil && pr.Contains(addr) {
			return
		}
	}
	v.errf(f, path, "%s lies in no declared place", s)
}
