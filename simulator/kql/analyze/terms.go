package analyze

import "github.com/soclab/soclab/simulator/kql/funcs"

// hasTerm is search's term match (Kusto's has, case-insensitive).
func hasTerm(s, term string) bool { return funcs.Has(s, term) }
