package exec

import (
	"sync/atomic"
	"unsafe"
)

// A vector's dictCell is made on first need (a dictionary asked for, a view cut with
// Prefix, a gather that must remember its source), not with the vector: most vectors are
// a query's intermediate results that never need one, and an eager cell was a third of a
// small gather's allocations. The cell pointer is set once, atomically, because readers of
// a shared (immutable) vector may ask for its cell concurrently.

// loadCell returns v's cell, or nil when none was made yet.
func (v *Vector) loadCell() *dictCell {
	return (*dictCell)(atomic.LoadPointer((*unsafe.Pointer)(unsafe.Pointer(&v.cell))))
}

// cellOf returns v's cell, making it when v is a string vector without one; nil for other
// types.
func (v *Vector) cellOf() *dictCell {
	if storageOf(v.T) != storeString {
		return nil
	}
	if c := v.loadCell(); c != nil {
		return c
	}
	c := &dictCell{}
	if atomic.CompareAndSwapPointer((*unsafe.Pointer)(unsafe.Pointer(&v.cell)), nil, unsafe.Pointer(c)) {
		return c
	}
	return v.loadCell()
}
