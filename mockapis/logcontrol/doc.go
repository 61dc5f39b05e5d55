// Package logcontrol serves the /_soclab/ control endpoints of log routing and the attack,
// in front of the other control endpoints (passed on unchanged):
//
//	GET  /_soclab/attack?tenant=T                      the attack's state on the tenant clock
//	POST /_soclab/attack/launch {"tenant","speed"}     instant | realtime | xN
//	POST /_soclab/attack/replay {"tenant","step"}      re-emit one step at the current clock
//	GET  /_soclab/faults?tenant=T                      the scenario's faults and their state
//	POST /_soclab/faults/{name} {"tenant","on"}        switch a fault on or off
//	POST /_soclab/kql {"tenant","workspace","query","timespan"}
//	                                                   run KQL over a tenant's workspace (default:
//	                                                   the lab workspace, else the only one)
//
// Errors are {"error":{"code","message"}} like the other control endpoints.
package logcontrol
