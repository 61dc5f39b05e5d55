// Package labverify runs a lab text's blocks (package labtext) the way a learner would, on a
// private soclab server it starts itself, and reports per block: passed, failed with its output,
// or skipped because a tool is missing (loudly), then the grader's report.
//
// Bash blocks run in a real bash, one after the other, with `soclab env` applied and the
// shell's variables, functions and working folder carried from block to block (each block runs
// in its own bash with `set -euo pipefail`, so the first failing command fails the block; what
// it had set by then is kept, as in a learner's shell). KQL blocks run through az rest on the
// Log Analytics query API or through advanced hunting, as their annotation says. `soclab
// verify` and the e2e test of challenge.md both use Run.
package labverify
