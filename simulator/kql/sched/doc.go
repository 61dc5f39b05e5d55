// Package sched admits queries fairly: at most PerTenant queries of one tenant run at once
// and at most Total over all tenants; waiting queries are started round-robin across
// tenants, so one tenant's burst cannot starve the others. A query that waits longer than
// MaxWait, or arrives when its tenant already has MaxQueue waiting, is refused with
// ErrThrottled (the query APIs answer Log Analytics' 429).
//
//	gate := sched.New(sched.Options{PerTenant: 2, Total: 4, MaxWait: 10 * time.Second})
//	release, err := gate.Acquire(ctx, tenantID) // ErrThrottled, or ctx's error
//	if err != nil { ... }
//	defer release()
package sched
