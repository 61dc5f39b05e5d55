package simulator

import (
	"bytes"
	"encoding/json"
)

// WorkflowType is the ARM type of Logic Apps workflows (Sentinel playbooks).
const WorkflowType = "Microsoft.Logic/workflows"

// PlaybookAccountsPlaceholder is where a playbook's context query takes the incident's
// accounts (a JSON array of UPNs); simulator/automation substitutes it when it runs the query.
const PlaybookAccountsPlaceholder = "@{variables('IncidentAccounts')}"

// PlaybookQueryAction is the name of the playbook action that runs the context query.
const PlaybookQueryAction = "Run_query_and_list_results"

// playbookQuery is challenge.md Task 5's context query, as the scenario's playbook runs it.
const playbookQuery = `let incidentEntities = dynamic(` + PlaybookAccountsPlaceholder + `);
union withsource=SourceTable SigninLogs, AuditLogs, AzureActivity
| where TimeGenerated > ago(4h)
| extend Who = coalesce(UserPrincipalName, Caller, tostring(InitiatedBy.user.userPrincipalName))
| where Who in (incidentEntities)
| summarize TotalEvents = count(), SignIns = countif(SourceTable == "SigninLogs"),
    AdminActions = countif(SourceTable == "AzureActivity"), DirectoryChanges = countif(SourceTable == "AuditLogs"),
    UniqueIPs = dcount(IPAddress), IPAddresses = make_set(IPAddress, 20) by Who`

// workflowBody is the ARM body of a Consumption Logic App that is a Sentinel incident-trigger
// playbook (GET .../Microsoft.Logic/workflows/{name}, api-version 2019-05-01): the Microsoft
// Sentinel incident trigger, the incident's accounts, the context query through the Azure
// Monitor Logs connector and a comment on the incident. Placeholders as in BodyTemplate.
var workflowBody = func() string {
	conn := func(name string) map[string]any {
		return map[string]any{"connection": map[string]any{"name": "@parameters('$connections')['" + name + "']['connectionId']"}}
	}
	def := map[string]any{
		"$schema":        "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
		"contentVersion": "1.0.0.0",
		"parameters":     map[string]any{"$connections": map[string]any{"defaultValue": map[string]any{}, "type": "Object"}},
		"triggers": map[string]any{"Microsoft_Sentinel_incident": map[string]any{"type": "ApiConnectionWebhook",
			"inputs": map[string]any{"body": map[string]any{"callback_url": "@{listCallbackUrl()}"}, "host": conn("azuresentinel"), "path": "/incident-creation"}}},
		"actions": map[string]any{
			"Entities_-_Get_Accounts": map[string]any{"type": "ApiConnection", "runAfter": map[string]any{},
				"inputs": map[string]any{"body": "@triggerBody()?['object']?['properties']?['relatedEntities']", "host": conn("azuresentinel"), "method": "post", "path": "/entities/account"}},
			"Initialize_IncidentAccounts": map[string]any{"type": "InitializeVariable", "runAfter": map[string]any{"Entities_-_Get_Accounts": []string{"Succeeded"}},
				"inputs": map[string]any{"variables": []any{map[string]any{"name": "IncidentAccounts", "type": "array",
					"value": "@select(body('Entities_-_Get_Accounts')?['Accounts'], concat(item()?['Name'], '@', item()?['UPNSuffix']))"}}}},
			PlaybookQueryAction: map[string]any{"type": "ApiConnection", "runAfter": map[string]any{"Initialize_IncidentAccounts": []string{"Succeeded"}},
				"inputs": map[string]any{"body": playbookQuery, "host": conn("azuremonitorlogs"), "method": "post", "path": "/queryData",
					"queries": map[string]any{"subscriptions": "@triggerBody()?['workspaceInfo']?['SubscriptionId']",
						"resourcegroups": "@triggerBody()?['workspaceInfo']?['ResourceGroupName']", "resourcetype": "Log Analytics Workspace",
						"resourcename": "@triggerBody()?['workspaceInfo']?['WorkspaceName']", "timerange": "Last 4 hours"}}},
			"Add_comment_to_incident_(V3)": map[string]any{"type": "ApiConnection", "runAfter": map[string]any{PlaybookQueryAction: []string{"Succeeded"}},
				"inputs": map[string]any{"body": map[string]any{"incidentArmId": "@triggerBody()?['object']?['id']", "message": "<p>@{body('" + PlaybookQueryAction + "')?['value']}</p>"},
					"host": conn("azuresentinel"), "method": "post", "path": "/Incidents/Comment"}},
		},
		"outputs": map[string]any{},
	}
	apiConn := func(name string) map[string]any {
		return map[string]any{"connectionId": "/subscriptions/{{subscriptionId}}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Web/connections/" + name,
			"connectionName": name, "connectionProperties": map[string]any{"authentication": map[string]any{"type": "ManagedServiceIdentity"}},
			"id": "/subscriptions/{{subscriptionId}}/providers/Microsoft.Web/locations/{{location}}/managedApis/" + name}
	}
	body := map[string]any{
		"id": "{{id}}", "name": "{{name}}", "type": WorkflowType, "location": "{{location}}",
		"tags":     map[string]any{"hidden-SentinelTemplateName": "playbook-compromise-response", "hidden-SentinelTemplateVersion": "1.0"},
		"identity": map[string]any{"type": "SystemAssigned", "principalId": "6f1d8c2e-4b7a-4e36-9a58-0c2d7e91b3a4", "tenantId": "{{tenantId}}"},
		"properties": map[string]any{
			"provisioningState": "Succeeded", "createdTime": "2024-11-04T10:12:31.4815052Z", "changedTime": "2024-11-04T10:12:31.4815052Z",
			"state": "Enabled", "version": "08584713312617447355", "accessEndpoint": "https://prod-61.eastus.logic.azure.com:443/workflows/5b0d1c4a9f3e4e7b8a2d6c1f0e9b7a35",
			"definition": def, "parameters": map[string]any{"$connections": map[string]any{"value": map[string]any{
				"azuresentinel": apiConn("azuresentinel"), "azuremonitorlogs": apiConn("azuremonitorlogs")}}},
			"endpointsConfiguration": map[string]any{"workflow": map[string]any{"outgoingIpAddresses": []any{}, "accessEndpointIpAddresses": []any{}},
				"connector": map[string]any{"outgoingIpAddresses": []any{}}},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the query's > and the comment's <p> as the service writes them
	if err := enc.Encode(body); err != nil {
		panic(err) // maps of strings always encode
	}
	return buf.String()
}()
