package logs

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// attackerKV counts the attacker's Key Vault rows and all Key Vault rows in the workspace.
const attackerKV = `AzureDiagnostics | where ResourceProvider == "MICROSOFT.KEYVAULT" | summarize attacker = countif(CallerIPAddress == "185.220.101.45"), total = count()`

// kvSettingID is the standing Key Vault setting of the built-in scenario for a tenant.
func kvSettingID(t simulator.Tenant) string {
	return simulator.ResourceID(t.Subscription.ID, "rg-contoso-unified-soc", "Microsoft.KeyVault/vaults", "kv-contoso-prod") +
		"/providers/Microsoft.Insights/diagnosticSettings/kv-audit-to-sentinel"
}

// TestStandingSettingsAreARMResources: the scenario's settings exist in ARM from the start,
// pointing at the lab workspace (which does not exist yet); the fault removes and restores
// the Key Vault's.
func TestStandingSettingsAreARMResources(t *testing.T) {
	f := newFixture(t)
	sub := "/subscriptions/" + f.tenant.Subscription.ID
	lab := sub + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified"
	list := func() []string {
		var out []string
		err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
			rs, err := tx.ResourcesUnder(sub, simulator.DiagnosticSettingsType)
			for _, r := range rs {
				if !strings.Contains(string(r.Body), `"workspaceId":"`+lab+`"`) {
					t.Errorf("%s does not point at the lab workspace: %s", r.ID, r.Body)
				}
				out = append(out, strings.TrimPrefix(r.ID, sub))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := []string{
		"/providers/Microsoft.Insights/diagnosticSettings/activity-to-sentinel",
		"/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod/providers/Microsoft.Insights/diagnosticSettings/kv-audit-to-sentinel",
		"/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Storage/storageAccounts/stcontosoprod/blobServices/default/providers/Microsoft.Insights/diagnosticSettings/blob-to-sentinel",
	}
	steps := []struct {
		fault *bool
		want  []string
	}{
		{nil, all},
		{ptr(true), []string{all[0], all[2]}},
		{ptr(true), []string{all[0], all[2]}},
		{ptr(false), all},
	}
	for i, s := range steps {
		if s.fault != nil {
			if _, err := f.engine.SetFault(f.tenant.ID, "kv-diagnostics-missing", *s.fault); err != nil {
				t.Fatal(err)
			}
		}
		if got := list(); !reflect.DeepEqual(got, s.want) {
			t.Errorf("step %d: settings %v, want %v", i, got, s.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestDeletedSettingKeepsItsRows: a break-and-fix through ARM. Deleting the Key Vault's
// setting stops later rows; rows routed before stay; re-creating it routes later rows again.
func TestDeletedSettingKeepsItsRows(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	wsInfo, _ := f.engine.Workspace(f.tenant.ID, ws)
	at := func(h, m int) time.Time { return time.Date(2025, 1, 15, h, m, 0, 0, time.UTC) }
	deleteKV := func() {
		err := f.world.Update(f.tenant.ID, func(tx *simulator.TenantTx) error {
			_, err := tx.DeleteTree(kvSettingID(f.tenant)) // what ARM's DELETE does
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	replay := func() {
		if _, err := f.engine.Replay(f.tenant.ID, "credential-access"); err != nil {
			t.Fatal(err)
		}
	}
	launch := func() {
		if _, err := f.engine.Launch(f.tenant.ID, Speed{}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name  string
		clock time.Time
		do    func()
		// attacker is the attacker's Key Vault row count expected 10 minutes later (-1: any
		// positive number, remembered as the base); last bounds the latest routed event time.
		attacker      int
		before, after time.Time
	}{
		{"launch: the attack's Key Vault reads arrive", at(10, 5), launch, -1, at(10, 15), time.Time{}},
		{"delete the setting: past rows stay, later ones stop", at(10, 10), deleteKV, 0, at(10, 10), time.Time{}},
		{"replay while deleted: nothing new", at(10, 20), replay, 0, at(10, 10), time.Time{}},
		{"an hour later: still nothing new", at(11, 30), func() {}, 0, at(10, 10), time.Time{}},
		{"re-create (another name) and replay: routed again", at(11, 30), func() { f.createKVSetting(wsInfo.Info.ID); replay() }, 7, time.Time{}, at(11, 30)},
	}
	base := 0
	for _, s := range steps {
		f.setClock(s.clock)
		s.do()
		f.setClock(s.clock.Add(10 * time.Minute))
		got := f.query(ws, attackerKV+`, latest = max(TimeGenerated)`)
		n, err := strconv.Atoi(got[0][0])
		if err != nil {
			t.Fatal(err)
		}
		last, err := time.Parse(time.RFC3339Nano, got[0][2])
		if err != nil {
			t.Fatalf("%s: %v", s.name, got)
		}
		switch {
		case s.attacker < 0 && n == 0:
			t.Fatalf("%s: no attacker rows", s.name)
		case s.attacker < 0:
			base = n
		case n != base+s.attacker:
			t.Errorf("%s: %d attacker rows, want %d", s.name, n, base+s.attacker)
		}
		if !s.before.IsZero() && !last.Before(s.before) {
			t.Errorf("%s: a Key Vault row at %v, want all before %v", s.name, last, s.before)
		}
		if !s.after.IsZero() && last.Before(s.after) {
			t.Errorf("%s: latest Key Vault row at %v, want one at or after %v", s.name, last, s.after)
		}
	}
}
