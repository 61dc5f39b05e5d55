// Command classload is the classroom load test of `soclab serve`: N learner tenants work
// through the lab at the same time while one hostile tenant sends queries meant to hurt the
// server, and the run reports throughput, latency per request kind, the server's peak
// resident memory and the time to the first answer after a restart.
//
//	go build -o /tmp/soclab ./cmd/soclab
//	go run ./bench/classload -soclab /tmp/soclab -learners 30 [-rounds 3] [-hostile] [-think 2s] [-timeout 15m]
//
// It starts its own server on a fresh state folder (loopback, port 0), adds the tenants
// through the control endpoints, and then each learner, all starting together:
//
//   - signs in: client-credentials tokens from the Entra token endpoint, through the lab's
//     proxy as az does, for ARM, Log Analytics and Graph;
//   - creates the lab workspace, turns Sentinel on and creates the three Task 1 rules (their
//     bodies read from challenge.md's rule YAML) with ARM PUTs;
//   - launches the attack (instant);
//   - runs the lab's queries: the three rule queries, rule 3 over 30 days and the workspace
//     KQL blocks of challenge.md through the Log Analytics API, its hunting blocks through
//     Graph runHuntingQuery; then grades; -rounds times.
//
// Learners pace their commands as people with the az CLI do (-think: the mean pause before
// each command, drawn per learner from a fixed seed; az alone takes ~0.4 s to start a
// command). -think 0 is the stress model: every learner sends its next request the moment
// the last one answered, so the whole class's session is squeezed into seconds.
//
// The hostile tenant (-hostile) loops over the queries (nested strrep, a range
// explosion, a very long query) until the learners finish. Every request has a client
// timeout; the run stops by itself after -timeout. Nothing listens beyond loopback.
package main
