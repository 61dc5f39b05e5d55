package simulator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/soclab/soclab/internal/privatefile"
)

// StateFileName is the name of the bbolt database inside the state folder.
const StateFileName = "state.db"

// worldBucket names the bucket of the world scope; tenant scopes are named by tenant id,
// which never collides because tenant ids are GUIDs.
const worldBucket = "~world"

// batchDelay bounds how long a write waits to share its commit with concurrent writes.
const batchDelay = 500 * time.Microsecond

// BoltStore is the embedded Store: one bbolt file, one bucket per scope, one nested bucket
// per collection. bbolt fsyncs on every commit, so acknowledged writes survive kill -9.
type BoltStore struct {
	db      *bolt.DB
	writers atomic.Int32 // Updates in flight
}

// OpenBoltStore opens (or creates) <stateDir>/state.db. The folder is created 0700 and the
// file 0600 because it holds service principal secrets and user passwords.
func OpenBoltStore(stateDir string) (*BoltStore, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create state folder %s: %w", stateDir, err)
	}
	// The folder holds secrets: keep it private even when it existed before.
	if err := privatefile.Restrict(stateDir); err != nil {
		return nil, fmt.Errorf("state folder: %w", err)
	}
	path := filepath.Join(stateDir, StateFileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if err == bolt.ErrTimeout {
			return nil, fmt.Errorf("open %s: the state file is locked by another process (is soclab serve running?)", path)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// A file created by an older build or another umask is tightened here.
	if err := privatefile.Restrict(path); err != nil {
		db.Close()
		return nil, err
	}
	// A lone write waits at most this long for company before it commits.
	db.MaxBatchDelay = batchDelay
	return &BoltStore{db: db}, nil
}

// View runs fn in a read-only bbolt transaction.
func (s *BoltStore) View(fn func(Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(boltTx{btx}) })
}

// Update runs fn in one read-write bbolt transaction, committed (and fsynced) before
// Update returns. Concurrent Updates are coalesced by bbolt's Batch into one commit, so many
// clients share an fsync; fn still runs alone and in order inside that transaction. When a
// function in a batch fails, bbolt rolls the batch back and reruns the others, so fn must
// set its results afresh on every run (all callers do: results are assigned inside fn).
func (s *BoltStore) Update(fn func(Tx) error) error {
	run := func(btx *bolt.Tx) error { return fn(boltTx{btx}) }
	// A write with no other write in flight commits at once instead of waiting for company.
	alone := s.writers.Add(1) == 1
	defer s.writers.Add(-1)
	if alone {
		return s.db.Update(run)
	}
	return s.db.Batch(run)
}

// Close closes the database file and releases its lock.
func (s *BoltStore) Close() error { return s.db.Close() }

type boltTx struct{ tx *bolt.Tx }

func scopeName(scope string) []byte {
	if scope == worldScope {
		return []byte(worldBucket)
	}
	return []byte(scope)
}

// bucket returns the collection's bucket, or nil when it does not exist (read paths).
func (t boltTx) bucket(scope, coll string) *bolt.Bucket {
	sb := t.tx.Bucket(scopeName(scope))
	if sb == nil {
		return nil
	}
	return sb.Bucket([]byte(coll))
}

// ensure returns the collection's bucket, creating scope and collection (write paths).
func (t boltTx) ensure(scope, coll string) (*bolt.Bucket, error) {
	if !t.tx.Writable() {
		return nil, ErrReadOnlyTx
	}
	sb, err := t.tx.CreateBucketIfNotExists(scopeName(scope))
	if err != nil {
		return nil, fmt.Errorf("store: scope %q: %w", scope, err)
	}
	b, err := sb.CreateBucketIfNotExists([]byte(coll))
	if err != nil {
		return nil, fmt.Errorf("store: collection %q: %w", coll, err)
	}
	return b, nil
}

// Get implements Tx.
func (t boltTx) Get(scope, coll, key string) ([]byte, bool, error) {
	b := t.bucket(scope, coll)
	if b == nil {
		return nil, false, nil
	}
	v := b.Get([]byte(key))
	if v == nil {
		return nil, false, nil
	}
	return bytes.Clone(v), true, nil
}

// Put implements Tx.
func (t boltTx) Put(scope, coll, key string, value []byte) error {
	b, err := t.ensure(scope, coll)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(key), bytes.Clone(value)); err != nil {
		return fmt.Errorf("store: put %s/%s: %w", coll, key, err)
	}
	return nil
}

// Delete implements Tx.
func (t boltTx) Delete(scope, coll, key string) error {
	if !t.tx.Writable() {
		return ErrReadOnlyTx
	}
	b := t.bucket(scope, coll)
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(key)); err != nil {
		return fmt.Errorf("store: delete %s/%s: %w", coll, key, err)
	}
	return nil
}

// Scan implements Tx.
func (t boltTx) Scan(scope, coll, prefix string, fn func(key string, value []byte) error) error {
	b := t.bucket(scope, coll)
	if b == nil {
		return nil
	}
	p := []byte(prefix)
	c := b.Cursor()
	// Keys are collected first so fn may modify the bucket (e.g. delete what it sees).
	type kv struct {
		k string
		v []byte
	}
	var items []kv
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		items = append(items, kv{string(k), bytes.Clone(v)})
	}
	for _, it := range items {
		if err := fn(it.k, it.v); err != nil {
			return err
		}
	}
	return nil
}

// Append implements Tx.
func (t boltTx) Append(scope, coll string, value []byte) (uint64, error) {
	b, err := t.ensure(scope, coll)
	if err != nil {
		return 0, err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("store: sequence of %s: %w", coll, err)
	}
	if err := b.Put(SeqKey(seq), bytes.Clone(value)); err != nil {
		return 0, fmt.Errorf("store: append to %s: %w", coll, err)
	}
	return seq, nil
}

// DropScope implements Tx.
func (t boltTx) DropScope(scope string) error {
	if !t.tx.Writable() {
		return ErrReadOnlyTx
	}
	err := t.tx.DeleteBucket(scopeName(scope))
	if err != nil && err != bolt.ErrBucketNotFound {
		return fmt.Errorf("store: drop scope %q: %w", scope, err)
	}
	return nil
}

// Writable implements Tx.
func (t boltTx) Writable() bool { return t.tx.Writable() }

// SeqKey is the key Append uses for sequence number n: 20 zero-padded decimal digits, so
// keys sort in append order and stay readable.
func SeqKey(n uint64) []byte {
	return []byte(fmt.Sprintf("%020d", n))
}
