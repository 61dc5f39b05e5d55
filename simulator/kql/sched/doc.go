// Package sched shares the server between learners' queries and background work.
//
// Gate admits queries fairly: at most PerTenant queries of one tenant run at once and at most
// Total over all tenants; waiting queries are started round-robin across tenants, so one
// tenant's burst cannot starve the others. A query that waits longer than MaxWait, or arrives
// when its tenant already has MaxQueue waiting, is refused with ErrThrottled (the query APIs
// answer Log Analytics' 429).
//
// CPU shares the processor by class of work: Interactive (queries), Batch (grades), Background
// (the rule engine). Work computes on one of a few slots; the most urgent waiting work gets
// the next free one, and running work gives its slot up at checkpoints (its context's Err,
// which the KQL executor calls every few thousand rows) when more urgent work waits. A query
// that computes long is demoted, so the lab's short queries pass it.
//
//	gate := sched.New(sched.Options{PerTenant: 2, Total: 8, CPU: sched.NewCPU(sched.CPUOptions{})})
//	ctx, release, err := gate.Admit(ctx, tenantID) // ErrThrottled, or ctx's error
//	if err != nil { ... }
//	defer release()
//	res, err := q.Run(ctx, db, opts) // ctx.Err() is a checkpoint
package sched
