package exec

// Multi is an operator with several result tables (fork, facet). Run gives the first
// (the query's primary result); RunAll gives every table, named. The branches read their
// shared input through one Materialized node, so it runs once.
type Multi struct {
	Branches []Node
	Names    []string
}

// Columns is the first table's schema.
func (m *Multi) Columns() []Column { return m.Branches[0].Columns() }

// Run returns the first table.
func (m *Multi) Run(env *Env) (*Table, error) { return m.Branches[0].Run(env) }

// RunAll runs every branch; each table's Name is its result name.
func (m *Multi) RunAll(env *Env) ([]*Table, error) {
	out := make([]*Table, len(m.Branches))
	for i, b := range m.Branches {
		t, err := b.Run(env)
		if err != nil {
			return nil, err
		}
		named := *t
		named.Name = m.Names[i]
		out[i] = &named
	}
	return out, nil
}
