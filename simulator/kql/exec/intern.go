package exec

import "strings"

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

// textStore keeps a string column's texts while a table is built: repeated texts (statuses,
// operation names, user names) are shared, the others are copied side by side into arena
// chunks. Either way the column holds far fewer heap objects than one allocation per cell,
// which saves memory and garbage-collector work and keeps scans in cache.
type textStore struct {
	shared   map[string]string
	hits     int
	disabled bool // sharing stopped: the column's texts are mostly distinct
	arena    strings.Builder
}

const textMaxArena = 1024 // longer texts keep their own allocation

func (s *textStore) keep(x string) string {
	if x == "" {
		return x
	}
	if !s.disabled {
		if y, ok := s.shared[x]; ok {
			s.hits++
			return y
		}
	}
	y := x
	if len(x) <= textMaxArena {
		if s.arena.Cap()-s.arena.Len() < len(x) {
			s.arena = strings.Builder{} // the full chunk stays with the texts cut from it
			s.arena.Grow(64 << 10)
		}
		off := s.arena.Len()
		s.arena.WriteString(x)
		y = s.arena.String()[off:]
	}
	if s.disabled {
		return y
	}
	if s.shared == nil {
		s.shared = map[string]string{}
	}
	n := len(s.shared)
	switch {
	case n >= internProbe && s.hits < n:
		s.disabled, s.shared = true, nil
	case n < internMaxEntries:
		s.shared[y] = y
	}
	return y
}
