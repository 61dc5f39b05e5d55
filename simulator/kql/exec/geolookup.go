package exec

import "github.com/soclab/soclab/simulator/kql/types"

// GeoLookup joins each input row (a point: longitude and latitude
// columns) to every lookup row whose shape matches it (the
// geo_polygon_lookup and geo_line_lookup plugins). Unmatched input rows
// are dropped unless KeepUnmatched, then the lookup columns are null.
// LookupCols lists the lookup table's columns that appear in the output
// (the shape column only when the query asks for the lookup key).
type GeoLookup struct {
	In, Lookup      Node
	Lng, Lat, Shape int
	Match           func(env *Env, lng, lat, shape types.Value) bool
	KeepUnmatched   bool
	LookupCols      []int
	Cols            []Column
}

// Columns is the input's columns then the kept lookup columns.
func (g *GeoLookup) Columns() []Column { return g.Cols }

// Run tests every input point against every (few) lookup shapes.
func (g *GeoLookup) Run(env *Env) (*Table, error) {
	t, err := g.In.Run(env)
	if err != nil {
		return nil, err
	}
	lk, err := g.Lookup.Run(env)
	if err != nil {
		return nil, err
	}
	var li, ri []int32
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		lng, lat := t.Vecs[g.Lng].Get(i), t.Vecs[g.Lat].Get(i)
		matched := false
		for j := 0; j < lk.N; j++ {
			if g.Match(env, lng, lat, lk.Vecs[g.Shape].Get(j)) {
				li = append(li, int32(i))
				ri = append(ri, int32(j))
				matched = true
			}
		}
		if !matched && g.KeepUnmatched {
			li = append(li, int32(i))
			ri = append(ri, -1)
		}
	}
	out := &Table{Cols: g.Cols, N: len(li)}
	for _, v := range t.Vecs {
		out.Vecs = append(out.Vecs, v.Gather(li))
	}
	for _, c := range g.LookupCols {
		out.Vecs = append(out.Vecs, lk.Vecs[c].Gather(ri))
	}
	return out, env.Account(out)
}
