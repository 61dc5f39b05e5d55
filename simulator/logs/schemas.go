package logs

import "github.com/soclab/soclab/simulator/kql"

// SchemaCatalogs returns the lab's tables as the workspace and as advanced hunting expose them
// (the same catalogs an Engine compiles against), without a world: `soclab kql --data` loads
// exported table files with them.
func SchemaCatalogs() (workspace, hunting kql.Catalog, err error) {
	c, err := buildCatalogs()
	if err != nil {
		return nil, nil, err
	}
	return c.workspace, c.hunting, nil
}
