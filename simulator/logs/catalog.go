package logs

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/catalog"
)

// huntingTables are the advanced hunting tables soclab serves (Defender XDR side).
// (sorted: looked up by binary search).
var huntingTables = []string{"AADSignInEventsBeta", "AlertEvidence", "AlertInfo", "CloudAppEvents", "DeviceEvents",
	"DeviceFileEvents", "DeviceInfo", "DeviceLogonEvents", "DeviceNetworkEvents", "DeviceProcessEvents", "EmailAttachmentInfo",
	"EmailEvents", "EmailUrlInfo", "IdentityInfo", "IdentityLogonEvents", "UrlClickEvents"}

// defenderOnly are advanced hunting tables a Sentinel workspace does not have.
var defenderOnly = map[string]bool{"AADSignInEventsBeta": true}

// engineCatalog is an immutable table → columns map.
type engineCatalog = kql.MapCatalog

// catalogs are the schemas the engine serves.
type catalogs struct {
	// workspace: the Log Analytics variant of every lab table, with the standard columns
	// (hidden _ItemId, _TimeReceived... filled by the view).
	workspace engineCatalog
	// hunting: the Defender variant of the advanced hunting tables.
	hunting engineCatalog
	// base: the variant rows are kept in (the generator's: Defender columns where both exist).
	base engineCatalog
}

func buildCatalogs() (catalogs, error) {
	sc, err := catalog.Load()
	if err != nil {
		return catalogs{}, err
	}
	c := catalogs{workspace: engineCatalog{}, hunting: engineCatalog{}, base: engineCatalog{}}
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
func engineColumns(cols []catalog.Column) ([]kql.Column, error) {
	return kql.SchemaColumns(catalog.Table{Columns: cols})
}

// WorkspaceSchemas returns the Log Analytics schema of every workspace table, the catalog
// Engine.WorkspaceCatalog serves, without an engine (the tables API lists it).
func WorkspaceSchemas() (kql.MapCatalog, error) {
	c, err := buildCatalogs()
	return c.workspace, err
}
