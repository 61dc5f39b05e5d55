package sentinel

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// alertLink is what the store remembers about an alert beyond its ARM body.
type alertLink struct {
	RuleID    string   `json:"ruleId,omitempty"`
	EntityIDs []string `json:"entityIds"`
}

func linkKey(alertID string) string { return "alert/" + strings.ToLower(alertID) }

// NewEntity is an entity the rule engine found in a result (kind Account, Ip, Host,
// AzureResource, CloudApplication, Url, File, FileHash, Process, ...); Properties are the
// kind's ARM properties (Account: accountName, upnSuffix, aadUserId; Ip: address; ...).
type NewEntity struct {
	Kind       string
	Properties map[string]any
}

// NewAlert is an alert the rule engine (or a Defender source) raises.
type NewAlert struct {
	// RuleID is the ARM id of the analytics rule; "" for alerts of other products.
	RuleID                            string
	DisplayName, Description          string
	Severity                          string
	AlertType, ProductName, Component string
	VendorName, ProviderAlertID       string
	Tactics, Techniques               []string
	StartTime, EndTime                time.Time
	CompromisedEntity                 string
	// ExtendedProperties land in properties.additionalData (rule name, query, custom details).
	ExtendedProperties map[string]string
	Entities           []NewEntity
}

// CreateAlert stores an alert (a SecurityAlert entity) with its entities, de-duplicating
// entities within the workspace, and returns it. An analytics rule's alert (RuleID set) also
// appends an alert event for alert-trigger automation rules.
func CreateAlert(tx *simulator.TenantTx, workspaceID string, a NewAlert) (Entity, error) {
	if a.DisplayName == "" || a.Severity == "" {
		return Entity{}, fmt.Errorf("create alert: display name and severity are required")
	}
	if _, ok := canonical(Severities, a.Severity); !ok {
		return Entity{}, fmt.Errorf("create alert: severity %q is not one of %s", a.Severity, joinList(Severities))
	}
	name := simulator.NewGUID()
	id := Prefix(workspaceID) + "/entities/" + name
	link := alertLink{RuleID: a.RuleID, EntityIDs: []string{}}
	for _, e := range a.Entities {
		eid, err := putEntity(tx, workspaceID, e)
		if err != nil {
			return Entity{}, err
		}
		link.EntityIDs = append(link.EntityIDs, eid)
	}
	now := tx.Now()
	start, end := a.StartTime, a.EndTime
	if start.IsZero() {
		start = now
	}
	if end.IsZero() {
		end = start
	}
	product := orDefault(a.ProductName, "Azure Sentinel")
	extra := map[string]any{}
	for k, v := range a.ExtendedProperties {
		extra[k] = v
	}
	props := map[string]any{
		"systemAlertId": name, "alertDisplayName": a.DisplayName, "friendlyName": a.DisplayName,
		"alertType": orDefault(a.AlertType, name), "severity": a.Severity, "status": "New",
		"vendorName": orDefault(a.VendorName, "Microsoft"), "productName": product,
		"productComponentName": a.Component, "providerAlertId": orDefault(a.ProviderAlertID, name),
		"tactics": nonNil(a.Tactics), "techniques": nonNil(a.Techniques), "confidenceLevel": "Unknown",
		"startTimeUtc": Timestamp(start), "endTimeUtc": Timestamp(end), "timeGenerated": Timestamp(now),
		"processingEndTime": Timestamp(now), "description": a.Description, "compromisedEntity": a.CompromisedEntity,
		"remediationSteps": []string{}, "additionalData": extra,
		"resourceIdentifiers": []map[string]any{{"type": "LogAnalytics", "workspaceId": customerID(tx, workspaceID),
			"subscriptionId": tx.Tenant().Subscription.ID, "resourceGroup": groupOf(workspaceID)}},
	}
	alert := Entity{ID: id, Name: name, Type: EntityType, Kind: "SecurityAlert", Properties: props}
	if err := put(tx, id, resEntities, alert); err != nil {
		return Entity{}, err
	}
	if err := tx.PutJSON(coll, linkKey(id), link); err != nil {
		return Entity{}, err
	}
	if a.RuleID != "" { // an analytics rule's alert: alert-trigger automation runs on it
		if err := recordAlert(tx, workspaceID, id, a.RuleID); err != nil {
			return Entity{}, err
		}
	}
	return alert, nil
}

// CustomerID returns the workspace's Log Analytics workspace id (properties.customerId): the
// id rows are written to and alerts name in their resource identifiers.
func CustomerID(tx *simulator.TenantTx, workspaceID string) string {
	return customerID(tx, workspaceID)
}

func customerID(tx *simulator.TenantTx, workspaceID string) string {
	var ws struct {
		Properties struct {
			CustomerID string `json:"customerId"`
		} `json:"properties"`
	}
	if r, ok, err := tx.Resource(workspaceID); err == nil && ok {
		json.Unmarshal(r.Body, &ws)
	}
	return ws.Properties.CustomerID
}

// putEntity stores an entity once per workspace (same kind and properties = same entity).
func putEntity(tx *simulator.TenantTx, workspaceID string, e NewEntity) (string, error) {
	if e.Kind == "" {
		return "", fmt.Errorf("create alert: an entity has no kind")
	}
	props := map[string]any{}
	for k, v := range e.Properties {
		props[k] = v
	}
	data, _ := json.Marshal(props)
	sum := sha256.Sum256(append([]byte(strings.ToLower(e.Kind)+"\x00"+strings.ToLower(workspaceID)+"\x00"), data...))
	key := "entity/" + hex.EncodeToString(sum[:16])
	var known string
	if ok, err := tx.GetJSON(coll, key, &known); err != nil || ok {
		return known, err
	}
	if _, ok := props["friendlyName"]; !ok {
		props["friendlyName"] = friendlyName(props)
	}
	name := simulator.NewGUID()
	id := Prefix(workspaceID) + "/entities/" + name
	if err := put(tx, id, resEntities, Entity{ID: id, Name: name, Type: EntityType, Kind: e.Kind, Properties: props}); err != nil {
		return "", err
	}
	return id, tx.PutJSON(coll, key, id)
}

// friendlyName picks the identifier people recognise an entity by.
func friendlyName(p map[string]any) string {
	for _, k := range []string{"accountName", "address", "hostName", "resourceId", "appName", "url", "fileName", "name", "displayName"} {
		if s, ok := p[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
