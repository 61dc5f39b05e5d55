package sentinel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AutomationRequest is what ValidateAutomationRule needs besides the body.
type AutomationRequest struct {
	// AlertsTrigger is true for api-versions whose triggersOn knows Alerts (after 2022-06-01-preview).
	AlertsTrigger bool
	// Now is the tenant clock, for expirationTimeUtc.
	Now time.Time
}

// ValidateAutomationRule checks an automation rule body and canonicalizes it in place.
func ValidateAutomationRule(req AutomationRequest, p *AutomationRuleProperties) *Error {
	const base = "properties"
	switch {
	case p.DisplayName == nil:
		return missing(base, "displayName")
	case strings.TrimSpace(*p.DisplayName) == "":
		return badRequest("The property 'properties.displayName' must not be empty.")
	case len([]rune(*p.DisplayName)) > MaxAutomationNameLength:
		return badRequest("The property 'properties.displayName' is longer than %d characters.", MaxAutomationNameLength)
	case p.Order == nil:
		return missing(base, "order")
	case *p.Order < MinAutomationOrder || *p.Order > MaxAutomationOrder:
		return badRequest("The value %d of property 'properties.order' is out of range: it must be between %d and %d.", *p.Order, MinAutomationOrder, MaxAutomationOrder)
	case p.TriggeringLogic == nil:
		return missing(base, "triggeringLogic")
	case p.Actions == nil:
		return missing(base, "actions")
	case len(p.Actions) == 0:
		return badRequest("The property 'properties.actions' must contain at least one action.")
	case len(p.Actions) > MaxAutomationActions:
		return badRequest("The property 'properties.actions' has %d actions; the limit is %d.", len(p.Actions), MaxAutomationActions)
	}
	if err := validateTrigger(req, p.TriggeringLogic); err != nil {
		return err
	}
	for i := range p.Actions {
		if err := validateAction(fmt.Sprintf("%s.actions[%d]", base, i), &p.Actions[i]); err != nil {
			return err
		}
	}
	return nil
}

func validateTrigger(req AutomationRequest, t *TriggeringLogic) *Error {
	const base = "properties.triggeringLogic"
	switch {
	case t.IsEnabled == nil:
		return missing(base, "isEnabled")
	case t.TriggersOn == nil:
		return missing(base, "triggersOn")
	case t.TriggersWhen == nil:
		return missing(base, "triggersWhen")
	case len(t.Conditions) > MaxAutomationConditions:
		return badRequest("The property '%s.conditions' has %d conditions; the limit is %d.", base, len(t.Conditions), MaxAutomationConditions)
	}
	on := []string{"Incidents"}
	if req.AlertsTrigger {
		on = []string{"Incidents", "Alerts"}
	}
	if err := enumAt(base+".triggersOn", t.TriggersOn, on); err != nil {
		return err
	}
	if err := enumAt(base+".triggersWhen", t.TriggersWhen, []string{"Created", "Updated"}); err != nil {
		return err
	}
	if t.ExpirationTimeUtc != nil {
		exp, err := time.Parse(time.RFC3339, *t.ExpirationTimeUtc)
		if err != nil {
			return badRequest("The value '%s' of property '%s.expirationTimeUtc' is not a valid date-time.", *t.ExpirationTimeUtc, base)
		}
		if !exp.After(req.Now) {
			return badRequest("The value '%s' of property '%s.expirationTimeUtc' is in the past.", *t.ExpirationTimeUtc, base)
		}
	}
	for i := range t.Conditions {
		if err := validateCondition(fmt.Sprintf("%s.conditions[%d]", base, i), &t.Conditions[i], 0); err != nil {
			return err
		}
	}
	return nil
}

// decodeStrict decodes raw into v; a wrong shape is the deserializer's error at path.
func decodeStrict(path string, raw json.RawMessage, v any) *Error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return badRequest("Required property '%s' not found in JSON.", path)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("Error converting the value of property '%s': %v.", path, err)
	}
	return nil
}

