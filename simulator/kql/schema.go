package kql

import (
	"fmt"

	"github.com/soclab/soclab/simulator/kql/catalog"
	"github.com/soclab/soclab/simulator/kql/types"
)

// SchemaColumns converts a reference table schema (simulator/kql/catalog) to engine columns.
func SchemaColumns(t catalog.Table) ([]Column, error) {
	cols := make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		ty, ok := ParseType(c.Type)
		if !ok {
			return nil, fmt.Errorf("table %s column %s: unknown type %q", t.Name, c.Name, c.Type)
		}
		cols[i] = Column{Name: c.Name, Type: ty}
	}
	return cols, nil
}

// standardColumns are the columns Azure Monitor adds to every Log Analytics workspace table
// ("Standard columns in Azure Monitor Logs"): Type is the table's name and TenantId the
// workspace id. The others are hidden as in Log Analytics: queries can name them (Sentinel
// rules join on _ItemId), but `take`, `project *`, `union` and getschema do not show them.
// _ResourceId and _SubscriptionId stay visible in the tables whose reference schema lists them.
var standardColumns = []Column{
	{Name: "TenantId", Type: types.String},
	{Name: "Type", Type: types.String},
	{Name: "_ResourceId", Type: types.String, Hidden: true},
	{Name: "_SubscriptionId", Type: types.String, Hidden: true},
	{Name: "_ItemId", Type: types.String, Hidden: true},
	{Name: "_TimeReceived", Type: types.DateTime, Hidden: true},
	{Name: "_IsBillable", Type: types.String, Hidden: true},
	{Name: "_BilledSize", Type: types.Real, Hidden: true},
}

// alwaysHidden are standard columns hidden even when a table's schema lists them.
var alwaysHidden = map[string]bool{"_ItemId": true, "_TimeReceived": true, "_IsBillable": true, "_BilledSize": true}

// WithStandardColumns returns the columns of a Log Analytics workspace table: cols with the
// standard columns it lacks appended (hidden ones last) and _ItemId, _TimeReceived,
// _IsBillable and _BilledSize marked hidden. cols is not modified.
func WithStandardColumns(cols []Column) []Column {
	out := make([]Column, 0, len(cols)+len(standardColumns))
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name] = true
		if alwaysHidden[c.Name] {
			c.Hidden = true
		}
		out = append(out, c)
	}
	for _, c := range standardColumns {
		if !have[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// isWorkspaceTable tells a Log Analytics table (it has TenantId) from an advanced hunting only one.
func isWorkspaceTable(cols []Column) bool {
	for _, c := range cols {
		if c.Name == "TenantId" {
			return true
		}
	}
	return false
}

// LabCatalog returns the catalog of the lab's real table schemas (simulator/kql/catalog), with the
// standard columns of Log Analytics (WithStandardColumns) on every workspace table.
func LabCatalog() (MapCatalog, error) {
	sc, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	out := MapCatalog{}
	for _, n := range sc.Names() {
		t, _ := sc.Table(n)
		cols, err := SchemaColumns(t)
		if err != nil {
			return nil, err
		}
		if isWorkspaceTable(cols) {
			cols = WithStandardColumns(cols)
		}
		out[n] = cols
	}
	return out, nil
}
