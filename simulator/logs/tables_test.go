package logs

import (
	"testing"

	"github.com/soclab/soclab/simulator/kql"
)

// TestEveryTableIsQueryable: every table of the workspace catalog answers a query over the lab
// workspace, and every advanced hunting table over the hunting database, each with its own time
// column (tables the generator does not fill yet answer with no rows, as a connected table
// without data does).
func TestEveryTableIsQueryable(t *testing.T) {
	f := newFixture(t)
	ws := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	for _, name := range f.engine.WorkspaceCatalog().Names() {
		got := f.query(ws, name+" | where TimeGenerated > ago(400d) | summarize n = count() | extend ok = n >= 0 | project ok")
		if len(got) != 1 || got[0][0] != "true" {
			t.Errorf("workspace %s: %v", name, got)
		}
	}
	now, _ := f.world.Now(f.tenant.ID)
	db, err := f.engine.Hunting(f.tenant.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	names := f.engine.HuntingCatalog().Names()
	if len(names) != len(huntingTables) {
		t.Errorf("hunting catalog has %d tables, want %d", len(names), len(huntingTables))
	}
	for _, name := range names {
		cols, _ := f.engine.HuntingCatalog().Table(name)
		timeCol := "TimeGenerated" // IdentityInfo keeps its workspace time column in hunting
		for _, c := range cols {
			if c.Name == "Timestamp" {
				timeCol = c.Name
			}
		}
		got := f.run(db, f.engine.HuntingCatalog(), now, name+" | where "+timeCol+" > ago(400d) | summarize n = count() | extend ok = n >= 0 | project ok")
		if len(got) != 1 || got[0][0] != "true" {
			t.Errorf("hunting %s: %v", name, got)
		}
	}
	if _, err := kql.Compile(`SecurityEvent | count`, f.engine.HuntingCatalog(), kql.CompileOptions{}); err == nil {
		t.Error("SecurityEvent is not an advanced hunting table")
	}
}
