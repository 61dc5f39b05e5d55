// Package logicapps is the simulator's model of Azure Logic Apps (Consumption) workflows, the
// playbooks Sentinel automation rules run: a workflow is an ARM resource of the tenant
// (Microsoft.Logic/workflows, seeded from the scenario's cast), and each run is kept as a
// child resource (…/workflows/{name}/runs/{runName}) with the body the Logic Apps API answers.
// mockapis/logicapps serves them; simulator/automation records runs.
package logicapps
