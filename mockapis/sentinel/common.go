package sentinel

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/sentinel"
)

// armError turns the model's refusals into ARM errors; other errors pass through.
func armError(err error) error {
	var me *model.Error
	if errors.As(err, &me) {
		return arm.NewError(me.Status, me.Code, me.Message)
	}
	return err
}

// workspaceOf returns the id of the workspace a Sentinel target lives under: the scope of
// the resolved target (the workspace itself for extension resources).
func workspaceOf(res arm.Resolved) string {
	id := res.ID
	i := strings.Index(strings.ToLower(id), "/providers/microsoft.securityinsights")
	if i < 0 {
		return res.ScopeID
	}
	return id[:i]
}

// requireOnboarded refuses a target on a workspace without Sentinel.
func requireOnboarded(tx *simulator.TenantTx, res arm.Resolved) error {
	ws := workspaceOf(res)
	ok, err := model.IsOnboarded(tx, ws)
	if err != nil {
		return err
	}
	if !ok {
		return armError(model.ErrNotOnboarded(ws[strings.LastIndex(ws, "/")+1:]))
	}
	return nil
}

// onboarded wraps a handler with the onboarding check (after the workspace is resolved).
func onboarded(fn arm.HandlerFunc) arm.HandlerFunc {
	return func(c *arm.Call) (arm.Response, error) {
		err := c.View(func(tx *simulator.TenantTx) error {
			res, err := c.Resolve(tx)
			if err != nil {
				return err
			}
			return requireOnboarded(tx, res)
		})
		if err != nil {
			return arm.Response{}, err
		}
		return fn(c)
	}
}

// envelope is the part of every Sentinel body the write path needs.
type envelope struct {
	Etag       string            `json:"etag"`
	SystemData *model.SystemData `json:"systemData"`
}

// checkEtag refuses a write whose etag (body, else If-Match) is not the stored one. No etag,
// or "*", means "whatever is there".
func checkEtag(c *arm.Call, bodyEtag string, existing *simulator.Resource) error {
	want := bodyEtag
	if want == "" {
		want = c.Request.Header.Get("If-Match")
	}
	if want == "" || want == "*" || existing == nil {
		return nil
	}
	var cur envelope
	json.Unmarshal(existing.Body, &cur)
	if trimEtag(want) != trimEtag(cur.Etag) {
		return armError(model.ErrStaleEtag(existing.ID[strings.LastIndex(existing.ID, "/")+1:]))
	}
	return nil
}

func trimEtag(e string) string {
	return strings.Trim(strings.TrimPrefix(strings.TrimSpace(e), "W/"), `"`)
}

// systemData builds systemData for a write, keeping the creation fields of the stored body.
func systemData(c *arm.Call, tx *simulator.TenantTx, existing *simulator.Resource) *model.SystemData {
	var prev *arm.SystemData
	if existing != nil {
		var env envelope
		if json.Unmarshal(existing.Body, &env) == nil && env.SystemData != nil {
			p := arm.SystemData(*env.SystemData)
			prev = &p
		}
	}
	sd := model.SystemData(c.SystemData(tx, prev))
	return &sd
}

// putSpec is one PUT of a Sentinel object.
type putSpec struct {
	// onboarding skips the onboarding check (onboardingStates itself).
	onboarding bool
	// etag is the body's etag, if any.
	etag string
	// build returns the body to store, given the resolved target.
	build func(tx *simulator.TenantTx, res arm.Resolved) (any, error)
	// after runs in the same transaction once the body is stored.
	after func(tx *simulator.TenantTx, res arm.Resolved) error
}

// put runs a PUT in one transaction: resolve, onboarding, etag, build, store, record.
// It answers 201 on create and 200 on update with the stored body.
func put(c *arm.Call, spec putSpec) (arm.Response, error) {
	var out json.RawMessage
	status := http.StatusCreated
	err := c.Update(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if !spec.onboarding {
			if err := requireOnboarded(tx, res); err != nil {
				return err
			}
		}
		if err := checkEtag(c, spec.etag, res.Existing); err != nil {
			return err
		}
		if res.Existing != nil {
			status = http.StatusOK
		}
		body, err := spec.build(tx, res)
		if err != nil {
			return armError(err)
		}
		if out, err = json.Marshal(body); err != nil {
			return err
		}
		if err := tx.PutResource(simulator.Resource{ID: res.ID, Type: c.Type.Name, Body: out}); err != nil {
			return err
		}
		if spec.after != nil {
			if err := spec.after(tx, res); err != nil {
				return armError(err)
			}
		}
		return c.Record(tx, res.ID, c.Type.Name+"/write", status)
	})
	if err != nil {
		return arm.Response{}, err
	}
	return arm.Response{Status: status, Body: out}, nil
}

// decode reads the request body into v with ARM's error for malformed JSON.
func decode(c *arm.Call, v any) error { return c.DecodeBody(v) }

func name(id string) string { return id[strings.LastIndex(id, "/")+1:] }
