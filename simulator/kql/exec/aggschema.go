package exec

import (
	"slices"

	"github.com/soclab/soclab/simulator/kql/types"
)

// schemaAgg is buildschema(dynamic): the union of the shapes of the values. Each path holds
// the scalar type names met there (long, double, string, bool, in order of appearance), the
// schema of the object properties, and "`indexer`" for array elements. A path with one kind
// renders as that kind, with several as an array of them.
type schemaAgg struct {
	spec  *AggSpec
	roots []*schemaNode
}

type schemaNode struct {
	scalars []string
	keys    []string // object properties in order of appearance
	props   map[string]*schemaNode
	elems   *schemaNode
	isObj   bool
}

func (a *schemaAgg) Add(env *Env, g int32, t *Table, i int) {
	a.roots = grow(a.roots, g)
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() {
		return
	}
	if a.roots[g] == nil {
		a.roots[g] = &schemaNode{}
	}
	if v.T == types.Dynamic {
		a.roots[g].add(v.D)
		return
	}
	a.roots[g].add(types.ToDynamicElem(v))
}

func (n *schemaNode) add(x any) {
	switch v := x.(type) {
	case nil:
	case map[string]any:
		n.isObj = true
		if n.props == nil {
			n.props = map[string]*schemaNode{}
		}
		for _, k := range sortedKeys(v) {
			c, ok := n.props[k]
			if !ok {
				c = &schemaNode{}
				n.props[k] = c
				n.keys = append(n.keys, k)
			}
			c.add(v[k])
		}
	case []any:
		n.isObj = true
		if n.elems == nil {
			n.elems = &schemaNode{}
		}
		for _, e := range v {
			n.elems.add(e)
		}
	default:
		name := scalarSchemaName(v)
		for _, s := range n.scalars {
			if s == name {
				return
			}
		}
		n.scalars = append(n.scalars, name)
	}
}

func scalarSchemaName(x any) string {
	switch x.(type) {
	case int64, int:
		return "long"
	case float64:
		return "double"
	case bool:
		return "bool"
	}
	return "string"
}

// render is the node as buildschema prints it (nil when nothing was seen).
func (n *schemaNode) render() any {
	var kinds []any
	for _, s := range n.scalars {
		kinds = append(kinds, s)
	}
	if n.isObj {
		obj := map[string]any{}
		for _, k := range n.keys {
			if r := n.props[k].render(); r != nil {
				obj[k] = r
			}
		}
		if n.elems != nil {
			if r := n.elems.render(); r != nil {
				obj["`indexer`"] = r
			}
		}
		kinds = append(kinds, obj)
	}
	switch len(kinds) {
	case 0:
		return nil
	case 1:
		return kinds[0]
	}
	return kinds
}

func (a *schemaAgg) Result(g int32, out []types.Value) {
	a.roots = grow(a.roots, g)
	if a.roots[g] == nil {
		out[0] = types.NullOf(types.Dynamic)
		return
	}
	out[0] = types.NewDynamic(a.roots[g].render())
}

// sortedKeys gives a bag's keys in a stable order (Go maps have none).
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
