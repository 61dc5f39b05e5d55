package arm

import (
	"testing"
)

const rgBodySOC = `{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc","name":"rg-contoso-unified-soc",
	"type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}}`

func TestResourceGroups(t *testing.T) {
	f := newFixture(t)
	runSteps(t, f, []step{
		{name: "standing group exists", tok: "tok-a", method: "GET", path: rgSOC + v2021, status: 200,
			want: `{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc","name":"rg-contoso-unified-soc",
				"type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}}`},
		{name: "lab's group create updates it", tok: "tok-a", method: "PUT", path: rgSOC + v2021, body: `{"location": "eastus"}`, status: 200, want: rgBodySOC},
		{name: "head exists", tok: "tok-a", method: "HEAD", path: rgSOC + v2021, status: 204},
		{name: "create new group", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-Lab-1" + v2021,
			body: `{"location":"East US","tags":{"k":"v"}}`, status: 201,
			want: `{"id":"/subscriptions/{subA}/resourceGroups/rg-Lab-1","name":"rg-Lab-1","type":"Microsoft.Resources/resourceGroups",
				"location":"eastus","tags":{"k":"v"},"properties":{"provisioningState":"Succeeded"}}`},
		{name: "names match case-insensitively, id keeps creation case", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resourceGroups/RG-LAB-1" + v2021, status: 200,
			want: `{"id":"/subscriptions/{subA}/resourceGroups/rg-Lab-1","name":"rg-Lab-1","type":"Microsoft.Resources/resourceGroups",
				"location":"eastus","tags":{"k":"v"},"properties":{"provisioningState":"Succeeded"}}`},
		{name: "patch tags", tok: "tok-a", method: "PATCH", path: "/subscriptions/{subA}/resourcegroups/rg-lab-1" + v2021, body: `{"tags":{"x":"y"}}`, status: 200,
			want: `{"id":"/subscriptions/{subA}/resourceGroups/rg-Lab-1","name":"rg-Lab-1","type":"Microsoft.Resources/resourceGroups",
				"location":"eastus","tags":{"x":"y"},"properties":{"provisioningState":"Succeeded"}}`},
		{name: "moving a group is refused", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-lab-1" + v2021, body: `{"location":"westus"}`, status: 409,
			want: `{"error":{"code":"InvalidResourceGroupLocation","message":"Invalid resource group location 'westus'. The Resource group already exists in location 'eastus'."}}`},
		{name: "malformed JSON", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-x" + v2021, body: `{"location": eastus}`, status: 400,
			want: `{"error":{"code":"InvalidRequestContent","message":"The request content was invalid and could not be deserialized: 'Unexpected character encountered while parsing value: e. Path '', line 1, position 14.'."}}`},
		{name: "truncated JSON", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-x" + v2021, body: `{"location": "eastus"`, status: 400,
			want: `{"error":{"code":"InvalidRequestContent","message":"The request content was invalid and could not be deserialized: 'Unexpected end when reading JSON. Path '', line 1, position 21.'."}}`},
		{name: "wrong JSON type", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-x" + v2021, body: `{"location": 5}`, status: 400,
			want: `{"error":{"code":"InvalidRequestContent","message":"The request content was invalid and could not be deserialized: 'Error converting value to type 'string'. Path 'location', line 1, position 14.'."}}`},
		{name: "location required", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-x" + v2021, body: `{"tags":{}}`, status: 400,
			want: `{"error":{"code":"LocationRequired","message":"The location property is required for this definition."}}`},
		{name: "unknown location", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg-x" + v2021, body: `{"location":"mars"}`, status: 400,
			want: `{"error":{"code":"LocationNotAvailableForResourceGroup","message":"The provided location 'mars' is not available for resource group. List of available regions is 'eastus,eastus2,westus,westus2,westus3,centralus,northcentralus,southcentralus,westcentralus,canadacentral,canadaeast,brazilsouth,northeurope,westeurope,uksouth,ukwest,francecentral,germanywestcentral,norwayeast,swedencentral,switzerlandnorth,uaenorth,southafricanorth,centralindia,southindia,eastasia,southeastasia,japaneast,japanwest,koreacentral,australiaeast,australiasoutheast'."}}`},
		{name: "bad group name", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg*bad" + v2021, body: `{"location":"eastus"}`, status: 400,
			want: `{"error":{"code":"InvalidResourceGroup","message":"The provided resource group name 'rg*bad' has these invalid characters: '*'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'."}}`},
		{name: "group name ending in a period", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/rg." + v2021, body: `{"location":"eastus"}`, status: 400,
			want: `{"error":{"code":"InvalidResourceGroup","message":"The provided resource group name 'rg.' ends with a period, which is not allowed."}}`},
		{name: "empty path segment", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}//resourcegroups" + v2021, status: 400,
			want: `{"error":{"code":"InvalidRequestUri","message":"The request URI '/subscriptions/{subA}//resourcegroups' is not valid: expected /subscriptions/{id}[/resourceGroups/{name}]/providers/{namespace}/{type}/{name}..., without empty segments."}}`},
		{name: "missing group", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resourcegroups/nope" + v2021, status: 404,
			want: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'nope' could not be found."}}`},
		{name: "head missing", tok: "tok-a", method: "HEAD", path: "/subscriptions/{subA}/resourcegroups/nope" + v2021, status: 404},
		{name: "delete missing group is 404", tok: "tok-a", method: "DELETE", path: "/subscriptions/{subA}/resourcegroups/nope" + v2021, status: 404,
			want: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'nope' could not be found."}}`},
		{name: "resources in a group", tok: "tok-a", method: "GET", path: rgSOC + "/resources" + v2021, status: 200,
			want: `{"value":[{"id":"` + kvID + `","name":"kv-contoso-prod","type":"Microsoft.KeyVault/vaults","location":"eastus"},
				{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Storage/storageAccounts/stcontosoprod","name":"stcontosoprod","type":"Microsoft.Storage/storageAccounts","location":"eastus","kind":"StorageV2","sku":{"name":"Standard_LRS","tier":"Standard"}}]}`},
		{name: "resources in the subscription", tok: "tok-b", method: "GET", path: "/subscriptions/{subB}/resources" + v2021, status: 200,
			want: `{"value":[{"id":"/subscriptions/{subB}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01","name":"vm-dc01","type":"Microsoft.Compute/virtualMachines","location":"eastus"},
				{"id":"/subscriptions/{subB}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv-contoso-prod","name":"kv-contoso-prod","type":"Microsoft.KeyVault/vaults","location":"eastus"},
				{"id":"/subscriptions/{subB}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Storage/storageAccounts/stcontosoprod","name":"stcontosoprod","type":"Microsoft.Storage/storageAccounts","location":"eastus","kind":"StorageV2","sku":{"name":"Standard_LRS","tier":"Standard"}}]}`},
		{name: "az keyvault list: resources filtered by type", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resources?$filter=resourceType%20eq%20%27Microsoft.KeyVault%2Fvaults%27&api-version=2015-11-01", status: 200,
			want: `{"value":[{"id":"` + kvID + `","name":"kv-contoso-prod","type":"Microsoft.KeyVault/vaults","location":"eastus"}]}`},
		{name: "filter by group and name part", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resources?$filter=resourceGroup%20eq%20%27rg-contoso-identity%27%20and%20substringof(%27dc%27,name)&api-version=2021-04-01", status: 200,
			want: `{"value":[{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01","name":"vm-dc01","type":"Microsoft.Compute/virtualMachines","location":"eastus"}]}`},
		{name: "unsupported filter", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resources?$filter=provisioningState%20eq%20%27x%27&api-version=2021-04-01", status: 400,
			want: `{"error":{"code":"InvalidFilterInQueryString","message":"Invalid $filter 'provisioningState eq 'x''. The mock supports resourceType, name, resourceGroup, location, tagName and tagValue with eq, and substringof('text', name), joined by 'and'."}}`},
		{name: "no managed HSMs", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/Microsoft.KeyVault/managedHSMs?api-version=2022-07-01", status: 200, want: `{"value":[]}`},
		{name: "provider of a standing type", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/microsoft.compute?api-version=2021-04-01", status: 200,
			want: `{"id":"/subscriptions/{subA}/providers/Microsoft.Compute","namespace":"Microsoft.Compute","registrationState":"Registered","registrationPolicy":"RegistrationRequired",
				"resourceTypes":[{"resourceType":"virtualMachines","locations":["eastus","eastus2","westus","westus2","westus3","centralus","northcentralus","southcentralus","westcentralus","canadacentral","canadaeast","brazilsouth","northeurope","westeurope","uksouth","ukwest","francecentral","germanywestcentral","norwayeast","swedencentral","switzerlandnorth","uaenorth","southafricanorth","centralindia","southindia","eastasia","southeastasia","japaneast","japanwest","koreacentral","australiaeast","australiasoutheast"],
				"apiVersions":["2024-07-01","2023-09-01","2023-03-01","2022-11-01","2021-04-01"],"capabilities":"SupportsTags, SupportsLocation"}]}`},
		{name: "locations", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/locations?api-version=2022-12-01", status: 200, want: "*"},
		{name: "unknown provider", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/Microsoft.Nope?api-version=2021-04-01", status: 404,
			want: `{"error":{"code":"InvalidResourceNamespace","message":"The resource namespace 'Microsoft.Nope' is invalid."}}`},
		{name: "standing VM of a type only shown", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01?api-version=2024-07-01", status: 200,
			want: `{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01","name":"vm-dc01","type":"Microsoft.Compute/virtualMachines","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}}`},
		{name: "az vm list", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01", status: 200,
			want: `{"value":[{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01","name":"vm-dc01","type":"Microsoft.Compute/virtualMachines","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}}]}`},
		{name: "standing VM is read-only", tok: "tok-a", method: "DELETE", path: "/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01?api-version=2024-07-01", status: 403,
			want: `{"error":{"code":"AuthorizationFailed","message":"The client '{appA}' with object id '{guid}' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/delete' over scope '/subscriptions/{subA}/resourceGroups/rg-contoso-identity/providers/Microsoft.Compute/virtualMachines/vm-dc01' or the scope is invalid. If access was recently granted, please refresh your credentials."}}`},
		{name: "malformed api-version on a standing type", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/Microsoft.Compute/virtualMachines?api-version=latest", status: 400, want: "*"},
		{name: "method not allowed", tok: "tok-a", method: "POST", path: rgSOC + v2021, status: 405,
			want: `{"error":{"code":"HttpMethodNotAllowed","message":"The http method 'POST' is not supported for a resource of type 'Microsoft.Resources/resourceGroups'."}}`},
	})
	got := f.do("tok-a", "GET", f.expand("/subscriptions/{subA}/resourcegroups"+v2021), "")
	want := `{"value":[` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-backup","name":"rg-contoso-backup","type":"Microsoft.Resources/resourceGroups","location":"eastus2","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-dev","name":"rg-contoso-dev","type":"Microsoft.Resources/resourceGroups","location":"westus2","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-finance","name":"rg-contoso-finance","type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-identity","name":"rg-contoso-identity","type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-prod-apps","name":"rg-contoso-prod-apps","type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc","name":"rg-contoso-unified-soc","type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{},"properties":{"provisioningState":"Succeeded"}},` +
		`{"id":"/subscriptions/{subA}/resourceGroups/rg-Lab-1","name":"rg-Lab-1","type":"Microsoft.Resources/resourceGroups","location":"eastus","tags":{"x":"y"},"properties":{"provisioningState":"Succeeded"}}]}`
	if g, w := compact(t, f.normalize(got.body)), compact(t, want); got.status != 200 || g != w {
		t.Fatalf("list: %d\n got %s\nwant %s", got.status, g, w)
	}
}

func TestWorkspacesAndDelete(t *testing.T) {
	f := newFixture(t)
	runSteps(t, f, []step{
		{name: "missing workspace", tok: "tok-a", method: "GET", path: wsPath + vWS, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.OperationalInsights/workspaces/law-contoso-unified' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
		{name: "create workspace as az sends it", tok: "tok-a", method: "PUT", path: wsPath + vWS,
			body: `{"location": "eastus", "properties": {"retentionInDays": 30, "sku": {"name": "PerGB2018"}}}`, status: 201, want: wsBody},
		{name: "get workspace", tok: "tok-a", method: "GET", path: wsPath + vWS, status: 200, want: wsBody},
		{name: "sentinel path case finds it", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/resourceGroups/RG-CONTOSO-UNIFIED-SOC/providers/microsoft.operationalinsights/WORKSPACES/LAW-CONTOSO-UNIFIED" + vWS, status: 200, want: wsBody},
		{name: "list by group", tok: "tok-a", method: "GET", path: rgSOC + "/providers/Microsoft.OperationalInsights/workspaces" + vWS, status: 200, want: `{"value":[` + wsBody + `]}`},
		{name: "list by subscription", tok: "tok-a", method: "GET", path: "/subscriptions/{subA}/providers/Microsoft.OperationalInsights/workspaces" + vWS, status: 200, want: `{"value":[` + wsBody + `]}`},
		{name: "short name", tok: "tok-a", method: "PUT", path: rgSOC + "/providers/Microsoft.OperationalInsights/workspaces/law" + vWS, body: `{"location":"eastus"}`, status: 400,
			want: `{"error":{"code":"InvalidParameter","message":"The workspace name must be between 4 and 63 characters. Operation Id: '{hex}'"}}`},
		{name: "bad retention", tok: "tok-a", method: "PUT", path: wsPath + vWS, body: `{"location":"eastus","properties":{"retentionInDays":5}}`, status: 400,
			want: `{"error":{"code":"InvalidParameter","message":"Invalid retention period 5: the data retention must be between 30 and 730 days. Operation Id: '{hex}'"}}`},
		{name: "workspace without location", tok: "tok-a", method: "PUT", path: wsPath + vWS, body: `{}`, status: 400,
			want: `{"error":{"code":"LocationRequired","message":"The location property is required for this definition."}}`},
		{name: "workspace in missing group", tok: "tok-a", method: "PUT", path: "/subscriptions/{subA}/resourcegroups/nope/providers/Microsoft.OperationalInsights/workspaces/law-x" + vWS, body: `{"location":"eastus"}`, status: 404,
			want: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'nope' could not be found."}}`},
		{name: "unknown type in a known namespace", tok: "tok-a", method: "GET", path: rgSOC + "/providers/Microsoft.OperationalInsights/clusterz/c1" + vWS, status: 404,
			want: `{"error":{"code":"InvalidResourceType","message":"The resource type 'clusterz' could not be found in the namespace 'Microsoft.OperationalInsights' for api version '2021-12-01-preview'."}}`},
		{name: "unknown namespace", tok: "tok-a", method: "GET", path: rgSOC + "/providers/Microsoft.Nope/things/t" + vWS, status: 400,
			want: `{"error":{"code":"InvalidResourceNamespace","message":"The resource namespace 'Microsoft.Nope' is invalid."}}`},
		{name: "other tenant cannot reach it", tok: "tok-b", method: "GET", path: wsPath + vWS, status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{subA}' could not be found."}}`},
		{name: "other tenant's own list is empty", tok: "tok-b", method: "GET", path: "/subscriptions/{subB}/providers/Microsoft.OperationalInsights/workspaces" + vWS, status: 200, want: `{"value":[]}`},
		{name: "other tenant cannot create in it", tok: "tok-b", method: "PUT", path: wsPath + vWS, body: `{"location":"eastus"}`, status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{subA}' could not be found."}}`},
		{name: "other tenant cannot delete its group", tok: "tok-b", method: "DELETE", path: rgSOC + v2021, status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{subA}' could not be found."}}`},
		{name: "other tenant cannot tag its group", tok: "tok-b", method: "PATCH", path: rgSOC + v2021, body: `{"tags":{"pwned":"1"}}`, status: 404,
			want: `{"error":{"code":"SubscriptionNotFound","message":"The subscription '{subA}' could not be found."}}`},
		{name: "same names in the other tenant are its own", tok: "tok-b", method: "GET", path: "/subscriptions/{subB}/resourcegroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/law-contoso-unified" + vWS, status: 404,
			want: `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.OperationalInsights/workspaces/law-contoso-unified' under resource group 'rg-contoso-unified-soc' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"}}`},
		{name: "after all that, the workspace is unchanged", tok: "tok-a", method: "GET", path: wsPath + vWS, status: 200, want: wsBody},
		{name: "delete group: 202 + Location", tok: "tok-a", method: "DELETE", path: rgSOC + v2021, status: 202,
			header: map[string]string{"Retry-After": "1"}},
		{name: "group is gone", tok: "tok-a", method: "GET", path: rgSOC + v2021, status: 404,
			want: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg-contoso-unified-soc' could not be found."}}`},
		{name: "its workspace is gone with it", tok: "tok-a", method: "GET", path: wsPath + vWS, status: 404,
			want: `{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'rg-contoso-unified-soc' could not be found."}}`},
	})
	// The Location of the delete answers 202 once, then 200.
	f2 := newFixture(t)
	del := f2.do("tok-a", "DELETE", f2.expand(rgSOC+v2021), "")
	loc := del.header.Get("Location")
	if del.status != 202 || loc == "" {
		t.Fatalf("delete: %d %q", del.status, loc)
	}
	path := loc[len(f2.server.URL):]
	if p := f2.normalize(path); len(p) < 10 || p[:len("/subscriptions/{subA}/operationresults/RESOURCEGROUPDELETIONJOB-")] != "/subscriptions/{subA}/operationresults/RESOURCEGROUPDELETIONJOB-" {
		t.Fatalf("Location path %s", p)
	}
	if r := f2.do("tok-a", "GET", path, ""); r.status != 202 || r.header.Get("Location") != loc {
		t.Fatalf("first poll: %d %s", r.status, r.header.Get("Location"))
	}
	if r := f2.do("tok-a", "GET", path, ""); r.status != 200 || r.body != "" {
		t.Fatalf("second poll: %d %s", r.status, r.body)
	}
	if r := f2.do("tok-b", "GET", path, ""); r.status != 404 {
		t.Fatalf("other tenant polls: %d %s", r.status, r.body)
	}
}
