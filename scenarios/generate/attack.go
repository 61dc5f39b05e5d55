package generate

import (
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// stepStream generates one attack step; its rows carry the step id.
func (g *gen) stepStream(b *batch, st *scenario.Step) {
	f := newFaker(g.p.Seed, "attack", st.ID)
	for i := range st.Events {
		g.runEvent(b, f, &st.Events[i], RowMeta{Step: st.ID}, true)
	}
}

// noiseStream generates the exact events of an audit or arm-burst noise pattern.
func (g *gen) noiseStream(b *batch, n *scenario.Noise) {
	f := newFaker(g.p.Seed, "noise", n.ID)
	for i := range n.Events {
		g.runEvent(b, f, &n.Events[i], RowMeta{Noise: n.ID}, false)
	}
}

// actorFor is the user of an event at an address: the attacker's browser for attack events, the
// user's own computer at the office otherwise. The place always comes from the IP.
func (g *gen) actorFor(f *gofakeit.Faker, upn, ip string, attack bool) actor {
	u, _ := g.cast.User(upn)
	if ip == "" {
		if attack {
			ip = hostIn(g.placeByID(g.s.Attack.Place).CIDR, f)
		} else {
			ip = hostIn(u.Office.CIDR, f)
		}
	}
	pl, _ := g.cast.PlaceOf(ip)
	a := actor{user: u, ip: ip, place: pl, app: g.apps["Azure Portal"]}
	if u != nil {
		a.device = u.Devices[0]
	}
	if attack {
		a.device = Device{Device: g.s.Attack.Device, UserAgent: g.s.Attack.UserAgent}
	}
	return a
}

// spActor is a service principal of the cast acting from ip (its own address when empty),
// with the device of the user-actor template a (the attacker's tooling for attack events).
func (g *gen) spActor(name, ip string, a actor) actor {
	for _, sp := range g.cast.ServicePrincipals {
		if sp.Name == name {
			if ip == "" {
				ip = sp.IP
			}
			pl, _ := g.cast.PlaceOf(ip)
			return actor{sp: sp, ip: ip, place: pl, device: a.device}
		}
	}
	return a
}

func (g *gen) runEvent(b *batch, f *gofakeit.Faker, e *scenario.Event, meta RowMeta, attack bool) {
	upn := e.User + "@" + g.p.TenantDomain
	a := g.actorFor(f, upn, e.IP, attack)
	if e.ServicePrincipal != "" {
		a = g.spActor(e.ServicePrincipal, e.IP, a)
	}
	if e.App != "" {
		a.app = g.apps[e.App]
	}
	if attack && a.sp != nil {
		// the stolen secret buys a Graph token first (AADServicePrincipalSignInLogs)
		g.spSignIn(b, newFaker(g.p.Seed, "sp-signin", a.sp.Name, e.At.String()), a.sp, e.At.Add(-17*time.Second), a.ip, "graph", meta)
	}
	tick := func(i int) time.Time { return e.At.Add(time.Duration(i) * e.Interval) }
	switch e.Kind {
	case scenario.EventSignIn:
		interactive := e.Interactive == nil || *e.Interactive
		session := ""
		if attack && e.User == g.s.Attack.Victim && a.place == g.placeByID(g.s.Attack.Place) {
			session = g.attackerSession()
		}
		for i := 0; i < max(e.Count, 1); i++ {
			g.emitSignIn(b, f, signIn{at: tick(i), user: a.user, app: a.app, place: a.place, ip: a.ip, device: a.device,
				interactive: interactive, result: e.Result, risk: e.Risk, riskEvents: e.RiskEventTypes,
				mfa: interactive && e.Result == 0, meta: meta, session: session})
		}
	case scenario.EventSpray:
		targets := g.sprayTargets(f, e)
		k := 0
		for n, ip := range e.IPs {
			pl, _ := g.cast.PlaceOf(ip)
			for _, t := range targets {
				u, _ := g.cast.User(t)
				result := e.Result
				if n == len(e.IPs)-1 && n >= 2 && result == 50126 && f.IntN(4) == 0 {
					result = 50053 // smart lockout after repeated failures
				}
				g.emitSignIn(b, f, signIn{at: tick(k), user: u, app: a.app, place: pl, ip: ip, device: a.device,
					interactive: true, result: result, risk: e.Risk, meta: meta})
				k++
			}
		}
	case scenario.EventKeyVault:
		secrets := e.Secrets
		if len(secrets) == 0 {
			secrets = []string{""}
		}
		k := 0
		for i := 0; i < max(e.Count, 1); i++ {
			for _, s := range secrets {
				g.emitKeyVault(b, f, tick(k), a, e.Vault, e.Operation, s, meta)
				k++
			}
		}
	case scenario.EventARM:
		k := 0
		for i := 0; i < max(e.Count, 1); i++ {
			for _, op := range e.Operations {
				g.emitARM(b, f, tick(k), a, op, meta)
				k++
			}
		}
	case scenario.EventBlob:
		blobs := g.blobsOf(e.Account, e.Container)
		names := e.Blobs
		if len(names) == 0 {
			names = []string{""}
		}
		k := 0
		for i := 0; i < max(e.Count, 1); i++ {
			for _, n := range names {
				t := blobTarget{account: e.Account, container: e.Container, blob: n}
				for _, bl := range blobs {
					if bl.Name == n {
						t.size = bl.Size
					}
				}
				g.emitBlob(b, f, tick(k), a, t, e.Operation, e.Auth, meta)
				k++
			}
		}
	case scenario.EventAudit:
		for i := 0; i < max(e.Count, 1); i++ {
			g.emitAudit(b, f, tick(i), a, e, meta)
		}
	case scenario.EventAlert:
		g.emitAlert(b, e, meta)
	}
}

// sprayTargets is the named targets plus Sample generated users chosen under the seed.
func (g *gen) sprayTargets(f *gofakeit.Faker, e *scenario.Event) []string {
	var out []string
	for _, u := range e.Users {
		out = append(out, u+"@"+g.p.TenantDomain)
	}
	pool := g.cast.generatedUPNs()
	for i := 0; i < e.Sample && len(pool) > 0; i++ {
		j := f.IntN(len(pool))
		out = append(out, pool[j])
		pool = append(pool[:j:j], pool[j+1:]...)
	}
	return out
}

// attackerSession is the sign-in session the phishing kit stole: the attacker's sign-ins as the
// victim and every token refresh of them (and the return's replay of the refresh token) share it.
func (g *gen) attackerSession() string {
	return nameUUID("attacker-session", g.s.Name, g.s.Attack.Victim)
}