// reencode stores the canonicalized configuration back into raw.
func reencode(raw *json.RawMessage, v any) {
	data, _ := json.Marshal(v)
	*raw = data
}

func validateCondition(path string, c *AutomationCondition, depth int) *Error {
	if c.ConditionType == nil {
		return missing(path, "conditionType")
	}
	if err := enumAt(path+".conditionType", c.ConditionType, ConditionTypes); err != nil {
		return err
	}
	cp := path + ".conditionProperties"
	switch *c.ConditionType {
	case "Property", "PropertyChanged":
		var pc PropertyCondition
		if err := decodeStrict(cp, c.ConditionProperties, &pc); err != nil {
			return err
		}
		names := ConditionProperties
		if *c.ConditionType == "PropertyChanged" {
			names = ChangedProperties
			if pc.ChangeType == nil {
				return missing(cp, "changeType")
			}
			if err := enumAt(cp+".changeType", pc.ChangeType, ChangeTypes); err != nil {
				return err
			}
		}
		if pc.PropertyName == nil {
			return missing(cp, "propertyName")
		}
		if err := enumAt(cp+".propertyName", pc.PropertyName, names); err != nil {
			return err
		}
		if pc.Operator != nil {
			if err := enumAt(cp+".operator", pc.Operator, ConditionOperators); err != nil {
				return err
			}
		} else if *c.ConditionType == "Property" {
			return missing(cp, "operator")
		}
		if *c.ConditionType == "Property" && len(pc.PropertyValues) == 0 {
			return badRequest("The property '%s.propertyValues' must contain at least one value.", cp)
		}
		reencode(&c.ConditionProperties, pc)
	case "PropertyArrayChanged":
		var ac ArrayChangedCondition
		if err := decodeStrict(cp, c.ConditionProperties, &ac); err != nil {
			return err
		}
		if ac.ArrayType == nil {
			return missing(cp, "arrayType")
		}
		if ac.ChangeType == nil {
			return missing(cp, "changeType")
		}
		if err := enumAt(cp+".arrayType", ac.ArrayType, ArrayChangedTypes); err != nil {
			return err
		}
		if err := enumAt(cp+".changeType", ac.ChangeType, []string{"Added"}); err != nil {
			return err
		}
		reencode(&c.ConditionProperties, ac)
	case "PropertyArray":
		var ac ArrayCondition
		if err := decodeStrict(cp, c.ConditionProperties, &ac); err != nil {
			return err
		}
		if ac.ArrayType == nil {
			return missing(cp, "arrayType")
		}
		if ac.ArrayConditionType == nil {
			return missing(cp, "arrayConditionType")
		}
		if err := enumAt(cp+".arrayType", ac.ArrayType, ArrayTypes); err != nil {
			return err
		}
		if err := enumAt(cp+".arrayConditionType", ac.ArrayConditionType, ArrayConditionTypes); err != nil {
			return err
		}
		for i := range ac.ItemConditions {
			if err := validateCondition(fmt.Sprintf("%s.itemConditions[%d]", cp, i), &ac.ItemConditions[i], depth+1); err != nil {
				return err
			}
		}
		reencode(&c.ConditionProperties, ac)
	case "Boolean":
		var bc BooleanCondition
		if err := decodeStrict(cp, c.ConditionProperties, &bc); err != nil {
			return err
		}
		if bc.Operator == nil {
			return missing(cp, "operator")
		}
		if err := enumAt(cp+".operator", bc.Operator, []string{"And", "Or"}); err != nil {
			return err
		}
		if n := len(bc.InnerConditions); n < 2 || n > 10 {
			return badRequest("The property '%s.innerConditions' must hold between 2 and 10 conditions; %d were given.", cp, n)
		}
		if depth >= 2 {
			return badRequest("Boolean conditions in property '%s' are nested too deeply.", path)
		}
		for i := range bc.InnerConditions {
			if err := validateCondition(fmt.Sprintf("%s.innerConditions[%d]", cp, i), &bc.InnerConditions[i], depth+1); err != nil {
				return err
			}
		}
		reencode(&c.ConditionProperties, bc)
	}
	return nil
}

