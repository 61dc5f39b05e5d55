// Package logicapps is the ARM face of Azure Logic Apps workflows for soclab: GET and list of
// Microsoft.Logic/workflows (the scenario's Sentinel playbook, seeded with its resource group)
// and their runs under …/workflows/{name}/runs (list newest first with $top, GET one), as the
// 2016-06-01 .. 2019-05-01 api-versions answer them. Runs are written by the automation engine
// (simulator/automation) when a rule runs the playbook; workflows are read-only here. Register
// with arm.NewHandler(world, verifier, logicapps.Types()...).
package logicapps
