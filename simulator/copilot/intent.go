package copilot

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Intent is what a prompt asks for.
type Intent string

// The intents the lab's Copilot answers.
const (
	IntentIncidentSummary Intent = "incidentSummary"
	IntentUserRisk        Intent = "userRiskProfile"
	IntentIPEnrichment    Intent = "ipEnrichment"
	IntentListIncidents   Intent = "listIncidents"
	IntentContainment     Intent = "containment"
	IntentKQL             Intent = "naturalLanguageToKql"
	IntentBlastRadius     Intent = "blastRadius"
	IntentUnknown         Intent = "unknown"
)

// Entities are what a prompt names.
type Entities struct {
	// Incident is a Defender XDR incident number (0: none).
	Incident int
	// SentinelGUID is a Sentinel incident's GUID named instead of the Defender number.
	SentinelGUID string
	UPN          string
	IP           string
	CIDR         string
	// Domain is a DNS name (not a UPN's), lower-case.
	Domain string
	// Days is a lookback the prompt names ("last 7 days", "past week"; 0: none).
	Days int
}

// Understanding is a classified prompt.
type Understanding struct {
	Intent   Intent
	Entities Entities
	// Scores are the keyword scores per intent (for tests and diagnostics).
	Scores map[Intent]float64
}

// cue is a keyword or phrase of an intent with its weight; words of 5+ letters also match
// with one typo (8+: two), and a cue ending in "*" matches as a prefix.
type cue struct {
	words  []string
	weight float64
}

func cues(weight float64, list ...string) []cue {
	out := make([]cue, len(list))
	for i, s := range list {
		out[i] = cue{words: strings.Fields(s), weight: weight}
	}
	return out
}

