package generate

import (
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// officeStream writes one user's mail (Defender for Office 365), Microsoft 365 activity and
// Windows laptops (Defender for Endpoint) over the generated days: working days fully, other
// days only the devices' daily reports.
func (g *gen) officeStream(b *batch, u *User) {
	f := newFaker(g.p.Seed, "office", u.UPN)
	var eps []*endpoint
	for _, d := range windowsDevices(u) {
		eps = append(eps, newEndpoint(u, d))
	}
	victim := g.s.Attack.Victim+"@"+g.p.TenantDomain == u.UPN
	for d := 0; d <= g.p.Days; d++ {
		day := g.start.AddDate(0, 0, d)
		home := f.Float64() < 0.35 || (victim && day.Equal(g.s.Day))
		ip := u.HomeIP
		if !home {
			ip = hostIn(u.Office.CIDR, f)
		}
		for _, e := range eps {
			g.deviceInfo(b, f, e, day.Add(time.Duration(3600+f.IntN(3*3600))*time.Second), ip)
		}
		date := day.Format("2006-01-02")
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday || g.holiday[date] {
			continue
		}
		if victim && !g.lockout.IsZero() && day.After(g.lockout) {
			continue
		}
		g.mailDay(b, f, u, day, ip)
		g.officeDay(b, f, u, day, ip)
		for _, e := range eps {
			g.endpointDay(b, f, e, day, ip, home)
		}
	}
}

// phishStream writes the message that opened the attack, the click and what the victim's
// laptop saw of it, and the attacker's use of the mailbox; every row belongs to the phish's step.
func (g *gen) phishStream(b *batch) {
	p := g.s.Attack.Phish
	if p == nil {
		return
	}
	victim, ok := g.cast.User(g.s.Attack.Victim + "@" + g.p.TenantDomain)
	if !ok {
		return
	}
	f := newFaker(g.p.Seed, "phish")
	meta := RowMeta{Step: p.Step}
	mine, ok := g.phishMails(b, f, meta)
	if !ok {
		return
	}
	ip := p.IP
	if ip == "" {
		ip = victim.HomeIP
	}
	g.click(b, f, mine, p.Click, ip, meta)
	for _, d := range windowsDevices(victim) {
		if d.Name == p.Device {
			g.phishOnDevice(b, f, p, newEndpoint(victim, d), meta)
		}
	}
	g.mailboxActions(b, f, victim, p.Mailbox, meta)
}

// initNetworks draws the fixed addresses of the partners' mail relays and of the Microsoft
// endpoints the laptops use (in the scenario's Microsoft cloud network).
func (g *gen) initNetworks() {
	f := newFaker(g.p.Seed, "networks")
	g.partnerIP, g.endpointIPs = map[string]string{}, map[string]string{}
	for _, d := range partnerDomains {
		g.partnerIP[d] = g.publicAddress(f)
	}
	var cloud *scenario.Place
	for i := range g.s.Places {
		if g.s.Places[i].Kind == scenario.PlaceCloud {
			cloud = &g.s.Places[i]
			break
		}
	}
	for _, h := range microsoftEndpoints {
		if cloud != nil {
			g.endpointIPs[h] = hostIn(cloud.CIDR, f)
		} else {
			g.endpointIPs[h] = g.publicAddress(f)
		}
	}
}
