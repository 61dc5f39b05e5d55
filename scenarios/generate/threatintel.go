package generate

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/soclab/soclab/scenarios/scenario"
)

// TI feeds: the names connector-imported indicators carry in SourceSystem (a TAXII feed shows
// the friendly name its connector was given) and IndicatorProvider.
const (
	tiFeedTor  = "Tor exit nodes (TAXII)"
	tiFeedMDTI = "Microsoft Defender Threat Intelligence"
	// tiRefresh is how often a feed re-sends its live indicators: each send is a new row with
	// the same IndicatorId, so rules that look back 14 days and take arg_max by IndicatorId
	// see every live indicator (a modelling choice, see docs/threat-intelligence.md).
	tiRefresh = 7 * 24 * time.Hour
)

// indicator is one threat-intelligence indicator and the columns it sets.
type indicator struct {
	id, feed, threatType, description, tags, tlp string
	confidence                                   float64
	severity                                     int64
	created                                      time.Time
	// lifetime is how long after each send the indicator stays valid (ExpirationDateTime).
	lifetime time.Duration
	// revoked, when set, is when the feed deactivated the indicator (a last row Active=false).
	revoked time.Time
	// set fills the indicator's own observable columns (NetworkIP, Url, FileHashValue...).
	set func(r row) row
	// kill chain phase flags: c2, delivery, actions, recon.
	c2, delivery, actions, recon bool
	actors                       string
}

// threatIntel writes ThreatIntelligenceIndicator: the Tor exit feed, which lists the attacker's
// addresses one by one and its /24 as a range, a Microsoft TI background of botnet, C2, phishing,
// malware and scanner indicators, and a commercial VPN egress the tenant's own travellers use (the
// false positives a real TI match rule raises). signins are the generated sign-ins, read for the
// VPN addresses actually seen. Rows are sorted by time, each send of an indicator a row.
func (g *gen) threatIntel(signins, out *Table) {
	f := newFaker(g.p.Seed, "threatintel")
	var inds []indicator
	inds = append(inds, g.torIndicators(f)...)
	inds = append(inds, g.vpnIndicators(f, signins)...)
	inds = append(inds, g.backgroundIndicators(f)...)
	type sent struct {
		at  time.Time
		ind int
		n   int
	}
	// A window shorter than two refresh periods (small test tenants) refreshes faster, so every
	// live indicator is sent inside it.
	period := min(tiRefresh, g.end.Sub(g.start)/2-time.Hour)
	var sends []sent
	for i, ind := range inds {
		for n, at := 0, ind.created; at.Before(g.end); n, at = n+1, at.Add(period+time.Duration(f.IntN(3600))*time.Second) {
			if !ind.revoked.IsZero() && !at.Before(ind.revoked) {
				break
			}
			sends = append(sends, sent{at, i, n})
		}
		if !ind.revoked.IsZero() && ind.revoked.Before(g.end) {
			sends = append(sends, sent{ind.revoked, i, -1})
		}
	}
	slices.SortStableFunc(sends, func(a, b sent) int { return a.at.Compare(b.at) })
	for _, s := range sends {
		if s.at.Before(g.start) {
			continue
		}
		ind := &inds[s.ind]
		active, expires := true, s.at.Add(ind.lifetime)
		if s.n < 0 {
			active, expires = false, s.at
		}
		r := out.newRow().
			set("Action", "alert").set("Active", active).set("ActivityGroupNames", ind.actors).
			set("AdditionalInformation", "").set("_BilledSize", float64(900+f.IntN(400))).
			set("ConfidenceScore", ind.confidence).set("Description", ind.description).set("DiamondModel", "").
			set("ExpirationDateTime", expires).set("ExternalIndicatorId", "indicator--"+ind.id).
			set("IndicatorId", ind.id).set("IndicatorProvider", ind.feed).set("_IsBillable", "True").
			set("KillChainActions", ind.actions).set("KillChainC2", ind.c2).set("KillChainDelivery", ind.delivery).
			set("KillChainExploitation", false).set("KillChainReconnaissance", ind.recon).set("KillChainWeaponization", false).
			set("PassiveOnly", false).set("SourceSystem", ind.feed).set("Tags", ind.tags).
			set("TenantId", g.p.WorkspaceID).set("ThreatSeverity", ind.severity).set("ThreatType", ind.threatType).
			set("TimeGenerated", s.at).set("TrafficLightProtocolLevel", ind.tlp).set("Type", "ThreatIntelligenceIndicator")
		r = ind.set(r)
		out.Rows = append(out.Rows, r.vals)
		out.Meta = append(out.Meta, RowMeta{Time: s.at, Source: SourceThreatIntel})
	}
}

