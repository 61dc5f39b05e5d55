package generate

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator/kql/catalog"
)

// Table indexes inside a generator, in the order of Tables.
const (
	tSignin = iota
	tNonInteractive
	tAudit
	tActivity
	tDiagnostics
	tBlob
	tCloudApp
	tIdentityLogon
	tSigninBeta
	tIdentityInfo
	tAlertInfo
	tAlertEvidence
	tBehavior
	tThreatIntel
	tEmailEvents
	tEmailUrl
	tEmailAttach
	tUrlClick
	tOfficeActivity
	tDeviceInfo
	tDeviceLogon
	tDeviceProcess
	tDeviceNetwork
	tDeviceFile
	tDeviceEvents
	tSPSignin
	tPeers
	tSecurityEvent
	tDnsEvents
	tHeartbeat
	numTables
)

// entry is one emitted row and its side data.
type entry struct {
	vals []any
	meta RowMeta
}

// batch collects the rows of one independent stream (a user, the attack...).
type batch struct {
	rows [numTables][]entry
}

// gen holds what every stream reads; it is immutable while streams run.
type gen struct {
	s       *scenario.Scenario
	cast    *Cast
	p       Params
	tables  [numTables]*Table
	start   time.Time
	end     time.Time
	apps    map[string]*scenario.App
	res     map[string]resourceRef
	vaults  map[string]*scenario.KeyVault
	account map[string]*scenario.StorageAccount
	holiday map[string]bool
	sh      *shared
	// lockout is when the attacker changed the victim's password (zero if never): the owner's
	// own sign-ins fail from then on.
	lockout time.Time
	// partnerIP and endpointIPs are the fixed addresses of partners' mail relays and of the
	// Microsoft endpoints the laptops connect to.
	partnerIP, endpointIPs map[string]string
}

// Generate makes the scenario's telemetry for Params. Streams (one per user, one per service
// principal, one for the attack, one per noise pattern) draw from seeds derived from Params.Seed
// and their own name, run in parallel, and are merged in a fixed order, then each table is
// stably sorted by time: the output is byte-identical for the same inputs.
func Generate(s *scenario.Scenario, p Params) (*Telemetry, error) {
	cast, err := ResolveCast(s, p)
	if err != nil {
		return nil, err
	}
	return GenerateCast(s, cast)
}

// GenerateCast is Generate for an already resolved cast (the simulator resolves it once).
func GenerateCast(s *scenario.Scenario, cast *Cast) (*Telemetry, error) {
	g, err := newGen(s, cast)
	if err != nil {
		return nil, err
	}
	var streams []func(*batch)
	for _, u := range cast.Users {
		streams = append(streams, func(b *batch) { g.userStream(b, u) })
	}
	for _, sp := range cast.ServicePrincipals {
		streams = append(streams, func(b *batch) { g.servicePrincipalStream(b, sp) })
	}
	for i := range s.Background.Noise {
		n := &s.Background.Noise[i]
		if n.Kind == scenario.NoiseAudit || n.Kind == scenario.NoiseARMBurst {
			streams = append(streams, func(b *batch) { g.noiseStream(b, n) })
		}
	}
	for i := range s.Attack.Steps {
		st := &s.Attack.Steps[i]
		streams = append(streams, func(b *batch) { g.stepStream(b, st) })
	}
	for _, u := range cast.Users {
		streams = append(streams, func(b *batch) { g.officeStream(b, u) })
	}
	streams = append(streams, func(b *batch) { g.identityInfoStream(b) }, func(b *batch) { g.phishStream(b) },
		func(b *batch) { g.peerAnalytics(b) })
	for _, sv := range g.servers() {
		streams = append(streams, func(b *batch) { g.serverStream(b, sv) })
	}
	t := g.run(streams, g.start, g.end)
	g.threatIntel(t.tables["SigninLogs"], t.tables["ThreatIntelligenceIndicator"])
	g.behaviorAnalytics(t)
	return t, nil
}

// run executes streams in parallel and merges their rows in stream order, keeping rows in
// [from, to) and sorting each table by time.
func (g *gen) run(streams []func(*batch), from, to time.Time) *Telemetry {
	batches := make([]batch, len(streams))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				streams[i](&batches[i])
			}
		}()
	}
	for i := range streams {
		next <- i
	}
	close(next)
	wg.Wait()

	t := &Telemetry{Params: g.p, Start: from, End: to, tables: map[string]*Table{}}
	for ti, tb := range g.tables {
		n := 0
		for i := range batches {
			n += len(batches[i].rows[ti])
		}
		all := make([]entry, 0, n)
		for i := range batches {
			for _, e := range batches[i].rows[ti] {
				if !e.meta.Time.Before(from) && e.meta.Time.Before(to) {
					all = append(all, e)
				}
			}
		}
		// Sort positions by (time, position): stable, without moving the entries around.
		order := make([]int32, len(all))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int {
			if c := all[a].meta.Time.Compare(all[b].meta.Time); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		tb.Rows = make([][]any, len(all))
		tb.Meta = make([]RowMeta, len(all))
		for i, j := range order {
			tb.Rows[i], tb.Meta[i] = all[j].vals, all[j].meta
		}
		t.tables[tb.Name] = tb
	}
	return t
}

func newGen(s *scenario.Scenario, cast *Cast) (*gen, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	g := &gen{s: s, cast: cast, p: cast.Params, apps: map[string]*scenario.App{},
		vaults: map[string]*scenario.KeyVault{}, account: map[string]*scenario.StorageAccount{},
		holiday: map[string]bool{}, sh: buildShared(s, cast)}
	for i, name := range Tables {
		if g.tables[i], err = newTable(cat, name); err != nil {
			return nil, err
		}
	}
	g.start = s.Day.AddDate(0, 0, -g.p.Days)
	g.end = s.Day.AddDate(0, 0, 1)
	for i := range s.Cast.Apps {
		g.apps[s.Cast.Apps[i].Name] = &s.Cast.Apps[i]
	}
	for i := range s.Cast.KeyVaults {
		g.vaults[s.Cast.KeyVaults[i].Name] = &s.Cast.KeyVaults[i]
	}
	for i := range s.Cast.StorageAccounts {
		g.account[s.Cast.StorageAccounts[i].Name] = &s.Cast.StorageAccounts[i]
	}
	for _, h := range s.Background.Holidays {
		g.holiday[h] = true
	}
	g.res = resources(s, g.p.SubscriptionID)
	g.initNetworks()
	for _, st := range s.Attack.Steps {
		for _, e := range st.Events {
			if e.Kind == scenario.EventAudit && e.User == s.Attack.Victim && e.Target.User == s.Attack.Victim &&
				strings.HasPrefix(e.Activity, "Change password") && (g.lockout.IsZero() || e.At.Before(g.lockout)) {
				g.lockout = e.At
			}
		}
	}
	return g, nil
}

func (b *batch) emit(ti int, r row, m RowMeta) {
	b.rows[ti] = append(b.rows[ti], entry{vals: r.vals, meta: m})
}
