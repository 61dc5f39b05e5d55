package xdr

// product is how a Defender product labels its alerts in Graph and in Sentinel's SecurityAlert.
type product struct {
	// ServiceSource and ProductName are Graph's serviceSource and the product's name.
	ServiceSource, ProductName string
	// SentinelProduct and SentinelProvider are SecurityAlert's ProductName and ProviderName when
	// the connector streams the alert into a workspace.
	SentinelProduct, SentinelProvider string
}

// products by the scenario's service names (scenario.AlertServices).
var products = map[string]product{
	"Microsoft Entra ID Protection": {ServiceSource: "azureAdIdentityProtection", ProductName: "Microsoft Entra ID Protection",
		SentinelProduct: "Azure Active Directory Identity Protection", SentinelProvider: "IPC"},
	"Microsoft Defender for Cloud Apps": {ServiceSource: "microsoftDefenderForCloudApps", ProductName: "Microsoft Defender for Cloud Apps",
		SentinelProduct: "Microsoft Cloud App Security", SentinelProvider: "MCAS"},
	"Microsoft Defender for Cloud": {ServiceSource: "microsoftDefenderForCloud", ProductName: "Microsoft Defender for Cloud",
		SentinelProduct: "Azure Security Center", SentinelProvider: "Azure Security Center"},
}

// sentinelProduct labels the Sentinel rules' alerts inside Defender XDR.
var sentinelProduct = product{ServiceSource: "microsoftSentinel", ProductName: "Microsoft Sentinel",
	SentinelProduct: "Azure Sentinel", SentinelProvider: "ASI Scheduled Alerts"}

// detector is one detection of a product: its id, detection source and texts (docs/defender-xdr.md
// gives the sources).
type detector struct {
	ID, DetectionSource, Description, Recommended string
}

// detectors by alert title.
var detectors = map[string]detector{
	"Anonymous IP address": {ID: "anonymizedIPAddress", DetectionSource: "azureAdIdentityProtection",
		Description: "This risk detection type indicates sign-ins from an anonymous IP address (for example, Tor browser or anonymizer VPNs). These IP addresses are typically used by actors who want to hide their sign-in information (IP address, location, device, and so on) for potentially malicious intent.",
		Recommended: "1. Contact the user to confirm whether they signed in from an anonymizing network.\n2. If they did not, confirm the user compromised, revoke their sessions and reset their password."},
	"Unfamiliar sign-in properties": {ID: "unfamiliarFeatures", DetectionSource: "azureAdIdentityProtection",
		Description: "This risk detection type considers past sign-in history to look for anomalous sign-ins. The system stores information about previous sign-ins, and triggers a risk detection when a sign-in occurs with properties that are unfamiliar to the user.",
		Recommended: "1. Review the sign-in's location, device and application against the user's history.\n2. If the user did not sign in, confirm the user compromised, revoke their sessions and reset their password."},
	"Password spray": {ID: "passwordSpray", DetectionSource: "azureAdIdentityProtection",
		Description: "A password spray attack is where multiple usernames are attacked using common passwords in a unified brute force manner to gain unauthorized access.",
		Recommended: "1. Block the source addresses with a Conditional Access named location.\n2. Reset the passwords of targeted accounts that signed in successfully and require MFA."},
	"Activity from infrequent country": {ID: "ActivityFromInfrequentCountry", DetectionSource: "cloudAppSecurity",
		Description: "The user performed an activity from a location that wasn't recently or never visited by the user or by any user in the organization. This detection considers past activity locations to determine new and infrequent locations.",
		Recommended: "1. Review the activities of the user from the infrequent location.\n2. If they are not the user's, suspend the user, revoke their sessions and reset their password."},
	"Suspicious secret listing and query in a key vault": {ID: "KV_ListGetAnomaly", DetectionSource: "microsoftDefenderForKeyVault",
		Description: "A user or service principal has performed an anomalous Secret List operation followed by one or more Secret Get operations. This pattern is not normally performed by the specified user or service principal and is typically associated with secret dumping.",
		Recommended: "1. Review the Key Vault's audit log (AzureDiagnostics) for the caller and address.\n2. Rotate every secret the caller read and remove the caller's access to the vault."},
	"Suspicious invocation of a high-risk 'Credential Access' operation detected (Preview)": {ID: "ARM_AnomalousOperation.CredentialAccess", DetectionSource: "microsoftDefenderForResourceManager",
		Description: "Microsoft Defender for Resource Manager identified a suspicious invocation of a high-risk operation in your subscription, which might indicate an attempt to access credentials. While this activity might be legitimate, a threat actor might utilize such operations to access restricted credentials and compromise resources in your environment.",
		Recommended: "1. Review the caller's Azure activity (AzureActivity) around the operation.\n2. Rotate the storage account keys that were listed and revoke the caller's sessions."},
	"Unusual amount of data extracted from a storage account": {ID: "Storage.Blob_DataExfiltration.AmountOfDataAnomaly", DetectionSource: "microsoftDefenderForStorage",
		Description: "Indicates that an unusually large amount of data has been extracted compared to recent activity on this storage container. A potential cause is that an attacker has extracted a large amount of data from a container that holds blob storage.",
		Recommended: "1. Review StorageBlobLogs for the blobs read from the address.\n2. Rotate the account keys, restrict network access and assess the exposure of the data."},
}

// detectorOf returns a title's detector, or a generic one named after the title.
func detectorOf(title, serviceSource string) detector {
	if d, ok := detectors[title]; ok {
		return d
	}
	src := map[string]string{"azureAdIdentityProtection": "azureAdIdentityProtection", "microsoftDefenderForCloudApps": "cloudAppSecurity"}[serviceSource]
	if src == "" {
		src = "microsoftDefenderForCloud"
	}
	return detector{ID: title, DetectionSource: src, Description: title + "."}
}
