package automation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/soclab/soclab/simulator/sentinel"
)

// subject is what a rule's conditions read: the triggering event, the incident's current
// state (after the rules that ran before) and, loaded on demand, its entities and custom
// details.
type subject struct {
	ev       sentinel.IncidentEvent
	cur      sentinel.IncidentState
	entities func() ([]sentinel.Entity, error)
	details  func() (map[string][]string, error)
	// item overrides a property with one item (PropertyArray item conditions).
	item map[string][]string
}

// entityProps maps an entity property of the conditions to the entity kind and the ARM
// property names that hold it (automation-rule-reference.md "Mapping to entities").
var entityProps = map[string]struct {
	kind string
	keys []string
}{
	"AccountAadTenantId": {"Account", []string{"aadTenantId"}}, "AccountAadUserId": {"Account", []string{"aadUserId"}},
	"AccountName": {"Account", []string{"accountName"}}, "AccountNTDomain": {"Account", []string{"ntDomain"}},
	"AccountPUID": {"Account", []string{"puid"}}, "AccountSid": {"Account", []string{"sid"}},
	"AccountObjectGuid": {"Account", []string{"objectGuid"}}, "AccountUPNSuffix": {"Account", []string{"upnSuffix"}},
	"AzureResourceResourceId": {"AzureResource", []string{"resourceId"}}, "AzureResourceSubscriptionId": {"AzureResource", []string{"subscriptionId"}},
	"CloudApplicationAppId": {"CloudApplication", []string{"appId"}}, "CloudApplicationAppName": {"CloudApplication", []string{"appName", "name"}},
	"DNSDomainName": {"DnsResolution", []string{"domainName"}}, "FileDirectory": {"File", []string{"directory"}},
	"FileName": {"File", []string{"fileName", "name"}}, "FileHashValue": {"FileHash", []string{"hashValue", "value"}},
	"HostAzureID": {"Host", []string{"azureID"}}, "HostName": {"Host", []string{"hostName"}},
	"HostNetBiosName": {"Host", []string{"netBiosName"}}, "HostNTDomain": {"Host", []string{"ntDomain"}},
	"HostOSVersion": {"Host", []string{"osVersion"}}, "IoTDeviceId": {"IoTDevice", []string{"deviceId"}},
	"IoTDeviceName": {"IoTDevice", []string{"deviceName"}}, "IoTDeviceType": {"IoTDevice", []string{"deviceType"}},
	"IoTDeviceVendor": {"IoTDevice", []string{"manufacturer", "vendor"}}, "IoTDeviceModel": {"IoTDevice", []string{"model"}},
	"IoTDeviceOperatingSystem": {"IoTDevice", []string{"operatingSystem"}}, "IPAddress": {"Ip", []string{"address"}},
	"MailboxDisplayName": {"Mailbox", []string{"displayName"}}, "MailboxPrimaryAddress": {"Mailbox", []string{"mailboxPrimaryAddress"}},
	"MailboxUPN": {"Mailbox", []string{"upn"}}, "MailMessageDeliveryAction": {"MailMessage", []string{"deliveryAction"}},
	"MailMessageDeliveryLocation": {"MailMessage", []string{"deliveryLocation"}}, "MailMessageRecipient": {"MailMessage", []string{"recipient"}},
	"MailMessageSenderIP": {"MailMessage", []string{"senderIP"}}, "MailMessageSubject": {"MailMessage", []string{"subject"}},
	"MailMessageP1Sender": {"MailMessage", []string{"p1Sender"}}, "MailMessageP2Sender": {"MailMessage", []string{"p2Sender"}},
	"MalwareCategory": {"Malware", []string{"category"}}, "MalwareName": {"Malware", []string{"malwareName", "name"}},
	"ProcessCommandLine": {"Process", []string{"commandLine"}}, "ProcessId": {"Process", []string{"processId"}},
	"RegistryKey": {"RegistryKey", []string{"key"}}, "RegistryValueData": {"RegistryValue", []string{"valueData", "value"}},
	"Url": {"Url", []string{"url"}},
}

// updatedBySource is the value of IncidentUpdatedBySource for an event source (the portal's
// "Updated by" choices: Application, User, Alert grouping, Playbook, Automation rule,
// Microsoft Defender XDR).
var updatedBySource = map[sentinel.Source][]string{
	sentinel.SourceAnalyticsRule:  {"AlertGrouping", "Alert grouping"},
	sentinel.SourceDefender:       {"Microsoft365Defender", "Microsoft 365 Defender", "Microsoft Defender XDR"},
	sentinel.SourceUser:           {"User"},
	sentinel.SourceAutomationRule: {"AutomationRule", "Automation rule"},
	sentinel.SourcePlaybook:       {"Playbook"},
}

