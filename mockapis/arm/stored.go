package arm

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Handlers shared by resource types whose stored body is exactly what ARM answers. Types
// plug them into their ResourceType (Get: GetStored, ...) and write their own Put.

// GetStored answers GET of one stored resource, or ARM's 404 ResourceNotFound.
func GetStored(c *Call) (Response, error) {
	var body json.RawMessage
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing == nil {
			return c.NotFound(res)
		}
		body = res.Existing.Body
		return nil
	})
	return OK(body), err
}

// ListStored answers a collection GET: the stored resources of the call's type in the
// collection (a group, a parent resource, or the whole subscription for tracked types).
func ListStored(c *Call) (Response, error) {
	var items []simulator.Resource
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		under := res.ID
		if c.target.group == "" && !c.Type.Extension {
			under = "/subscriptions/" + c.Tenant.Subscription.ID
		}
		items, err = tx.ResourcesUnder(under, c.Type.Name)
		return err
	})
	if err != nil {
		return Response{}, err
	}
	sort.Slice(items, func(i, j int) bool { return strings.ToLower(items[i].ID) < strings.ToLower(items[j].ID) })
	bodies := make([]json.RawMessage, len(items))
	for i, r := range items {
		bodies[i] = r.Body
	}
	return OK(List(bodies)), nil
}

// DeleteStored deletes a resource and everything under it: 200 when it existed, 204 when it
// did not (ARM's synchronous delete), recording Namespace/type/delete in the activity log.
func DeleteStored(c *Call) (Response, error) {
	var status int
	err := c.Update(func(tx *simulator.TenantTx) error {
		status = http.StatusOK // results are set afresh on every run (see World.Update)
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing == nil {
			status = http.StatusNoContent
			return nil
		}
		if _, err := tx.DeleteTree(res.ID); err != nil {
			return err
		}
		return c.Record(tx, res.ID, c.Type.Name+"/delete", http.StatusOK)
	})
	return Response{Status: status}, err
}

// PutBody stores body as the resource's ARM body (one transaction with the activity entry)
// and answers createdStatus (201 for most types, 200 where the service never says Created)
// on create, 200 on update. build receives the resolved target inside the transaction and
// returns the body to store.
func PutBody(c *Call, createdStatus int, build func(tx *simulator.TenantTx, res Resolved) (any, error)) (Response, error) {
	var out json.RawMessage
	var status int
	err := c.Update(func(tx *simulator.TenantTx) error {
		status = createdStatus // results are set afresh on every run (see World.Update)
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing != nil {
			status = http.StatusOK
		}
		body, err := build(tx, res)
		if err != nil {
			return err
		}
		if out, err = json.Marshal(body); err != nil {
			return err
		}
		if err := tx.PutResource(simulator.Resource{ID: res.ID, Type: c.Type.Name, Body: out}); err != nil {
			return err
		}
		return c.Record(tx, res.ID, c.Type.Name+"/write", status)
	})
	if err != nil {
		return Response{}, err
	}
	return Response{Status: status, Body: out}, nil
}
