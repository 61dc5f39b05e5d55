// Package identity is the tenant's Entra ID directory: users, groups, directory roles and role
// assignments, Conditional Access named locations and policies, and Identity Protection's risky
// users, as a model over the tenant state.
//
// The directory of a tenant at a lab time is three layers, rebuilt per call (Load):
//
//   - the scenario's cast (Base): the users the telemetry names, with the same object ids
//     (generate.UserObjectID), groups (generate.GroupObjectID), activated roles and their
//     assignments, plus the tenant's sign-in users (the learner's analyst@ account);
//   - the attack's directory changes (the scenario's audit events: the attacker's password
//     change, the user it creates, its role assignment), visible once the attack is launched and
//     only from each event's time on;
//   - the learner's writes: an append-only log of events in the tenant collection "identity",
//     each stamped with the tenant clock, replayed up to the lab time asked for. So the directory
//     can be read as of any instant: Evaluate judges a sign-in attempt against the state of its
//     own time, not of the clock's.
//
// Every write is validated against the directory of now and refused without a trace (*Error,
// Graph's codes and messages), or recorded with its AuditLogs rows (Entra's activity names,
// categories and modified properties) in the same transaction (Service.Write).
package identity