// attackerAddresses are the addresses the attack and the attacker's return use inside the
// attacker's network, sorted.
func (g *gen) attackerAddresses() (*scenario.Place, []string) {
	place := g.placeByID(g.s.Attack.Place)
	seen := map[string]bool{}
	add := func(ips ...string) {
		for _, ip := range ips {
			if p, ok := g.cast.PlaceOf(ip); ok && p == place {
				seen[ip] = true
			}
		}
	}
	for _, st := range g.s.Attack.Steps {
		for _, e := range st.Events {
			add(e.IP)
			add(e.IPs...)
		}
	}
	if r := g.s.Attack.Return; r != nil {
		for _, a := range r.Attempts {
			add(a.IP)
			add(a.IPs...)
		}
		for _, e := range r.FollowUp {
			add(e.IP)
			add(e.IPs...)
		}
	}
	ips := make([]string, 0, len(seen))
	for ip := range seen {
		ips = append(ips, ip)
	}
	slices.SortFunc(ips, func(a, b string) int {
		return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
	})
	return place, ips
}

// torIndicators: the attacker's network is a Tor exit range; the feed lists each exit seen
// there (the attacker's addresses and other exits of the range) and the range itself.
func (g *gen) torIndicators(f *gofakeit.Faker) []indicator {
	place, ips := g.attackerAddresses()
	if place == nil {
		return nil
	}
	exits := map[string]bool{}
	for _, ip := range ips {
		exits[ip] = true
	}
	for len(exits) < len(ips)+20 {
		exits[hostIn(place.CIDR, f)] = true
	}
	all := make([]string, 0, len(exits))
	for ip := range exits {
		all = append(all, ip)
	}
	slices.SortFunc(all, func(a, b string) int { return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b)) })
	tor := func(desc string, set func(r row) row) indicator {
		return indicator{id: uuidFrom(f), feed: tiFeedTor, threatType: "Proxy", description: desc,
			tags: `["Tor","Anonymizer","Exit node"]`, tlp: "white", confidence: float64(80 + f.IntN(16)), severity: 2,
			created:  g.start.AddDate(0, 0, -f.IntN(120)).Add(time.Duration(f.IntN(86400)) * time.Second),
			lifetime: 30 * 24 * time.Hour, set: set, c2: false, actions: true}
	}
	out := []indicator{tor("Tor exit node range "+place.CIDR+" ("+place.ISP+", AS"+fmt.Sprint(place.ASN)+")",
		func(r row) row { return r.set("NetworkCidrBlock", place.CIDR) })}
	for _, ip := range all {
		out = append(out, tor("Tor exit node "+ip, func(r row) row { return r.set("NetworkIP", ip) }))
	}
	return out
}

