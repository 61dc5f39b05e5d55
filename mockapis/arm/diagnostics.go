package arm

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// categories are the diagnostic log categories, category groups and metric categories a
// resource type offers (Azure Monitor's diagnosticSettingsCategories).
type categories struct {
	Logs, Groups, Metrics []string
}

// diagnosticCategories by parent resource type (lower-case); "" is the subscription itself
// (the activity log). Types not listed offer nothing.
var diagnosticCategories = map[string]categories{
	"":                                  {Logs: []string{"Administrative", "Security", "ServiceHealth", "Alert", "Recommendation", "Policy", "Autoscale", "ResourceHealth"}},
	"microsoft.keyvault/vaults":         {Logs: []string{"AuditEvent", "AzurePolicyEvaluationDetails"}, Groups: []string{"audit", "allLogs"}, Metrics: []string{"AllMetrics"}},
	"microsoft.storage/storageaccounts": {Metrics: []string{"Transaction"}},
	"microsoft.storage/storageaccounts/blobservices": {Logs: []string{"StorageRead", "StorageWrite", "StorageDelete"}, Groups: []string{"audit", "allLogs"}, Metrics: []string{"Transaction"}},
	"microsoft.operationalinsights/workspaces":       {Logs: []string{"Audit", "SummaryLogs"}, Groups: []string{"audit", "allLogs"}, Metrics: []string{"AllMetrics"}},
}

// categoriesFor returns what the resource a diagnostic setting is on offers.
func categoriesFor(res Resolved) categories {
	switch {
	case res.Parent != nil:
		return diagnosticCategories[strings.ToLower(res.Parent.Type)]
	case res.Group != "":
		return categories{} // resource groups have no diagnostic settings of their own
	default:
		return diagnosticCategories[""]
	}
}

type retentionPolicy struct {
	Enabled bool `json:"enabled"`
	Days    int  `json:"days"`
}

type logSetting struct {
	Category        *string          `json:"category"`
	CategoryGroup   *string          `json:"categoryGroup"`
	Enabled         *bool            `json:"enabled"`
	RetentionPolicy *retentionPolicy `json:"retentionPolicy"`
}

type metricSetting struct {
	Category        *string          `json:"category"`
	TimeGrain       *string          `json:"timeGrain"`
	Enabled         *bool            `json:"enabled"`
	RetentionPolicy *retentionPolicy `json:"retentionPolicy"`
}

type diagnosticProperties struct {
	StorageAccountID            *string         `json:"storageAccountId"`
	ServiceBusRuleID            *string         `json:"serviceBusRuleId"`
	WorkspaceID                 *string         `json:"workspaceId"`
	EventHubAuthorizationRuleID *string         `json:"eventHubAuthorizationRuleId"`
	EventHubName                *string         `json:"eventHubName"`
	MarketplacePartnerID        *string         `json:"marketplacePartnerId"`
	Metrics                     []metricSetting `json:"metrics"`
	Logs                        []logSetting    `json:"logs"`
	LogAnalyticsDestinationType *string         `json:"logAnalyticsDestinationType"`
}

type diagnosticSetting struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	Type       string               `json:"type"`
	Properties diagnosticProperties `json:"properties"`
}

// putDiagnosticSetting creates or replaces a setting; Azure Monitor answers 200 either way
// (az accepts nothing else).
func putDiagnosticSetting(c *Call) (Response, error) {
	var req struct {
		Properties *diagnosticProperties `json:"properties"`
	}
	if err := c.DecodeBody(&req); err != nil {
		return Response{}, err
	}
	if req.Properties == nil {
		return Response{}, errBadRequest("Required property 'properties' not found in JSON. Path ''.")
	}
	p := *req.Properties
	return PutBody(c, http.StatusOK, func(tx *simulator.TenantTx, res Resolved) (any, error) {
		if err := validateDiagnostics(c, tx, res, &p); err != nil {
			return nil, err
		}
		return diagnosticSetting{ID: res.ID, Name: lastSegment(res.ID), Type: DiagnosticSettingsType, Properties: p}, nil
	})
}

