package exec

// rehash places the used entries of old into a new open-addressing table of size slots (a
// power of two), each by linear probing from home(e), and returns the table and its mask.
// The package's flat hash tables (dictionaries, groupers, distinct sets) grow through it; their
// probes stay hand-written, since those are the hot path.
func rehash[S any](old []S, size int, used func(*S) bool, home func(*S) uint64) ([]S, uint64) {
	slots := make([]S, size)
	mask := uint64(size - 1)
	for k := range old {
		e := &old[k]
		if !used(e) {
			continue
		}
		i := home(e) & mask
		for used(&slots[i]) {
			i = (i + 1) & mask
		}
		slots[i] = *e
	}
	return slots, mask
}
