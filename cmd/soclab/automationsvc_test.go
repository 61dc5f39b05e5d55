package main

import (
	"github.com/soclab/soclab/simulator/stages"
	"testing"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// TestDirectoryOwners: the automation stage resolves the SOC Tier 2 group's id (as Graph lists
// it) to a Group owner and a user's id to a User owner with its UPN; other ids are unknown.
func TestDirectoryOwners(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s, err := scenario.LoadBuiltin(labScenario)
	if err != nil {
		t.Fatal(err)
	}
	e, err := logs.New(w, s, logs.Options{Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	ten, _ := w.TenantByName(simulator.DefaultTenantName)
	svc := identity.NewService(e)
	var groupID, userID string
	if err := svc.Read(ten.ID, func(d *identity.Directory) error {
		for _, g := range d.Groups {
			if g.DisplayName == "SOC Tier 2" {
				groupID = g.ID
			}
		}
		userID = d.UserByKey("priya.patel@contoso.com").ID
		return nil
	}); err != nil || groupID == "" || userID == "" {
		t.Fatalf("directory: group %q user %q, %v", groupID, userID, err)
	}
	lookup, err := stages.DirectoryOwners{Identity: svc}.Owners(ten.ID)
	if err != nil {
		t.Fatal(err)
	}
	show := func(o sentinel.Owner, ok bool) string {
		d := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		if !ok {
			return "unknown"
		}
		return d(o.OwnerType) + "|" + d(o.AssignedTo) + "|" + d(o.UserPrincipalName)
	}
	w.View(ten.ID, func(tx *simulator.TenantTx) error {
		for _, c := range []struct{ id, want string }{
			{groupID, "Group|SOC Tier 2|"},
			{userID, "User|Priya Patel|priya.patel@contoso.com"},
			{"00000000-0000-0000-0000-000000000000", "unknown"},
		} {
			o, ok, err := lookup(tx, c.id)
			if err != nil || show(o, ok) != c.want {
				t.Errorf("lookup(%s) = %s, %v; want %s", c.id, show(o, ok), err, c.want)
			}
		}
		return nil
	})
}
