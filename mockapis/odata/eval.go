package odata

import (
	"encoding/json"
	"strings"
	"time"
)

// node is one filter expression node.
type node interface {
	eval(s scope) (any, error)
	walk(fn func(node))
}

// scope is what paths resolve against: the object, and lambda variables bound to elements.
type scope struct {
	obj  map[string]any
	vars map[string]any
}

type literalNode struct{ v any }

func (n *literalNode) eval(scope) (any, error) { return n.v, nil }
func (n *literalNode) walk(fn func(node))      { fn(n) }

// pathNode is a property path; variable is set when it starts with a lambda variable.
type pathNode struct {
	segs      []string
	variable  string
	qualified string
}

func (n *pathNode) eval(s scope) (any, error) {
	var cur any = s.obj
	if n.variable != "" {
		cur = s.vars[strings.ToLower(n.variable)]
	}
	for _, seg := range n.segs {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, nil
		}
		cur = lookup(m, seg)
	}
	return cur, nil
}

func (n *pathNode) walk(fn func(node)) { fn(n) }

// lookup finds a property by exact name, then case-insensitively (OData names are
// case-sensitive, but Graph accepts either spelling for its properties).
func lookup(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

type logicNode struct {
	or          bool
	left, right node
}

func (n *logicNode) eval(s scope) (any, error) {
	l, err := n.left.eval(s)
	if err != nil {
		return nil, err
	}
	lb, _ := l.(bool)
	if n.or && lb {
		return true, nil
	}
	if !n.or && !lb {
		return false, nil
	}
	r, err := n.right.eval(s)
	if err != nil {
		return nil, err
	}
	rb, _ := r.(bool)
	return rb, nil
}

func (n *logicNode) walk(fn func(node)) { fn(n); n.left.walk(fn); n.right.walk(fn) }

type notNode struct{ inner node }

func (n *notNode) eval(s scope) (any, error) {
	v, err := n.inner.eval(s)
	if err != nil {
		return nil, err
	}
	b, _ := v.(bool)
	return !b, nil
}

func (n *notNode) walk(fn func(node)) { fn(n); n.inner.walk(fn) }

type compareNode struct {
	op          string
	left, right node
}

func (n *compareNode) eval(s scope) (any, error) {
	l, err := n.left.eval(s)
	if err != nil {
		return nil, err
	}
	r, err := n.right.eval(s)
	if err != nil {
		return nil, err
	}
	c, ok := compare(l, r)
	switch n.op {
	case "eq":
		return ok && c == 0, nil
	case "ne":
		return !ok || c != 0, nil
	case "gt":
		return ok && c > 0, nil
	case "ge":
		return ok && c >= 0, nil
	case "lt":
		return ok && c < 0, nil
	default: // le
		return ok && c <= 0, nil
	}
}

func (n *compareNode) walk(fn func(node)) { fn(n); n.left.walk(fn); n.right.walk(fn) }

type inNode struct {
	left node
	list []node
}

func (n *inNode) eval(s scope) (any, error) {
	l, err := n.left.eval(s)
	if err != nil {
		return nil, err
	}
	for _, item := range n.list {
		r, err := item.eval(s)
		if err != nil {
			return nil, err
		}
		if c, ok := compare(l, r); ok && c == 0 {
			return true, nil
		}
	}
	return false, nil
}

func (n *inNode) walk(fn func(node)) {
	fn(n)
	n.left.walk(fn)
	for _, item := range n.list {
		item.walk(fn)
	}
}

type funcNode struct {
	name string
	args []node
}

func (n *funcNode) eval(s scope) (any, error) {
	vals := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(s)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	str := func(v any) (string, bool) { t, ok := v.(string); return strings.ToLower(t), ok }
	switch n.name {
	case "tolower", "toupper":
		t, ok := vals[0].(string)
		if !ok {
			return nil, nil
		}
		if n.name == "tolower" {
			return strings.ToLower(t), nil
		}
		return strings.ToUpper(t), nil
	}
	a, ok1 := str(vals[0])
	b, ok2 := str(vals[1])
	if !ok1 || !ok2 {
		return false, nil
	}
	switch n.name {
	case "startswith":
		return strings.HasPrefix(a, b), nil
	case "endswith":
		return strings.HasSuffix(a, b), nil
	default:
		return strings.Contains(a, b), nil
	}
}

func (n *funcNode) walk(fn func(node)) {
	fn(n)
	for _, a := range n.args {
		a.walk(fn)
	}
}

type lambdaNode struct {
	coll     *pathNode
	all      bool
	variable string
	body     node
}

func (n *lambdaNode) eval(s scope) (any, error) {
	v, err := n.coll.eval(s)
	if err != nil {
		return nil, err
	}
	items, _ := v.([]any)
	if n.body == nil {
		return len(items) > 0, nil
	}
	for _, item := range items {
		inner := scope{obj: s.obj, vars: map[string]any{}}
		for k, val := range s.vars {
			inner.vars[k] = val
		}
		inner.vars[strings.ToLower(n.variable)] = item
		r, err := n.body.eval(inner)
		if err != nil {
			return nil, err
		}
		b, _ := r.(bool)
		if b && !n.all {
			return true, nil
		}
		if !b && n.all {
			return false, nil
		}
	}
	return n.all, nil
}

func (n *lambdaNode) walk(fn func(node)) {
	fn(n)
	n.coll.walk(fn)
	if n.body != nil {
		n.body.walk(fn)
	}
}

// compare orders two JSON values; ok is false when they cannot be compared (different kinds,
// a collection). null equals only null.
func compare(a, b any) (int, bool) {
	a, b = normalize(a), normalize(b)
	if a == nil || b == nil {
		if a == nil && b == nil {
			return 0, true
		}
		return 0, false
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
		case time.Time:
			if t, ok := parseTime(x); ok {
				return t.Compare(y), true
			}
		}
	case float64:
		if y, ok := b.(float64); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0, true
			}
			if !x {
				return -1, true
			}
			return 1, true
		}
	case time.Time:
		switch y := b.(type) {
		case time.Time:
			return x.Compare(y), true
		case string:
			if t, ok := parseTime(y); ok {
				return x.Compare(t), true
			}
		}
	}
	return 0, false
}

// normalize turns Go numbers and json.Number into float64.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	}
	return v
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