// values returns the values of a Property condition's property for the subject.
func (s *subject) values(prop string) ([]string, error) {
	if v, ok := s.item[prop]; ok {
		return v, nil
	}
	c := s.cur
	switch prop {
	case "IncidentTitle":
		return []string{c.Title}, nil
	case "IncidentDescription":
		return []string{c.Description}, nil
	case "IncidentSeverity":
		return []string{c.Severity}, nil
	case "IncidentStatus":
		return []string{c.Status}, nil
	case "IncidentProviderName":
		return []string{c.ProviderName}, nil
	case "IncidentTactics":
		return c.Tactics, nil
	case "IncidentLabel":
		return c.Labels, nil
	case "IncidentRelatedAnalyticRuleIds", "AlertAnalyticRuleIds":
		return c.RelatedAnalyticRuleIDs, nil
	case "AlertProductNames":
		return c.AlertProductNames, nil
	case "IncidentUpdatedBySource":
		if s.ev.Kind != sentinel.EventUpdated {
			return nil, nil
		}
		return updatedBySource[s.ev.Source], nil
	case "IncidentCustomDetailsKey", "IncidentCustomDetailsValue":
		d, err := s.details()
		if err != nil {
			return nil, err
		}
		var out []string
		for k, vs := range d {
			if prop == "IncidentCustomDetailsKey" {
				out = append(out, k)
			} else {
				out = append(out, vs...)
			}
		}
		return out, nil
	}
	ep, ok := entityProps[prop]
	if !ok {
		return nil, fmt.Errorf("condition property %q is not supported", prop)
	}
	ents, err := s.entities()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !strings.EqualFold(e.Kind, ep.kind) {
			continue
		}
		for _, k := range ep.keys {
			if v, ok := e.Properties[k]; ok && v != nil {
				out = append(out, fmt.Sprint(v))
				break
			}
		}
	}
	return out, nil
}

// matchOne applies a positive operator to one value (conditions are case-insensitive).
func matchOne(op, have, want string) bool {
	h, w := strings.ToLower(have), strings.ToLower(want)
	switch strings.TrimPrefix(op, "Not") {
	case "Equals":
		return h == w
	case "Contains":
		return strings.Contains(h, w)
	case "StartsWith":
		return strings.HasPrefix(h, w)
	case "EndsWith":
		return strings.HasSuffix(h, w)
	}
	return false
}

// matchAny reports whether an item matches the operator's positive form for any wanted value.
func matchAny(op, item string, want []string) bool {
	for _, w := range want {
		if matchOne(op, item, w) {
			return true
		}
	}
	return false
}

// compare evaluates an operator over a property's values: a positive operator holds when any
// value matches any wanted value; a negative one when none does. IncidentLabel is Sentinel's
// "any individual tag": true when at least one tag satisfies the operator, negatives included.
func compare(prop, op string, have, want []string) bool {
	negative := strings.HasPrefix(op, "Not")
	if prop == "IncidentLabel" && negative {
		for _, h := range have {
			if !matchAny(op, h, want) {
				return true
			}
		}
		return false
	}
	found := false
	for _, h := range have {
		if matchAny(op, h, want) {
			found = true
			break
		}
	}
	return found != negative
}

// evaluate evaluates one condition.
func (s *subject) evaluate(c sentinel.AutomationCondition) (bool, error) {
	typ := ""
	if c.ConditionType != nil {
		typ = *c.ConditionType
	}
	switch typ {
	case "Property":
		var pc sentinel.PropertyCondition
		if err := json.Unmarshal(c.ConditionProperties, &pc); err != nil || pc.PropertyName == nil || pc.Operator == nil {
			return false, fmt.Errorf("malformed Property condition: %s", c.ConditionProperties)
		}
		have, err := s.values(*pc.PropertyName)
		if err != nil {
			return false, err
		}
		return compare(*pc.PropertyName, *pc.Operator, have, pc.PropertyValues), nil
	case "PropertyChanged":
		var pc sentinel.PropertyCondition
		if err := json.Unmarshal(c.ConditionProperties, &pc); err != nil || pc.PropertyName == nil || pc.ChangeType == nil {
			return false, fmt.Errorf("malformed PropertyChanged condition: %s", c.ConditionProperties)
		}
		return s.changed(pc), nil
	case "PropertyArrayChanged":
		var ac sentinel.ArrayChangedCondition
		if err := json.Unmarshal(c.ConditionProperties, &ac); err != nil || ac.ArrayType == nil {
			return false, fmt.Errorf("malformed PropertyArrayChanged condition: %s", c.ConditionProperties)
		}
		return s.arrayAdded(*ac.ArrayType), nil
	case "PropertyArray":
		var ac sentinel.ArrayCondition
		if err := json.Unmarshal(c.ConditionProperties, &ac); err != nil || ac.ArrayType == nil || ac.ArrayConditionType == nil {
			return false, fmt.Errorf("malformed PropertyArray condition: %s", c.ConditionProperties)
		}
		return s.array(ac)
	case "Boolean":
		var bc sentinel.BooleanCondition
		if err := json.Unmarshal(c.ConditionProperties, &bc); err != nil || bc.Operator == nil {
			return false, fmt.Errorf("malformed Boolean condition: %s", c.ConditionProperties)
		}
		or := *bc.Operator == "Or"
		for _, in := range bc.InnerConditions {
			ok, err := s.evaluate(in)
			if err != nil {
				return false, err
			}
			if ok == or {
				return or, nil
			}
		}
		return !or, nil
	}
	return false, fmt.Errorf("condition type %q is not supported", typ)
}