func join(lists ...[]cue) []cue {
	var out []cue
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// intentCues are the keywords per intent; order breaks ties (first wins).
var intentCues = []struct {
	intent Intent
	cues   []cue
}{
	{IntentKQL, join(cues(5, "kql", "kusto"), cues(3, "query", "queries", "advanced hunting"), cues(2, "hunt*", "write a", "generate a", "translate"))},
	{IntentContainment, join(cues(3, "contain*", "remediat*", "mitigat*", "evict*", "next steps", "what should i do", "what should we do", "how do i stop", "kick out"), cues(2, "respond", "response", "isolate", "recommend*", "lock out", "block"))},
	{IntentListIncidents, join(cues(3, "list", "my incidents", "recent incidents", "open incidents", "active incidents", "which incidents", "what incidents", "all incidents"), cues(1, "incidents"))},
	{IntentIncidentSummary, join(cues(3, "summarize", "summarise", "summary", "overview", "what happened", "recap", "walk me through", "break down", "breakdown"), cues(2, "explain", "describe", "timeline", "tell me about", "details of", "brief"), cues(1, "incident", "alerts", "mitre"))},
	{IntentBlastRadius, join(cues(3, "blast radius", "blast", "impact*", "what could", "could reach", "exposure", "how far"), cues(2, "reach*", "touch*", "accessed", "did access", "resources", "estimate", "at risk"), cues(1, "secrets", "storage", "azure"))},
	{IntentUserRisk, join(cues(3, "risk profile", "risky user", "risk level", "user risk"), cues(2, "risk", "risky", "profile", "compromised", "who is", "privileged", "roles"), cues(1, "user", "account", "groups"))},
	{IntentIPEnrichment, join(cues(3, "enrich*", "reputation", "threat intelligence", "threat intel", "lookup", "look up", "geolocat*"), cues(2, "tor", "malicious", "intel", "ti", "who owns", "known bad", "vpn"), cues(1, "ip", "address"))},
}

var (
	guidRE     = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	cidrRE     = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b`)
	ipRE       = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	upnRE      = regexp.MustCompile(`(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b`)
	incidentRE = regexp.MustCompile(`(?i)(?:\bincident|#|\bid|\bnumber|\bno\.?)\s*(?:#|number|no\.?|id)?\s*:?\s*(\d{1,10})\b`)
	bareNumRE  = regexp.MustCompile(`\b(\d{5,10})\b`)
	wordRE     = regexp.MustCompile(`[a-z0-9]+`)
	// domainRE is a DNS name with a common top-level domain (a bare "alex.johnson" is not one).
	domainRE = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:com|net|org|io|info|biz|xyz|top|ru|cn|co|uk|de|fr|nl|me|app|dev|online|site|club|live|onion|su|tk|ml|ga|cf|gq|cc|ws|pw|us|eu|in|br|ir|kp|click|link|shop|store|space|website|icu|buzz|fun|life|today|cloud|host|pro|tech)\b`)
	daysRE   = regexp.MustCompile(`(?i)\b(?:last|past|previous|over)\s+(?:the\s+)?(\d{1,3})\s*(day|d|week|month)s?\b|\b(?:last|past|previous)\s+(day|week|month)\b`)
)

// Understand classifies a prompt and extracts its entities.
func Understand(prompt string) Understanding {
	ents, rest := extract(prompt)
	toks := wordRE.FindAllString(strings.ToLower(rest), -1)
	u := Understanding{Entities: ents, Scores: map[Intent]float64{}}
	for _, ic := range intentCues {
		s := 0.0
		for _, c := range ic.cues {
			if matchCue(toks, c.words) {
				s += c.weight
			}
		}
		u.Scores[ic.intent] = s
	}
	// Entities say what the question is about.
	if ents.Incident != 0 || ents.SentinelGUID != "" {
		u.Scores[IntentIncidentSummary] += 2
	}
	if ents.UPN != "" {
		u.Scores[IntentUserRisk] += 2
	}
	if ents.IP != "" || ents.Domain != "" {
		u.Scores[IntentIPEnrichment] += 2
	}
	if ents.CIDR != "" {
		u.Scores[IntentKQL] += 1
		u.Scores[IntentIPEnrichment] += 1
	}
	u.Intent = IntentUnknown
	best := 2.5
	for _, ic := range intentCues {
		if s := u.Scores[ic.intent]; s > best {
			u.Intent, best = ic.intent, s
		}
	}
	return u
}

// extract finds the entities and returns the prompt without them (so numbers in an IP are
// not read as an incident number).
func extract(prompt string) (Entities, string) {
	var e Entities
	rest := prompt
	if m := guidRE.FindString(rest); m != "" {
		e.SentinelGUID = strings.ToLower(m)
		rest = strings.ReplaceAll(rest, m, " ")
	}
	if m := upnRE.FindString(rest); m != "" {
		e.UPN = strings.ToLower(m)
		rest = strings.ReplaceAll(rest, m, " ")
	}
	if m := domainRE.FindString(rest); m != "" { // after the UPN, so not its domain
		e.Domain = strings.ToLower(m)
		rest = strings.ReplaceAll(rest, m, " ")
	}
	for _, m := range cidrRE.FindAllString(rest, -1) {
		if p, err := netip.ParsePrefix(m); err == nil && p.Addr().Is4() && e.CIDR == "" {
			e.CIDR = p.Masked().String()
		}
		rest = strings.ReplaceAll(rest, m, " ")
	}
	for _, m := range ipRE.FindAllString(rest, -1) {
		if a, err := netip.ParseAddr(m); err == nil && e.IP == "" {
			e.IP = a.String()
		}
		rest = strings.ReplaceAll(rest, m, " ")
	}
	if m := daysRE.FindStringSubmatch(rest); m != nil {
		n, unit := 1, m[3]
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
			unit = m[2]
		}
		switch strings.ToLower(unit) {
		case "week":
			n *= 7
		case "month":
			n *= 30
		}
		e.Days = n
		rest = strings.Replace(rest, m[0], " ", 1)
	}
	if m := incidentRE.FindStringSubmatch(rest); m != nil {
		e.Incident, _ = strconv.Atoi(m[1])
	} else if m := bareNumRE.FindStringSubmatch(rest); m != nil {
		e.Incident, _ = strconv.Atoi(m[1])
	}
	return e, rest
}

// matchCue reports whether the words occur consecutively in toks (fuzzily).
func matchCue(toks, words []string) bool {
	for i := 0; i+len(words) <= len(toks); i++ {
		ok := true
		for j, w := range words {
			if !matchWord(toks[i+j], w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func matchWord(tok, w string) bool {
	if strings.HasSuffix(w, "*") {
		stem := strings.TrimSuffix(w, "*")
		if strings.HasPrefix(tok, stem) {
			return true
		}
		if len(tok) >= len(stem) && len(stem) >= 5 {
			return editDistance(tok[:len(stem)], stem) <= 1
		}
		return false
	}
	if tok == w {
		return true
	}
	switch {
	case len(w) >= 8:
		return editDistance(tok, w) <= 2
	case len(w) >= 5:
		return editDistance(tok, w) <= 1
	}
	return false
}

// editDistance is the Damerau (optimal string alignment) distance between two words.
func editDistance(a, b string) int {
	if d := len(a) - len(b); d > 2 || d < -2 {
		return 3
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
