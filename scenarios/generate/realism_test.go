package generate_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

// emptyAllowed are string columns the real tables leave empty for this kind of activity
// (cloud-only accounts, no on-premises attributes, no SAS, no copy operations...).
var emptyAllowed = map[string]map[string]bool{
	"SigninLogs": set("AuthenticationMethodsUsed", "IPAddressFromResourceProvider", "ServicePrincipalId", "ServicePrincipalName",
		"SignInIdentifierType", "TokenIssuerName", "AuthenticationContextClassReferences"),
	"AADNonInteractiveUserSignInLogs": set("AuthenticationMethodsUsed", "ServicePrincipalId", "SignInIdentifierType", "TokenIssuerName",
		"AADTenantId", "ResourceIdentity"),
	"AuditLogs":        set("Location", "ResultType", "ResultDescription"),
	"AzureActivity":    set("ActivitySubstatus"),
	"AzureDiagnostics": set("ResultDescription", "addedAccessPolicy_ObjectId_g", "addedAccessPolicy_Permissions_secrets_s"),
	"StorageBlobLogs":  set("ConditionsUsed", "DestinationUri", "ReferrerHeader", "RehydratePriority", "RequestMd5", "SasExpiryStatus", "SourceAccessTier", "SourceUri"),
	"CloudAppEvents":   set("OAuthAppId"),
	"IdentityLogonEvents": set("AccountSid", "DestinationDeviceName", "DestinationIPAddress", "TargetDeviceName",
		"TargetAccountDisplayName"),
	"AADSignInEventsBeta": set("EndpointCall"),
	// Sign-ins have no destination or Azure resource; the target is the app.
	"BehaviorAnalytics": set("DestinationDevice", "DestinationIPAddress", "DestinationIPLocation", "_ResourceId",
		"_SubscriptionId", "TargetPrincipalName"),
	// Identity and cloud alerts have no file, process, registry, mail or device evidence.
	"AlertEvidence": set("EvidenceDirection", "FileName", "FolderPath", "SHA1", "SHA256", "ThreatFamily", "RemoteUrl",
		"AccountSid", "DeviceId", "DeviceName", "LocalIP", "NetworkMessageId", "EmailSubject", "OAuthApplicationId",
		"ProcessCommandLine", "RegistryKey", "RegistryValueName", "RegistryValueData"),
	// Indicators fill only their observable's columns; these the feeds leave empty.
	"ThreatIntelligenceIndicator": set("AdditionalInformation", "DiamondModel", "EmailRecipient", "EmailXMailer",
		"FileMutexName", "KnownFalsePositives"),
	// Defender for Office 365, Microsoft 365 and Defender for Endpoint columns of activity the
	// lab's mail, Exchange/SharePoint and laptop events do not have (Teams, DLP, registry,
	// remote sessions, Application Guard, shares...).
	"EmailEvents":         set("SenderIPv6", "ThreatNames", "Connectors", "OrgLevelAction", "OrgLevelPolicy", "UserLevelAction", "UserLevelPolicy", "AdditionalFields"),
	"EmailAttachmentInfo": set("SenderObjectId"),
	"UrlClickEvents":      set("ThreatTypes", "DetectionMethods"),
	"OfficeActivity":      set("AADGroupId", "AADTarget", "Activity", "Actor", "ActorContextId", "ActorIpAddress", "AddOnGuid", "AddonName", "AddOnType", "AffectedItems", "AppDistributionMode", "Application", "ApplicationId", "AppPoolName", "AzureActiveDirectory_EventType", "AzureADAppId", "ChannelGuid", "ChannelName", "ChannelType", "ChatName", "ChatThreadId", "Client", "Client_IPAddress", "ClientMachineName", "ClientProcessName", "ClientVersion", "CommunicationType", "CustomEvent", "DestFolder", "DestinationFileExtension", "DestinationFileName", "DestinationRelativeUrl", "DestMailboxId", "DestMailboxOwnerMasterAccountSid", "DestMailboxOwnerSid", "DestMailboxOwnerUPN", "EffectiveOrganization", "ElevationApprover", "ElevationRequestId", "ElevationRole", "Event_Data", "ExtendedProperties", "Folder", "GenericInfo", "InterSystemsId", "IntraSystemId", "Item", "ItemName", "LogonUserDisplayName", "MachineDomainInfo", "MachineId", "MailboxOwnerMasterAccountSid", "MessageId", "ModifiedObjectResolvedName", "ModifiedProperties", "Name", "NewValue", "OldValue", "OperationScope", "_ResourceId", "ResultReasonType", "SendAsUserMailboxGuid", "SendAsUserSmtp", "SendonBehalfOfUserMailboxGuid", "SendOnBehalfOfUserSmtp", "SharingType", "Source_Name", "SRPolicyId", "SRPolicyName", "_SubscriptionId", "SupportTicketId", "TabType", "TargetContextId", "TargetUserId", "TargetUserOrGroupName", "TargetUserOrGroupType", "TeamGuid", "TeamName", "UserSharedWith"),
	"DeviceInfo":          set("RegistryDeviceTag", "AdditionalFields", "DeviceSubtype", "OSDistribution", "MergedDeviceIds", "MergedToDeviceId", "ExclusionReason", "HostDeviceId"),
	"DeviceLogonEvents":   set("RemoteDeviceName", "RemoteIP", "RemoteIPType", "InitiatingProcessAccountUpn", "InitiatingProcessAccountObjectId", "AppGuardContainerId", "AdditionalFields", "InitiatingProcessRemoteSessionDeviceName", "InitiatingProcessRemoteSessionIP"),
	"DeviceProcessEvents": set("AppGuardContainerId", "AdditionalFields"),
	"DeviceNetworkEvents": set("AppGuardContainerId", "AdditionalFields", "InitiatingProcessRemoteSessionDeviceName", "InitiatingProcessRemoteSessionIP"),
	"DeviceFileEvents":    set("FileOriginIP", "PreviousFolderPath", "PreviousFileName", "RequestSourceIP", "RequestAccountName", "RequestAccountDomain", "RequestAccountSid", "ShareName", "SensitivityLabel", "SensitivitySubLabel", "AppGuardContainerId", "AdditionalFields", "InitiatingProcessRemoteSessionDeviceName", "InitiatingProcessRemoteSessionIP"),
	"DeviceEvents":        set("FileName", "FolderPath", "SHA1", "SHA256", "MD5", "RemoteDeviceName", "ProcessCommandLine", "ProcessTokenElevation", "RegistryKey", "RegistryValueName", "RegistryValueData", "RemoteIP", "LocalIP", "FileOriginUrl", "FileOriginIP", "AppGuardContainerId", "AdditionalFields", "InitiatingProcessRemoteSessionDeviceName", "InitiatingProcessRemoteSessionIP", "ProcessRemoteSessionDeviceName", "ProcessRemoteSessionIP"),
	// Client secrets, not certificates or federated credentials; sign-ins that succeed.
	"AADServicePrincipalSignInLogs": set("FederatedCredentialId", "ResultDescription", "ServicePrincipalCredentialThumbprint"),
	"UserPeerAnalytics":             set("_ResourceId", "_SubscriptionId"),
	// Windows security events, DNS and Heartbeat columns of event ids and features the lab's
	// servers do not log (certificate services, NPS, shares, policy changes, DNS analytics).
	"SecurityEvent": set("AccessMask", "AccountDomain", "AccountExpires", "AccountName", "AccountSessionIdentifier", "AdditionalInfo", "AdditionalInfo2", "AllowedToDelegateTo", "Attributes", "AuditPolicyChanges", "AuthenticationProvider", "AuthenticationServer", "AuthenticationType", "AzureDeploymentID", "CACertificateHash", "CalledStationID", "CallerProcessId", "CallerProcessName", "CallingStationID", "CAPublicKeyHash", "CategoryId", "CertificateDatabaseHash", "ClassId", "ClassName", "ClientAddress", "ClientIPAddress", "ClientName", "CompatibleIds", "Correlation", "DCDNSName", "DeviceDescription", "DeviceId", "DisplayName", "Disposition", "DomainBehaviorVersion", "DomainName", "DomainPolicyChanged", "DomainSid", "EAPType", "EventData", "ExtendedQuarantineState", "FileHash", "FilePath", "FilePathNoUser", "Filter", "ForceLogoff", "Fqbn", "FullyQualifiedSubjectMachineName", "FullyQualifiedSubjectUserName", "GroupMembership", "HandleId", "HardwareIds", "HomeDirectory", "HomePath", "InterfaceUuid", "Keywords", "LmPackageName", "LocationInformation", "LockoutDuration", "LockoutObservationWindow", "LockoutThreshold", "LoggingResult", "LogonHours", "LogonID", "MachineAccountQuota", "MachineInventory", "MachineLogon", "MaxPasswordAge", "MemberName", "MemberSid", "MinPasswordAge", "MinPasswordLength", "MixedDomainMode", "NASIdentifier", "NASIPv4Address", "NASIPv6Address", "NASPort", "NASPortType", "NetworkPolicyName", "NewDate", "NewMaxUsers", "NewRemark", "NewShareFlags", "NewTime", "NewUacValue", "NewValue", "NewValueType", "ObjectName", "ObjectServer", "ObjectType", "ObjectValueName", "OemInformation", "OldMaxUsers", "OldRemark", "OldShareFlags", "OldUacValue", "OldValue", "OldValueType", "Opcode", "OperationType", "PackageName", "PasswordHistoryLength", "PasswordLastSet", "PasswordProperties", "PreviousDate", "PreviousTime", "PrimaryGroupId", "PrivateKeyUsageCount", "ProcessName", "ProfilePath", "Properties", "ProtocolSequence", "ProxyPolicyName", "QuarantineHelpURL", "QuarantineSessionID", "QuarantineSessionIdentifier", "QuarantineState", "QuarantineSystemHealthResult", "RelativeTargetName", "RemoteIpAddress", "RemotePort", "Requester", "RequestId", "RowsDeleted", "SamAccountName", "ScriptPath", "SecurityDescriptor", "ServiceAccount", "ServiceFileName", "ServiceName", "ServiceType", "SessionName", "ShareLocalPath", "ShareName", "SidHistory", "StorageAccount", "SubcategoryGuid", "SubcategoryId", "Subject", "SubjectAccount", "SubjectKeyIdentifier", "SubjectMachineName", "SubjectMachineSID", "SystemUserId", "TableId", "TargetInfo", "TargetLogonGuid", "TargetServerName", "TargetSid", "TargetUser", "TemplateContent", "TemplateDSObjectFQDN", "TemplateInternalName", "TemplateOID", "TemplateSchemaVersion", "TemplateVersion", "TransmittedServices", "UserAccountControl", "UserParameters", "UserPrincipalName", "UserWorkstations", "VendorIds", "Workstation"),
	"DnsEvents":     set("Confidence", "Description", "IndicatorThreatType", "MaliciousIP", "RemoteIPCountry", "RemoteIPLatitude", "RemoteIPLongitude"),
	"IdentityInfo": set("AccountCloudSID", "AccountSID", "Applications", "OnPremisesDistinguishedName", "OnPremisesExtensionAttributes",
		"RiskLevel", "RiskLevelDetails", "RiskState", "SAMAccountName", "Tags", "UACFlags"),
}

