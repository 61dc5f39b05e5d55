package simulator

import (
	"encoding/json"
	"fmt"
	"time"
)

const activityColl = "activity"

// Activity is one entry of a tenant's action log, shaped like an Azure Activity log record
// (the scenario routes these to the AzureActivity table).
type Activity struct {
	// Seq is the entry's position in the tenant's log (set on append).
	Seq uint64 `json:"seq"`
	// EventDataID is the record's unique id (GUID).
	EventDataID string `json:"eventDataId"`
	// CorrelationID ties the records of one operation together (GUID).
	CorrelationID string `json:"correlationId"`
	// Time is the tenant clock when the operation happened.
	Time time.Time `json:"time"`
	// OperationName is the upper-case operation, e.g. MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/WRITE.
	OperationName string `json:"operationName"`
	// Category is "Administrative" for control-plane writes.
	Category string `json:"category"`
	// Level is "Informational", "Warning" or "Error".
	Level string `json:"level"`
	// Status is "Started", "Accepted", "Succeeded" or "Failed".
	Status string `json:"status"`
	// SubStatus is the HTTP status word, e.g. "Created", "OK", "Accepted".
	SubStatus string `json:"subStatus,omitempty"`
	// Caller is the UPN of a user or the appId of a service principal.
	Caller string `json:"caller"`
	// CallerIPAddress is the client address as the service saw it.
	CallerIPAddress string `json:"callerIpAddress,omitempty"`
	// ResourceID is the ARM id the operation acted on.
	ResourceID string `json:"resourceId"`
	// ResourceGroup is the group of ResourceID, if any.
	ResourceGroup string `json:"resourceGroup,omitempty"`
	// ResourceProvider is the provider namespace in upper case, e.g. MICROSOFT.RESOURCES.
	ResourceProvider string `json:"resourceProvider"`
	// SubscriptionID is the subscription of ResourceID.
	SubscriptionID string `json:"subscriptionId"`
	// Action is the RBAC action in its own case (Authorization.action), e.g.
	// Microsoft.Resources/subscriptions/resourceGroups/write.
	Action string `json:"action,omitempty"`
	// HTTPMethod is the request method.
	HTTPMethod string `json:"httpMethod,omitempty"`
	// ClientRequestID is the client's x-ms-client-request-id (HTTPRequest.clientRequestId).
	ClientRequestID string `json:"clientRequestId,omitempty"`
	// Properties holds extra fields (e.g. the status code, the request body's entity).
	Properties map[string]string `json:"properties,omitempty"`
}

// AppendActivity adds an entry to the tenant's action log. Time defaults to the tenant clock
// and EventDataID/CorrelationID to fresh GUIDs.
func (t *TenantTx) AppendActivity(a Activity) (Activity, error) {
	if a.Time.IsZero() {
		a.Time = t.now
	}
	if a.EventDataID == "" {
		a.EventDataID = NewGUID()
	}
	if a.CorrelationID == "" {
		a.CorrelationID = NewGUID()
	}
	if a.Category == "" {
		a.Category = "Administrative"
	}
	if a.Level == "" {
		a.Level = "Informational"
	}
	// The sequence number is known only after Append, so store the record twice-free:
	// reserve it by appending, then rewrite under the same key with Seq filled.
	data, err := json.Marshal(a)
	if err != nil {
		return Activity{}, fmt.Errorf("encode activity: %w", err)
	}
	seq, err := t.tx.Append(t.tenant.ID, activityColl, data)
	if err != nil {
		return Activity{}, err
	}
	a.Seq = seq
	if data, err = json.Marshal(a); err != nil {
		return Activity{}, fmt.Errorf("encode activity: %w", err)
	}
	if err := t.tx.Put(t.tenant.ID, activityColl, string(SeqKey(seq)), data); err != nil {
		return Activity{}, err
	}
	return a, nil
}

// Activities returns the tenant's action log in order.
func (t *TenantTx) Activities() ([]Activity, error) {
	var out []Activity
	err := t.tx.Scan(t.tenant.ID, activityColl, "", func(_ string, v []byte) error {
		var a Activity
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("decode activity: %w", err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}
