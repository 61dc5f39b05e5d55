package logs

import (
	"sort"

	"github.com/soclab/soclab/scenarios/schema"
	"github.com/soclab/soclab/simulator/kql"
)

// huntingTables are the advanced hunting tables soclab serves (Defender XDR side).
var huntingTables = []string{"AADSignInEventsBeta", "AlertEvidence", "AlertInfo", "CloudAppEvents", "IdentityInfo", "IdentityLogonEvents"}

// defenderOnly are advanced hunting tables a Sentinel workspace does not have.
var defenderOnly = map[string]bool{"AADSignInEventsBeta": true}

// catalog is an immutable table → columns map.
type catalog = kql.MapCatalog

// catalogs are the schemas the engine serves.
type catalogs struct {
	// workspace: the Log Analytics variant of every lab table, with the standard columns
	// (hidden _ItemId, _TimeReceived... filled by the view).
	workspace catalog
	// hunting: the Defender variant of the advanced hunting tables.
	hunting catalog
	// base: the variant rows are kept in (the generator's: Defender columns where both exist).
	base catalog
}

func buildCatalogs() (catalogs, error) {
	sc, err := schema.Load()
	if err != nil {
		return catalogs{}, err
	}
	c := catalogs{workspace: catalog{}, hunting: catalog{}, base: catalog{}}
	for _, name := range sc.Names() {
		t, _ := sc.Table(name)
		cols, err := kql.SchemaColumns(t)
		if err != nil {
			return catalogs{}, err
		}
		c.base[name] = cols
		if i := sort.SearchStrings(huntingTables, name); i < len(huntingTables) && huntingTables[i] == name {
			c.hunting[name] = cols
		}
		if defenderOnly[name] {
			continue
		}
		if len(t.LogAnalyticsColumns) > 0 {
			la := t
			la.Columns = t.LogAnalyticsColumns
			if cols, err = kql.SchemaColumns(la); err != nil {
				return catalogs{}, err
			}
		}
		c.workspace[name] = kql.WithStandardColumns(cols)
	}
	return c, nil
}

// engineColumns converts generated schema columns to engine columns.
func engineColumns(cols []schema.Column) ([]kql.Column, error) {
	return kql.SchemaColumns(schema.Table{Columns: cols})
}