// validateDiagnostics checks a setting against the resource's categories and the tenant's
// sinks, and fills the defaults Azure Monitor echoes back.
func validateDiagnostics(c *Call, tx *simulator.TenantTx, res Resolved, p *diagnosticProperties) error {
	cats := categoriesFor(res)
	for i := range p.Logs {
		l := &p.Logs[i]
		if l.Enabled == nil {
			return errBadRequest(fmt.Sprintf("Required property 'enabled' not found in JSON. Path 'properties.logs[%d]'.", i))
		}
		switch {
		case l.Category != nil && l.CategoryGroup != nil:
			return errBadRequest(fmt.Sprintf("Only one of category and categoryGroup can be set. Path 'properties.logs[%d]'.", i))
		case l.Category != nil:
			if !containsFold(cats.Logs, *l.Category) {
				return errBadRequest(fmt.Sprintf("Category '%s' is not supported.", *l.Category))
			}
		case l.CategoryGroup != nil:
			if !containsFold(cats.Groups, *l.CategoryGroup) {
				return errBadRequest(fmt.Sprintf("Category group '%s' is not supported.", *l.CategoryGroup))
			}
		default:
			return errBadRequest(fmt.Sprintf("Either category or categoryGroup must be set. Path 'properties.logs[%d]'.", i))
		}
		if l.RetentionPolicy == nil {
			l.RetentionPolicy = &retentionPolicy{}
		}
	}
	for i := range p.Metrics {
		m := &p.Metrics[i]
		if m.Enabled == nil {
			return errBadRequest(fmt.Sprintf("Required property 'enabled' not found in JSON. Path 'properties.metrics[%d]'.", i))
		}
		if m.Category == nil || !containsFold(cats.Metrics, *m.Category) {
			name := ""
			if m.Category != nil {
				name = *m.Category
			}
			return errBadRequest(fmt.Sprintf("Metric category '%s' is not supported.", name))
		}
		if m.RetentionPolicy == nil {
			m.RetentionPolicy = &retentionPolicy{}
		}
	}
	if p.Logs == nil {
		p.Logs = []logSetting{}
	}
	if p.Metrics == nil {
		p.Metrics = []metricSetting{}
	}
	if t := p.LogAnalyticsDestinationType; t != nil && !strings.EqualFold(*t, "Dedicated") && !strings.EqualFold(*t, "AzureDiagnostics") {
		return errBadRequest(fmt.Sprintf("The value '%s' of property 'logAnalyticsDestinationType' is not valid. Valid values are: Dedicated, AzureDiagnostics.", *t))
	}
	if p.WorkspaceID == nil && p.StorageAccountID == nil && p.EventHubAuthorizationRuleID == nil && p.ServiceBusRuleID == nil && p.MarketplacePartnerID == nil {
		return errBadRequest("At least one destination (storage account, event hub, Log Analytics workspace or partner solution) must be specified.")
	}
	if p.WorkspaceID != nil {
		if err := checkSink(c, tx, "properties.workspaceId", *p.WorkspaceID, WorkspaceType); err != nil {
			return err
		}
	}
	if p.StorageAccountID != nil {
		if err := checkSink(c, tx, "properties.storageAccountId", *p.StorageAccountID, StorageAccountType); err != nil {
			return err
		}
	}
	return nil
}

// checkSink requires a destination id to be a full ARM id of the given type that exists in
// the caller's tenant. Ids of other subscriptions are answered as missing: nothing leaks.
func checkSink(c *Call, tx *simulator.TenantTx, path, id, typ string) error {
	t, ok := parseTarget(id)
	if !ok || t.kind != kindResource || !strings.HasPrefix(id, "/") {
		return NewError(http.StatusBadRequest, "LinkedInvalidPropertyId",
			fmt.Sprintf("Property id '%s' at path '%s' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.", id, path))
	}
	if !strings.EqualFold(t.typeName(), typ) || t.scopeIsResource {
		return errBadRequest(fmt.Sprintf("The resource '%s' at path '%s' is not of type '%s'.", id, path, typ))
	}
	if strings.EqualFold(t.sub, c.Tenant.Subscription.ID) {
		if _, exists, err := tx.Resource(id); err != nil || exists {
			return err
		}
	}
	return errResourceNotFound(typ+"/"+t.name(), t.group)
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// categoryItems lists the categories of the resource a request names, as
// diagnosticSettingsCategories items.
func categoryItems(c *Call) ([]map[string]any, error) {
	var res Resolved
	err := c.View(func(tx *simulator.TenantTx) error {
		var err error
		res, err = c.Resolve(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	cats := categoriesFor(res)
	base := res.ScopeID + "/providers/microsoft.insights/diagnosticSettingsCategories/"
	var items []map[string]any
	for _, l := range cats.Logs {
		items = append(items, map[string]any{"id": base + l, "name": l, "type": "Microsoft.Insights/diagnosticSettingsCategories",
			"properties": map[string]any{"categoryType": "Logs", "categoryGroups": cats.Groups}})
	}
	for _, m := range cats.Metrics {
		items = append(items, map[string]any{"id": base + m, "name": m, "type": "Microsoft.Insights/diagnosticSettingsCategories",
			"properties": map[string]any{"categoryType": "Metrics", "categoryGroups": []string{}}})
	}
	return items, nil
}

func listDiagnosticCategories(c *Call) (Response, error) {
	items, err := categoryItems(c)
	return OK(List(items)), err
}

func getDiagnosticCategory(c *Call) (Response, error) {
	items, err := categoryItems(c)
	if err != nil {
		return Response{}, err
	}
	for _, it := range items {
		if strings.EqualFold(it["name"].(string), c.Name()) {
			return OK(it), nil
		}
	}
	return Response{}, NewError(http.StatusNotFound, "ResourceNotFound",
		fmt.Sprintf("The diagnostic settings category '%s' is not supported for this resource.", c.Name()))
}
