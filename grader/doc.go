// Package grader runs a scenario's checks over one tenant of a World and reports what the
// learner got right: a table for people (WriteText), JSON for tools (WriteJSON) and JUnit XML for
// CI (WriteJUnit).
//
// The checks are data: checks.yaml in the scenario's folder (format: see LoadChecks). A check
// has an id, a task, a title, points and a hint, and one kind of assertion:
//
//   - state: gjson paths over a JSON snapshot of the tenant (Snapshot: resources, workspaces
//     with their Sentinel rules, connectors, automation rules, incidents and alerts, diagnostic
//     settings, clock, faults, attack status);
//   - ruleQuery: an analytics rule's query judged by what it returns over the scenario's
//     generated telemetry, not by its text: run as Sentinel would around the attack it must
//     name the attacker; over variants of the attack the learner never sees (another user,
//     range, day and resources) it must name theirs; run over the background (benign) rows
//     alone, anywhere in the scenario's history, it must return nothing. Verdicts are judged
//     in the scenario's canonical ids and shared by every tenant with the same query;
//   - ruleFired: the rule engine's record: alerts raised by the rule about the attack steps it
//     is meant to catch (within the step, naming the attacker and no one else, while the rule
//     was in place, from a query that passes its own check; and its runs in SentinelHealth, to
//     say why not);
//   - kql: a query over the tenant's workspace at its clock with expected rows;
//   - activity: an operation in the tenant's action log;
//   - answer: the learner's knowledge-check answer (soclab answer), judged leniently.
//
// Grade is read-only: it never changes the tenant.
package grader
