package lawtables

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// TableType is the ARM type of a workspace table.
const TableType = "Microsoft.OperationalInsights/workspaces/tables"

// APIVersions are the api-versions of the tables API (2021-12-01-preview onwards; az uses
// 2022-10-01).
var APIVersions = []string{"2021-12-01-preview", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01"}

// Types returns the tables resource type over schemas (the workspace catalog: table → its
// Log Analytics columns, hidden ones included), to pass to arm.NewHandler.
func Types(schemas kql.Catalog) []arm.ResourceType {
	s := server{schemas: schemas}
	return []arm.ResourceType{{Name: TableType, APIVersions: APIVersions, Get: s.get, List: s.list}}
}

type server struct{ schemas kql.Catalog }

// table is one workspace table as the tables API answers it.
type table struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Properties tableProperties `json:"properties"`
}

type tableProperties struct {
	TotalRetentionInDays          int         `json:"totalRetentionInDays"`
	ArchiveRetentionInDays        int         `json:"archiveRetentionInDays"`
	Plan                          string      `json:"plan"`
	RetentionInDaysAsDefault      bool        `json:"retentionInDaysAsDefault"`
	TotalRetentionInDaysAsDefault bool        `json:"totalRetentionInDaysAsDefault"`
	Schema                        tableSchema `json:"schema"`
	ProvisioningState             string      `json:"provisioningState"`
	RetentionInDays               int         `json:"retentionInDays"`
}

type tableSchema struct {
	TableSubType    string   `json:"tableSubType"`
	Name            string   `json:"name"`
	TableType       string   `json:"tableType"`
	StandardColumns []column `json:"standardColumns"`
	Columns         []column `json:"columns"`
	Solutions       []string `json:"solutions"`
}

type column struct {
	Name             string `json:"name"`
	Type             string `json:"type"`
	IsDefaultDisplay bool   `json:"isDefaultDisplay"`
	IsHidden         bool   `json:"isHidden"`
}

// list answers GET …/workspaces/{ws}/tables: every table, by name.
func (s server) list(c *arm.Call) (arm.Response, error) {
	var out []table
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		retention, err := workspaceRetention(res.Parent)
		if err != nil {
			return err
		}
		for _, name := range s.schemas.Names() {
			out = append(out, s.table(res.ID+"/"+name, name, retention))
		}
		return nil
	})
	if err != nil {
		return arm.Response{}, err
	}
	return arm.OK(arm.List(out)), nil
}

// get answers GET …/workspaces/{ws}/tables/{name} (the name in any case), or ARM's 404.
func (s server) get(c *arm.Call) (arm.Response, error) {
	var out table
	err := c.View(func(tx *simulator.TenantTx) error {
		res, err := c.Resolve(tx)
		if err != nil {
			return err
		}
		name, ok := s.lookup(c.Name())
		if !ok {
			return c.NotFound(res)
		}
		retention, err := workspaceRetention(res.Parent)
		if err != nil {
			return err
		}
		out = s.table(res.ID[:len(res.ID)-len(c.Name())]+name, name, retention)
		return nil
	})
	if err != nil {
		return arm.Response{}, err
	}
	return arm.OK(out), nil
}

func (s server) lookup(name string) (string, bool) {
	if _, ok := s.schemas.Table(name); ok {
		return name, true
	}
	for _, n := range s.schemas.Names() {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// table builds one table's answer: a Microsoft table lists all its columns as standard columns
// (TenantId is a hidden guid there, as Azure Monitor's own example shows).
func (s server) table(id, name string, retention int) table {
	cols, _ := s.schemas.Table(name)
	std := make([]column, 0, len(cols))
	for _, c := range cols {
		if c.Name == "_ItemId" || c.Name == "_TimeReceived" {
			continue // internal: queryable, never part of a table's schema
		}
		col := column{Name: c.Name, Type: c.Type.String(), IsDefaultDisplay: !c.Hidden, IsHidden: c.Hidden}
		if c.Name == "TenantId" {
			col.Type, col.IsHidden = "guid", true
		}
		std = append(std, col)
	}
	return table{ID: id, Name: name, Type: TableType, Properties: tableProperties{
		TotalRetentionInDays: retention, Plan: "Analytics", RetentionInDaysAsDefault: true,
		TotalRetentionInDaysAsDefault: true, ProvisioningState: "Succeeded", RetentionInDays: retention,
		Schema: tableSchema{TableSubType: "Any", Name: name, TableType: "Microsoft", StandardColumns: std,
			Columns: []column{}, Solutions: []string{"LogManagement"}},
	}}
}

// workspaceRetention is the workspace's retentionInDays (tables default to it).
func workspaceRetention(ws *simulator.Resource) (int, error) {
	if ws == nil {
		return 0, fmt.Errorf("lawtables: table outside a workspace")
	}
	var body struct {
		Properties struct {
			RetentionInDays int `json:"retentionInDays"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(ws.Body, &body); err != nil {
		return 0, fmt.Errorf("lawtables: decode workspace %s: %w", ws.ID, err)
	}
	if body.Properties.RetentionInDays == 0 {
		return 30, nil
	}
	return body.Properties.RetentionInDays, nil
}
