package simulator

import (
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// DefaultScenario is the built-in scenario whose cast seeds every tenant.
const DefaultScenario = "alex-johnson"

// DefaultSeed is the standing world of the built-in scenario (its cast's resource groups and
// resources, directory names and default ids), or the static definitions in seed.go when the
// scenario cannot be read.
func DefaultSeed() Seed {
	s, err := scenario.LoadBuiltin(DefaultScenario)
	if err != nil {
		return StaticSeed()
	}
	return ScenarioSeed(s)
}

// ScenarioSeed builds the standing world from a scenario: the clock starts at 07:00 UTC on
// its attack day (setup happens before the attack); every resource group of its cast exists
// with its resources, Key Vaults and storage accounts with their full ARM shapes, other
// types as plain tracked resources.
func ScenarioSeed(s *scenario.Scenario) Seed {
	seed := StaticSeed()
	seed.ResourceGroups, seed.Resources = nil, nil
	if !s.Day.IsZero() {
		seed.Start = s.Day.Add(7 * time.Hour)
	}
	if s.Tenant.DisplayName != "" {
		seed.Organization = s.Tenant.DisplayName
	}
	if s.Tenant.Domain != "" {
		seed.Domain = s.Tenant.Domain
	}
	seed.TenantID, seed.SubscriptionID = s.Tenant.DefaultTenantID, s.Tenant.DefaultSubscriptionID
	if len(s.Cast.Subscriptions) > 0 && s.Cast.Subscriptions[0].Name != "" {
		seed.SubscriptionName = s.Cast.Subscriptions[0].Name
	}
	for _, g := range s.Cast.ResourceGroups {
		seed.ResourceGroups = append(seed.ResourceGroups, SeedResourceGroup{Name: g.Name, Location: g.Location})
		for _, r := range g.Resources {
			seed.Resources = append(seed.Resources, SeedResource{ResourceGroup: g.Name, Type: r.Type, Name: r.Name, Body: BodyTemplate(r.Type)})
		}
	}
	seed.DiagnosticSettings = scenarioSettings(s)
	return seed
}

// scenarioSettings are the cast's standing diagnostic settings that ARM shows: those on the
// subscription and on its resources. Entra ID's tenant-level setting (scope "tenant") lives at
// /providers/microsoft.aadiam, outside any subscription; log routing reads it from the scenario.
func scenarioSettings(s *scenario.Scenario) []SeedDiagnosticSetting {
	var out []SeedDiagnosticSetting
	for _, d := range s.Cast.DiagnosticSettings {
		wg, wn, ok := strings.Cut(d.Workspace, "/")
		if !ok {
			continue
		}
		sd := SeedDiagnosticSetting{Name: d.Name, WorkspaceGroup: wg, WorkspaceName: wn, Categories: d.Categories}
		switch d.Scope {
		case "tenant":
			continue
		case "subscription":
		default:
			found := false
			for _, g := range s.Cast.ResourceGroups {
				for _, r := range g.Resources {
					if strings.EqualFold(r.Name, d.Scope) {
						sd.ResourceGroup, sd.ResourceType, sd.ResourceName, found = g.Name, r.Type, r.Name, true
					}
				}
			}
			if !found {
				continue
			}
			if strings.EqualFold(sd.ResourceType, "Microsoft.Storage/storageAccounts") {
				sd.SubPath = "/blobServices/default" // blob logs are the blob service's categories
			}
		}
		out = append(out, sd)
	}
	return out
}

// ResourceTypes lists the distinct types of the seed's standing resources, in seed order.
func (s Seed) ResourceTypes() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.Resources {
		if !seen[r.Type] {
			seen[r.Type] = true
			out = append(out, r.Type)
		}
	}
	return out
}
