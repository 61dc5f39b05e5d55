package funcs

import (
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
	"strings"
)

// registerCollections adds the array and bag functions beyond the
// basics in dynamic.go (range, rotations, shifts, splits, bag_zip,
// bag_set_key, dynamic_to_json) and the JSONPath key helpers.
func registerCollections(add func(*Func)) {
	add(fixed("bag_zip", types.Dynamic, dN, 2, 2, func(_ *Context, a []types.Value) types.Value {
		keys, ok1 := arr(a[0])
		vals, _ := arr(a[1]) // not an array: every key gets null
		if !ok1 {
			return types.NullOf(types.Dynamic)
		}
		m := map[string]any{}
		for i, k := range keys {
			s, ok := k.(string)
			if !ok {
				continue
			}
			var v any
			if i < len(vals) {
				v = vals[i]
			}
			m[s] = v
		}
		return types.NewDynamic(m)
	}))
	add(fixed("bag_set_key", types.Dynamic, []kind{kDyn, kString, kAny}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		m, ok := bag(a[0])
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(setKey(m, keyPath(str(a[1])), types.ToDynamicElem(a[2])))
	}))
	add(fixed("range", types.Dynamic, []kind{kBinnable, kBinnable, kBinnable}, 2, 3, rangeArray))
	add(fixed("repeat", types.Dynamic, []kind{kAny, kNum}, 2, 2, repeatArray))
	add(fixed("array_rotate_left", types.Dynamic, []kind{kDyn, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value { return rotate(a, 1) }))
	add(fixed("array_rotate_right", types.Dynamic, []kind{kDyn, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value { return rotate(a, -1) }))
	add(fixed("array_shift_left", types.Dynamic, []kind{kDyn, kNum, kAny}, 2, 3, func(_ *Context, a []types.Value) types.Value { return shift(a, 1) }))
	add(fixed("array_shift_right", types.Dynamic, []kind{kDyn, kNum, kAny}, 2, 3, func(_ *Context, a []types.Value) types.Value { return shift(a, -1) }))
	add(fixed("dynamic_to_json", types.String, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if a[0].IsNull() {
			return types.NewString("null")
		}
		return types.NewString(types.DynamicJSON(types.ToDynamicElem(a[0])))
	}))
	add(fixed("array_split", types.Dynamic, []kind{kDyn, kAny}, 2, 2, arraySplit))
}

// rangeArray: range(start, stop[, step]) as a dynamic array of at most
// 1,048,576 elements, Kusto's limit (range-function doc example).
func rangeArray(fc *Context, a []types.Value) types.Value {
	start, stop := a[0], a[1]
	step := types.NewLong(1)
	if len(a) > 2 {
		step = a[2]
	} else if start.T == types.DateTime || start.T == types.TimeSpan {
		step = types.NewTimeSpan(types.TicksPerDay)
	}
	if isInt(start) && isInt(stop) && isInt(step) {
		return rangeInts(fc, start.I, stop.I, step.I)
	}
	var out []any
	for v := start; len(out) < 1<<20; v = types.Arith(types.OpAdd, v, step) {
		c, ok := types.Compare(v, stop)
		if !ok {
			break
		}
		if s, _ := step.AsFloat(); (step.T == types.TimeSpan && step.I < 0) || s < 0 {
			if c < 0 {
				break
			}
		} else if c > 0 {
			break
		}
		if len(out)%rangeCheckEvery == 0 {
			// 16 bytes per element interface plus 8 for the boxed number; checked per chunk
			// before the array grows, so a run cannot build arrays past its budget.
			fc.need(24 * int64(len(out)+rangeCheckEvery))
		}
		out = append(out, types.ToDynamicElem(v))
		if step.IsNull() || (step.T != types.TimeSpan && func() bool { f, _ := step.AsFloat(); return f == 0 }()) || (step.T == types.TimeSpan && step.I == 0) {
			break
		}
	}
	if out == nil {
		out = []any{}
	}
	return types.NewDynamic(out)
}

func rotate(a []types.Value, dir int64) types.Value {
	x, ok := arr(a[0])
	n, ok2 := a[1].AsInt()
	if !ok || !ok2 {
		return types.NullOf(types.Dynamic)
	}
	if len(x) == 0 {
		return types.NewDynamic([]any{})
	}
	k := ((n*dir)%int64(len(x)) + int64(len(x))) % int64(len(x))
	out := append(append([]any{}, x[k:]...), x[:k]...)
	return types.NewDynamic(out)
}

func shift(a []types.Value, dir int64) types.Value {
	x, ok := arr(a[0])
	n, ok2 := a[1].AsInt()
	if !ok || !ok2 {
		return types.NullOf(types.Dynamic)
	}
	var fill any
	if len(a) > 2 {
		fill = types.ToDynamicElem(a[2])
	}
	n *= dir
	out := make([]any, len(x))
	for i := range out {
		j := int64(i) + n
		if j >= 0 && j < int64(len(x)) {
			out[i] = x[j]
		} else {
			out[i] = fill
		}
	}
	return types.NewDynamic(out)
}

