package simulator

import "errors"

// Store persists the world: named collections of key/value pairs, grouped in scopes. The
// world scope ("") holds tenant identities and clocks; each tenant's id is a scope that holds
// its resources, action log and any collection a service adds.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in one read-write transaction: when fn returns nil every change is
	// committed durably before Update returns; when fn fails nothing is kept.
	Update(fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx reads and writes inside one transaction. Byte slices passed in or returned are owned by
// the caller (implementations copy).
type Tx interface {
	// Get returns the value under key, and false when there is none.
	Get(scope, coll, key string) ([]byte, bool, error)
	// Put stores value under key, replacing any previous value.
	Put(scope, coll, key string, value []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(scope, coll, key string) error
	// Scan calls fn for every key starting with prefix, in byte order of the keys.
	Scan(scope, coll, prefix string, fn func(key string, value []byte) error) error
	// Append stores value under the collection's next sequence number and returns it.
	Append(scope, coll string, value []byte) (uint64, error)
	// DropScope removes a whole scope and every collection in it.
	DropScope(scope string) error
	// Writable reports whether the transaction may write.
	Writable() bool
}

// ErrReadOnlyTx is returned when a write is attempted inside View.
var ErrReadOnlyTx = errors.New("store: write in a read-only transaction")

// worldScope is the scope of world-level collections (tenant identities, clocks).
const worldScope = ""
