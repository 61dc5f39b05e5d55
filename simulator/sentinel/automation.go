package sentinel

import (
	"encoding/json"
	"regexp"
)

// Automation-rule limits and enums (AutomationRules.json).
const (
	MaxAutomationConditions = 50
	MaxAutomationActions    = 20
	MinAutomationOrder      = 1
	MaxAutomationOrder      = 1000
	MaxAutomationNameLength = 500
)

var (
	// ConditionTypes are AutomationRuleCondition.conditionType.
	ConditionTypes = []string{"Property", "PropertyArray", "PropertyChanged", "PropertyArrayChanged", "Boolean"}
	// ConditionOperators are AutomationRulePropertyConditionSupportedOperator.
	ConditionOperators = []string{"Equals", "NotEquals", "Contains", "NotContains", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith"}
	// ConditionProperties are AutomationRulePropertyConditionSupportedProperty.
	ConditionProperties = []string{"IncidentTitle", "IncidentDescription", "IncidentSeverity", "IncidentStatus",
		"IncidentRelatedAnalyticRuleIds", "IncidentTactics", "IncidentLabel", "IncidentProviderName", "IncidentUpdatedBySource",
		"IncidentCustomDetailsKey", "IncidentCustomDetailsValue", "AccountAadTenantId", "AccountAadUserId", "AccountName",
		"AccountNTDomain", "AccountPUID", "AccountSid", "AccountObjectGuid", "AccountUPNSuffix", "AlertProductNames",
		"AlertAnalyticRuleIds", "AzureResourceResourceId", "AzureResourceSubscriptionId", "CloudApplicationAppId",
		"CloudApplicationAppName", "DNSDomainName", "FileDirectory", "FileName", "FileHashValue", "HostAzureID", "HostName",
		"HostNetBiosName", "HostNTDomain", "HostOSVersion", "IoTDeviceId", "IoTDeviceName", "IoTDeviceType", "IoTDeviceVendor",
		"IoTDeviceModel", "IoTDeviceOperatingSystem", "IPAddress", "MailboxDisplayName", "MailboxPrimaryAddress", "MailboxUPN",
		"MailMessageDeliveryAction", "MailMessageDeliveryLocation", "MailMessageRecipient", "MailMessageSenderIP",
		"MailMessageSubject", "MailMessageP1Sender", "MailMessageP2Sender", "MalwareCategory", "MalwareName",
		"ProcessCommandLine", "ProcessId", "RegistryKey", "RegistryValueData", "Url"}
	// ChangedProperties are the properties a PropertyChanged condition watches.
	ChangedProperties = []string{"IncidentSeverity", "IncidentStatus", "IncidentOwner"}
	// ChangeTypes are PropertyChanged changeType.
	ChangeTypes = []string{"ChangedFrom", "ChangedTo"}
	// ArrayChangedTypes are PropertyArrayChanged arrayType.
	ArrayChangedTypes = []string{"Alerts", "Labels", "Tactics", "Comments"}
	// ArrayTypes are PropertyArray arrayType.
	ArrayTypes = []string{"CustomDetails", "CustomDetailValues", "IncidentLabels"}
	// ArrayConditionTypes are PropertyArray arrayConditionType.
	ArrayConditionTypes = []string{"AnyItem", "AllItems"}
	// ActionTypes are AutomationRuleAction.actionType.
	ActionTypes = []string{"ModifyProperties", "RunPlaybook", "AddIncidentTask"}

	logicAppID = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Logic/workflows/[^/]+$`)
)

// AutomationRule is an automation rule exactly as the API answers it.
type AutomationRule struct {
	ID         string                   `json:"id"`
	Name       string                   `json:"name"`
	Type       string                   `json:"type"`
	Etag       string                   `json:"etag"`
	Properties AutomationRuleProperties `json:"properties"`
	SystemData *SystemData              `json:"systemData,omitempty"`
}

// AutomationRuleProperties are an automation rule's properties.
type AutomationRuleProperties struct {
	DisplayName         *string            `json:"displayName"`
	Order               *int               `json:"order"`
	TriggeringLogic     *TriggeringLogic   `json:"triggeringLogic"`
	Actions             []AutomationAction `json:"actions"`
	LastModifiedTimeUtc string             `json:"lastModifiedTimeUtc"`
	CreatedTimeUtc      string             `json:"createdTimeUtc"`
	LastModifiedBy      *ClientInfo        `json:"lastModifiedBy,omitempty"`
	CreatedBy           *ClientInfo        `json:"createdBy,omitempty"`
}

// ClientInfo names who changed an object.
type ClientInfo struct {
	Email             string `json:"email,omitempty"`
	Name              string `json:"name,omitempty"`
	ObjectID          string `json:"objectId,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// TriggeringLogic says when an automation rule runs.
type TriggeringLogic struct {
	IsEnabled         *bool                 `json:"isEnabled"`
	ExpirationTimeUtc *string               `json:"expirationTimeUtc,omitempty"`
	TriggersOn        *string               `json:"triggersOn"`
	TriggersWhen      *string               `json:"triggersWhen"`
	Conditions        []AutomationCondition `json:"conditions,omitempty"`
}

// AutomationCondition is one condition; ConditionProperties depends on ConditionType.
type AutomationCondition struct {
	ConditionType       *string         `json:"conditionType"`
	ConditionProperties json.RawMessage `json:"conditionProperties"`
}

// AutomationAction is one action; ActionConfiguration depends on ActionType.
type AutomationAction struct {
	Order               *int            `json:"order"`
	ActionType          *string         `json:"actionType"`
	ActionConfiguration json.RawMessage `json:"actionConfiguration"`
}

// PropertyCondition is the configuration of Property and PropertyChanged conditions.
type PropertyCondition struct {
	PropertyName   *string  `json:"propertyName,omitempty"`
	ChangeType     *string  `json:"changeType,omitempty"`
	Operator       *string  `json:"operator,omitempty"`
	PropertyValues []string `json:"propertyValues,omitempty"`
}

// ArrayChangedCondition is the configuration of PropertyArrayChanged conditions.
type ArrayChangedCondition struct {
	ArrayType  *string `json:"arrayType"`
	ChangeType *string `json:"changeType"`
}

// ArrayCondition is the configuration of PropertyArray conditions.
type ArrayCondition struct {
	ArrayType          *string               `json:"arrayType"`
	ArrayConditionType *string               `json:"arrayConditionType"`
	ItemConditions     []AutomationCondition `json:"itemConditions,omitempty"`
}

// BooleanCondition combines inner conditions.
type BooleanCondition struct {
	Operator        *string               `json:"operator"`
	InnerConditions []AutomationCondition `json:"innerConditions"`
}

// ModifyProperties is the configuration of a ModifyProperties action.
type ModifyProperties struct {
	Severity              *string         `json:"severity,omitempty"`
	Status                *string         `json:"status,omitempty"`
	Classification        *string         `json:"classification,omitempty"`
	ClassificationReason  *string         `json:"classificationReason,omitempty"`
	ClassificationComment *string         `json:"classificationComment,omitempty"`
	Owner                 *Owner          `json:"owner,omitempty"`
	Labels                []IncidentLabel `json:"labels,omitempty"`
}

// RunPlaybook is the configuration of a RunPlaybook action.
type RunPlaybook struct {
	LogicAppResourceID *string `json:"logicAppResourceId"`
	TenantID           *string `json:"tenantId,omitempty"`
}

// AddIncidentTask is the configuration of an AddIncidentTask action.
type AddIncidentTask struct {
	Title       *string `json:"title"`
	Description *string `json:"description,omitempty"`
}
