package generate

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// Variant is the scenario's attack played by someone else: the same steps and techniques, by
// another victim, from another network, at another time, over another order and subset of the
// same resources. A grader runs a learner's rule over variants the learner never saw, so a rule
// that only knows the lab's address or user fails.
type Variant struct {
	// Victim is the UPN local part of a cast user standing in for the scenario's victim.
	Victim string
	// Place is the attacker's network (its CIDR must be a /24 that no place of the scenario
	// overlaps); addresses of the scenario's attacker range keep their host part in it.
	Place scenario.Place
	// Shift moves every event.
	Shift time.Duration
	// Rotate rotates the secrets, blobs and ARM operations of each burst by that many places
	// and drops the last of lists longer than three (other resources, other order).
	Rotate int
	// Nonce names the id stream (one variant is reproducible, two differ).
	Nonce string
}

// AttackVariant generates every step of the scenario's attack (not its conditional return) as
// the variant plays it. Rows carry their step's id and are sorted by time; Telemetry.Start and
// End span them.
func AttackVariant(s *scenario.Scenario, cast *Cast, v Variant) (*Telemetry, error) {
	vs, vc, err := variantOf(s, cast, v)
	if err != nil {
		return nil, err
	}
	g, err := newGen(vs, vc)
	if err != nil {
		return nil, err
	}
	stream := func(b *batch) {
		for i := range vs.Attack.Steps {
			st := &vs.Attack.Steps[i]
			f := newFaker(g.p.Seed, "variant", v.Nonce, st.ID)
			for j := range st.Events {
				g.runEvent(b, f, &st.Events[j], RowMeta{Step: st.ID}, true)
			}
		}
	}
	t := g.run([]func(*batch){stream}, time.Time{}, time.Unix(1<<40, 0))
	t.Start, t.End = vs.Attack.Start, vs.Attack.End
	for _, tb := range t.tables {
		if n := len(tb.Meta); n > 0 {
			if tb.Meta[0].Time.Before(t.Start) {
				t.Start = tb.Meta[0].Time
			}
			if tb.Meta[n-1].Time.After(t.End) {
				t.End = tb.Meta[n-1].Time
			}
		}
	}
	return t, nil
}

// variantOf is the scenario and cast as the variant sees them: the attack's events rewritten,
// the variant's network known to geolocation.
func variantOf(s *scenario.Scenario, cast *Cast, v Variant) (*scenario.Scenario, *Cast, error) {
	if _, ok := cast.User(v.Victim + "@" + cast.Params.TenantDomain); !ok {
		return nil, nil, fmt.Errorf("generate: variant victim %q is not in the cast", v.Victim)
	}
	newNet, err := netip.ParsePrefix(v.Place.CIDR)
	if err != nil || newNet.Bits() != 24 || !newNet.Addr().Is4() {
		return nil, nil, fmt.Errorf("generate: variant place %q: cidr %q is not an IPv4 /24", v.Place.ID, v.Place.CIDR)
	}
	var oldNet netip.Prefix
	for _, pl := range s.Places {
		p := netip.MustParsePrefix(pl.CIDR)
		if p.Overlaps(newNet) {
			return nil, nil, fmt.Errorf("generate: variant place %q overlaps the scenario's place %s", v.Place.ID, pl.ID)
		}
		if pl.ID == s.Attack.Place {
			oldNet = p
		}
	}
	if v.Place.Location == nil {
		v.Place.Location = time.UTC
	}
	vs := *s
	vs.Places = append(append([]scenario.Place(nil), s.Places...), v.Place)
	vs.Attack = s.Attack
	vs.Attack.Place, vs.Attack.Victim, vs.Attack.Return = v.Place.ID, v.Victim, nil
	vs.Attack.Start, vs.Attack.End = s.Attack.Start.Add(v.Shift), s.Attack.End.Add(v.Shift)
	user := func(u string) string {
		if u == s.Attack.Victim {
			return v.Victim
		}
		return u
	}
	ip := func(a string) string {
		addr, err := netip.ParseAddr(a)
		if err != nil || !oldNet.IsValid() || !oldNet.Contains(addr) || !addr.Is4() {
			return a
		}
		b, n := addr.As4(), newNet.Addr().As4()
		return netip.AddrFrom4([4]byte{n[0], n[1], n[2], b[3]}).String()
	}
	vs.Attack.Steps = make([]scenario.Step, len(s.Attack.Steps))
	for i, st := range s.Attack.Steps {
		st.Events = append([]scenario.Event(nil), st.Events...)
		for j := range st.Events {
			e := &st.Events[j]
			e.At = e.At.Add(v.Shift)
			e.User, e.IP = user(e.User), ip(e.IP)
			e.Target.User = user(e.Target.User)
			e.Users = mapStrings(e.Users, user)
			e.IPs = mapStrings(e.IPs, ip)
			e.Secrets = rotated(e.Secrets, v.Rotate)
			e.Blobs = rotated(e.Blobs, v.Rotate)
			e.Operations = rotated(e.Operations, v.Rotate)
		}
		vs.Attack.Steps[i] = st
	}
	vc := *cast
	vc.places = append(append([]*scenario.Place(nil), cast.places...), &vs.Places[len(vs.Places)-1])
	vc.prefixes = append(append([]netip.Prefix(nil), cast.prefixes...), newNet)
	return &vs, &vc, nil
}

func mapStrings(in []string, f func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// rotated is the list rotated by k, without its last element when it has more than three.
func rotated[T any](in []T, k int) []T {
	if len(in) == 0 || k == 0 {
		return in
	}
	out := make([]T, 0, len(in))
	for i := range in {
		out = append(out, in[(i+k)%len(in)])
	}
	if len(out) > 3 {
		out = out[:len(out)-1]
	}
	return out
}

// VictimCandidates are the cast's generated users (not the hand-written people, whose
// background behaviour the lab's hints name), by UPN local part, sorted: stand-ins for a
// variant's victim.
func VictimCandidates(cast *Cast) []string {
	var out []string
	for _, u := range cast.Users {
		if !u.Named {
			out = append(out, strings.SplitN(u.UPN, "@", 2)[0])
		}
	}
	sort.Strings(out)
	return out
}
