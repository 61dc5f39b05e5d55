package simulator

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DiagnosticSettingsType is the ARM type of Azure Monitor diagnostic settings.
const DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings"

// settingHistoryColl keeps, per diagnostic setting id, when its current version took effect
// ("<id>|open") and every earlier version with the interval it was in force ("<id>|<to>|<from>").
// Log routing reads it so that rows routed while a setting existed stay routed after the
// setting is replaced or deleted, as in Azure (ingested rows stay in the workspace).
const settingHistoryColl = "diagnostic-history"

// SettingPeriod is one version of a diagnostic setting and the tenant-time interval
// [From, To) during which it was in force. A zero From means "since before the scenario's
// history" (standing settings); a zero To means it is still in force.
type SettingPeriod struct {
	// ID is the setting's ARM id; Body its ARM body during the period.
	ID   string          `json:"id"`
	Body json.RawMessage `json:"body"`
	From time.Time       `json:"from,omitzero"`
	To   time.Time       `json:"to,omitzero"`
}

type openPeriod struct {
	From time.Time `json:"from"`
}

// isDiagnosticSettingID reports whether an ARM id names a diagnostic setting.
func isDiagnosticSettingID(id string) bool {
	return strings.Contains(strings.ToLower(id), "/providers/microsoft.insights/diagnosticsettings/")
}

// openFrom is when the current version of a setting took effect (zero: a standing setting).
func (t *TenantTx) openFrom(id string) (time.Time, error) {
	var o openPeriod
	_, err := t.GetJSON(settingHistoryColl, resourceKey(id)+"|open", &o)
	return o.From, err
}

// archiveSetting closes the period of a setting's current version r at the tenant clock.
func (t *TenantTx) archiveSetting(r Resource) error {
	from, err := t.openFrom(r.ID)
	if err != nil {
		return err
	}
	key := resourceKey(r.ID) + "|" + t.now.UTC().Format(time.RFC3339Nano) + "|" + from.UTC().Format(time.RFC3339Nano)
	p := SettingPeriod{ID: r.ID, Body: r.Body, From: from, To: t.now}
	if err := t.PutJSON(settingHistoryColl, key, p); err != nil {
		return err
	}
	return t.Delete(settingHistoryColl, resourceKey(r.ID)+"|open")
}

// beforeSettingChange archives the stored version of a diagnostic setting about to be
// replaced or deleted.
func (t *TenantTx) beforeSettingChange(id string) error {
	if !isDiagnosticSettingID(id) {
		return nil
	}
	old, ok, err := t.Resource(id)
	if err != nil || !ok {
		return err
	}
	return t.archiveSetting(old)
}

// RestoreStandingSetting puts a scenario's standing diagnostic setting back as if it had
// always existed (its period starts before the history), unless a setting with its id
// exists. The kv-diagnostics-missing fault switched off uses it.
func (t *TenantTx) RestoreStandingSetting(r Resource) error {
	if _, ok, err := t.Resource(r.ID); err != nil || ok {
		return err
	}
	if err := t.forgetSettingHistory(r.ID); err != nil {
		return err
	}
	return putResource(t.tx, t.tenant.ID, r)
}

// ForgetSetting removes a diagnostic setting together with its history, as if the tenant
// never had it: rows it routed disappear too. The kv-diagnostics-missing fault uses it.
func (t *TenantTx) ForgetSetting(id string) error {
	if err := t.forgetSettingHistory(id); err != nil {
		return err
	}
	return t.tx.Delete(t.tenant.ID, resourcesColl, resourceKey(id))
}

func (t *TenantTx) forgetSettingHistory(id string) error {
	var keys []string
	err := t.Scan(settingHistoryColl, resourceKey(id)+"|", func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := t.Delete(settingHistoryColl, k); err != nil {
			return err
		}
	}
	return nil
}