// arraySplit: array_split(array, index or indices) splits before each index.
func arraySplit(_ *Context, a []types.Value) types.Value {
	x, ok := arr(a[0])
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	var cuts []int64
	if idx, ok := arr(a[1]); ok {
		for _, e := range idx {
			if n, ok := elem(e).AsInt(); ok {
				cuts = append(cuts, n)
			}
		}
	} else if n, ok := a[1].AsInt(); ok {
		cuts = []int64{n}
	} else {
		return types.NullOf(types.Dynamic)
	}
	n := int64(len(x))
	out := []any{}
	prev := int64(0)
	for _, c := range cuts {
		if c < 0 {
			c += n
		}
		c = min(max(c, prev), n)
		out = append(out, append([]any{}, x[prev:c]...))
		prev = c
	}
	out = append(out, append([]any{}, x[prev:]...))
	return types.NewDynamic(out)
}

// arrayIndexOf: array_index_of(array, lookup[, start[, length[,
// occurrence]]]); a negative start counts from the end, length -1 means
// to the end; -1 when not found.
func arrayIndexOf(_ *Context, a []types.Value) types.Value {
	x, ok := arr(a[0])
	if !ok {
		return types.NullOf(types.Long)
	}
	n := int64(len(x))
	start, length, occ := int64(0), int64(-1), int64(1)
	if len(a) > 2 {
		start, _ = a[2].AsInt()
	}
	if len(a) > 3 {
		length, _ = a[3].AsInt()
	}
	if len(a) > 4 {
		occ, _ = a[4].AsInt()
	}
	if start < 0 {
		start = max(start+n, 0)
	}
	if length < -1 || occ <= 0 {
		return types.NullOf(types.Long)
	}
	end := n
	if length >= 0 && start+length < end {
		end = start + length
	}
	for i := start; i < end; i++ {
		if types.Equal(elem(x[i]), a[1]) {
			occ--
			if occ == 0 {
				return types.NewLong(i)
			}
		}
	}
	return types.NewLong(-1)
}

// keyPath splits a bag key argument: a plain key, or a JSONPath such as
// $.a.b or $['a']['b'] (bag_has_key, bag_remove_keys, bag_set_key).
func keyPath(key string) []string {
	if !strings.HasPrefix(key, "$") {
		return []string{key}
	}
	var parts []string
	p := key[1:]
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			parts = append(parts, p[:end])
			p = p[end:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(parts, p)
			}
			parts = append(parts, strings.Trim(p[1:end], `'"`))
			p = p[end+1:]
		default:
			return append(parts, p)
		}
	}
	return parts
}

func lookupKey(d any, key string) (any, bool) {
	for _, k := range keyPath(key) {
		m, ok := d.(map[string]any)
		if !ok {
			return nil, false
		}
		if d, ok = m[k]; !ok {
			return nil, false
		}
	}
	return d, true
}

// removeKey returns a copy of d without the key at path (copying only
// the bags along the path).
func removeKey(d any, path []string) any {
	m, ok := d.(map[string]any)
	if !ok || len(path) == 0 {
		return d
	}
	child, ok := m[path[0]]
	if !ok {
		return d
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	if len(path) == 1 {
		delete(out, path[0])
	} else {
		out[path[0]] = removeKey(child, path[1:])
	}
	return out
}

// setKey returns a copy of m with path set to v, creating bags as needed.
func setKey(m map[string]any, path []string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	if len(path) == 0 {
		return out
	}
	if len(path) == 1 {
		out[path[0]] = v
		return out
	}
	child, _ := out[path[0]].(map[string]any)
	out[path[0]] = setKey(child, path[1:], v)
	return out
}

// rangeCheckEvery is how many elements range() adds between budget checks.
const rangeCheckEvery = 1 << 14

// repeat(value, count): an array of count copies of value; count 0 gives [], a negative or
// null count gives null (Kusto's repeat()). The array's size is checked before it is made.
func repeatArray(c *Context, a []types.Value) types.Value {
	n, ok := a[1].AsInt()
	if !ok || n < 0 {
		return types.NullOf(types.Dynamic)
	}
	c.need(24 + 16*min(n, 1<<40)) // clamped: the product must not overflow
	if n > 1<<40 {
		panic(govern.LowMemory())
	}
	elem := types.ToDynamicElem(a[0])
	out := make([]any, n)
	for i := range out {
		out[i] = elem
	}
	return types.NewDynamic(out)
}

func isInt(v types.Value) bool { return (v.T == types.Long || v.T == types.Int) && !v.Null }

// rangeInts is range() over integers without the generic arithmetic: the same elements
// (at most 2^20, an empty array when the step points away from stop), sized and checked
// against the budget before the array is made.
func rangeInts(c *Context, start, stop, step int64) types.Value {
	if step == 0 { // one element when it is within the range, as the generic loop gives
		if start <= stop {
			return types.NewDynamic([]any{start})
		}
		return types.NewDynamic([]any{})
	}
	if (step > 0 && start > stop) || (step < 0 && start < stop) {
		return types.NewDynamic([]any{})
	}
	n := uint64(stop-start) / uint64(step)
	if step < 0 {
		n = uint64(start-stop) / uint64(-step)
	}
	count := int64(1 << 20)
	if n < 1<<20-1 {
		count = int64(n) + 1
	}
	c.need(24 + 24*count)
	vals := make([]int64, count)
	v := start
	for i := range vals {
		vals[i] = v
		v += step
	}
	return types.NewDynamic(boxInts(vals))
}
