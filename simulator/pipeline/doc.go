// Package pipeline catches tenants up to their lab clocks in the background: after a control
// request moves a tenant's clock (or changes what its logs hold) the server enqueues the
// tenant and answers at once; workers then run the clock-driven engines ("stages": detect,
// and later containment, xdr, automation) for it in order, in bounded slices of virtual time,
// round-robin across tenants, so one tenant's seven-day catch-up does not starve the others.
//
// A stage only has to implement Stage. One that can also tell how far it has got
// (Progresser) lets the pipeline cut a long catch-up into slices; the pipeline then asks every
// stage to advance to the end of each slice in turn, so the order of stages holds within
// every slice. A slice's length adapts to how long the previous one took (Options.Budget).
//
// Callers that need "the engines have run up to now" (the grader, `soclab attack launch
// --wait`, tests) call Wait; Status reports each tenant's progress per stage. A stage that
// fails or panics fails the slice: the error is recorded in the tenant's status and logged,
// later stages do not run for that slice, and the tenant is tried again when it is next
// enqueued.
package pipeline
