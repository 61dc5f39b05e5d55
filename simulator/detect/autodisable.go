package detect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/sentinel"
)

// Failure handling as Sentinel documents it (docs/sentinel-rule-health.md): a failure is
// transient (a timeout, an unknown error: the rule keeps its schedule) or permanent (a table
// or function the query needs is gone, or the query uses too many resources). After
// AutoDisableAfter consecutive permanent failures of the same kind the rule is disabled,
// "AUTO DISABLED" is put before its name and the reason is added to its description.
const (
	// AutoDisableAfter is how many consecutive permanent failures of one kind disable a rule
	// (Sentinel says "a predetermined number" without the number; the lab's choice).
	AutoDisableAfter = 5
	// AutoDisabledPrefix is put before an auto-disabled rule's display name.
	AutoDisabledPrefix = "AUTO DISABLED"
)

// SentinelHealth reasons (monitor-analytics-rule-integrity: statuses, errors and steps).
const (
	ReasonInternal      = "An internal server error occurred while running the query."
	ReasonTimeout       = "The query execution timed out."
	ReasonSyntax        = "A syntax error occurred while running the query."
	ReasonTableNotFound = "A table referenced in the query was not found."
	ReasonSemantic      = "A semantic error occurred while running the query."
	ReasonResources     = "This query was found to use too many system resources and was prevented from running."
	// ReasonDisabled is the row of a due run of an auto-disabled rule (the documented query
	// for auto-disabled rules filters on it).
	ReasonDisabled = "The analytics rule is disabled and was not executed."
)

// runPanic is a panic recovered from one rule run.
type runPanic struct{ value any }

func (p runPanic) Error() string { return fmt.Sprintf("the rule run failed unexpectedly: %v", p.value) }

// failureReason words a failed run as SentinelHealth does.
func failureReason(err error) string {
	var ke *kql.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), kql.LimitCode(err) == kql.CodeTimeout:
		return ReasonTimeout
	case isResourceLimit(err):
		return ReasonResources
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SYN"):
		return ReasonSyntax
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SEM") && strings.Contains(ke.Msg, "table"):
		return ReasonTableNotFound
	case errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SEM"):
		return ReasonSemantic
	case errors.As(err, &ke) && strings.Contains(strings.ToLower(ke.Msg), "timed out"):
		return ReasonTimeout
	}
	return ReasonInternal
}

// isResourceLimit recognises the KQL engine's limit errors (memory, rows, runaway query).
func isResourceLimit(err error) bool {
	if kql.IsLimitError(err) { // the engine's typed limit errors (memory, result size)
		return true
	}
	var ke *kql.Error
	if !errors.As(err, &ke) {
		return false
	}
	for _, s := range []string{"exceeded the allowed limits", "E_LOW_MEMORY_CONDITION", "E_RUNAWAY_QUERY", "internal record count limit", "too many system resources"} {
		if strings.Contains(ke.Msg, s) {
			return true
		}
	}
	return false
}

// countsTowardsDisable tells the failures that can disable a rule: Sentinel's permanent ones
// (a missing table, a resource drain) and, the lab's choice, timeouts: a query that times
// out run after run is the resource drain the docs describe, and each costs the server a
// full query budget.
func countsTowardsDisable(reason string) bool {
	return reason == ReasonTableNotFound || reason == ReasonResources || reason == ReasonTimeout
}

// recordFailure counts a failed run in the rule's state and disables the rule when it has
// failed AutoDisableAfter times in a row for a reason that counts.
func (e *Engine) recordFailure(tenantID string, r ruleRun, reason string) error {
	if !countFailure(r.st, r.rule.Etag, reason) {
		return nil
	}
	return e.autoDisable(tenantID, r, reason)
}

// countFailure adds a failed run of the rule version etag to st and reports whether the rule
// is now to be disabled.
func countFailure(st *ruleState, etag, reason string) bool {
	if st.FailedEtag != etag || st.FailReason != reason {
		st.Failures = 0
	}
	st.FailedEtag, st.FailReason = etag, reason
	st.Failures++
	return st.Failures >= AutoDisableAfter && countsTowardsDisable(reason)
}

// recordSuccess clears the rule's failure count.
func recordSuccess(st *ruleState) { st.Failures, st.FailReason, st.FailedEtag = 0, "", "" }

// autoDisable disables the rule as Sentinel does, in a write stamped with the run's time,
// unless the learner changed the rule since this batch read it.
func (e *Engine) autoDisable(tenantID string, r ruleRun, reason string) error {
	var updated *sentinel.AlertRule
	err := e.world.UpdateAt(tenantID, r.at, func(tx *simulator.TenantTx) error {
		updated = nil
		cur, ok, err := sentinel.Rule(tx, r.rule.ID)
		if err != nil || !ok || cur.Etag != r.rule.Etag || !cur.IsEnabled() {
			return err
		}
		name := strOr(cur.Properties.DisplayName, cur.Name)
		if !strings.HasPrefix(name, AutoDisabledPrefix) {
			name = AutoDisabledPrefix + " " + name
		}
		note := fmt.Sprintf("%s on %s after %d consecutive failed runs: %s", AutoDisabledPrefix, sentinel.Timestamp(tx.Now()), r.st.Failures, reason)
		desc := strOr(cur.Properties.Description, "")
		if desc != "" {
			desc += "\n\n"
		}
		desc += note
		enabled := false
		cur.Properties.DisplayName, cur.Properties.Description, cur.Properties.Enabled = &name, &desc, &enabled
		cur.Etag = sentinel.NewEtag()
		cur.Properties.LastModifiedUtc = sentinel.Timestamp(tx.Now())
		if cur.SystemData != nil {
			cur.SystemData.LastModifiedAt = sentinel.Timestamp(tx.Now())
		}
		body, err := json.Marshal(cur)
		if err != nil {
			return fmt.Errorf("encode %s: %w", cur.ID, err)
		}
		if err := tx.PutResource(simulator.Resource{ID: cur.ID, Type: sentinel.AlertRuleType, Body: body}); err != nil {
			return err
		}
		updated = &cur
		return nil
	})
	if err != nil {
		return fmt.Errorf("detect: auto-disable rule %s: %w", r.rule.Name, err)
	}
	if updated != nil {
		*r.rule = *updated
		r.st.DisabledEtag, r.st.Noticed, r.st.disabledNow = updated.Etag, false, true
	}
	return nil
}

// disabledNotice is the health record of a due run of an auto-disabled rule.
func disabledNotice(r ruleRun) *health {
	return &health{r: r, rec: healthRec{At: r.at, From: r.at, To: r.at, Reason: ReasonDisabled,
		Error: "The rule was disabled after " + fmt.Sprint(AutoDisableAfter) + " consecutive failed runs (" + r.st.FailReason + "); fix its query and enable it again."}}
}
