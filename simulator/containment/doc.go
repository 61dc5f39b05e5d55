// Package containment plays the attacker's return (the scenario's attack.yaml `return:`) on a
// tenant's clock, and lets the tenant's directory decide how it ends.
//
// When the tenant clock passes an attempt's time, and only once the attack was launched, the
// engine asks an Evaluator (the identity plane: sessions revoked, Conditional Access, account
// enabled, password) for the verdict as of the attempt's time, exactly once, and writes the
// sign-in rows Entra would log for that verdict (SigninLogs, or AADNonInteractiveUserSignInLogs
// for a refresh token; AADSignInEventsBeta and IdentityLogonEvents on the Defender side) through
// logs.Engine.AppendTx, with its progress in the same transaction. If one of the victim's
// attempts gets in, the scenario's follow-up (another secret read, a storage listing) is
// written too; otherwise the story stops there.
//
// The package does not import simulator/identity: it declares the verdict's shapes (CONTRACTS
// §4) and the Evaluator interface; the server adapts the identity plane to it.
package containment
