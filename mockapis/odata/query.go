package odata

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Query is the system query options of one request, parsed once.
type Query struct {
	Filter    *Filter // nil: no $filter
	Select    []string
	Expand    []string
	OrderBy   []Order
	Top       int // -1: not given
	Skip      int
	SkipToken string
	Count     bool
}

// Order is one $orderby key.
type Order struct {
	Path string
	Desc bool
}

// option reads $name, or name without the dollar (Graph v1.0 accepts both).
func option(v url.Values, name string) (string, bool) {
	for k, vals := range v {
		if strings.EqualFold(k, "$"+name) || strings.EqualFold(k, name) {
			if len(vals) > 1 {
				return "", false
			}
			return vals[0], true
		}
	}
	return "", true
}

// Parse reads the OData system query options of a URL query.
func Parse(v url.Values) (*Query, error) {
	q := &Query{Top: -1}
	get := func(name string) (string, error) {
		s, ok := option(v, name)
		if !ok {
			return "", errorf("Query option '$%s' was specified more than once, but it must be specified at most once.", name)
		}
		return s, nil
	}
	s, err := get("filter")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) != "" {
		if q.Filter, err = ParseFilter(s); err != nil {
			return nil, err
		}
	}
	if s, err = get("select"); err != nil {
		return nil, err
	}
	q.Select = splitList(s)
	if s, err = get("expand"); err != nil {
		return nil, err
	}
	for _, e := range splitList(s) {
		if i := strings.IndexByte(e, '('); i >= 0 {
			e = e[:i]
		}
		q.Expand = append(q.Expand, e)
	}
	if s, err = get("orderby"); err != nil {
		return nil, err
	}
	for _, o := range splitList(s) {
		f := strings.Fields(o)
		ord := Order{Path: f[0]}
		if len(f) > 2 || (len(f) == 2 && !strings.EqualFold(f[1], "asc") && !strings.EqualFold(f[1], "desc")) {
			return nil, errorf("Syntax error at position %d in '%s'.", len(o), s)
		}
		ord.Desc = len(f) == 2 && strings.EqualFold(f[1], "desc")
		q.OrderBy = append(q.OrderBy, ord)
	}
	if s, err = get("top"); err != nil {
		return nil, err
	}
	if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, errorf("Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.", s)
		}
		q.Top = n
	}
	if s, err = get("skip"); err != nil {
		return nil, err
	}
	if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, errorf("Invalid value '%s' for $skip query option found. The $skip query option requires a non-negative integer value.", s)
		}
		q.Skip = n
	}
	if q.SkipToken, err = get("skiptoken"); err != nil {
		return nil, err
	}
	if q.SkipToken != "" {
		if _, err := decodeSkipToken(q.SkipToken); err != nil {
			return nil, err
		}
	}
	if s, err = get("count"); err != nil {
		return nil, err
	}
	switch strings.ToLower(s) {
	case "", "false":
	case "true":
		q.Count = true
	default:
		return nil, errorf("'%s' is not a valid count option.", s)
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
			if s[i] != ',' || depth > 0 {
				continue
			}
		}
		if part := strings.TrimSpace(s[start:i]); part != "" {
			out = append(out, part)
		}
		start = i + 1
	}
	return out
}

// Page says how a collection is paged: the request's URL (for @odata.nextLink) and page sizes.
type Page struct {
	URL *url.URL
	// Host is used when URL has none (server-side requests carry only the path);
	// default graph.microsoft.com.
	Host       string
	DefaultTop int // page size without $top; 0: everything
	MaxTop     int // largest $top accepted; 0: no limit
}

// Apply filters, orders, pages and selects items; next is the absolute URL of the next page,
// "" when this page is the last.
func (q *Query) Apply(items []map[string]any, p Page) ([]map[string]any, string, error) {
	matched := make([]map[string]any, 0, len(items))
	for _, it := range items {
		ok, err := q.Filter.Match(it)
		if err != nil {
			return nil, "", err
		}
		if ok {
			matched = append(matched, it)
		}
	}
	if len(q.OrderBy) > 0 {
		orders := make([]*pathNode, len(q.OrderBy))
		for i, o := range q.OrderBy {
			orders[i] = &pathNode{segs: strings.Split(o.Path, "/")}
		}
		sort.SliceStable(matched, func(i, j int) bool {
			for k, o := range q.OrderBy {
				a, _ := orders[k].eval(scope{obj: matched[i]})
				b, _ := orders[k].eval(scope{obj: matched[j]})
				c, ok := compare(a, b)
				if !ok {
					c = nullsFirst(a, b)
				}
				if c != 0 {
					return (c < 0) != o.Desc
				}
			}
			return false
		})
	}
	size := p.DefaultTop
	if q.Top >= 0 {
		if p.MaxTop > 0 && q.Top > p.MaxTop {
			return nil, "", errorf("Invalid page size specified: '%d'. Must be between 1 and %d inclusive.", q.Top, p.MaxTop)
		}
		size = q.Top
	}
	offset := q.Skip
	if q.SkipToken != "" {
		n, _ := decodeSkipToken(q.SkipToken)
		offset = n
	}
	if offset > len(matched) {
		offset = len(matched)
	}
	end := len(matched)
	if size > 0 && offset+size < end {
		end = offset + size
	}
	page := make([]map[string]any, 0, end-offset)
	for _, it := range matched[offset:end] {
		page = append(page, Select(it, q.Select))
	}
	next := ""
	if end < len(matched) && p.URL != nil {
		next = nextLink(p, end)
	}
	return page, next, nil
}

func nullsFirst(a, b any) int {
	switch {
	case a == nil && b != nil:
		return -1
	case a != nil && b == nil:
		return 1
	}
	return 0
}

func nextLink(p Page, offset int) string {
	u := *p.URL
	if u.Host == "" {
		u.Host = p.Host
		if u.Host == "" {
			u.Host = "graph.microsoft.com"
		}
	}
	if u.Scheme == "" {
		u.Scheme = "https"
	}
	v := u.Query()
	for k := range v {
		if strings.EqualFold(k, "$skiptoken") || strings.EqualFold(k, "skiptoken") || strings.EqualFold(k, "$skip") {
			v.Del(k)
		}
	}
	v.Set("$skiptoken", encodeSkipToken(offset))
	u.RawQuery = strings.ReplaceAll(v.Encode(), "%24", "$")
	return u.String()
}

const skipTokenPrefix = "soclab-offset:"

func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(skipTokenPrefix + strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	bad := errorf("The specified page token value has expired and can no longer be included in your request.")
	if err != nil || !strings.HasPrefix(string(raw), skipTokenPrefix) {
		return 0, bad
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(raw), skipTokenPrefix))
	if err != nil || n < 0 {
		return 0, bad
	}
	return n, nil
}

// Select keeps the listed properties (and the @odata annotations) of obj; no list keeps all.
func Select(obj map[string]any, fields []string) map[string]any {
	if len(fields) == 0 {
		return obj
	}
	out := make(map[string]any, len(fields)+1)
	for k, v := range obj {
		if strings.HasPrefix(k, "@odata.") {
			out[k] = v
			continue
		}
		for _, f := range fields {
			if strings.EqualFold(k, f) {
				out[k] = v
				break
			}
		}
	}
	return out
}

// Collection is a collection response: {"@odata.context", "value", ["@odata.nextLink"]}.
func Collection(context string, page []map[string]any, next string) map[string]any {
	if page == nil {
		page = []map[string]any{}
	}
	out := map[string]any{"@odata.context": context, "value": page}
	if next != "" {
		out["@odata.nextLink"] = next
	}
	return out
}