// all evaluates top-level conditions, which are ANDed.
func (s *subject) all(cs []sentinel.AutomationCondition) (bool, error) {
	for _, c := range cs {
		ok, err := s.evaluate(c)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// changed evaluates PropertyChanged: the triggering update changed the property, and its
// value before (ChangedFrom) or after (ChangedTo) satisfies the operator when values are given.
func (s *subject) changed(pc sentinel.PropertyCondition) bool {
	if s.ev.Before == nil {
		return false
	}
	b, a := *s.ev.Before, s.ev.After
	var before, after []string
	switch *pc.PropertyName {
	case "IncidentSeverity":
		before, after = []string{b.Severity}, []string{a.Severity}
	case "IncidentStatus":
		before, after = []string{b.Status}, []string{a.Status}
	case "IncidentOwner":
		before, after = ownerIDs(b.Owner), ownerIDs(a.Owner)
	default:
		return false
	}
	if strings.EqualFold(strings.Join(before, "\n"), strings.Join(after, "\n")) {
		return false
	}
	if pc.Operator == nil || len(pc.PropertyValues) == 0 {
		return true
	}
	side := after
	if *pc.ChangeType == "ChangedFrom" {
		side = before
	}
	return compare(*pc.PropertyName, *pc.Operator, side, pc.PropertyValues)
}

// ownerIDs are the identifiers an owner can be named by in a condition.
func ownerIDs(o sentinel.Owner) []string {
	var out []string
	for _, p := range []*string{o.ObjectID, o.UserPrincipalName, o.Email, o.AssignedTo} {
		if p != nil && *p != "" {
			out = append(out, *p)
		}
	}
	return out
}

// arrayAdded evaluates PropertyArrayChanged Added for the triggering update.
func (s *subject) arrayAdded(arrayType string) bool {
	if s.ev.Before == nil {
		return false
	}
	b, a := *s.ev.Before, s.ev.After
	switch arrayType {
	case "Alerts":
		return a.AlertsCount > b.AlertsCount
	case "Comments":
		return a.CommentsCount > b.CommentsCount
	case "Labels":
		return len(addedItems(b.Labels, a.Labels)) > 0
	case "Tactics":
		return len(addedItems(b.Tactics, a.Tactics)) > 0
	}
	return false
}

func addedItems(before, after []string) []string {
	var out []string
	for _, x := range after {
		found := false
		for _, y := range before {
			if strings.EqualFold(x, y) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// array evaluates PropertyArray: the item conditions hold for any item (AnyItem) or for
// every item of a non-empty array (AllItems).
func (s *subject) array(ac sentinel.ArrayCondition) (bool, error) {
	var prop string
	var items []string
	switch *ac.ArrayType {
	case "IncidentLabels":
		prop, items = "IncidentLabel", s.cur.Labels
	case "CustomDetails", "CustomDetailValues":
		prop = "IncidentCustomDetailsKey"
		if *ac.ArrayType == "CustomDetailValues" {
			prop = "IncidentCustomDetailsValue"
		}
		var err error
		if items, err = s.values(prop); err != nil {
			return false, err
		}
	default:
		return false, fmt.Errorf("array type %q is not supported", *ac.ArrayType)
	}
	all := *ac.ArrayConditionType == "AllItems"
	if len(items) == 0 {
		return false, nil
	}
	for _, it := range items {
		one := *s
		one.item = map[string][]string{prop: {it}}
		ok, err := one.all(ac.ItemConditions)
		if err != nil {
			return false, err
		}
		if ok != all {
			return ok, nil
		}
	}
	return all, nil
}
