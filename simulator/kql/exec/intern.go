package exec

// dynInterner shares equal dynamic bags and arrays among the rows of a table being built.
// Telemetry repeats the same small bags (a user's LocationDetails, a device's DeviceDetail)
// on many rows: one shared value instead of a map per row cuts the table's memory several
// times and keeps member access in cache. Tables are immutable once built, so sharing is safe.
type dynInterner struct {
	shared   map[string]any
	buf      []byte
	hits     int
	disabled bool
}

const (
	internMaxKey     = 512     // bytes of encoded value; larger values are rarely repeated
	internMaxEntries = 1 << 16 // distinct values kept
	internProbe      = 4096    // distinct values after which a low hit rate stops interning
)

// share returns the table's shared copy of d when an equal bag or array was seen before, else
// d (remembering it).
func (in *dynInterner) share(d any) any {
	if in.disabled {
		return d
	}
	switch d.(type) {
	case map[string]any, []any:
	default:
		return d
	}
	in.buf = appendDynKey(in.buf[:0], d)
	if len(in.buf) > internMaxKey {
		return d
	}
	if s, ok := in.shared[string(in.buf)]; ok {
		in.hits++
		return s
	}
	if in.shared == nil {
		in.shared = map[string]any{}
	}
	n := len(in.shared)
	if n >= internMaxEntries || (n >= internProbe && in.hits < n) {
		// Mostly distinct values: stop paying for the encoding.
		in.disabled, in.shared = true, nil
		return d
	}
	in.shared[string(in.buf)] = d
	return d
}
