package funcs

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// extractJSON: extract_json(path, json) evaluates a JSONPath of the forms
// $, $.a.b, $['a'], $.a[0] and returns the element as text (strings
// unquoted, others as JSON); a missing element is "".
func extractJSON(_ *Context, a []types.Value) types.Value {
	d, err := types.ParseJSON(str(a[1]))
	if err != nil {
		return types.NewString("")
	}
	cur, ok := walkJSONPath(d, str(a[0]))
	if !ok {
		return types.NewString("")
	}
	return types.NewString(types.FormatText(types.NewDynamic(cur)))
}

func walkJSONPath(d any, path string) (any, bool) {
	path = strings.TrimSpace(path)
	if !strings.HasPrefix(path, "$") {
		return nil, false
	}
	p := path[1:]
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			m, ok := d.(map[string]any)
			if !ok {
				return nil, false
			}
			if d, ok = m[p[:end]]; !ok {
				return nil, false
			}
			p = p[end:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false
			}
			key := strings.TrimSpace(p[1:end])
			p = p[end+1:]
			if len(key) >= 2 && (key[0] == '\'' || key[0] == '"') {
				m, ok := d.(map[string]any)
				if !ok {
					return nil, false
				}
				if d, ok = m[key[1:len(key)-1]]; !ok {
					return nil, false
				}
				continue
			}
			i, err := strconv.Atoi(key)
			x, ok := d.([]any)
			if err != nil || !ok {
				return nil, false
			}
			if i < 0 {
				i += len(x)
			}
			if i < 0 || i >= len(x) {
				return nil, false
			}
			d = x[i]
		default:
			return nil, false
		}
	}
	return d, true
}

// parseXML converts XML to dynamic as Kusto's parse_xml() does: each
// element becomes a property named after it; attributes are "@name";
// text of an element with attributes or children is "#text"; repeated
// child elements become an array; a text-only element is its string.
func parseXML(_ *Context, a []types.Value) types.Value {
	dec := xml.NewDecoder(strings.NewReader(str(a[0])))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return types.NullOf(types.Dynamic)
		}
		if start, ok := tok.(xml.StartElement); ok {
			v, err := xmlElement(dec, start, 0)
			if err != nil {
				return types.NullOf(types.Dynamic)
			}
			return types.NewDynamic(map[string]any{start.Name.Local: v})
		}
	}
}

func xmlElement(dec *xml.Decoder, start xml.StartElement, depth int) (any, error) {
	if depth > 100 {
		return nil, io.ErrUnexpectedEOF
	}
	m := map[string]any{}
	for _, at := range start.Attr {
		m["@"+at.Name.Local] = at.Value
	}
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child, err := xmlElement(dec, t, depth+1)
			if err != nil {
				return nil, err
			}
			name := t.Name.Local
			if prev, ok := m[name]; ok {
				if list, isList := prev.([]any); isList {
					m[name] = append(list, child)
				} else {
					m[name] = []any{prev, child}
				}
			} else {
				m[name] = child
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			s := strings.TrimSpace(text.String())
			if len(m) == 0 {
				if s == "" {
					return nil, nil
				}
				return s, nil
			}
			if s != "" {
				m["#text"] = s
			}
			return m, nil
		}
	}
}
