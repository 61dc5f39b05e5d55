package grader

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logicapps"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// The scenario's names the response checks look for.
const (
	compromisedUPN   = "alex.johnson@contoso.com"
	backdoorUser     = "svc-backup-admin"
	responseGroup    = "SOC Tier 2"
	responsePlaybook = "playbook-compromise-response"
)

// XDRState is the Defender XDR side of the tenant.
type XDRState struct {
	Settings xdr.Settings `json:"settings"`
	// ConnectedWorkspace is the workspace whose MicrosoftThreatProtection connector syncs ("" none).
	ConnectedWorkspace string        `json:"connectedWorkspace,omitempty"`
	Incidents          []XDRIncident `json:"incidents"`
}

// XDRIncident is a Defender incident with what the checks read of its alerts.
type XDRIncident struct {
	ID                 int      `json:"id"`
	Title              string   `json:"title"`
	Status             string   `json:"status"`
	Severity           string   `json:"severity"`
	Classification     string   `json:"classification"`
	Determination      string   `json:"determination"`
	AssignedTo         string   `json:"assignedTo"`
	RedirectIncidentID int      `json:"redirectIncidentId"`
	Products           []string `json:"products"`
	AlertTitles        []string `json:"alertTitles"`
	// SentinelRules are the analytics rules (names) whose alerts the incident holds.
	SentinelRules []string `json:"sentinelRules"`
	Users         []string `json:"users"`
	Comments      int      `json:"comments"`
}

// IdentityState is the directory as the response checks read it.
type IdentityState struct {
	Users []IdentityUser `json:"users"`
	// GlobalAdministrators are the user principal names holding Global Administrator.
	GlobalAdministrators []string         `json:"globalAdministrators"`
	Groups               []IdentityGroup  `json:"groups"`
	NamedLocations       []map[string]any `json:"namedLocations"`
	Policies             []map[string]any `json:"policies"`
}

// IdentityUser is a user's containment-relevant properties.
type IdentityUser struct {
	ID                              string    `json:"id"`
	UserPrincipalName               string    `json:"userPrincipalName"`
	AccountEnabled                  bool      `json:"accountEnabled"`
	SignInSessionsValidFromDateTime time.Time `json:"signInSessionsValidFromDateTime"`
	LastPasswordChangeDateTime      time.Time `json:"lastPasswordChangeDateTime"`
}

// IdentityGroup is a group's id and name.
type IdentityGroup struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// ResponseState is derived from the other sections: the lab's incident and what the learner's
// containment and automation did to it (facts that need more than one section to tell).
type ResponseState struct {
	// Incident is the Defender incident that holds the compromised user's alerts (nil: none yet).
	Incident *XDRIncident `json:"incident"`
	// SentinelIncident is that incident as synced into Sentinel (nil: not synced).
	SentinelIncident *SyncedIncident `json:"sentinelIncident"`
	// Return sums up the attacker's return: not yet, back in, or kept out.
	Return ReturnSummary `json:"attackerReturn"`
	// BackdoorUserPresent and BackdoorAdmin tell whether the attacker's user still exists and
	// still holds Global Administrator.
	BackdoorUserPresent bool `json:"backdoorUserPresent"`
	BackdoorAdmin       bool `json:"backdoorAdmin"`
	// PlaybookRuns counts the response playbook's runs by status.
	PlaybookRuns map[string]int `json:"playbookRuns"`
	// Classified: the lab's incident is classified true positive with a determination.
	Classified bool `json:"classified"`
	// SentinelRulesInDefender are the analytics rules whose alerts reached a Defender incident.
	SentinelRulesInDefender []string `json:"sentinelRulesInDefender"`
}

