package scenario

// The catalogs below are the vocabularies of the real services that a scenario may name. A
// scenario that names anything else is rejected on load, so generated rows only ever carry values
// the real tables carry.

// SignInErrors maps Entra sign-in error codes (ResultType) to their failure reason text.
var SignInErrors = map[int]string{
	0:      "",
	50053:  "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
	50055:  "The password is expired.",
	50057:  "The user account is disabled.",
	50074:  "Strong Authentication is required.",
	50076:  "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.",
	50126:  "Error validating credentials due to invalid username or password.",
	50140:  "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
	53003:  "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
	500121: "Authentication failed during strong authentication request.",
	50173:  "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
	50133:  "Session is invalid due to expiration or recent password change.",
	70008:  "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
	70044:  "The session has expired or is invalid due to sign-in frequency checks by conditional access.",
	700082: "The refresh token has expired due to inactivity.",
}

// ARMOperation is an Azure control-plane operation as the Activity Log names it.
type ARMOperation struct {
	// Name is the friendly OperationName.
	Name string
	// Action is the operation id in its ARM spelling (Microsoft.Storage/storageAccounts/listKeys/action).
	Action string
	// ResourceType is the ARM type the operation acts on ("" for a resource group).
	ResourceType string
}

// ARMOperations maps OperationNameValue (upper case, as AzureActivity stores it) to the operation.
// Reads (GET) are not in the Activity Log, so only writes, deletes and actions are listed.
var ARMOperations = map[string]ARMOperation{
	"MICROSOFT.STORAGE/STORAGEACCOUNTS/LISTKEYS/ACTION":                           {"List Storage Account Keys", "Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts"},
	"MICROSOFT.STORAGE/STORAGEACCOUNTS/REGENERATEKEY/ACTION":                      {"Regenerates the access keys for the specified storage account.", "Microsoft.Storage/storageAccounts/regenerateKey/action", "Microsoft.Storage/storageAccounts"},
	"MICROSOFT.STORAGE/STORAGEACCOUNTS/WRITE":                                     {"Create/Update Storage Account", "Microsoft.Storage/storageAccounts/write", "Microsoft.Storage/storageAccounts"},
	"MICROSOFT.KEYVAULT/VAULTS/WRITE":                                             {"Update Key Vault", "Microsoft.KeyVault/vaults/write", "Microsoft.KeyVault/vaults"},
	"MICROSOFT.KEYVAULT/VAULTS/ACCESSPOLICIES/WRITE":                              {"Update Access Policy", "Microsoft.KeyVault/vaults/accessPolicies/write", "Microsoft.KeyVault/vaults"},
	"MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE":                               {"Create role assignment", "Microsoft.Authorization/roleAssignments/write", ""},
	"MICROSOFT.RESOURCES/DEPLOYMENTS/WRITE":                                       {"Create Deployment", "Microsoft.Resources/deployments/write", ""},
	"MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE":                      {"Update resource group", "Microsoft.Resources/subscriptions/resourceGroups/write", ""},
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE":                                     {"Create or Update Virtual Machine", "Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines"},
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION":                              {"Start Virtual Machine", "Microsoft.Compute/virtualMachines/start/action", "Microsoft.Compute/virtualMachines"},
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/DEALLOCATE/ACTION":                         {"Deallocate Virtual Machine", "Microsoft.Compute/virtualMachines/deallocate/action", "Microsoft.Compute/virtualMachines"},
	"MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION":                         {"Run Command on Virtual Machine", "Microsoft.Compute/virtualMachines/runCommand/action", "Microsoft.Compute/virtualMachines"},
	"MICROSOFT.COMPUTE/DISKS/BEGINGETACCESS/ACTION":                               {"Get Disk SAS URI", "Microsoft.Compute/disks/beginGetAccess/action", "Microsoft.Compute/disks"},
	"MICROSOFT.COMPUTE/SNAPSHOTS/WRITE":                                           {"Create or Update Snapshot", "Microsoft.Compute/snapshots/write", "Microsoft.Compute/snapshots"},
	"MICROSOFT.WEB/SITES/CONFIG/LIST/ACTION":                                      {"List Web App Security Sensitive Settings", "Microsoft.Web/sites/config/list/action", "Microsoft.Web/sites"},
	"MICROSOFT.WEB/SITES/RESTART/ACTION":                                          {"Restart Web App", "Microsoft.Web/sites/restart/action", "Microsoft.Web/sites"},
	"MICROSOFT.WEB/SITES/WRITE":                                                   {"Create or Update Web App", "Microsoft.Web/sites/write", "Microsoft.Web/sites"},
	"MICROSOFT.SQL/SERVERS/FIREWALLRULES/WRITE":                                   {"Create/Update server firewall rules", "Microsoft.Sql/servers/firewallRules/write", "Microsoft.Sql/servers"},
	"MICROSOFT.SQL/SERVERS/DATABASES/WRITE":                                       {"Create/Update Database", "Microsoft.Sql/servers/databases/write", "Microsoft.Sql/servers"},
	"MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE":                 {"Create or Update Security Rule", "Microsoft.Network/networkSecurityGroups/securityRules/write", "Microsoft.Network/networkSecurityGroups"},
	"MICROSOFT.RECOVERYSERVICES/VAULTS/BACKUPJOBS/CANCEL/ACTION":                  {"Cancel Jobs", "Microsoft.RecoveryServices/vaults/backupJobs/cancel/action", "Microsoft.RecoveryServices/vaults"},
	"MICROSOFT.RECOVERYSERVICES/VAULTS/BACKUPSECURITYPIN/ACTION":                  {"Returns Security PIN Information for the Recovery Services Vault.", "Microsoft.RecoveryServices/vaults/backupSecurityPIN/action", "Microsoft.RecoveryServices/vaults"},
	"MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/LISTCLUSTERUSERCREDENTIAL/ACTION": {"List clusterUser credential", "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", "Microsoft.ContainerService/managedClusters"},
}

