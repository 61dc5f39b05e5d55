package funcs

import (
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// geo_from_wkt: Well-Known Text (OGC 06-103) to GeoJSON.

func registerGeoWKT(add func(*Func)) {
	add(fixed("geo_from_wkt", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		p := &wktParser{s: str(a[0])}
		g, ok := p.geometry()
		if !ok || p.skip() != 0 {
			return nullDyn
		}
		return types.NewDynamic(g)
	}))
}

type wktParser struct {
	s string
	i int
}

// skip passes white space and returns the next byte (0 at the end).
func (p *wktParser) skip() byte {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
	if p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

func (p *wktParser) eat(c byte) bool {
	if p.skip() == c {
		p.i++
		return true
	}
	return false
}

func (p *wktParser) word() string {
	p.skip()
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= 'A' && p.s[p.i] <= 'Z' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z') {
		p.i++
	}
	return strings.ToUpper(p.s[start:p.i])
}

func (p *wktParser) number() (float64, bool) {
	p.skip()
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("0123456789+-.eE", p.s[p.i]) >= 0 {
		p.i++
	}
	f, err := strconv.ParseFloat(p.s[start:p.i], 64)
	return f, err == nil
}

// position reads "x y" (a third or fourth ordinate is read and dropped).
func (p *wktParser) position() ([]any, bool) {
	x, ok1 := p.number()
	y, ok2 := p.number()
	if !ok1 || !ok2 || x < -180 || x > 180 || y < -90 || y > 90 {
		return nil, false
	}
	for c := p.skip(); c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9'; c = p.skip() {
		if _, ok := p.number(); !ok {
			return nil, false
		}
	}
	return []any{x, y}, true
}

// list reads "(" item {"," item} ")".
func (p *wktParser) list(item func() (any, bool)) ([]any, bool) {
	if !p.eat('(') {
		return nil, false
	}
	var out []any
	for {
		v, ok := item()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if p.eat(')') {
			return out, true
		}
		if !p.eat(',') {
			return nil, false
		}
	}
}

func (p *wktParser) positions() (any, bool) {
	return p.list(func() (any, bool) { return p.position() })
}

func (p *wktParser) rings() (any, bool) { return p.list(p.positions) }

func (p *wktParser) geometry() (map[string]any, bool) {
	kind := p.word()
	if dim := p.word(); dim != "" && dim != "Z" && dim != "M" && dim != "ZM" {
		return nil, false
	}
	var (
		c  any
		ok bool
	)
	switch kind {
	case "POINT":
		if p.eat('(') {
			c, ok = p.position()
			ok = ok && p.eat(')')
		}
		return geoJSON("Point", c), ok
	case "LINESTRING":
		c, ok = p.positions()
		ok = ok && len(c.([]any)) >= 2
		return geoJSON("LineString", c), ok
	case "POLYGON":
		c, ok = p.rings()
		return geoJSON("Polygon", c), ok
	case "MULTIPOINT":
		c, ok = p.list(func() (any, bool) {
			if p.eat('(') {
				pos, ok := p.position()
				return pos, ok && p.eat(')')
			}
			return p.position()
		})
		return geoJSON("MultiPoint", c), ok
	case "MULTILINESTRING":
		c, ok = p.list(p.positions)
		return geoJSON("MultiLineString", c), ok
	case "MULTIPOLYGON":
		c, ok = p.list(p.rings)
		return geoJSON("MultiPolygon", c), ok
	case "GEOMETRYCOLLECTION":
		gs, ok := p.list(func() (any, bool) { return p.geometry() })
		return map[string]any{"type": "GeometryCollection", "geometries": gs}, ok
	}
	return nil, false
}

func geoJSON(t string, coords any) map[string]any {
	return map[string]any{"type": t, "coordinates": coords}
}