// SyncedIncident is the Sentinel side of the lab's Defender incident.
type SyncedIncident struct {
	Name           string `json:"name"`
	ProviderName   string `json:"providerName"`
	Status         string `json:"status"`
	Classification string `json:"classification"`
	// OwnerIsResponseGroup: the owner is the SOC Tier 2 group (its object id).
	OwnerIsResponseGroup bool   `json:"ownerIsResponseGroup"`
	Owner                string `json:"owner"`
	// PlaybookCommented: the response playbook posted its summary on this incident.
	PlaybookCommented bool     `json:"playbookCommented"`
	Comments          int      `json:"comments"`
	AlertProducts     []string `json:"alertProducts"`
}

// ReturnSummary is what happened when the attacker came back.
type ReturnSummary struct {
	// Happened: the return's session and password attempts have both been played (the clock
	// passed them after a launch).
	Happened bool `json:"happened"`
	// SessionRefused / PasswordRefused: the stolen session's reuse and the password sign-in failed.
	SessionRefused  bool `json:"sessionRefused"`
	PasswordRefused bool `json:"passwordRefused"`
	// BackIn: the attacker got in again (the follow-up activity was played).
	BackIn bool `json:"backIn"`
	// RangeBlocked: at the return, Conditional Access would have blocked even a valid sign-in
	// from the attacker's addresses (53003). A wrong or reset password fails before Conditional
	// Access is evaluated, so the attempts' own codes cannot show whether the block works.
	RangeBlocked bool `json:"rangeBlocked"`
	// Codes are the error codes per attempt kind ("session": 50173, "password": 53003, ...).
	Codes map[string][]int `json:"codes"`
}

// socSnapshot fills the Defender XDR, identity, attacker-return and response sections.
func socSnapshot(tx *simulator.TenantTx, s *Snapshot, base *identity.Base) error {
	var err error
	ruleOfAlert := map[string]string{} // Sentinel alert name → the rule that raised it
	for _, ws := range s.Workspaces {
		for _, a := range ws.Alerts {
			if a.RuleName != "" {
				ruleOfAlert[strings.ToLower(a.Name)] = a.RuleName
			}
		}
	}
	if s.XDR, err = xdrState(tx, ruleOfAlert); err != nil {
		return fmt.Errorf("defender xdr: %w", err)
	}
	if base != nil {
		dir, err := identity.Load(tx, base, tx.Now())
		if err != nil {
			return fmt.Errorf("directory: %w", err)
		}
		s.Identity = identityState(dir)
	}
	if s.AttackerReturn, err = containment.ReadResults(tx); err != nil {
		return fmt.Errorf("attacker's return: %w", err)
	}
	if s.AttackerReturn == nil {
		s.AttackerReturn = []containment.Result{}
	}
	if s.Response, err = responseState(tx, s); err != nil {
		return err
	}
	if base != nil {
		s.Response.Return.RangeBlocked, err = rangeBlocked(tx, base, s.AttackerReturn)
	}
	return err
}

// rangeBlocked asks the directory as of the attacker's first password attempt and first spray
// try whether a sign-in with a valid password from that address would pass Conditional Access.
// The account is taken as enabled: a disabled account fails (50057) before Conditional Access
// is evaluated, which says nothing about the block (at 13:46, before the spray, the password
// attempt is the only one to ask).
func rangeBlocked(tx *simulator.TenantTx, base *identity.Base, results []containment.Result) (bool, error) {
	seen := map[string]bool{}
	for _, r := range results {
		if (r.Kind != "password" && r.Kind != "spray") || seen[r.Kind] || r.UPN == "" || r.IP == "" {
			continue
		}
		seen[r.Kind] = true
		dir, err := identity.Load(tx, base, r.At)
		if err != nil {
			return false, fmt.Errorf("directory at %s: %w", r.At.Format(time.RFC3339), err)
		}
		if u := dir.UserByKey(r.UPN); u != nil {
			u.AccountEnabled = true // this call's copy of the directory
		}
		v := dir.Evaluate(identity.Attempt{UPN: r.UPN, IP: r.IP, At: r.At, Kind: identity.Password, CredentialTime: r.At})
		if v.ErrorCode == identity.CodeBlockedByCA {
			return true, nil
		}
	}
	return false, nil
}