// nullAllowed are non-string columns that stay null for this activity.
var nullAllowed = map[string]map[string]bool{
	"AADSignInEventsBeta": set(),
	"AlertEvidence":       set("FileSize"),
	"AzureDiagnostics":    set("addedAccessPolicy_ObjectId_g", "AdditionalFields"),
	"IdentityLogonEvents": set("Port", "DestinationPort"),
	"IdentityInfo": set("DeletedDateTime", "EntityRiskScore", "ExtensionProperty", "RelatedAccounts", "ServicePrincipals",
		"UserAccountControl", "UserStateChangedOn"),
	"StorageBlobLogs":   set(),
	"OfficeActivity":    set("DataCenterSecurityEventType", "ElevationApprovedTime", "ElevationDuration", "ElevationTime", "ExtraProperties", "IsManagedDevice", "LoginStatus", "Members", "SRRuleMatchDetails", "Start_Time"),
	"SecurityEvent":     set("AuditsDiscarded", "AuthenticationLevel", "AuthenticationService", "ErrorCode", "KeyLength", "ServiceStartType"),
	"DnsEvents":         set("RemoteIPLatitude", "RemoteIPLongitude"),
	"DeviceLogonEvents": set("RemotePort"),
	"DeviceFileEvents":  set("RequestSourcePort"),
	"DeviceEvents":      set("FileSize", "ProcessId", "ProcessCreationTime", "RemotePort", "LocalPort", "CreatedProcessSessionId", "IsProcessRemoteSession"),
}