func validateAction(path string, a *AutomationAction) *Error {
	if a.Order == nil {
		return missing(path, "order")
	}
	if a.ActionType == nil {
		return missing(path, "actionType")
	}
	if err := enumAt(path+".actionType", a.ActionType, ActionTypes); err != nil {
		return err
	}
	cp := path + ".actionConfiguration"
	switch *a.ActionType {
	case "ModifyProperties":
		var m ModifyProperties
		if err := decodeStrict(cp, a.ActionConfiguration, &m); err != nil {
			return err
		}
		if err := validateModify(cp, &m); err != nil {
			return err
		}
		reencode(&a.ActionConfiguration, m)
	case "RunPlaybook":
		var r RunPlaybook
		if err := decodeStrict(cp, a.ActionConfiguration, &r); err != nil {
			return err
		}
		if r.LogicAppResourceID == nil {
			return missing(cp, "logicAppResourceId")
		}
		if !logicAppID.MatchString(*r.LogicAppResourceID) {
			return badRequest("The value '%s' of property '%s.logicAppResourceId' is not the resource id of a Logic App (/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name}).", *r.LogicAppResourceID, cp)
		}
		if r.TenantID != nil && !isGUID(*r.TenantID) {
			return guidError(*r.TenantID, cp+".tenantId")
		}
		reencode(&a.ActionConfiguration, r)
	case "AddIncidentTask":
		var t AddIncidentTask
		if err := decodeStrict(cp, a.ActionConfiguration, &t); err != nil {
			return err
		}
		if t.Title == nil || strings.TrimSpace(*t.Title) == "" {
			return missing(cp, "title")
		}
		reencode(&a.ActionConfiguration, t)
	}
	return nil
}

// validateModify checks a ModifyProperties configuration (also used for incident updates).
func validateModify(path string, m *ModifyProperties) *Error {
	if m.Severity != nil {
		if err := enumAt(path+".severity", m.Severity, Severities); err != nil {
			return err
		}
	}
	if m.Status != nil {
		if err := enumAt(path+".status", m.Status, IncidentStatuses); err != nil {
			return err
		}
	}
	if m.Classification != nil {
		if err := enumAt(path+".classification", m.Classification, Classifications); err != nil {
			return err
		}
	}
	if m.ClassificationReason != nil {
		if err := enumAt(path+".classificationReason", m.ClassificationReason, ClassificationReasons); err != nil {
			return err
		}
	}
	if m.Status != nil && *m.Status == "Closed" && m.Classification == nil {
		return badRequest("Closing an incident requires a classification: property '%s.classification' is missing.", path)
	}
	if o := m.Owner; o != nil {
		if err := validateOwner(path+".owner", o); err != nil {
			return err
		}
	}
	for i, l := range m.Labels {
		if strings.TrimSpace(l.LabelName) == "" {
			return missing(fmt.Sprintf("%s.labels[%d]", path, i), "labelName")
		}
	}
	return nil
}

// validateOwner checks an owner block: objectId is a GUID (the spec's uuid format).
func validateOwner(path string, o *Owner) *Error {
	if o.ObjectID != nil && !isGUID(*o.ObjectID) {
		return guidError(*o.ObjectID, path+".objectId")
	}
	if o.OwnerType != nil {
		if err := enumAt(path+".ownerType", o.OwnerType, OwnerTypes); err != nil {
			return err
		}
	}
	return nil
}

// guidError is the service deserializer's message for a non-GUID in a uuid property.
func guidError(value, path string) *Error {
	return badRequest("Error converting value %s to type 'System.Nullable`1[System.Guid]'. Path '%s'.", jsonString(value), path)
}
