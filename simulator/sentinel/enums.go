package sentinel

import (
	"encoding/json"
	"strings"
)

// The enums of the Sentinel specs. Values are matched case-insensitively (the service's
// deserializer does) and stored in their canonical case.
var (
	// Severities are AlertSeverityEnum.
	Severities = []string{"High", "Medium", "Low", "Informational"}
	// Tactics are AttackTactic (MITRE ATT&CK tactics, incl. ICS).
	Tactics = []string{"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
		"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement", "Collection",
		"Exfiltration", "CommandAndControl", "Impact", "PreAttack", "ImpairProcessControl", "InhibitResponseFunction"}
	// TriggerOperators are AlertRuleTriggerOperator.
	TriggerOperators = []string{"GreaterThan", "LessThan", "Equal", "NotEqual"}
	// AggregationKinds are EventGroupingAggregationKind.
	AggregationKinds = []string{"SingleAlert", "AlertPerResult"}
	// MatchingMethods are GroupingConfiguration.matchingMethod.
	MatchingMethods = []string{"AllEntities", "AnyAlert", "Selected"}
	// AlertDetails are GroupingConfiguration.groupByAlertDetails items.
	AlertDetails = []string{"DisplayName", "Severity"}
	// AlertProperties are AlertDetailsOverride.alertDynamicProperties[].alertProperty.
	AlertProperties = []string{"AlertLink", "ConfidenceLevel", "ConfidenceScore", "ExtendedLinks", "ProductName",
		"ProviderName", "ProductComponentName", "RemediationSteps", "Techniques", "SubTechniques"}
	// AlertRuleKinds are every kind the service knows; the lab serves Scheduled and NRT.
	AlertRuleKinds = []string{"Scheduled", "MicrosoftSecurityIncidentCreation", "Fusion", "MLBehaviorAnalytics", "ThreatIntelligence", "NRT"}
	// IncidentStatuses are IncidentStatus.
	IncidentStatuses = []string{"New", "Active", "Closed"}
	// Classifications are IncidentClassification.
	Classifications = []string{"Undetermined", "TruePositive", "BenignPositive", "FalsePositive"}
	// ClassificationReasons are IncidentClassificationReason.
	ClassificationReasons = []string{"SuspiciousActivity", "SuspiciousButExpected", "IncorrectAlertLogic", "InaccurateData"}
	// OwnerTypes are IncidentOwnerInfo.ownerType.
	OwnerTypes = []string{"Unknown", "User", "Group"}
	// LabelTypes are IncidentLabel.labelType.
	LabelTypes = []string{"User", "AutoAssigned"}
)

// EntityIdentifiers lists, per EntityMappingType, the identifiers a field mapping may use
// (Sentinel's entities reference).
var EntityIdentifiers = map[string][]string{
	"Account":          {"Name", "FullName", "NTDomain", "DnsDomain", "UPNSuffix", "Sid", "AadTenantId", "AadUserId", "PUID", "IsDomainJoined", "DisplayName", "ObjectGuid"},
	"Host":             {"DnsDomain", "NTDomain", "HostName", "FullName", "NetBiosName", "AzureID", "OMSAgentID", "OSFamily", "OSVersion", "IsDomainJoined"},
	"IP":               {"Address", "AddressScope"},
	"Malware":          {"Name", "Category"},
	"File":             {"Directory", "Name"},
	"Process":          {"ProcessId", "CommandLine", "ElevationToken", "CreationTimeUtc"},
	"CloudApplication": {"AppId", "Name", "InstanceName"},
	"DNS":              {"DomainName"},
	"AzureResource":    {"ResourceId"},
	"FileHash":         {"Algorithm", "Value"},
	"RegistryKey":      {"Hive", "Key"},
	"RegistryValue":    {"Name", "Value", "ValueType"},
	"SecurityGroup":    {"DistinguishedName", "SID", "ObjectGuid"},
	"URL":              {"Url"},
	"Mailbox":          {"MailboxPrimaryAddress", "DisplayName", "Upn", "ExternalDirectoryObjectId", "RiskLevel"},
	"MailCluster":      {"NetworkMessageIds", "CountByDeliveryStatus", "CountByThreatType", "CountByProtectionStatus", "Threats", "Query", "QueryTime", "MailCount", "IsVolumeAnomaly", "Source", "ClusterSourceIdentifier", "ClusterSourceType", "ClusterQueryStartTime", "ClusterQueryEndTime", "ClusterGroup"},
	"MailMessage":      {"Recipient", "Urls", "Threats", "Sender", "P1Sender", "P1SenderDisplayName", "P1SenderDomain", "SenderIP", "P2Sender", "P2SenderDisplayName", "P2SenderDomain", "ReceivedDate", "NetworkMessageId", "InternetMessageId", "Subject", "BodyFingerprintBin1", "BodyFingerprintBin2", "BodyFingerprintBin3", "BodyFingerprintBin4", "BodyFingerprintBin5", "AntispamDirection", "DeliveryAction", "DeliveryLocation", "Language", "ThreatDetectionMethods"},
	"SubmissionMail":   {"SubmissionId", "SubmissionDate", "Submitter", "NetworkMessageId", "Timestamp", "Recipient", "Sender", "SenderIp", "Subject", "ReportType"},
}

// EntityTypes are EntityMappingType in the spec's order.
var EntityTypes = []string{"Account", "Host", "IP", "Malware", "File", "Process", "CloudApplication", "DNS", "AzureResource",
	"FileHash", "RegistryKey", "RegistryValue", "SecurityGroup", "URL", "Mailbox", "MailCluster", "MailMessage", "SubmissionMail"}

// canonical returns the allowed value equal to v ignoring case, and false if none.
func canonical(allowed []string, v string) (string, bool) {
	for _, a := range allowed {
		if strings.EqualFold(a, v) {
			return a, true
		}
	}
	return "", false
}

// enumAt canonicalizes *v in place or refuses it naming path.
func enumAt(path string, v *string, allowed []string) *Error {
	c, ok := canonical(allowed, *v)
	if !ok {
		return invalidValue(path, *v, allowed)
	}
	*v = c
	return nil
}

func joinList(items []string) string { return strings.Join(items, ", ") }

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// isGUID reports whether s is a GUID (8-4-4-4-12 hex digits).
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
