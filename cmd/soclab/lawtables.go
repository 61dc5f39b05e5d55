package main

import (
	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/lawtables"
	"github.com/soclab/soclab/simulator/logs"
)

// workspaceTableTypes serves the workspaces' tables API over the workspace schemas (the same
// columns the query API resolves). The schemas are embedded: failing to build them is a
// programming error caught by the tests.
func workspaceTableTypes() []arm.ResourceType {
	schemas, err := logs.WorkspaceSchemas()
	if err != nil {
		panic(err)
	}
	return lawtables.Types(schemas)
}
