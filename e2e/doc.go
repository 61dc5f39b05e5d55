// Package e2e drives the real soclab binary with the real az CLI (Debian's azure-cli 2.45):
// it builds soclab, starts `soclab serve` on a free port with a temporary state, evaluates
// `soclab env` and runs az against it, then restarts the server on the same state to show
// that what az did is still there. The tests skip, loudly, when az is not installed.
package e2e
