package containment

import (
	"time"

	"github.com/soclab/soclab/simulator"
)

// AttemptKind is how the attacker tries to get in.
type AttemptKind string

// Attempt kinds.
const (
	// Password is an interactive sign-in with a password (the attacker's, or a spray's guess).
	Password AttemptKind = "password"
	// RefreshToken redeems the refresh token of an earlier session (non-interactive).
	RefreshToken AttemptKind = "refreshToken"
)

// Attempt is one sign-in the attacker tries.
type Attempt struct {
	// UPN is the account tried.
	UPN string
	// IP is the client address.
	IP string
	// At is the lab time of the attempt.
	At time.Time
	// Kind is the credential presented.
	Kind AttemptKind
	// CredentialTime is, for Password, when the password used was set (zero: a guess that was
	// never the account's password, as in a spray); for RefreshToken, when the session's tokens
	// were issued.
	CredentialTime time.Time
}

// AppliedPolicy is one Conditional Access policy as the sign-in logs list it.
type AppliedPolicy struct {
	ID, DisplayName string
	// Result is success, failure, notApplied, notEnabled, reportOnlySuccess, reportOnlyFailure...
	Result string
	// EnforcedGrantControls are the policy's grant controls (Block, Mfa, ...).
	EnforcedGrantControls []string
}

// Verdict is the directory's answer to an attempt.
type Verdict struct {
	// ErrorCode is 0 when the attacker signs in, else Entra's code (53003 blocked by Conditional
	// Access, 50057 disabled, 50126 bad password, 50173/50133 revoked or invalid session...).
	ErrorCode int
	// FailureReason is Entra's text for the code ("" takes the catalog's text).
	FailureReason string
	// ConditionalAccessStatus is success, failure or notApplied ("" lets the code decide).
	ConditionalAccessStatus string
	// AppliedPolicies are the tenant's Conditional Access policies with their result (nil: the
	// tenant's standing policies, as the generated sign-ins list them).
	AppliedPolicies []AppliedPolicy
}

// Evaluator decides an attempt from the tenant's directory as of a.At, inside the transaction
// that records the outcome (simulator/identity's Evaluate, adapted).
type Evaluator interface {
	Evaluate(tx *simulator.TenantTx, a Attempt) (Verdict, error)
}

// EvaluatorFunc is a function that is an Evaluator.
type EvaluatorFunc func(tx *simulator.TenantTx, a Attempt) (Verdict, error)

// Evaluate calls f.
func (f EvaluatorFunc) Evaluate(tx *simulator.TenantTx, a Attempt) (Verdict, error) { return f(tx, a) }