func xdrState(tx *simulator.TenantTx, ruleOfAlert map[string]string) (XDRState, error) {
	st := XDRState{Incidents: []XDRIncident{}}
	var err error
	if st.Settings, err = xdr.ReadSettings(tx); err != nil {
		return st, err
	}
	if st.ConnectedWorkspace, err = xdr.ConnectedWorkspace(tx); err != nil {
		return st, err
	}
	incs, err := xdr.Incidents(tx)
	if err != nil {
		return st, err
	}
	for _, inc := range incs {
		alerts, err := xdr.IncidentAlerts(tx, inc)
		if err != nil {
			return st, err
		}
		x := XDRIncident{ID: inc.ID, Title: inc.DisplayName, Status: inc.Status, Severity: inc.Severity,
			Classification: inc.Classification, Determination: inc.Determination, AssignedTo: inc.AssignedTo,
			RedirectIncidentID: inc.RedirectIncidentID, Comments: len(inc.Comments)}
		products, rules, users := set{}, set{}, set{}
		for _, a := range alerts {
			products.add(a.ProductName)
			x.AlertTitles = append(x.AlertTitles, a.Title)
			if a.SentinelAlertID != "" {
				rules.add(ruleOfAlert[strings.ToLower(lastSegment(a.SentinelAlertID))])
			}
			for _, e := range a.Entities {
				if e.Kind == xdr.EntityUser && e.UPN != "" {
					users.add(strings.ToLower(e.UPN))
				}
			}
		}
		x.Products, x.SentinelRules, x.Users = products.sorted(), rules.sorted(), users.sorted()
		st.Incidents = append(st.Incidents, x)
	}
	return st, nil
}

func identityState(dir *identity.Directory) IdentityState {
	st := IdentityState{Users: []IdentityUser{}, GlobalAdministrators: []string{}, Groups: []IdentityGroup{},
		NamedLocations: nonNilMaps(dir.Locations), Policies: nonNilMaps(dir.Policies)}
	byID := map[string]string{}
	for _, u := range dir.SortedUsers() {
		byID[u.ID] = u.UserPrincipalName
		st.Users = append(st.Users, IdentityUser{ID: u.ID, UserPrincipalName: u.UserPrincipalName, AccountEnabled: u.AccountEnabled,
			SignInSessionsValidFromDateTime: u.SignInSessionsValidFromDateTime, LastPasswordChangeDateTime: u.LastPasswordChangeDateTime})
	}
	for _, id := range dir.RoleMembers(identity.GlobalAdministratorTemplateID) {
		if upn, ok := byID[id]; ok {
			st.GlobalAdministrators = append(st.GlobalAdministrators, upn)
		}
	}
	sort.Strings(st.GlobalAdministrators)
	for _, g := range dir.Groups {
		st.Groups = append(st.Groups, IdentityGroup{ID: g.ID, DisplayName: g.DisplayName})
	}
	return st
}

