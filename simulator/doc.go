// Package simulator is the lab's world: learner tenants (directory identity, subscription,
// service principal, users), a virtual clock per tenant, the tenant's Azure resources and its
// action log, all persisted behind the Store interface (bbolt in the state folder by default).
//
// Every API write runs in one Store transaction through World.Update, so an acknowledged
// write survives a crash and a failed write leaves nothing behind. Read-modify-write cycles
// done inside one Update are serialized, so concurrent clients never lose an update.
//
// The standing scenario resources every tenant starts with are defined in seed.go.
package simulator
