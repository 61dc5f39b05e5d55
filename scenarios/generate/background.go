package generate

import (
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// dayPlan is where a user works on one day.
type dayPlan struct {
	place *scenario.Place
	ip    string
	noise string
	risk  string
}

// userStream generates a user's normal activity for every day of the range.
func (g *gen) userStream(b *batch, u *User) {
	f := newFaker(g.p.Seed, "user", u.UPN)
	var travel, vpn *scenario.Noise
	for i := range g.s.Background.Noise {
		n := &g.s.Background.Noise[i]
		if n.User+"@"+g.p.TenantDomain != u.UPN {
			continue
		}
		switch n.Kind {
		case scenario.NoiseTravel:
			travel = n
		case scenario.NoiseVPN:
			vpn = n
		}
	}
	for d := 0; d <= g.p.Days; d++ {
		day := g.start.AddDate(0, 0, d)
		date := day.Format("2006-01-02")
		plan := dayPlan{place: u.Office, ip: hostIn(u.Office.CIDR, f)}
		if f.Float64() < 0.35 {
			plan = dayPlan{place: u.Home, ip: u.HomeIP}
		}
		if travel != nil && date >= travel.From && date <= travel.To {
			pl := g.placeByID(travel.Place)
			plan = dayPlan{place: pl, ip: hostIn(pl.CIDR, f), noise: travel.ID, risk: travel.Risk}
		}
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday || g.holiday[date]
		if weekend && f.Float64() >= u.Profile.WeekendShare {
			continue
		}
		g.userDay(b, f, u, day, plan, weekend, vpn)
	}
}

func (g *gen) placeByID(id string) *scenario.Place {
	for i := range g.s.Places {
		if g.s.Places[i].ID == id {
			return &g.s.Places[i]
		}
	}
	return nil
}

// between draws a count from an inclusive range.
func between(f *gofakeit.Faker, r scenario.Range) int {
	return r[0] + f.IntN(r[1]-r[0]+1)
}

// localTime is hour h (fractional) of a calendar day in a place's zone, in UTC.
func localTime(day time.Time, loc *time.Location, h float64) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).Add(time.Duration(h * float64(time.Hour))).Truncate(time.Millisecond).UTC()
}

func (g *gen) userDay(b *batch, f *gofakeit.Faker, u *User, day time.Time, plan dayPlan, weekend bool, vpn *scenario.Noise) {
	p := u.Profile
	loc := plan.place.Location
	wh := g.s.Background.WorkHours
	startH := float64(wh[0]) + f.Float64()*1.2 - 0.4
	endH := float64(wh[1]) + f.Float64()*1.5 - 0.5
	nInt, nNon, nApp := between(f, p.Interactive), between(f, p.NonInteractive), between(f, p.CloudApp)
	if weekend {
		plan = dayPlan{place: u.Home, ip: u.HomeIP}
		loc = u.Home.Location
		startH, endH = 10+f.Float64()*3, 14+f.Float64()*6
		nInt, nNon, nApp = f.IntN(2), 1+f.IntN(3), f.IntN(2)
	}
	if vpn != nil && f.Float64() < vpn.Share {
		pl := g.placeByID(vpn.Place)
		plan = dayPlan{place: pl, ip: hostIn(pl.CIDR, f), noise: vpn.ID, risk: vpn.Risk}
	}
	at := func() time.Time { return localTime(day, loc, startH+f.Float64()*(endH-startH)) }
	victim := u.UPN == g.s.Attack.Victim+"@"+g.p.TenantDomain
	lockedOut := func(t time.Time) bool { return victim && !g.lockout.IsZero() && !t.Before(g.lockout) }
	meta := RowMeta{Noise: plan.noise}
	a := actor{user: u, ip: plan.ip, place: plan.place}

	for i := 0; i < nInt; i++ {
		t := localTime(day, loc, startH+f.Float64()*0.3)
		if i > 0 {
			t = at()
		}
		app := g.apps[p.Apps[f.IntN(len(p.Apps))]]
		si := signIn{at: t, user: u, app: app, place: plan.place, ip: plan.ip, device: deviceFor(u, app),
			interactive: true, mfa: i == 0 && (!plan.place.Trusted || f.IntN(3) == 0), risk: plan.risk, meta: meta}
		if plan.risk == "medium" && f.IntN(3) != 0 {
			si.risk, si.riskEvents = "low", nil
		}
		if si.risk == "medium" {
			si.riskEvents = []string{"unfamiliarFeatures"}
		}
		if lockedOut(t) {
			// The attacker changed the password: the owner's attempts fail.
			si.result, si.mfa, si.risk = 50126, false, ""
			g.emitSignIn(b, f, si)
			continue
		}
		if f.Float64() < g.s.Background.FailureRate {
			fail := si
			fail.at = t.Add(-time.Duration(5+f.IntN(90)) * time.Second)
			fail.result = g.failureCode(f)
			fail.mfa = false
			g.emitSignIn(b, f, fail)
			switch fail.result {
			case 53003:
				continue
			case 50074, 50076, 500121:
				si.mfa = true
			}
		}
		g.emitSignIn(b, f, si)
	}
	for i := 0; i < nNon; i++ {
		t := at()
		if lockedOut(t) {
			continue
		}
		app := g.apps[p.Apps[f.IntN(len(p.Apps))]]
		si := signIn{at: t, user: u, app: app, place: plan.place, ip: plan.ip, device: deviceFor(u, app),
			risk: noneIfMedium(plan.risk), meta: meta}
		if f.Float64() < g.s.Background.RefreshFailureRate {
			si.result = pickFailure(f, g.s.Background.RefreshFailures)
		}
		g.emitSignIn(b, f, si)
	}
	for i := 0; i < nApp; i++ {
		app := g.officeApp(f, p)
		if app == nil {
			break
		}
		a.app, a.device = app, deviceFor(u, app)
		g.emitOfficeActivity(b, f, at(), a)
	}
	if weekend {
		return
	}
	g.adminWork(b, f, u, a, at)
}

func noneIfMedium(risk string) string {
	if risk == "medium" {
		return "none"
	}
	return risk
}

func (g *gen) failureCode(f *gofakeit.Faker) int {
	return pickFailure(f, g.s.Background.Failures)
}

// pickFailure draws an error code from a weighted list.
func pickFailure(f *gofakeit.Faker, fl []scenario.Failure) int {
	total := 0
	for _, x := range fl {
		total += x.Weight
	}
	if total == 0 {
		return 0
	}
	return fl[pickWeighted(f, total, func(i int) int { return fl[i].Weight })].Code
}

// officeApp picks a Microsoft 365 app of the profile (not an Azure management client).
func (g *gen) officeApp(f *gofakeit.Faker, p scenario.Profile) *scenario.App {
	var office []*scenario.App
	for _, n := range p.Apps {
		if a := g.apps[n]; a.CloudApp != "Microsoft Azure" {
			office = append(office, a)
		}
	}
	if len(office) == 0 {
		return nil
	}
	return office[f.IntN(len(office))]
}

// deviceFor picks the device a client app runs on: phones for mobile apps, else the computer.
func deviceFor(u *User, app *scenario.App) Device {
	if app.Name == "Outlook Mobile" {
		for _, d := range u.Devices {
			if d.OS[:3] == "Ios" || d.OS[:3] == "And" {
				return d
			}
		}
	}
	return u.Devices[0]
}
