package funcs

import (
	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// geo_union_lines_array: the union of an array of lines. Identical edges
// (in either direction) count once; the remaining edges are chained into
// as few paths as possible, each following the direction in which its
// first edge appeared.

func registerGeoUnionLines(add func(*Func)) {
	add(fixed("geo_union_lines_array", types.Dynamic, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		items, ok := arr(a[0])
		if !ok {
			return nullDyn
		}
		var edges [][2]s2geo.Point
		seen := map[[2]s2geo.Point]bool{}
		for _, it := range items {
			lines, ok := linesOf(types.NewDynamic(it))
			if !ok {
				return nullDyn
			}
			for _, l := range lines {
				for i := 0; i+1 < len(l); i++ {
					e := [2]s2geo.Point{l[i], l[i+1]}
					if e[0] == e[1] || seen[e] || seen[[2]s2geo.Point{e[1], e[0]}] {
						continue
					}
					seen[e] = true
					edges = append(edges, e)
				}
			}
		}
		paths := chainEdges(edges)
		if len(paths) == 0 {
			return types.NewDynamic(map[string]any{"type": "GeometryCollection", "geometries": []any{}})
		}
		return types.NewDynamic(intersectionJSON(nil, paths))
	}))
}

// chainEdges joins directed edges into paths: a path starts at a vertex
// no unused edge enters, and follows unused edges leaving its end.
func chainEdges(edges [][2]s2geo.Point) [][]s2geo.Point {
	out := map[s2geo.Point][]int{}
	in := map[s2geo.Point]int{}
	for i, e := range edges {
		out[e[0]] = append(out[e[0]], i)
		in[e[1]]++
	}
	used := make([]bool, len(edges))
	var paths [][]s2geo.Point
	walk := func(start int) {
		path := []s2geo.Point{edges[start][0], edges[start][1]}
		used[start] = true
		in[edges[start][1]]--
		for {
			next := -1
			for _, j := range out[path[len(path)-1]] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				break
			}
			used[next] = true
			in[edges[next][1]]--
			path = append(path, edges[next][1])
		}
		paths = append(paths, path)
	}
	for i, e := range edges { // open paths first: from vertices nothing enters
		if !used[i] && in[e[0]] == 0 {
			walk(i)
		}
	}
	for i := range edges { // then the cycles that remain
		if !used[i] {
			walk(i)
		}
	}
	return paths
}