// azureDiagnosticsOtherResources are the AzureDiagnostics columns of resource types other than
// Key Vault (Azure Firewall, WAF, SQL auditing, Logic Apps, NSG...): in the schema, empty in the
// lab's Key Vault rows.
var azureDiagnosticsOtherResources = []string{
	"Tenant_g", "JobId_g", "RunbookName_s", "StreamType_s", "Caller_s", "status_s", "LogicalServerName_s", "Message",
	"userAgent_s", "ruleName_s", "systemId_g", "EventName_s", "httpMethod_s", "subnetId_s", "type_s", "instanceId_s",
	"macAddress_s", "vnetResourceGuid_g", "direction_s", "subnetPrefix_s", "primaryIPv4Address_s",
	"conditions_sourcePortRange_s", "priority_d", "conditions_destinationPortRange_s", "conditions_destinationIP_s",
	"conditions_None_s", "conditions_sourceIP_s", "httpVersion_s", "matchedConnections_d", "startTime_t", "endTime_t",
	"DatabaseName_s", "clientIP_s", "host_s", "requestQuery_s", "sslEnabled_s", "clientPort_d", "httpStatus_d",
	"receivedBytes_d", "sentBytes_d", "timeTaken_d", "resultDescription_ErrorJobs_s", "resultDescription_ChildJobs_s",
	"identity_claim_http_schemas_microsoft_com_identity_claims_scope_s", "workflowId_s", "resource_location_s",
	"resource_workflowId_g", "resource_resourceGroupName_s", "resource_subscriptionId_g", "resource_runId_s",
	"resource_workflowName_s", "_schema_s", "correlation_clientTrackingId_s", "code_s",
	"resultDescription_Summary_MachineId_s", "resultDescription_Summary_ScheduleName_s",
	"resultDescription_Summary_Status_s", "resultDescription_Summary_StatusDescription_s",
	"resultDescription_Summary_MachineName_s", "resultDescription_Summary_TotalUpdatesInstalled_d",
	"resultDescription_Summary_RebootRequired_b", "resultDescription_Summary_TotalUpdatesFailed_d",
	"resultDescription_Summary_InstallPercentage_d", "resultDescription_Summary_StartDateTimeUtc_t",
	"resource_triggerName_s", "resultDescription_Summary_InitialRequiredUpdatesCount_d",
	"resultDescription_Summary_EndDateTimeUtc_s", "resultDescription_Summary_DurationInMinutes_s",
	"resource_originRunId_s", "resource_actionName_s", "correlation_actionTrackingId_g",
	"resultDescription_Summary_EndDateTimeUtc_t", "resultDescription_Summary_DurationInMinutes_d",
	"conditions_protocols_s", "ElasticPoolName_s", "RunOn_s", "query_hash_s", "MG", "ManagementGroupName", "Computer",
	"requestBytes_s", "responseBytes_s", "socketIp_s", "timeTaken_s", "securityProtocol_s", "endpoint_s",
	"rulesEngineMatchNames_s", "backendHostname_s", "isReceivedFromClient_b", "httpStatusCode_s", "httpStatusDetails_s",
	"pop_s", "cacheStatus_s", "socketIP_s", "policy_s", "trackingReference_s", "policyMode_s", "details_matches_s",
	"resource_sourceTriggerHistoryName_s", "addedAccessPolicy_TenantId_g", "addedAccessPolicy_Permissions_keys_s",
	"addedAccessPolicy_Permissions_certificates_s", "retryHistory_s", "ruleGroup_s", "transactionId_s", "transactionId_g",
	"originalHost_s", "error_code_s", "error_message_s", "clientIp_s", "clientPort_s", "ruleSetType_s",
	"ruleSetVersion_s", "ruleId_s", "action_s", "site_s", "details_message_s", "details_msg_s", "details_data_s",
	"details_file_s", "details_line_s", "hostname_s", "correlation_clientTrackingId_g", "tags__type_s", "msg_s",
	"tags_LogicAppsCategory_s", "action_id_s", "server_principal_name_s", "client_ip_s", "host_name_s",
	"application_name_s", "action_name_s", "database_name_s", "affected_rows_d", "response_rows_d", "statement_s",
	"additional_information_s", "succeeded_s", "timeSlice", "destPublicIpAddress_s", "sourcePublicIpAddress_s", "log_s",
	"removedAccessPolicy_ObjectId_g", "removedAccessPolicy_Permissions_keys_s",
	"removedAccessPolicy_Permissions_secrets_s", "removedAccessPolicy_Permissions_certificates_s",
	"duration_milliseconds_d", "session_server_principal_name_s",
}

