// Package lawtables serves the Log Analytics tables API of a workspace
// (Microsoft.OperationalInsights/workspaces/tables): list and get, each table with its plan,
// retention and schema, the same columns the workspace's query API resolves. The real
// `az monitor log-analytics workspace table list|show` works against it. Tables are the lab's
// workspace tables (every workspace has all of them, as every Log Analytics workspace has
// Microsoft's tables whether or not data flows); the plan is Analytics and the retention the
// workspace's. Wire it with arm.NewHandler(world, verifier, lawtables.Types(schemas)...).
package lawtables