// AuditActivity is an Entra directory change as AuditLogs and CloudAppEvents name it.
type AuditActivity struct {
	Category        string
	LoggedByService string
	OperationType   string
	// TargetType is the TargetResources[0].type.
	TargetType string
	// CloudAppAction is the CloudAppEvents ActionType (with the trailing period); "" if Defender
	// for Cloud Apps does not record the activity.
	CloudAppAction string
}

// AuditActivities maps ActivityDisplayName (== OperationName in AuditLogs) to its description.
var AuditActivities = map[string]AuditActivity{
	"Add user":                                     {"UserManagement", "Core Directory", "Add", "User", "Add user."},
	"Update user":                                  {"UserManagement", "Core Directory", "Update", "User", "Update user."},
	"Delete user":                                  {"UserManagement", "Core Directory", "Delete", "User", "Delete user."},
	"Reset user password":                          {"UserManagement", "Core Directory", "Update", "User", "Reset user password."},
	"Change password (self-service)":               {"UserManagement", "Self-service Password Management", "Update", "User", "Change user password."},
	"Reset password (self-service)":                {"UserManagement", "Self-service Password Management", "Update", "User", "Reset user password."},
	"User registered security info":                {"UserManagement", "Authentication Methods", "Add", "User", ""},
	"Add member to role":                           {"RoleManagement", "Core Directory", "Assign", "Role", "Add member to role."},
	"Remove member from role":                      {"RoleManagement", "Core Directory", "Unassign", "Role", "Remove member from role."},
	"Add member to group":                          {"GroupManagement", "Core Directory", "Assign", "Group", "Add member to group."},
	"Remove member from group":                     {"GroupManagement", "Core Directory", "Unassign", "Group", "Remove member from group."},
	"Add service principal":                        {"ApplicationManagement", "Core Directory", "Add", "ServicePrincipal", "Add service principal."},
	"Consent to application":                       {"ApplicationManagement", "Core Directory", "Assign", "ServicePrincipal", "Consent to application."},
	"Add app role assignment to service principal": {"ApplicationManagement", "Core Directory", "Assign", "ServicePrincipal", "Add app role assignment to service principal."},
}

// KeyVaultOperations are the Key Vault AuditEvent OperationName values a scenario may use.
var KeyVaultOperations = map[string]bool{
	"SecretGet": true, "SecretList": true, "SecretListVersions": true, "SecretSet": true,
	"KeyGet": true, "KeyList": true, "CertificateGet": true, "CertificateList": true, "VaultGet": true,
}

// BlobOperations are the StorageBlobLogs OperationName values a scenario may use.
var BlobOperations = map[string]bool{
	"GetBlob": true, "ListBlobs": true, "ListContainers": true, "GetBlobProperties": true,
	"PutBlob": true, "GetContainerProperties": true,
}

// BlobAuthTypes are StorageBlobLogs AuthenticationType values.
var BlobAuthTypes = map[string]bool{"AccountKey": true, "SAS": true, "OAuth": true}

// RiskLevels are the Entra risk levels (lower case, as SigninLogs stores them).
var RiskLevels = map[string]bool{"": true, "none": true, "low": true, "medium": true, "high": true}

// MitreTechniques names the ATT&CK techniques scenarios may use (AlertInfo.AttackTechniques
// writes "Name (Id)").
var MitreTechniques = map[string]string{
	"T1078":     "Valid Accounts",
	"T1087":     "Account Discovery",
	"T1098":     "Account Manipulation",
	"T1110.003": "Password Spraying",
	"T1530":     "Data from Cloud Storage",
	"T1555":     "Credentials from Password Stores",
	"T1580":     "Cloud Infrastructure Discovery",
	"T1550.001": "Application Access Token",
}

// AlertServices are the Defender products that raise their own alerts, with their AlertId prefix.
var AlertServices = map[string]string{
	"Microsoft Defender for Cloud Apps": "ca",
	"Microsoft Entra ID Protection":     "ad",
	"Microsoft Defender for Cloud":      "dc",
}

// AlertSeverities are the Defender alert severities.
var AlertSeverities = map[string]bool{"Informational": true, "Low": true, "Medium": true, "High": true}