// vpnIndicators list two of the commercial VPN egress addresses the tenant's travellers used as
// anonymizing proxies (low confidence): the benign matches a real TI rule also raises.
func (g *gen) vpnIndicators(f *gofakeit.Faker, signins *Table) []indicator {
	var vpn *scenario.Place
	for i := range g.s.Places {
		if g.s.Places[i].Kind == scenario.PlaceVPN {
			vpn = &g.s.Places[i]
			break
		}
	}
	if vpn == nil || signins == nil {
		return nil
	}
	seen := map[string]bool{}
	var ips []string
	for _, row := range signins.Rows {
		ip, _ := row[signins.Col("IPAddress")].(string)
		if p, ok := g.cast.PlaceOf(ip); ok && p == vpn && !seen[ip] {
			seen[ip] = true
			ips = append(ips, ip)
		}
	}
	slices.Sort(ips)
	var out []indicator
	for _, ip := range ips[:min(2, len(ips))] {
		out = append(out, indicator{id: uuidFrom(f), feed: tiFeedMDTI, threatType: "Proxy",
			description: "Commercial VPN service egress " + ip + " (" + vpn.ISP + ")", tags: `["VPN","Anonymizer"]`,
			tlp: "green", confidence: 40, severity: 1, created: g.start.AddDate(0, 0, -f.IntN(60)),
			lifetime: 90 * 24 * time.Hour, set: func(r row) row { return r.set("NetworkIP", ip) }})
	}
	return out
}

// fictionalActors are invented activity groups (marked so: no real actor is named).
var fictionalActors = []string{"Storm-9012 (fictional)", "Amber Kestrel (fictional)", "Copper Lantern (fictional)", ""}

