package funcs

import "unsafe"

// boxInts returns the int64s of vals as dynamic elements whose numbers live in vals itself.
// Go boxes each int64 outside [0, 255] in its own 8-byte object when it becomes an `any`:
// range(1, 1000000) made a million objects (a hostile loop of such queries spent a tenth of
// the server's CPU allocating them and the collector marking them). Here the interfaces
// point into one array instead: the same values (an interface's value cannot be written
// through it, so sharing the storage is invisible), one allocation. vals must not change
// afterwards.
func boxInts(vals []int64) []any {
	out := make([]any, len(vals))
	var proto any = int64(0)
	typ := (*eface)(unsafe.Pointer(&proto)).typ
	for i := range vals {
		e := (*eface)(unsafe.Pointer(&out[i]))
		e.typ, e.data = typ, unsafe.Pointer(&vals[i])
	}
	return out
}

// eface is the layout of an empty interface (runtime.eface).
type eface struct {
	typ, data unsafe.Pointer
}
