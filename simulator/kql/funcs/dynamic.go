package funcs

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

var (
	d1 = []kind{kDyn}
	dN = []kind{kDyn, kDyn}
)

func arr(v types.Value) ([]any, bool) {
	if v.T != types.Dynamic || v.Null {
		return nil, false
	}
	a, ok := v.D.([]any)
	return a, ok
}

func bag(v types.Value) (map[string]any, bool) {
	if v.T != types.Dynamic || v.Null {
		return nil, false
	}
	m, ok := v.D.(map[string]any)
	return m, ok
}

func elem(x any) types.Value { return types.FromDynamic(types.NewDynamic(x)) }

func registerDynamic(add func(*Func)) {
	add(fixed("array_length", types.Long, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		if x, ok := arr(a[0]); ok {
			return types.NewLong(int64(len(x)))
		}
		return types.NullOf(types.Long)
	}))
	add(fixed("array_concat", types.Dynamic, d1, 1, Variadic, func(c *Context, a []types.Value) types.Value {
		total := 0
		for _, v := range a {
			x, _ := arr(v)
			total += len(x)
		}
		c.need(24 + 16*int64(total))
		out := make([]any, 0, total)
		for _, v := range a {
			x, ok := arr(v)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			out = append(out, x...)
		}
		return types.NewDynamic(out)
	}))
	add(fixed("array_slice", types.Dynamic, []kind{kDyn, kNum, kNum}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		s, ok1 := a[1].AsInt()
		e, ok2 := a[2].AsInt()
		if !ok || !ok1 || !ok2 {
			return types.NullOf(types.Dynamic)
		}
		n := int64(len(x))
		if s < 0 {
			s += n
		}
		if e < 0 {
			e += n
		}
		s = max(s, 0)
		e = min(e, n-1)
		if s > e {
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic(append([]any{}, x[s:e+1]...))
	}))
	add(fixed("array_reverse", types.Dynamic, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[len(x)-1-i] = e
		}
		return types.NewDynamic(out)
	}))
	add(arraySort("array_sort_asc", false))
	add(arraySort("array_sort_desc", true))
	add(fixed("array_sum", types.Real, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		if !ok {
			return types.NullOf(types.Real)
		}
		sum := 0.0
		for _, e := range x {
			f, ok := elem(e).AsFloat()
			if !ok {
				return types.NullOf(types.Real)
			}
			sum += f
		}
		return types.NewReal(sum)
	}))
	iff := fixed("array_iff", types.Dynamic, []kind{kDyn, kAny, kAny}, 3, 3, arrayIff)
	add(iff)
	add(alias("array_iif", iff))
	add(fixed("array_index_of", types.Long, []kind{kDyn, kAny, kNum, kNum, kNum}, 2, 5, arrayIndexOf))
	add(fixed("set_has_element", types.Bool, []kind{kDyn, kAny}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		if !ok {
			return types.NullOf(types.Bool)
		}
		for _, e := range x {
			if types.Equal(elem(e), a[1]) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("set_union", types.Dynamic, d1, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		return setOp(a, func(inAll, inFirst bool, count int) bool { return true })
	}))
	add(fixed("set_intersect", types.Dynamic, d1, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		return setOp(a, func(inAll, inFirst bool, count int) bool { return inAll })
	}))
	add(fixed("set_difference", types.Dynamic, d1, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		return setOp(a, func(inAll, inFirst bool, count int) bool { return inFirst && count == 1 })
	}))
	pack := fixed("bag_pack", types.Dynamic, sAny, 0, Variadic, func(_ *Context, a []types.Value) types.Value {
		m := make(map[string]any, len(a)/2)
		for i := 0; i+1 < len(a); i += 2 {
			m[str(a[i])] = types.ToDynamicElem(a[i+1])
		}
		return types.NewDynamic(m)
	})
	add(pack)
	add(alias("pack", pack))
	add(alias("pack_dictionary", pack))
	add(fixed("pack_array", types.Dynamic, sAny, 1, Variadic, func(c *Context, a []types.Value) types.Value {
		c.need(24 + 32*int64(len(a)) + textBytes(a, 0))
		out := make([]any, len(a))
		for i, v := range a {
			out[i] = types.ToDynamicElem(v)
		}
		return types.NewDynamic(out)
	}))
	add(fixed("bag_keys", types.Dynamic, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		m, ok := bag(a[0])
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return types.NewDynamic(out)
	}))
	add(fixed("bag_has_key", types.Bool, []kind{kDyn, kString}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		if _, ok := bag(a[0]); !ok {
			return types.NewBool(false)
		}
		_, has := lookupKey(a[0].D, str(a[1]))
		return types.NewBool(has)
	}))
	add(fixed("bag_merge", types.Dynamic, d1, 2, Variadic, func(c *Context, a []types.Value) types.Value {
		keys := 0
		for _, v := range a {
			m, _ := bag(v)
			keys += len(m)
		}
		c.need(48 + 80*int64(keys))
		out := make(map[string]any, keys)
		for _, v := range a {
			m, _ := bag(v)
			for k, x := range m {
				if _, seen := out[k]; !seen { // the first bag wins a conflict
					out[k] = x
				}
			}
		}
		return types.NewDynamic(out)
	}))
	add(fixed("bag_remove_keys", types.Dynamic, dN, 2, 2, func(_ *Context, a []types.Value) types.Value {
		m, ok := bag(a[0])
		keys, ok2 := arr(a[1])
		if !ok || !ok2 {
			return types.NullOf(types.Dynamic)
		}
		var out any = m
		for _, k := range keys {
			if s, ok := k.(string); ok {
				out = removeKey(out, keyPath(s))
			}
		}
		return types.NewDynamic(out)
	}))
	add(fixed("zip", types.Dynamic, d1, 2, Variadic, func(c *Context, a []types.Value) types.Value {
		n := 0
		arrays := make([][]any, len(a))
		for i, v := range a {
			x, ok := arr(v)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			arrays[i] = x
			n = max(n, len(x))
		}
		c.need(int64(n) * (24 + 16*int64(len(arrays)) + 16))
		out := make([]any, n)
		for i := range out {
			row := make([]any, len(arrays))
			for j, x := range arrays {
				if i < len(x) {
					row[j] = x[i]
				}
			}
			out[i] = row
		}
		return types.NewDynamic(out)
	}))
	add(fixed("jaccard_index", types.Real, dN, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok1 := arr(a[0])
		y, ok2 := arr(a[1])
		if !ok1 || !ok2 {
			return types.NullOf(types.Real)
		}
		sx, sy := distinctKeys(x), distinctKeys(y)
		if len(sx)+len(sy) == 0 {
			return types.NewReal(0)
		}
		inter := 0
		for k := range sx {
			if sy[k] {
				inter++
			}
		}
		return types.NewReal(float64(inter) / float64(len(sx)+len(sy)-inter))
	}))
}