// backgroundIndicators are the Microsoft feed's usual mix: botnet and C2 addresses, scanners,
// phishing domains and URLs, malware hashes and phishing senders, none of which the tenant meets.
func (g *gen) backgroundIndicators(f *gofakeit.Faker) []indicator {
	var out []indicator
	base := func(threat, desc string, conf float64, sev int64) indicator {
		ind := indicator{id: uuidFrom(f), feed: tiFeedMDTI, threatType: threat, description: desc, tlp: "green",
			confidence: conf, severity: sev, created: g.start.AddDate(0, 0, -f.IntN(45)).Add(time.Duration(f.IntN(g.p.Days*86400)) * time.Second),
			lifetime: time.Duration(30+f.IntN(60)) * 24 * time.Hour, actors: fictionalActors[f.IntN(len(fictionalActors))]}
		if f.IntN(12) == 0 {
			ind.revoked = ind.created.Add(time.Duration(3+f.IntN(20)) * 24 * time.Hour)
		}
		return ind
	}
	kinds := []struct {
		threat, desc, tags string
		n                  int
		sev                int64
	}{
		{"Botnet", "Botnet node", `["Botnet"]`, 60, 3}, {"C2", "Command and control server", `["C2","Cobalt Strike"]`, 40, 4},
		{"WatchList", "Internet scanner", `["Scanner","Brute force"]`, 50, 1},
	}
	for _, k := range kinds {
		for range k.n {
			ip := g.publicAddress(f)
			ind := base(k.threat, k.desc+" "+ip, float64(50+f.IntN(50)), k.sev)
			ind.tags, ind.c2, ind.recon = k.tags, k.threat != "WatchList", k.threat == "WatchList"
			ind.set = func(r row) row { return r.set("NetworkIP", ip) }
			out = append(out, ind)
		}
	}
	tlds := []string{"top", "xyz", "online", "site", "info", "click"}
	for range 40 {
		domain := slug(f.Word()) + "-" + slug(f.Word()) + f.DigitN(2) + "." + tlds[f.IntN(len(tlds))]
		ind := base("Phishing", "Credential phishing domain "+domain, float64(60+f.IntN(40)), 3)
		ind.tags, ind.delivery = `["Phishing","AiTM"]`, true
		ind.set = func(r row) row { return r.set("DomainName", domain) }
		out = append(out, ind)
		if f.IntN(2) == 0 {
			url := "https://" + domain + "/" + strings.ToLower(f.LetterN(8)) + "/login"
			u := base("MaliciousUrl", "Phishing kit landing page", float64(60+f.IntN(40)), 3)
			u.tags, u.delivery = `["Phishing"]`, true
			u.set = func(r row) row { return r.set("Url", url).set("DomainName", domain) }
			out = append(out, u)
		}
	}
	families := []string{"Lumma Stealer", "QakBot", "AsyncRAT", "RedLine Stealer"}
	for range 25 {
		hash, family := strings.ToLower(f.HexUint(256))[2:], families[f.IntN(len(families))]
		name := slug(f.Word()) + []string{".exe", ".dll", ".js", ".iso"}[f.IntN(4)]
		ind := base("Malware", family+" sample", float64(70+f.IntN(30)), 4)
		ind.tags, ind.actions = `["Malware","`+family+`"]`, true
		size := int64(40_000 + f.IntN(2_000_000))
		ind.set = func(r row) row {
			return r.set("FileHashType", "SHA256").set("FileHashValue", hash).set("FileName", name).set("FileSize", size).
				set("FileType", strings.TrimPrefix(name[strings.LastIndexByte(name, '.'):], ".")).
				set("FilePath", `C:\Users\Public\`+name).set("FileCreatedDateTime", ind.created.Add(-48*time.Hour)).
				set("FileCompileDateTime", ind.created.Add(-240*time.Hour)).set("FileMutexName", "").set("FilePacker", "UPX").
				set("MalwareNames", family)
		}
		out = append(out, ind)
	}
	for range 10 {
		sender := slug(f.FirstName()) + "@" + slug(f.Word()) + "-invoices.com"
		ip := g.publicAddress(f)
		ind := base("Phishing", "Phishing sender", float64(60+f.IntN(40)), 3)
		ind.tags, ind.delivery = `["Phishing","BEC"]`, true
		subject, name := "Invoice "+f.DigitN(6)+" overdue", f.Name()
		ind.set = func(r row) row {
			return r.set("EmailSenderAddress", sender).set("EmailSenderName", name).set("EmailSubject", subject).
				set("EmailSourceDomain", sender[strings.IndexByte(sender, '@')+1:]).set("EmailSourceIpAddress", ip).
				set("EmailEncoding", "utf-8").set("EmailLanguage", "en-us").set("EmailRecipient", "").set("EmailXMailer", "")
		}
		out = append(out, ind)
	}
	// A few indicators name a port, an ASN or a flow direction, as network feeds do.
	for range 8 {
		src, dst := g.publicAddress(f), g.publicAddress(f)
		ind := base("C2", "Beaconing destination", float64(50+f.IntN(50)), 3)
		ind.tags, ind.c2 = `["C2"]`, true
		port, asn := int64([]int{443, 8443, 4444, 8080}[f.IntN(4)]), int64(10000+f.IntN(60000))
		ind.set = func(r row) row {
			return r.set("NetworkDestinationIP", dst).set("NetworkDestinationPort", port).set("NetworkDestinationAsn", asn).
				set("NetworkDestinationCidrBlock", dst[:strings.LastIndexByte(dst, '.')]+".0/24").set("NetworkProtocol", int64(6)).
				set("NetworkSourceIP", src).set("NetworkSourcePort", int64(49152+f.IntN(16000))).set("NetworkSourceAsn", int64(10000+f.IntN(60000))).
				set("NetworkSourceCidrBlock", src[:strings.LastIndexByte(src, '.')]+".0/24").set("NetworkPort", port).
				set("UserAgent", "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1)").set("KnownFalsePositives", "")
		}
		out = append(out, ind)
	}
	slices.SortStableFunc(out, func(a, b indicator) int { return cmp.Compare(a.id, b.id) })
	return out
}

// publicAddress draws a public IPv4 address outside every network of the scenario.
func (g *gen) publicAddress(f *gofakeit.Faker) string {
	for {
		a := netip.AddrFrom4([4]byte{byte(1 + f.IntN(222)), byte(f.IntN(256)), byte(f.IntN(256)), byte(1 + f.IntN(254))})
		if a.IsPrivate() || a.IsLoopback() || a.As4()[0] == 100 || a.As4()[0] == 169 {
			continue
		}
		if _, ok := g.cast.PlaceOf(a.String()); ok {
			continue
		}
		return a.String()
	}
}

// slug keeps the lower-case letters and digits of a word (for made-up host and file names).
func slug(w string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(w) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
