package corpus

import (
	"fmt"
	"sort"
	"strings"
)

// Summary counts a run's outcomes.
type Summary struct {
	Queries, WithRows, Empty, Errors int
	// ErrorsByKind counts errors by Outcome.Kind.
	ErrorsByKind map[string]int
	// TruePositives return attack rows; FalsePositives return background rows (a query may be
	// both).
	TruePositives, FalsePositives []string
	// ErrorsByMessage groups failures by their message (the offending name included).
	ErrorsByMessage map[string][]string
}

// Summarize counts outcomes.
func Summarize(out []Outcome) Summary {
	s := Summary{Queries: len(out), ErrorsByMessage: map[string][]string{}, ErrorsByKind: map[string]int{}}
	for _, o := range out {
		switch o.Status {
		case Rows:
			s.WithRows++
		case Empty:
			s.Empty++
		case Error:
			s.Errors++
			s.ErrorsByKind[o.Kind]++
			s.ErrorsByMessage[o.Error] = append(s.ErrorsByMessage[o.Error], o.File)
		}
		if o.Attack > 0 {
			s.TruePositives = append(s.TruePositives, o.File)
		}
		if o.Background > 0 {
			s.FalsePositives = append(s.FalsePositives, o.File)
		}
	}
	return s
}

// String is the summary as a short report.
func (s Summary) String() string {
	var b strings.Builder
	ran := s.WithRows + s.Empty
	pct := 0.0
	if s.Queries > 0 {
		pct = 100 * float64(ran) / float64(s.Queries)
	}
	fmt.Fprintf(&b, "%d lab queries: %d ran (%.1f%%: %d with rows, %d empty), %d errors (engine %d, lab data %d, query %d, runtime %d: %.1f%% without an engine error); %d return attack rows, %d background rows\n",
		s.Queries, ran, pct, s.WithRows, s.Empty, s.Errors, s.ErrorsByKind["engine"], s.ErrorsByKind["lab"], s.ErrorsByKind["query"], s.ErrorsByKind["runtime"],
		s.EngineOK(), len(s.TruePositives), len(s.FalsePositives))
	fmt.Fprintf(&b, "  attack rows: %s\n  background rows: %s\n", strings.Join(s.TruePositives, " "), strings.Join(s.FalsePositives, " "))
	msgs := make([]string, 0, len(s.ErrorsByMessage))
	for m := range s.ErrorsByMessage {
		msgs = append(msgs, m)
	}
	sort.Slice(msgs, func(i, j int) bool {
		return len(s.ErrorsByMessage[msgs[i]]) > len(s.ErrorsByMessage[msgs[j]]) || (len(s.ErrorsByMessage[msgs[i]]) == len(s.ErrorsByMessage[msgs[j]]) && msgs[i] < msgs[j])
	})
	for _, m := range msgs {
		fmt.Fprintf(&b, "  %3d × %s (%s)\n", len(s.ErrorsByMessage[m]), m, strings.Join(s.ErrorsByMessage[m], " "))
	}
	return b.String()
}

// EngineOK is the share of queries (in %) that ran or failed for a reason other than the
// engine's (issue 13's measure: at least 98%).
func (s Summary) EngineOK() float64 {
	if s.Queries == 0 {
		return 100
	}
	return 100 * float64(s.Queries-s.ErrorsByKind["engine"]) / float64(s.Queries)
}
