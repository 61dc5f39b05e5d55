package arm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// maxBody bounds request bodies; ARM's own limit is 4 MB.
const maxBody = 4 << 20

// Call is one ARM request after authentication, tenant selection and api-version checks:
// everything a resource handler needs.
type Call struct {
	Request   *http.Request
	World     *simulator.World
	Principal auth.Principal
	Tenant    simulator.Tenant
	// Type is the resource type the request addresses (nil for the core routes).
	Type *ResourceType
	// APIVersion is the request's api-version.
	APIVersion string
	// CorrelationID ties the request's answer headers and activity records together.
	CorrelationID string

	target target
	reg    *registry
	body   []byte
}

// Name returns the resource name from the path, as the client wrote it.
func (c *Call) Name() string { return c.target.name() }

// Body returns the raw request body.
func (c *Call) Body() []byte { return c.body }

// Action returns the action segment of a POST {id}/{action}.
func (c *Call) Action() string { return c.target.action }

// DecodeBody decodes the JSON body into v. An empty body decodes as {}. Malformed JSON is
// ARM's 400 InvalidRequestContent with the position of the problem.
func (c *Call) DecodeBody(v any) error {
	data := bytes.TrimSpace(c.body)
	if len(data) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return errInvalidRequestContent(describeJSONError(data, err))
	}
	if dec.More() {
		off := dec.InputOffset()
		line, col := position(data, int(off))
		return errInvalidRequestContent(fmt.Sprintf("Additional text encountered after finished reading JSON content. Path '', line %d, position %d.", line, col))
	}
	return nil
}

// describeJSONError words a decoding error the way ARM's deserializer does: what went wrong,
// then the line and position.
func describeJSONError(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, int(syn.Offset))
		msg := syn.Error()
		if i := strings.Index(msg, "'"); i >= 0 {
			if j := strings.Index(msg[i+1:], "'"); j >= 0 {
				return fmt.Sprintf("Unexpected character encountered while parsing value: %s. Path '', line %d, position %d.", msg[i+1:i+1+j], line, col)
			}
		}
		return fmt.Sprintf("%s. Path '', line %d, position %d.", msg, line, col)
	case errors.As(err, &typ):
		line, col := position(data, int(typ.Offset))
		return fmt.Sprintf("Error converting value to type '%s'. Path '%s', line %d, position %d.", typ.Type, typ.Field, line, col)
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := position(data, len(data))
		return fmt.Sprintf("Unexpected end when reading JSON. Path '', line %d, position %d.", line, col)
	default:
		return err.Error()
	}
}

// position converts a byte offset to a 1-based line and a position within the line.
func position(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line, col := 1, 0
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	return line, col
}

// View runs fn read-only over the caller's tenant.
func (c *Call) View(fn func(tx *simulator.TenantTx) error) error {
	return c.World.View(c.Tenant.ID, fn)
}

// Update runs fn over the caller's tenant in one durable transaction (the API write).
func (c *Call) Update(fn func(tx *simulator.TenantTx) error) error {
	return c.World.Update(c.Tenant.ID, fn)
}

// callerName is who the activity log and systemData name: the UPN of a user, the appId of
// a service principal.
func (c *Call) callerName() string {
	if c.Principal.UPN != "" {
		return c.Principal.UPN
	}
	if c.Principal.AppID != "" {
		return c.Principal.AppID
	}
	return c.Principal.ObjectID
}

// activityCaller is the Caller column of the activity log: the UPN of a user, the object id
// of a service principal.
func (c *Call) activityCaller() string {
	if c.Principal.UPN != "" {
		return c.Principal.UPN
	}
	if c.Principal.ObjectID != "" {
		return c.Principal.ObjectID
	}
	return c.Principal.AppID
}

func (c *Call) callerType() string {
	if c.Principal.IsServicePrincipal {
		return "Application"
	}
	return "User"
}

// SystemData is ARM's read-only systemData block.
type SystemData struct {
	CreatedBy          string `json:"createdBy"`
	CreatedByType      string `json:"createdByType"`
	CreatedAt          string `json:"createdAt"`
	LastModifiedBy     string `json:"lastModifiedBy"`
	LastModifiedByType string `json:"lastModifiedByType"`
	LastModifiedAt     string `json:"lastModifiedAt"`
}

// SystemData returns systemData for a write now (tenant clock), keeping the creation fields
// of prev when the resource already existed.
func (c *Call) SystemData(tx *simulator.TenantTx, prev *SystemData) SystemData {
	now := Timestamp(tx.Now())
	sd := SystemData{CreatedBy: c.callerName(), CreatedByType: c.callerType(), CreatedAt: now}
	if prev != nil && prev.CreatedAt != "" {
		sd.CreatedBy, sd.CreatedByType, sd.CreatedAt = prev.CreatedBy, prev.CreatedByType, prev.CreatedAt
	}
	sd.LastModifiedBy, sd.LastModifiedByType, sd.LastModifiedAt = c.callerName(), c.callerType(), now
	return sd
}

// Timestamp formats t as ARM does (UTC, seven fractional digits).
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// Record writes the activity-log entries of a successful write, Started then Succeeded (and
// Accepted in between for asynchronous operations), sharing one correlation id. operation is
// "Namespace/type/.../write|delete|action".
func (c *Call) Record(tx *simulator.TenantTx, resourceID, operation string, httpStatus int) error {
	corr := c.CorrelationID
	ns := operation
	if i := strings.Index(operation, "/"); i > 0 {
		ns = operation[:i]
	}
	statuses := []string{"Started", "Succeeded"}
	if httpStatus == http.StatusAccepted {
		statuses = []string{"Started", "Accepted", "Succeeded"}
	}
	for _, st := range statuses {
		sub := ""
		if st != "Started" {
			sub = http.StatusText(httpStatus)
		}
		_, err := tx.AppendActivity(simulator.Activity{
			CorrelationID:    corr,
			OperationName:    strings.ToUpper(operation),
			Status:           st,
			SubStatus:        sub,
			Caller:           c.activityCaller(),
			CallerIPAddress:  clientIP(c.Request),
			ResourceID:       resourceID,
			ResourceGroup:    groupOf(resourceID),
			ResourceProvider: strings.ToUpper(ns),
			SubscriptionID:   c.Tenant.Subscription.ID,
			Action:           operation,
			HTTPMethod:       c.Request.Method,
			ClientRequestID:  c.Request.Header.Get("x-ms-client-request-id"),
			Properties: map[string]string{
				"statusCode":    strings.ReplaceAll(http.StatusText(httpStatus), " ", ""),
				"entity":        resourceID,
				"message":       operation,
				"eventCategory": "Administrative",
				"hierarchy":     c.Tenant.ID + "/" + c.Tenant.Subscription.ID,
			},
		})
		if err != nil {
			return fmt.Errorf("record activity %s: %w", operation, err)
		}
	}
	return nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// baseURL is the scheme and host the client used, for Location headers and nextLinks.
func (c *Call) baseURL() string {
	scheme := "https"
	if c.Request.TLS == nil && !strings.EqualFold(strings.Split(c.Request.Host, ":")[0], "management.azure.com") {
		scheme = "http"
	}
	return scheme + "://" + c.Request.Host
}
