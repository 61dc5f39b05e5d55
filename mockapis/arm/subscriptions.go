package arm

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/soclab/soclab/simulator"
)

// resourcesAPIVersions are Microsoft.Resources' versions (subscriptions, tenants, groups),
// newest first as ARM lists them.
var resourcesAPIVersions = []string{
	"2025-04-01", "2025-03-01", "2024-11-01", "2024-07-01", "2024-03-01", "2023-07-01", "2022-12-01",
	"2022-09-01", "2022-06-01", "2022-05-01", "2022-01-01", "2021-04-01", "2021-01-01", "2020-10-01",
	"2020-09-01", "2020-08-01", "2020-07-01", "2020-06-01", "2020-05-01", "2020-01-01", "2019-11-01",
	"2019-10-01", "2019-09-01", "2019-08-01", "2019-07-01", "2019-06-01", "2019-05-10", "2019-05-01",
	"2019-03-01", "2018-11-01", "2018-09-01", "2018-08-01", "2018-07-01", "2018-06-01", "2018-05-01",
	"2018-02-01", "2018-01-01", "2017-12-01", "2017-08-01", "2017-06-01", "2017-05-10", "2017-05-01",
	"2017-03-01", "2016-09-01", "2016-07-01", "2016-06-01", "2016-02-01", "2015-11-01", "2015-01-01",
	"2014-04-01-preview", "2014-04-01", "2014-01-01",
}

// subscriptionBody is a subscription as GET /subscriptions lists it.
func subscriptionBody(t simulator.Tenant) map[string]any {
	return map[string]any{
		"id":                   "/subscriptions/" + t.Subscription.ID,
		"authorizationSource":  "RoleBased",
		"managedByTenants":     []any{},
		"subscriptionId":       t.Subscription.ID,
		"tenantId":             t.ID,
		"displayName":          t.Subscription.DisplayName,
		"state":                "Enabled",
		"subscriptionPolicies": map[string]string{"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
	}
}

// listSubscriptions answers GET /subscriptions: the caller's tenant's one subscription.
func (h *handler) listSubscriptions(c *Call) (Response, error) {
	if !supportsVersion(resourcesAPIVersions, c.APIVersion) {
		return Response{}, errInvalidAPIVersion(c.APIVersion, resourcesAPIVersions)
	}
	return OK(map[string]any{
		"count": map[string]any{"type": "Total", "value": 1},
		"value": []any{subscriptionBody(c.Tenant)},
	}), nil
}

func getSubscription(c *Call) (Response, error) { return OK(subscriptionBody(c.Tenant)), nil }

// listTenants answers GET /tenants: the caller's home tenant.
func (h *handler) listTenants(c *Call) (Response, error) {
	if !supportsVersion(resourcesAPIVersions, c.APIVersion) {
		return Response{}, errInvalidAPIVersion(c.APIVersion, resourcesAPIVersions)
	}
	t := c.Tenant
	return OK(map[string]any{
		"count": map[string]any{"type": "Total", "value": 1},
		"value": []any{map[string]any{
			"id":             "/tenants/" + t.ID,
			"tenantId":       t.ID,
			"countryCode":    "US",
			"displayName":    t.DisplayName,
			"domains":        t.Domains(),
			"tenantCategory": "Home",
			"defaultDomain":  t.Domain,
			"tenantType":     "AAD",
		}},
	}), nil
}

// listGroupResources answers GET [.../resourceGroups/{rg}]/resources (az resource list):
// every resource in the group or subscription, not the extension resources on them, as
// {id,name,type,location,...}.
func listGroupResources(c *Call) (Response, error) {
	filter, ferr := parseResourceFilter(c.Request.URL.Query().Get("$filter"))
	if ferr != nil {
		return Response{}, ferr
	}
	var items []map[string]any
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		all, err := tx.ResourcesUnder(res.ScopeID, "")
		if err != nil {
			return err
		}
		for _, r := range all {
			if !isTopLevelResource(r.ID) {
				continue
			}
			item := map[string]any{"id": r.ID, "name": lastSegment(r.ID), "type": r.Type}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(r.Body, &body); err != nil {
				return fmt.Errorf("decode %s: %w", r.ID, err)
			}
			for _, f := range []string{"location", "kind", "sku", "tags", "managedBy", "identity"} {
				if v, ok := body[f]; ok && string(v) != "null" && string(v) != "{}" {
					item[f] = v
				}
			}
			if filter.keep(item) {
				items = append(items, item)
			}
		}
		return nil
	})
	if err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusOK, Body: List(items)}, nil
}
