// Package control serves soclab's own control endpoints for the simulator's world, under
// /_soclab/ on the server's port: tenants (list, add), the tenant clocks (show, freeze,
// resume, advance, set) and reset. JSON in, JSON out; errors use ARM's
// {"error":{"code","message"}} shape. The soclab CLI commands tenant, clock and reset call it.
package control