func init() {
	for _, c := range azureDiagnosticsOtherResources {
		emptyAllowed["AzureDiagnostics"][c] = true
		nullAllowed["AzureDiagnostics"][c] = true
	}
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestColumnsFollowSchema(t *testing.T) {
	tel := defaultTelemetry(t)
	for _, tb := range tel.All() {
		if len(tb.Rows) == 0 {
			t.Errorf("%s: no rows", tb.Name)
			continue
		}
		filled := make([]bool, len(tb.Columns))
		for r, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Fatalf("%s row %d: %d values for %d columns", tb.Name, r, len(row), len(tb.Columns))
			}
			for i, v := range row {
				c := tb.Columns[i]
				if err := checkType(c.Type, v); err != nil {
					t.Fatalf("%s row %d column %s: %v", tb.Name, r, c.Name, err)
				}
				if s, ok := v.(string); (ok && s != "") || (!ok && v != nil) {
					filled[i] = true
				}
			}
			if tm, _ := row[tb.Col(timeColumn(tb))].(time.Time); !tm.Equal(tb.Meta[r].Time) || tm.Location() != time.UTC {
				t.Fatalf("%s row %d: time column %v is not the row's event time %v in UTC", tb.Name, r, tm, tb.Meta[r].Time)
			}
		}
		for i, c := range tb.Columns {
			if !filled[i] && !emptyAllowed[tb.Name][c.Name] && !nullAllowed[tb.Name][c.Name] {
				t.Errorf("%s.%s (%s) is never populated", tb.Name, c.Name, c.Type)
			}
		}
	}
}

