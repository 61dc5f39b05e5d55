package logicapps

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/logicapps"
)

// APIVersions are the Microsoft.Logic api-versions of workflows and runs (az logic uses
// 2019-05-01).
var APIVersions = []string{"2015-02-01-preview", "2015-08-01-preview", "2016-06-01", "2016-10-01", "2017-07-01", "2018-07-01-preview", "2019-05-01"}

// Types returns the Logic Apps resource types to pass to arm.NewHandler.
func Types() []arm.ResourceType {
	return []arm.ResourceType{
		{Name: model.WorkflowType, APIVersions: APIVersions, ListBySubscription: true, Get: arm.GetStored, List: arm.ListStored},
		{Name: model.RunType, APIVersions: APIVersions, Get: getRun, List: listRuns},
	}
}

// listRuns answers GET …/workflows/{name}/runs: the workflow's runs, newest first, at most
// $top of them.
func listRuns(c *arm.Call) (arm.Response, error) {
	top := -1
	if t := c.Request.URL.Query().Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 250 {
			return arm.Response{}, arm.NewError(http.StatusBadRequest, "InvalidQueryParameterValue",
				fmt.Sprintf("The value '%s' of query parameter '$top' is not valid. The value must be an integer between 1 and 250.", t))
		}
		top = n
	}
	var runs []model.Run
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		runs, err = model.Runs(tx, res.Parent.ID)
		return err
	})
	if err != nil {
		return arm.Response{}, err
	}
	if top >= 0 && top < len(runs) {
		runs = runs[:top]
	}
	return arm.OK(arm.List(runs)), nil
}

// getRun answers GET …/workflows/{name}/runs/{run}, or Logic Apps' WorkflowRunNotFound.
func getRun(c *arm.Call) (arm.Response, error) {
	var body json.RawMessage
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		if res.Existing == nil {
			return arm.NewError(http.StatusNotFound, "WorkflowRunNotFound",
				fmt.Sprintf("The workflow '%s' run '%s' could not be found.", lastSegment(res.Parent.ID), c.Name()))
		}
		body = res.Existing.Body
		return nil
	})
	if err != nil {
		return arm.Response{}, err
	}
	return arm.OK(body), nil
}

func lastSegment(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '/' {
			return id[i+1:]
		}
	}
	return id
}
