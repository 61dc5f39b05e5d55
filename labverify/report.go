package labverify

import (
	"time"

	"github.com/soclab/soclab/grader"
	"github.com/soclab/soclab/labtext"
)

// Status is a block's outcome.
type Status string

// The outcomes of a block.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	// NotRun is a block the text's author marked not to run (or one that is not a command).
	NotRun Status = "not-run"
)

// BlockResult is one block's outcome.
type BlockResult struct {
	Index   int          `json:"index"`
	Line    int          `json:"line"`
	Section string       `json:"section"`
	Kind    labtext.Kind `json:"kind"`
	Status  Status       `json:"status"`
	// Reason says why a block failed or was skipped (a missing tool, an annotation).
	Reason string `json:"reason,omitempty"`
	// Missing are the tools whose absence skipped the block.
	Missing []string `json:"missing,omitempty"`
	// ExitCode is the shell's exit status (-1 when the block did not run).
	ExitCode int `json:"exitCode"`
	// Output is what the block printed (stdout and stderr, the end kept when long).
	Output     string        `json:"output,omitempty"`
	Duration   time.Duration `json:"-"`
	DurationMS int64         `json:"durationMs"`
	// Graded is set on the block where the lab was graded.
	Graded bool `json:"graded,omitempty"`
}

// Report is the outcome of a Run.
type Report struct {
	File    string        `json:"file"`
	Blocks  []BlockResult `json:"blocks"`
	Passed  int           `json:"passed"`
	Failed  int           `json:"failed"`
	Skipped int           `json:"skipped"`
	NotRun  int           `json:"notRun"`
	// SkippedFor counts the blocks skipped per missing tool.
	SkippedFor map[string]int `json:"skippedFor,omitempty"`
	// Grade is the grader's report (nil when grading failed: GradeError says why).
	Grade      *grader.Report `json:"grade,omitempty"`
	GradeError string         `json:"gradeError,omitempty"`
	// OK is true only when no block failed or was skipped for a missing tool and every check
	// passed (blocks the author marked not to run do not count).
	OK bool `json:"ok"`
}

// add records a block's result.
func (r *Report) add(b BlockResult) {
	b.DurationMS = b.Duration.Milliseconds()
	r.Blocks = append(r.Blocks, b)
	switch b.Status {
	case Passed:
		r.Passed++
	case Failed:
		r.Failed++
	case NotRun:
		r.NotRun++
	case Skipped:
		r.Skipped++
		for _, t := range b.Missing {
			if r.SkippedFor == nil {
				r.SkippedFor = map[string]int{}
			}
			r.SkippedFor[t]++
		}
	}
}

// finish sets OK.
func (r *Report) finish() {
	r.OK = r.Failed == 0 && r.Skipped == 0 && r.Grade != nil && r.Grade.AllPassed
}
