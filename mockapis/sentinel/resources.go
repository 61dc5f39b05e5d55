package sentinel

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/sentinel"
)

// onboardingState is the onboardingStates/default body.
type onboardingState struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Etag       string `json:"etag"`
	Properties struct {
		CustomerManagedKey *bool `json:"customerManagedKey,omitempty"`
	} `json:"properties"`
	SystemData *model.SystemData `json:"systemData,omitempty"`
}

// putOnboarding enables Sentinel on the workspace. az sends the PUT without a body.
func (s *service) putOnboarding(c *arm.Call) (arm.Response, error) {
	var req onboardingState
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	if !strings.EqualFold(c.Name(), "default") {
		return arm.Response{}, arm.NewError(http.StatusBadRequest, "BadRequest",
			"The Sentinel onboarding state name '"+c.Name()+"' is not valid: the only supported name is 'default'.")
	}
	return put(c, putSpec{onboarding: true, etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		st := onboardingState{ID: res.ID, Name: name(res.ID), Type: model.OnboardingStateType, Etag: model.NewEtag(),
			SystemData: systemData(c, tx, res.Existing)}
		st.Properties.CustomerManagedKey = req.Properties.CustomerManagedKey
		if st.Properties.CustomerManagedKey == nil {
			st.Properties.CustomerManagedKey = new(bool)
		}
		return st, nil
	}})
}

// putAlertRule creates or replaces a Scheduled or NRT analytics rule.
func (s *service) putAlertRule(c *arm.Call) (arm.Response, error) {
	var req model.AlertRule
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	kind, verr := model.ValidateRule(model.RuleRequest{Kind: req.Kind, Preview: isPreview(c.APIVersion), Queries: s.queries}, &req.Properties)
	if verr != nil {
		return arm.Response{}, armError(verr)
	}
	if kind == model.KindNRT && !newerThanFirstPreview(c.APIVersion) {
		req.Properties.EventGroupingSettings = nil // not in 2022-06-01-preview's NRT model
	}
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		if res.Existing != nil {
			var old model.AlertRule
			if err := json.Unmarshal(res.Existing.Body, &old); err == nil && old.Kind != kind {
				return nil, arm.NewError(http.StatusBadRequest, "BadRequest",
					"The kind of alert rule '"+old.Name+"' cannot be changed from '"+old.Kind+"' to '"+kind+"'; delete the rule and create it again.")
			}
		}
		if kind == model.KindNRT {
			n, err := model.CountNRTRules(tx, workspaceOf(res), res.ID)
			if err != nil {
				return nil, err
			}
			if n >= model.MaxNRTRules {
				return nil, arm.NewError(http.StatusBadRequest, "BadRequest",
					"The workspace already has 50 NRT rules, the maximum Microsoft Sentinel allows; delete one or create a Scheduled rule instead.")
			}
		}
		rule := model.AlertRule{ID: res.ID, Name: name(res.ID), Type: model.AlertRuleType, Kind: kind, Etag: model.NewEtag(),
			Properties: req.Properties, SystemData: systemData(c, tx, res.Existing)}
		rule.Properties.LastModifiedUtc = model.Timestamp(tx.Now())
		return rule, nil
	}})
}

// putConnector creates or replaces a MicrosoftThreatProtection data connector.
func (s *service) putConnector(c *arm.Call) (arm.Response, error) {
	var req model.DataConnector
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	kind, verr := model.ValidateConnector(model.ConnectorRequest{Kind: req.Kind, Preview: isPreview(c.APIVersion),
		AlertsDataType: newerThanFirstPreview(c.APIVersion), TenantID: c.Tenant.ID}, &req.Properties)
	if verr != nil {
		return arm.Response{}, armError(verr)
	}
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		return model.DataConnector{ID: res.ID, Name: name(res.ID), Type: model.DataConnectorType, Kind: kind,
			Etag: model.NewEtag(), Properties: req.Properties, SystemData: systemData(c, tx, res.Existing)}, nil
	}})
}

// putAutomationRule creates or replaces an automation rule (stored; run by the simulator).
func (s *service) putAutomationRule(c *arm.Call) (arm.Response, error) {
	var req model.AutomationRule
	if err := decode(c, &req); err != nil {
		return arm.Response{}, err
	}
	return put(c, putSpec{etag: req.Etag, build: func(tx *simulator.TenantTx, res arm.Resolved) (any, error) {
		if err := model.ValidateAutomationRule(model.AutomationRequest{AlertsTrigger: newerThanFirstPreview(c.APIVersion), Now: tx.Now()}, &req.Properties); err != nil {
			return nil, err
		}
		p := req.Properties
		now := model.Timestamp(tx.Now())
		who := clientInfo(c)
		p.CreatedTimeUtc, p.CreatedBy = now, who
		if res.Existing != nil {
			var old model.AutomationRule
			if json.Unmarshal(res.Existing.Body, &old) == nil {
				p.CreatedTimeUtc, p.CreatedBy = old.Properties.CreatedTimeUtc, old.Properties.CreatedBy
			}
		}
		p.LastModifiedTimeUtc, p.LastModifiedBy = now, who
		return model.AutomationRule{ID: res.ID, Name: name(res.ID), Type: model.AutomationRuleType, Etag: model.NewEtag(),
			Properties: p, SystemData: systemData(c, tx, res.Existing)}, nil
	}})
}

// clientInfo names the caller as Sentinel's ClientInfo does.
func clientInfo(c *arm.Call) *model.ClientInfo {
	ci := &model.ClientInfo{ObjectID: c.Principal.ObjectID, UserPrincipalName: c.Principal.UPN, Name: c.Principal.Name}
	if c.Principal.UPN != "" {
		ci.Email = c.Principal.UPN
	}
	if ci.Name == "" {
		ci.Name = c.Principal.UPN
		if ci.Name == "" {
			ci.Name = c.Principal.AppID
		}
	}
	return ci
}
