package grader

import "context"

type notesKey struct{}

// WithNotes returns ctx carrying notes that the grade endpoint adds to its report, e.g. that
// the rule engine had not caught up with the tenant's clock when the grade was taken.
func WithNotes(ctx context.Context, notes ...string) context.Context {
	return context.WithValue(ctx, notesKey{}, append(notesFrom(ctx), notes...))
}

func notesFrom(ctx context.Context) []string {
	n, _ := ctx.Value(notesKey{}).([]string)
	return n
}