func distinctKeys(x []any) map[string]bool {
	m := make(map[string]bool, len(x))
	for _, e := range x {
		m[string(types.AppendKey(nil, elem(e)))] = true
	}
	return m
}

// setOp combines arrays as sets, keeping first-seen order; keep decides
// from: is the element in every array, in the first, and in how many.
func setOp(a []types.Value, keep func(inAll, inFirst bool, count int) bool) types.Value {
	sets := make([]map[string]bool, len(a))
	var order []any
	var keys []string
	seen := map[string]bool{}
	for i, v := range a {
		x, ok := arr(v)
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		sets[i] = map[string]bool{}
		for _, e := range x {
			k := string(types.AppendKey(nil, elem(e)))
			sets[i][k] = true
			if !seen[k] {
				seen[k] = true
				order = append(order, e)
				keys = append(keys, k)
			}
		}
	}
	out := []any{}
	for i, e := range order {
		k := keys[i]
		count, all := 0, true
		for _, s := range sets {
			if s[k] {
				count++
			} else {
				all = false
			}
		}
		if keep(all, sets[0][k], count) {
			out = append(out, e)
		}
	}
	return types.NewDynamic(out)
}

func arraySort(name string, desc bool) *Func {
	return fixed(name, types.Dynamic, []kind{kDyn, kAny}, 1, Variadic, func(_ *Context, a []types.Value) types.Value {
		var arrays [][]any
		nullsLast := true // both sorts default to nulls last (Kusto docs)
		for _, v := range a {
			if v.T == types.Bool {
				nullsLast = v.Bool()
				continue
			}
			x, ok := arr(v)
			if !ok {
				return types.NullOf(types.Dynamic)
			}
			arrays = append(arrays, x)
		}
		if len(arrays) == 0 {
			return types.NullOf(types.Dynamic)
		}
		first := arrays[0]
		idx := make([]int, len(first))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool {
			x, y := elem(first[idx[i]]), elem(first[idx[j]])
			xn, yn := x.IsNull(), y.IsNull()
			if xn || yn {
				if xn && yn {
					return false
				}
				return yn == nullsLast
			}
			c := types.SortCompare(x, y)
			if desc {
				return c > 0
			}
			return c < 0
		})
		sorted := make([]any, len(arrays))
		for j, x := range arrays {
			out := make([]any, len(first))
			for i, k := range idx {
				if k < len(x) {
					out[i] = x[k]
				}
			}
			sorted[j] = out
		}
		if len(sorted) == 1 {
			return types.NewDynamic(sorted[0])
		}
		// Several arrays: an array of the sorted arrays (print expands it
		// to columns array1_sorted, array2_sorted...; [1] picks one).
		return types.NewDynamic(sorted)
	})
}

func arrayIff(_ *Context, a []types.Value) types.Value {
	cond, ok := arr(a[0])
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	pick := func(v types.Value, i int) any {
		if x, ok := arr(v); ok {
			if i < len(x) {
				return x[i]
			}
			return nil
		}
		return types.ToDynamicElem(v)
	}
	out := make([]any, len(cond))
	for i, c := range cond {
		b, ok := types.Convert(types.NewDynamic(c), types.Bool).AsInt()
		switch {
		case !ok:
			out[i] = nil
		case b != 0:
			out[i] = pick(a[1], i)
		default:
			out[i] = pick(a[2], i)
		}
	}
	return types.NewDynamic(out)
}
