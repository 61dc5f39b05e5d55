package govern

import (
	"math"
	"runtime/debug"
)

// MinProcessBudget is the least a query is given on a process with a soft memory limit: the
// lab's queries need at most ~120 MB (bench/README.md, peak_mem_mb).
const MinProcessBudget = 256 << 20

// ProcessShare is the share of the process's soft memory limit one query may take: the
// admission gate runs at most 8 queries at once, and a class's live data takes about half of
// the limit, so 8 queries at their budget fit in what is left.
const ProcessShare = 16

// FitToProcess returns budget bounded by the process's soft memory limit (Kusto bounds a
// query per node by the node's memory): at most limit/ProcessShare, never below
// MinProcessBudget (nor above budget). Without a soft limit (debug.SetMemoryLimit's default)
// it is budget. A query that passes its budget stops with Kusto's error either way; the bound
// keeps one tenant's runaway queries from allocating a large share of the heap again and
// again, each time making the collector run over every tenant's data.
func FitToProcess(budget int64) int64 {
	return fitToLimit(budget, debug.SetMemoryLimit(-1))
}

// fitToLimit is FitToProcess for a soft limit of limit bytes (math.MaxInt64: none).
func fitToLimit(budget, limit int64) int64 {
	if budget <= 0 || limit <= 0 || limit == math.MaxInt64 {
		return budget
	}
	return min(budget, max(limit/ProcessShare, MinProcessBudget))
}