func responseState(tx *simulator.TenantTx, s *Snapshot) (ResponseState, error) {
	r := ResponseState{PlaybookRuns: map[string]int{}, Return: ReturnSummary{Codes: map[string][]int{}}}
	// The lab's incident: the live (not redirected) Defender incident about the compromised
	// user from the most products, the first of them (a replay of a step for break and fix after
	// the lab's incident was resolved makes a new one, which is not the lab's).
	for i := range s.XDR.Incidents {
		inc := &s.XDR.Incidents[i]
		if inc.RedirectIncidentID != 0 || !contains(inc.Users, compromisedUPN) {
			continue
		}
		if r.Incident == nil || labIncidentBefore(inc, r.Incident) {
			r.Incident = inc
		}
	}
	if r.Incident != nil {
		c, d := strings.ToLower(r.Incident.Classification), strings.ToLower(r.Incident.Determination)
		r.Classified = c == "truepositive" && d != "" && d != "unknown"
	}
	rules := set{}
	for _, inc := range s.XDR.Incidents {
		for _, name := range inc.SentinelRules {
			rules.add(name)
		}
	}
	r.SentinelRulesInDefender = rules.sorted()
	groupID := ""
	for _, g := range s.Identity.Groups {
		if strings.EqualFold(g.DisplayName, responseGroup) {
			groupID = g.ID
		}
	}
	if r.Incident != nil {
		for _, ws := range s.Workspaces {
			for _, inc := range ws.Incidents {
				p := inc.Properties
				if p.ProviderName != xdr.ProviderName || p.ProviderIncidentID != strconv.Itoa(r.Incident.ID) {
					continue
				}
				si := &SyncedIncident{Name: inc.Name, ProviderName: p.ProviderName, Status: deref(p.Status),
					Classification: deref(p.Classification), Comments: p.AdditionalData.CommentsCount,
					AlertProducts: p.AdditionalData.AlertProductNames}
				if p.Owner != nil {
					si.Owner = deref(p.Owner.AssignedTo)
					si.OwnerIsResponseGroup = groupID != "" && strings.EqualFold(deref(p.Owner.ObjectID), groupID)
				}
				comments, err := sentinel.IncidentComments(tx, inc.ID)
				if err != nil {
					return r, fmt.Errorf("comments of %s: %w", inc.Name, err)
				}
				for _, c := range comments {
					si.PlaybookCommented = si.PlaybookCommented || strings.EqualFold(c.Properties.Author.Name, responsePlaybook)
				}
				r.SentinelIncident = si
			}
		}
	}
	for _, res := range s.AttackerReturn {
		switch res.Kind {
		case "session", "password":
			r.Return.Codes[res.Kind] = append(r.Return.Codes[res.Kind], res.ErrorCode)
		case "follow-up":
			r.Return.BackIn = r.Return.BackIn || res.Played
		}
	}
	// The return has happened once both the session (13:40) and the password (13:42:30) were
	// tried: before the password attempt nothing tells whether the range is blocked.
	r.Return.Happened = len(r.Return.Codes["session"]) > 0 && len(r.Return.Codes["password"]) > 0
	r.Return.SessionRefused = refusedAll(r.Return.Codes["session"])
	r.Return.PasswordRefused = refusedAll(r.Return.Codes["password"])
	for _, u := range s.Identity.Users {
		if strings.HasPrefix(strings.ToLower(u.UserPrincipalName), backdoorUser+"@") {
			r.BackdoorUserPresent = true
		}
	}
	for _, upn := range s.Identity.GlobalAdministrators {
		if strings.HasPrefix(strings.ToLower(upn), backdoorUser+"@") {
			r.BackdoorAdmin = true
		}
	}
	for _, res := range s.Resources {
		if strings.EqualFold(res.Type, logicapps.WorkflowType) && strings.EqualFold(res.Name, responsePlaybook) {
			runs, err := logicapps.Runs(tx, res.ID)
			if err != nil {
				return r, fmt.Errorf("playbook runs: %w", err)
			}
			for _, run := range runs {
				r.PlaybookRuns[run.Properties.Status]++
			}
		}
	}
	return r, nil
}

func refusedAll(codes []int) bool {
	for _, c := range codes {
		if c == 0 {
			return false
		}
	}
	return len(codes) > 0
}

// set collects distinct strings.
type set map[string]bool

func (s set) add(v string) {
	if v != "" {
		s[v] = true
	}
}

func (s set) sorted() []string {
	out := make([]string, 0, len(s))
	for v := range s {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func nonNilMaps(m []map[string]any) []map[string]any {
	if m == nil {
		return []map[string]any{}
	}
	return m
}

// labIncidentBefore orders candidates for the lab's incident: more products first, then the
// earlier (Defender numbers incidents in creation order).
func labIncidentBefore(a, b *XDRIncident) bool {
	if len(a.Products) != len(b.Products) {
		return len(a.Products) > len(b.Products)
	}
	return a.ID < b.ID
}