func timeColumn(tb *generate.Table) string {
	if tb.Col("TimeGenerated") >= 0 {
		return "TimeGenerated"
	}
	return "Timestamp"
}

func checkType(kusto string, v any) error {
	if v == nil {
		if kusto == "string" {
			return fmt.Errorf("string column is null (Kusto strings are never null)")
		}
		return nil
	}
	ok := false
	switch kusto {
	case "string":
		_, ok = v.(string)
	case "guid":
		s, isStr := v.(string)
		ok = isStr && guidRE.MatchString(s)
	case "datetime":
		_, ok = v.(time.Time)
	case "int", "long":
		_, ok = v.(int64)
	case "real":
		_, ok = v.(float64)
	case "bool":
		_, ok = v.(bool)
	case "dynamic":
		switch v.(type) {
		case map[string]any, []any:
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("value %#v (%T) is not a %s", v, v, kusto)
	}
	return nil
}

// cell reads a column of a row by name.
func cell(tb *generate.Table, row []any, col string) any {
	i := tb.Col(col)
	if i < 0 {
		panic(tb.Name + " has no column " + col)
	}
	return row[i]
}

func str(tb *generate.Table, row []any, col string) string {
	s, _ := cell(tb, row, col).(string)
	return s
}

func table(t *testing.T, tel *generate.Telemetry, name string) *generate.Table {
	t.Helper()
	tb, ok := tel.Table(name)
	if !ok {
		t.Fatalf("no table %s", name)
	}
	return tb
}

type place struct{ city, country string }

// TestSignInsAgreeAcrossTables: every sign-in appears in AADSignInEventsBeta (and, when
// interactive, IdentityLogonEvents) with the same correlation id, time, IP and location.
func TestSignInsAgreeAcrossTables(t *testing.T) {
	tel := defaultTelemetry(t)
	beta := table(t, tel, "AADSignInEventsBeta")
	type seen struct {
		at       time.Time
		ip, upn  string
		loc      place
		matched  bool
		interact bool
	}
	byCorr := map[string]*seen{}
	for _, row := range beta.Rows {
		byCorr[str(beta, row, "CorrelationId")] = &seen{at: cell(beta, row, "Timestamp").(time.Time), ip: str(beta, row, "IPAddress"),
			upn: str(beta, row, "AccountUpn"), loc: place{str(beta, row, "City"), str(beta, row, "Country")},
			interact: str(beta, row, "LogonType") == `["interactiveUser"]`}
	}
	for _, name := range []string{"SigninLogs", "AADNonInteractiveUserSignInLogs"} {
		tb := table(t, tel, name)
		for r, row := range tb.Rows {
			corr := str(tb, row, "CorrelationId")
			b := byCorr[corr]
			if b == nil {
				t.Fatalf("%s row %d: correlation id %s not in AADSignInEventsBeta", name, r, corr)
			}
			city, country := locationOf(tb, row)
			if !b.at.Equal(cell(tb, row, "TimeGenerated").(time.Time)) || b.ip != str(tb, row, "IPAddress") ||
				b.upn != str(tb, row, "UserPrincipalName") || b.loc != (place{city, country}) {
				t.Fatalf("%s row %d disagrees with AADSignInEventsBeta: %v %s %s %s/%s vs %+v", name, r,
					cell(tb, row, "TimeGenerated"), str(tb, row, "IPAddress"), str(tb, row, "UserPrincipalName"), city, country, *b)
			}
			b.matched = true
		}
	}
	logons := table(t, tel, "IdentityLogonEvents")
	for r, row := range logons.Rows {
		b := byCorr[str(logons, row, "ReportId")]
		if b == nil || !b.interact || !b.at.Equal(cell(logons, row, "Timestamp").(time.Time)) ||
			b.ip != str(logons, row, "IPAddress") || b.loc.country != str(logons, row, "Location") {
			t.Fatalf("IdentityLogonEvents row %d has no matching interactive sign-in", r)
		}
	}
	for corr, b := range byCorr {
		if !b.matched {
			t.Fatalf("AADSignInEventsBeta %s has no Entra sign-in row", corr)
		}
	}
	if n := len(table(t, tel, "SigninLogs").Rows); n != len(logons.Rows) {
		t.Errorf("SigninLogs has %d rows, IdentityLogonEvents %d: every interactive sign-in should appear in both", n, len(logons.Rows))
	}
}

func locationOf(tb *generate.Table, row []any) (string, string) {
	switch v := cell(tb, row, "LocationDetails").(type) {
	case map[string]any:
		return v["city"].(string), v["countryOrRegion"].(string)
	case string:
		var m struct {
			City    string `json:"city"`
			Country string `json:"countryOrRegion"`
		}
		mustUnmarshal(v, &m)
		return m.City, m.Country
	}
	return "", ""
}

// TestAuditAgreesWithCloudAppEvents: every directory change Defender for Cloud Apps records is in
// both tables with the same id, time, actor and IP.
func TestAuditAgreesWithCloudAppEvents(t *testing.T) {
	tel := defaultTelemetry(t)
	audit, cae := table(t, tel, "AuditLogs"), table(t, tel, "CloudAppEvents")
	byID := map[string][]any{}
	for _, row := range cae.Rows {
		if raw, ok := cell(cae, row, "RawEventData").(map[string]any); ok && raw["Workload"] == "AzureActiveDirectory" {
			byID[raw["Id"].(string)] = row
		}
	}
	mirrored := 0
	for r, row := range audit.Rows {
		name := str(audit, row, "OperationName")
		if name == "User registered security info" {
			continue
		}
		c := byID[str(audit, row, "CorrelationId")]
		if c == nil {
			t.Fatalf("AuditLogs row %d (%s) has no CloudAppEvents record", r, name)
		}
		by := cell(audit, row, "InitiatedBy").(map[string]any)
		initiator, _ := by["user"].(map[string]any)
		if app, ok := by["app"].(map[string]any); ok {
			// an application's change: no user and no address in AuditLogs, the app's object id in both
			initiator = map[string]any{"id": app["servicePrincipalId"], "ipAddress": str(cae, c, "IPAddress")}
		}
		if !cell(cae, c, "Timestamp").(time.Time).Equal(cell(audit, row, "TimeGenerated").(time.Time)) ||
			str(cae, c, "IPAddress") != initiator["ipAddress"] || str(cae, c, "AccountObjectId") != initiator["id"] ||
			!strings.HasSuffix(str(cae, c, "ActionType"), ".") {
			t.Fatalf("AuditLogs row %d (%s) disagrees with CloudAppEvents %v", r, name, c)
		}
		mirrored++
	}
	if mirrored == 0 {
		t.Fatal("no directory change was mirrored")
	}
}

// TestIPsGeolocateConsistently: an IP has one city and country wherever it appears, and it is the
// place the scenario declares for its range.
func TestIPsGeolocateConsistently(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	cast, err := generate.ResolveCast(s, generate.Params{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(table, ip, city, country string) {
		pl, ok := cast.PlaceOf(ip)
		if !ok {
			t.Fatalf("%s: IP %s lies in no declared place", table, ip)
		}
		if (city != "" && city != pl.City) || country != pl.Country {
			t.Fatalf("%s: IP %s located in %s/%s, its place is %s/%s", table, ip, city, country, pl.City, pl.Country)
		}
	}
	for _, name := range []string{"SigninLogs", "AADNonInteractiveUserSignInLogs"} {
		tb := table(t, tel, name)
		for _, row := range tb.Rows {
			city, country := locationOf(tb, row)
			check(name, str(tb, row, "IPAddress"), city, country)
		}
	}
	for _, spec := range []struct{ name, ip, city, country string }{
		{"AADSignInEventsBeta", "IPAddress", "City", "Country"},
		{"CloudAppEvents", "IPAddress", "City", "CountryCode"},
		{"IdentityLogonEvents", "IPAddress", "", "Location"},
	} {
		tb := table(t, tel, spec.name)
		for _, row := range tb.Rows {
			city := ""
			if spec.city != "" {
				city = str(tb, row, spec.city)
			}
			check(spec.name, str(tb, row, spec.ip), city, str(tb, row, spec.country))
		}
	}
	for _, spec := range []struct{ name, col string }{{"AzureActivity", "CallerIpAddress"}, {"AzureDiagnostics", "CallerIPAddress"}, {"StorageBlobLogs", "CallerIpAddress"}} {
		tb := table(t, tel, spec.name)
		for _, row := range tb.Rows {
			ip, _, _ := strings.Cut(str(tb, row, spec.col), ":")
			if _, ok := cast.PlaceOf(ip); !ok {
				t.Fatalf("%s: IP %s lies in no declared place", spec.name, ip)
			}
		}
	}
}

// TestSignInsFollowWorkingHours: background interactive sign-ins happen in local office hours,
// on working days.
func TestSignInsFollowWorkingHours(t *testing.T) {
	tel := defaultTelemetry(t)
	s := loadScenario(t)
	cast, _ := generate.ResolveCast(s, generate.Params{})
	tb := table(t, tel, "SigninLogs")
	inHours, total, weekday, weekend := 0, 0, 0, 0
	for r, row := range tb.Rows {
		if tb.Meta[r].Step != "" {
			continue
		}
		pl, _ := cast.PlaceOf(str(tb, row, "IPAddress"))
		local := cell(tb, row, "TimeGenerated").(time.Time).In(pl.Location)
		total++
		if h := local.Hour(); h >= 7 && h < 20 {
			inHours++
		}
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		} else {
			weekday++
		}
	}
	if share := float64(inHours) / float64(total); share < 0.97 {
		t.Errorf("only %.1f%% of %d background sign-ins fall in local working hours", 100*share, total)
	}
	// 22 working days against 10 weekend days, with a small weekend share.
	if weekday < 10*weekend {
		t.Errorf("weekday sign-ins %d are not >> weekend sign-ins %d", weekday, weekend)
	}
}
