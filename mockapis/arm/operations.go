package arm

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// operationsColl is the tenant collection of asynchronous operations (Location polling).
const operationsColl = "arm-operations"

// retryAfter is the polling interval the mock asks for, in seconds. ARM says ~15; the mock's
// operations finish at once, so clients need not wait that long.
const retryAfter = "1"

// operation is an asynchronous ARM operation as its Location URL reports it: 202 on the
// first poll, then the final answer.
type operation struct {
	Kind       string `json:"kind"`
	ResourceID string `json:"resourceId"`
	Polls      int    `json:"polls"`
}

// startOperation stores an operation and returns the 202 that announces it.
func (c *Call) startOperation(tx *simulator.TenantTx, token string, op operation) (Response, error) {
	if err := tx.PutJSON(operationsColl, token, op); err != nil {
		return Response{}, err
	}
	return Response{Status: http.StatusAccepted, Header: c.operationHeaders(token)}, nil
}

func (c *Call) operationHeaders(token string) http.Header {
	loc := c.baseURL() + "/subscriptions/" + c.Tenant.Subscription.ID + "/operationresults/" + url.PathEscape(token) +
		"?api-version=" + url.QueryEscape(c.APIVersion)
	return http.Header{"Location": {loc}, "Retry-After": {retryAfter}}
}

// getOperationResult answers a poll of /subscriptions/{sub}/operationresults/{token}.
func getOperationResult(c *Call) (Response, error) {
	token := c.target.operation
	var done bool
	err := c.Update(func(tx *simulator.TenantTx) error {
		var op operation
		ok, err := tx.GetJSON(operationsColl, token, &op)
		if err != nil {
			return err
		}
		if !ok {
			return NewError(http.StatusNotFound, "OperationNotFound",
				"The operation '"+token+"' could not be found in subscription '"+c.Tenant.Subscription.ID+"'.")
		}
		op.Polls++
		done = op.Polls > 1
		return tx.PutJSON(operationsColl, token, op)
	})
	if err != nil {
		return Response{}, err
	}
	if !done {
		return Response{Status: http.StatusAccepted, Header: c.operationHeaders(token)}, nil
	}
	return Response{Status: http.StatusOK}, nil
}

// deleteGroup deletes a group with everything in it and answers 202 + Location, as ARM's
// asynchronous delete does. The deletion itself is committed before the 202 is sent.
func deleteGroup(c *Call) (Response, error) {
	var resp Response
	err := c.Update(func(tx *simulator.TenantTx) error {
		g, ok, err := findGroup(c, tx)
		if err != nil {
			return err
		}
		if !ok {
			return errGroupNotFound(c.target.group)
		}
		if _, err := tx.DeleteTree(g.ID); err != nil {
			return err
		}
		if err := c.Record(tx, g.ID, "Microsoft.Resources/subscriptions/resourceGroups/delete", http.StatusAccepted); err != nil {
			return err
		}
		token := "RESOURCEGROUPDELETIONJOB-" + strings.ToUpper(strings.ReplaceAll(simulator.NewGUID(), "-", "")[:12]) + "-" + strings.ToUpper(g.Location)
		resp, err = c.startOperation(tx, token, operation{Kind: "resourceGroupDelete", ResourceID: g.ID})
		return err
	})
	return resp, err
}