// DiagnosticSettingPeriods returns every diagnostic setting of the tenant's subscription
// with the interval it is or was in force: the current ones (To zero) and the versions
// replaced or deleted since (kept with their bodies).
func (t *TenantTx) DiagnosticSettingPeriods() ([]SettingPeriod, error) {
	live, err := t.ResourcesUnder("/subscriptions/"+t.tenant.Subscription.ID, DiagnosticSettingsType)
	if err != nil {
		return nil, err
	}
	var out []SettingPeriod
	for _, r := range live {
		from, err := t.openFrom(r.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, SettingPeriod{ID: r.ID, Body: r.Body, From: from})
	}
	err = t.Scan(settingHistoryColl, "", func(k string, v []byte) error {
		if strings.HasSuffix(k, "|open") {
			return nil
		}
		var p SettingPeriod
		if err := json.Unmarshal(v, &p); err != nil {
			return fmt.Errorf("decode diagnostic setting period %s: %w", k, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// SeedDiagnosticSetting is a standing diagnostic setting: an ARM resource
// (Microsoft.Insights/diagnosticSettings) on the subscription or on a seeded resource, sending
// its log categories to a workspace. The workspace need not exist yet: the lab's prerequisites
// say the connections are active, so the setting names the workspace the learner creates
// (Azure keeps such a setting; data flows once the workspace exists).
type SeedDiagnosticSetting struct {
	// Name is the setting's name (kv-audit-to-sentinel).
	Name string
	// ResourceGroup, Type and Name of the resource it is on; empty ResourceType: the
	// subscription (activity log). SubPath is appended to the resource id
	// ("/blobServices/default" for blob logs).
	ResourceGroup, ResourceType, ResourceName, SubPath string
	// WorkspaceGroup and WorkspaceName name the destination workspace.
	WorkspaceGroup, WorkspaceName string
	// Categories are the enabled log categories.
	Categories []string
}

// StandingSetting returns the ARM resource of the seed's standing diagnostic setting named
// name for tenant t, and false if the seed has none.
func (s Seed) StandingSetting(t Tenant, name string) (Resource, bool) {
	for _, d := range s.DiagnosticSettings {
		if d.Name == name {
			return d.resource(t), true
		}
	}
	return Resource{}, false
}

// resource builds the setting's id and its ARM body as Azure Monitor answers GET.
func (d SeedDiagnosticSetting) resource(t Tenant) Resource {
	parent := "/subscriptions/" + t.Subscription.ID
	if d.ResourceType != "" {
		parent = ResourceID(t.Subscription.ID, d.ResourceGroup, d.ResourceType, d.ResourceName) + d.SubPath
	}
	id := parent + "/providers/Microsoft.Insights/diagnosticSettings/" + d.Name
	type retention struct {
		Enabled bool `json:"enabled"`
		Days    int  `json:"days"`
	}
	type logSetting struct {
		Category        string    `json:"category"`
		CategoryGroup   *string   `json:"categoryGroup"`
		Enabled         bool      `json:"enabled"`
		RetentionPolicy retention `json:"retentionPolicy"`
	}
	logs := []logSetting{}
	for _, c := range d.Categories {
		logs = append(logs, logSetting{Category: c, Enabled: true})
	}
	ws := ResourceID(t.Subscription.ID, d.WorkspaceGroup, "Microsoft.OperationalInsights/workspaces", d.WorkspaceName)
	body := map[string]any{
		"id": id, "name": d.Name, "type": DiagnosticSettingsType,
		"properties": map[string]any{
			"storageAccountId": nil, "serviceBusRuleId": nil, "workspaceId": ws,
			"eventHubAuthorizationRuleId": nil, "eventHubName": nil, "marketplacePartnerId": nil,
			"metrics": []any{}, "logs": logs, "logAnalyticsDestinationType": nil,
		},
	}
	data, _ := json.Marshal(body) // plain values always encode
	return Resource{ID: id, Type: DiagnosticSettingsType, Body: data}
}

// BlobServiceType is the ARM type of a storage account's blob service (blobServices/default),
// the resource blob logs' diagnostic settings live on.
const BlobServiceType = "Microsoft.Storage/storageAccounts/blobServices"

// subResource is the child resource a setting with a SubPath lives on (the blob service), so
// that ARM finds the setting's parent.
func (d SeedDiagnosticSetting) subResource(t Tenant) (Resource, bool) {
	if d.SubPath != "/blobServices/default" {
		return Resource{}, false
	}
	id := ResourceID(t.Subscription.ID, d.ResourceGroup, d.ResourceType, d.ResourceName) + d.SubPath
	body, _ := json.Marshal(map[string]any{ // plain values always encode
		"id": id, "name": "default", "type": BlobServiceType,
		"sku": map[string]string{"name": "Standard_LRS", "tier": "Standard"},
		"properties": map[string]any{"cors": map[string]any{"corsRules": []any{}},
			"deleteRetentionPolicy": map[string]any{"allowPermanentDelete": false, "enabled": false}},
	})
	return Resource{ID: id, Type: BlobServiceType, Body: body}, true
}
