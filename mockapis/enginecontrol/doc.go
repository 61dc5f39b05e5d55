// Package enginecontrol puts the engine pipeline (simulator/pipeline) behind the /_soclab/
// control endpoints, in front of the others:
//
//	GET  /_soclab/engine?tenant=T                     how far the engines have caught the
//	                                                  tenant up, per stage
//	POST /_soclab/engine/wait?tenant=T&timeout=30s    wait until they have run up to the
//	                                                  tenant's clock (200), 504 EngineBehind
//	                                                  when the timeout ends first, 500
//	                                                  EngineFailed when a stage fails
//
// A successful POST that moves a clock or changes what the logs hold (clock/..., attack/...,
// faults/..., reset) is answered by the endpoint behind at once and its tenant is enqueued:
// the catch-up runs in the background.
package enginecontrol
