package scenario_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/soclab/soclab/scenarios"
	"github.com/soclab/soclab/scenarios/scenario"
)

func TestBuiltinLoads(t *testing.T) {
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	if s.Attack.Victim != "alex.johnson" || len(s.Attack.Steps) == 0 || len(s.Faults) != 5 {
		t.Fatalf("unexpected scenario: victim %q, %d steps, %d faults", s.Attack.Victim, len(s.Attack.Steps), len(s.Faults))
	}
	for _, id := range []string{"kv-diagnostics-missing", "xdr-sync-severity-filter", "copilot-defender-plugin-disconnected", "copilot-analyst-role-missing", "xdr-sync-off"} {
		found := false
		for _, f := range s.Faults {
			found = found || f.ID == id
		}
		if !found {
			t.Errorf("fault %s missing", id)
		}
	}
}

func TestLoadBuiltinUnknown(t *testing.T) {
	_, err := scenario.LoadBuiltin("nope")
	want := `scenario "nope" not found (built-in: alex-johnson)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// lineOf is the line (1-based) of the built-in file's first occurrence of text.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	src, _ := scenarios.FS("alex-johnson")
	b, err := fs.ReadFile(src, file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), text)
	if i < 0 {
		t.Fatalf("%s does not contain %q", file, text)
	}
	return strings.Count(string(b[:i]), "\n") + 1
}

// builtinWith is the built-in scenario with one file's text edited.
func builtinWith(t *testing.T, file, old, new string) fs.FS {
	t.Helper()
	src, _ := scenarios.FS("alex-johnson")
	m := fstest.MapFS{}
	for _, f := range []string{scenario.FileMeta, scenario.FileCast, scenario.FileBackground, scenario.FileAttack, scenario.FileFaults} {
		b, err := fs.ReadFile(src, f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	text := string(m[file].Data)
	if !strings.Contains(text, old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	m[file] = &fstest.MapFile{Data: []byte(strings.Replace(text, old, new, 1))}
	return m
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"unknown field", scenario.FileCast, "    weight: 14\n", "    weight: 14\n    wieght: 3\n",
			"cast.yaml:7: field wieght not found in type scenario.Department"},
		{"wrong type", scenario.FileBackground, "failureRate: 0.06", "failureRate: lots",
			"background.yaml:6: cannot unmarshal !!str `lots` into float64"},
		{"yaml syntax", scenario.FileFaults, "faults:\n", "faults:\n  - {id: [\n",
			"faults.yaml:3: did not find expected node content"},
		{"unknown manager", scenario.FileCast, "manager: maria.garcia\n", "manager: maria.garsia\n",
			"cast.yaml:124: people[0].manager: unknown user \"maria.garsia\""},
		{"unknown place", scenario.FileCast, "office: office-london", "office: office-paris",
			"cast.yaml:28: departments[2].office: unknown place \"office-paris\""},
		{"overlapping ranges", scenario.FileMeta, "cidr: 185.156.46.0/24", "cidr: 185.220.101.0/25",
			"scenario.yaml:33: places[11].cidr: overlaps 185.220.101.0/25 of place \"vpn-amsterdam\" (an IP must geolocate to one place)"},
		{"bad time zone", scenario.FileMeta, "timezone: Europe/Bucharest", "timezone: Europe/Bucarest",
			"scenario.yaml:33: places[11].timezone: unknown time zone \"Europe/Bucarest\""},
		{"event outside window", scenario.FileAttack, "at: 2025-01-15T09:15:10Z", "at: 2025-01-15T10:15:10Z",
			"attack.yaml:114: steps[6].events[0].at: 2025-01-15T10:15:10Z..2025-01-15T10:15:10Z is outside the attack window"},
		{"unknown ARM operation", scenario.FileAttack, "MICROSOFT.SQL/SERVERS/FIREWALLRULES/WRITE", "MICROSOFT.SQL/SERVERS/FIREWALLRULES/READ",
			"attack.yaml:96: steps[5].events[0].operations[1].operation: unknown ARM operation \"MICROSOFT.SQL/SERVERS/FIREWALLRULES/READ\""},
		{"unknown secret", scenario.FileAttack, "secrets: [stcontosoprod-key1,", "secrets: [stcontosoprod-key9,",
			"attack.yaml:48: steps[2].events[2].secrets[0]: vault \"kv-contoso-prod\" has no secret \"stcontosoprod-key9\""},
		{"IP outside every place", scenario.FileAttack, "ips: [185.220.101.23,", "ips: [10.1.2.3,",
			"attack.yaml:129: steps[7].events[0].ips[0]: 10.1.2.3 lies in no declared place"},
		{"bad technique", scenario.FileAttack, "technique: T1530", "technique: 1530",
			"attack.yaml:59: steps[4].technique: \"1530\" is not a MITRE technique id (T1234 or T1234.001)"},
		{"duplicate step", scenario.FileAttack, "id: persistence", "id: lateral-movement",
			"attack.yaml:109: steps[6].id: duplicate step \"lateral-movement\""},
		{"unknown activity", scenario.FileAttack, "activity: Add user,", "activity: Create user,",
			"attack.yaml:114: steps[6].events[0].activity: unknown directory activity \"Create user\""},
		{"unknown service principal", scenario.FileAttack, "servicePrincipal: app-finance-reporting,", "servicePrincipal: app-finance,",
			"attack.yaml:118: steps[6].events[2].servicePrincipal: unknown service principal \"app-finance\""},
		{"two actors", scenario.FileAttack, "servicePrincipal: app-finance-reporting,", "servicePrincipal: app-finance-reporting, user: alex.johnson,",
			"attack.yaml:118: steps[6].events[2].servicePrincipal: an event has one actor: a user or a service principal"},
		{"fault target", scenario.FileFaults, "target: kv-audit-to-sentinel", "target: kv-audit",
			"faults.yaml:41: faults[3].target: unknown diagnostic setting \"kv-audit\""},
		{"unknown profile", scenario.FileCast, "profile: executive\n    devices: *windows", "profile: boss\n    devices: *windows",
			"cast.yaml:89: departments[9].profile: unknown profile \"boss\""},
		{"unknown technique", scenario.FileAttack, "technique: T1580", "technique: T1583",
			"attack.yaml:85: steps[5].technique: unknown MITRE technique \"T1583\" (add it to the catalog)"},
		{"alert service", scenario.FileAttack, "service: Microsoft Defender for Cloud,", "service: Defender for Storage,",
			"attack.yaml:50: steps[2].events[3].service: unknown alerting service \"Defender for Storage\""},
		{"alert severity", scenario.FileAttack, "severity: Medium, category: InitialAccess}", "severity: Sev2, category: InitialAccess}",
			"attack.yaml:23: steps[0].events[3].severity: \"Sev2\" is not Informational, Low, Medium or High"},
		{"return inside the window", scenario.FileAttack, "{kind: session, at: 2025-01-15T13:40:00Z", "{kind: session, at: 2025-01-15T09:40:00Z",
			"attack.yaml:LINE: return.attempts[0].at: 2025-01-15T09:40:00Z..2025-01-15T09:40:00Z is not after the attack window on the attack day"},
		{"return credential", scenario.FileAttack, "credential: initial-access", "credential: password-reset",
			"attack.yaml:LINE: return.attempts[0].credential: \"password-reset\" is not an attack step"},
		{"return kind", scenario.FileAttack, "{kind: password, at:", "{kind: token, at:",
			"attack.yaml:LINE: return.attempts[1].kind: unknown attempt kind \"token\" (session, password, spray)"},
		{"return spray user", scenario.FileAttack, "users: [maria.garcia, olivia.bennett, lisa.wong, david.chen, sarah.miller]}\n  # Once", "users: [maria.garcia, nobody]}\n  # Once",
			"attack.yaml:LINE: return.attempts[2].users[1]: unknown user \"nobody\""},
		{"return ip", scenario.FileAttack, "{kind: password, at: 2025-01-15T13:42:30Z, user: alex.johnson, ip: 185.220.101.45", "{kind: password, at: 2025-01-15T13:42:30Z, user: alex.johnson, ip: 10.9.9.9",
			"attack.yaml:LINE: return.attempts[1].ip: 10.9.9.9 lies in no declared place"},
		{"follow-up before the attempts", scenario.FileAttack, "at: 2025-01-15T13:45:10Z", "at: 2025-01-15T13:41:10Z",
			"attack.yaml:LINE: return.followUp[0].at: 2025-01-15T13:41:10Z..2025-01-15T13:41:10Z is not after the victim's last attempt (2025-01-15T13:42:30Z) on the attack day"},
		{"follow-up sign-in", scenario.FileAttack, "{kind: blob, at: 2025-01-15T13:47:00Z, user: alex.johnson, ip: 185.220.101.45, account: stcontosoprod, container: finance-reports, operation: ListBlobs, auth: OAuth}", "{kind: signin, at: 2025-01-15T13:47:00Z, user: alex.johnson, ip: 185.220.101.45, app: Azure Portal}",
			"attack.yaml:LINE: return.followUp[2].kind: a follow-up is what the attacker does once in (keyvault, arm, blob, audit), not signin"},
		{"phish step", scenario.FileAttack, "  step: initial-access\n", "  step: phishing\n",
			"attack.yaml:LINE: phish.step: unknown step \"phishing\""},
		{"phish click after the attack's first event", scenario.FileAttack, "click: 2025-01-15T08:29:41Z", "click: 2025-01-15T08:31:50Z",
			"attack.yaml:LINE: phish.click: the click must follow the delivery and precede the step's first event"},
		{"phish device", scenario.FileAttack, "  device: CONTOSO-LT-0412\n", "  device: CONTOSO-LT-0107\n",
			"attack.yaml:LINE: phish.device: \"CONTOSO-LT-0107\" is not a device of the victim"},
		{"phish url", scenario.FileAttack, "url: https://login.contoso-helpdesk.com", "url: http://login.contoso-helpdesk.com",
			"attack.yaml:LINE: phish.url: \"http://login.contoso-helpdesk.com/common/oauth2/signin?rid=8f3a1c2d\" is not an https URL"},
		{"phish sender ip", scenario.FileAttack, "senderIP: 185.220.101.9", "senderIP: 10.0.0.9",
			"attack.yaml:LINE: phish.senderIP: 10.0.0.9 lies in no declared place"},
		{"phish look-alike", scenario.FileAttack, "{user: kevin.obrien, delivery: Delivered}", "{user: kevin.obrien, delivery: Spam}",
			"attack.yaml:LINE: phish.lookAlikes[3].delivery: \"Spam\" is not Delivered, Junked or Blocked"},
		{"phish look-alike victim", scenario.FileAttack, "{user: maria.garcia, delivery: Delivered}", "{user: alex.johnson, delivery: Delivered}",
			"attack.yaml:LINE: phish.lookAlikes[0].user: unknown user \"alex.johnson\" (or the victim)"},
		{"phish mailbox operation", scenario.FileAttack, "operation: New-InboxRule", "operation: Remove-Mailbox",
			"attack.yaml:LINE: phish.mailbox[1].operation: unknown Exchange operation \"Remove-Mailbox\""},
		{"phish mailbox before the click", scenario.FileAttack, "{at: 2025-01-15T08:33:20Z, operation: MailItemsAccessed", "{at: 2025-01-15T08:20:00Z, operation: MailItemsAccessed",
			"attack.yaml:LINE: phish.mailbox[0].at: the mailbox is used after the click"},
		{"return id", scenario.FileAttack, "id: attacker-return", "id: persistence",
			"attack.yaml:LINE: return.id: \"persistence\" is also a step id"},
		{"noise user", scenario.FileBackground, "user: ryan.murphy", "user: ryan.murphey",
			"background.yaml:109: noise[1].user: unknown user \"ryan.murphey\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// LINE is the line of the edit (the return's cases: other edits of attack.yaml move it).
			c.want = strings.Replace(c.want, "LINE", strconv.Itoa(lineOf(t, c.file, c.old)), 1)
			_, err := scenario.Load(builtinWith(t, c.file, c.old, c.new), "alex-johnson")
			if err == nil {
				t.Fatal("loaded without error")
			}
			got := strings.TrimPrefix(err.Error(), "scenario alex-johnson: ")
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestBrokenFolders loads the whole-file cases in testdata/broken/<case>/: each holds the files
// it replaces and want.txt, the exact error.
func TestBrokenFolders(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join("testdata", "broken"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", "broken", d.Name())
			src, _ := scenarios.FS("alex-johnson")
			m := fstest.MapFS{}
			for _, f := range []string{scenario.FileMeta, scenario.FileCast, scenario.FileBackground, scenario.FileAttack, scenario.FileFaults} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					b, _ = fs.ReadFile(src, f)
				}
				m[f] = &fstest.MapFile{Data: b}
			}
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = scenario.Load(m, "alex-johnson")
			if err == nil {
				t.Fatal("loaded without error")
			}
			if got := err.Error(); got != strings.TrimSpace(string(want)) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := s.Step("credential-access"); !ok || st.Technique != "T1555" {
		t.Errorf("Step(credential-access) = %+v, %v", st, ok)
	}
	f, ok := s.Fault("kv-diagnostics-missing")
	if !ok || f.Kind != scenario.FaultRemoveDiagnosticSetting {
		t.Fatalf("Fault(kv-diagnostics-missing) = %+v, %v", f, ok)
	}
	d, ok := s.DiagnosticSetting(f.Target)
	if !ok || d.Scope != "kv-contoso-prod" || len(d.Sources) != 1 || d.Sources[0] != "keyvault" {
		t.Errorf("the fault's diagnostic setting = %+v, %v", d, ok)
	}
	if _, ok := s.Step("nope"); ok {
		t.Error("Step(nope) found")
	}
}

func TestReturnLookups(t *testing.T) {
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	r := s.Attack.Return
	if r == nil || r.ID != "attacker-return" || len(r.Attempts) != 3 || len(r.FollowUp) != 3 {
		t.Fatalf("return = %+v", r)
	}
	if got := r.First().Format(time.RFC3339); got != "2025-01-15T13:40:00Z" {
		t.Errorf("First() = %s", got)
	}
	cases := []struct {
		attempt scenario.Attempt
		want    string
	}{
		{scenario.Attempt{Kind: scenario.AttemptPassword, Credential: "password-change"}, "2025-01-15T08:52:15Z"},
		{scenario.Attempt{Kind: scenario.AttemptSession, Credential: "initial-access"}, "2025-01-15T08:32:05Z"}, // the first successful sign-in, not the 50074
		{scenario.Attempt{Kind: scenario.AttemptSpray}, "0001-01-01T00:00:00Z"},
		{scenario.Attempt{Kind: scenario.AttemptSession, Credential: "nope"}, "0001-01-01T00:00:00Z"},
	}
	for _, c := range cases {
		if got := s.CredentialTime(&c.attempt).Format(time.RFC3339); got != c.want {
			t.Errorf("CredentialTime(%+v) = %s, want %s", c.attempt, got, c.want)
		}
	}
	spray := r.Attempts[2]
	if spray.Tries() != 10 || spray.Interval != 20*time.Second || spray.Last().Format(time.RFC3339) != "2025-01-15T13:53:00Z" {
		t.Errorf("spray: %d tries every %s, last %s", spray.Tries(), spray.Interval, spray.Last())
	}
}
