package arm

import (
	"net/http"
	"slices"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Resource type names of the core.
const (
	WorkspaceType          = simulator.WorkspaceType
	DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings"
	KeyVaultType           = "Microsoft.KeyVault/vaults"
	StorageAccountType     = "Microsoft.Storage/storageAccounts"
)

// CoreTypes are the resource types every soclab ARM serves; NewHandler adds others.
func CoreTypes() []ResourceType {
	return []ResourceType{
		{
			Name: WorkspaceType,
			APIVersions: []string{"2015-03-20", "2015-11-01-preview", "2017-03-15-preview", "2017-04-26-preview",
				"2020-03-01-preview", "2020-08-01", "2020-10-01", "2021-06-01", "2021-12-01-preview", "2022-10-01",
				"2023-09-01", "2025-02-01", "2025-07-01"},
			ListBySubscription: true,
			Get:                GetStored,
			List:               ListStored,
			Put:                putWorkspace,
			Delete:             DeleteStored,
		},
		{
			Name:        DiagnosticSettingsType,
			IDNamespace: "microsoft.insights",
			APIVersions: []string{"2015-07-01", "2016-09-01", "2017-05-01-preview", "2020-01-01-preview", "2021-05-01-preview"},
			Extension:   true,
			Get:         GetStored,
			List:        ListStored,
			Put:         putDiagnosticSetting,
			Delete:      DeleteStored,
		},
		{
			Name:        "Microsoft.Insights/diagnosticSettingsCategories",
			IDNamespace: "microsoft.insights",
			APIVersions: []string{"2017-05-01-preview", "2021-05-01-preview"},
			Extension:   true,
			Get:         getDiagnosticCategory,
			List:        listDiagnosticCategories,
		},
		{
			Name: KeyVaultType,
			APIVersions: []string{"2015-06-01", "2016-10-01", "2018-02-14", "2019-09-01", "2021-06-01-preview",
				"2021-10-01", "2021-11-01-preview", "2022-02-01-preview", "2022-07-01", "2022-11-01", "2023-02-01",
				"2023-07-01", "2024-04-01-preview", "2024-11-01", "2024-12-01-preview", "2025-05-01"},
			ListBySubscription: true,
			Get:                GetStored,
			List:               ListStored,
			Put:                readOnly("write"),
			Patch:              readOnly("write"),
			Delete:             readOnly("delete"),
		},
		{
			// The lab has no managed HSM; az keyvault list asks for them and gets none.
			Name: "Microsoft.KeyVault/managedHSMs",
			APIVersions: []string{"2020-04-01-preview", "2021-04-01-preview", "2021-06-01-preview", "2021-10-01",
				"2021-11-01-preview", "2022-02-01-preview", "2022-07-01", "2022-11-01", "2023-02-01", "2023-07-01", "2024-11-01"},
			ListBySubscription: true,
			Get:                GetStored,
			List:               ListStored,
			Put:                readOnly("write"),
			Delete:             readOnly("delete"),
		},
		{
			Name: StorageAccountType,
			APIVersions: []string{"2016-01-01", "2017-06-01", "2018-02-01", "2019-06-01", "2021-04-01", "2021-09-01",
				"2022-05-01", "2022-09-01", "2023-01-01", "2023-04-01", "2023-05-01", "2024-01-01", "2025-01-01", "2025-06-01"},
			ListBySubscription: true,
			Get:                GetStored,
			List:               ListStored,
			Put:                readOnly("write"),
			Patch:              readOnly("write"),
			Delete:             readOnly("delete"),
		},
	}
}

// readOnly refuses changes to the scenario's standing resources the way ARM refuses a caller
// without the role: 403 AuthorizationFailed naming the action and scope. A missing resource
// is still ARM's 404 for DELETE/PATCH.
func readOnly(verb string) HandlerFunc {
	return func(c *Call) (Response, error) {
		var id string
		err := c.View(func(tx *simulator.TenantTx) error {
			res, err := c.Resolve(tx)
			id = res.ID
			if err == nil && res.Existing == nil && c.Request.Method == http.MethodPatch {
				return c.NotFound(res)
			}
			return err
		})
		if err != nil {
			return Response{}, err
		}
		return Response{}, errAuthorizationFailed(c, c.Type.Name+"/"+verb, id)
	}
}

// standingTypes serves the scenario's standing resources whose types no handler knows
// (virtual machines, web apps, ...): read-only, listable, any dated api-version, so that
// az resource list / az vm list show the estate the attacker moves across.
func standingTypes(seed simulator.Seed, known []ResourceType) []ResourceType {
	var out []ResourceType
	for _, name := range seed.ResourceTypes() {
		if slices.ContainsFunc(known, func(t ResourceType) bool { return strings.EqualFold(t.Name, name) }) ||
			slices.ContainsFunc(out, func(t ResourceType) bool { return strings.EqualFold(t.Name, name) }) {
			continue
		}
		out = append(out, ResourceType{
			Name: name, AnyAPIVersion: true, ListBySubscription: true,
			Get: GetStored, List: ListStored,
			Put: readOnly("write"), Patch: readOnly("write"), Delete: readOnly("delete"),
		})
	}
	return out
}
