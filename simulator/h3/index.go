package h3

import (
	"fmt"
	"strconv"
)

// Cell is an H3 cell index: mode, resolution, base cell and one 3-bit digit
// per resolution packed in 64 bits (the reference's H3Index).
type Cell uint64

const (
	modeOffset   = 59
	bcOffset     = 45
	resOffset    = 52
	digitBits    = 3
	modeCell     = 1
	digitMask    = 7
	h3Init       = Cell(35184372088831) // resolution 0, every digit 7
	maxFaceCoord = 2
)

// LatLng is a point in degrees.
type LatLng struct{ Lat, Lng float64 }

// Resolution is the cell's resolution, 0 to 15.
func (c Cell) Resolution() int { return int(c>>resOffset) & 15 }

// BaseCell is the number of the cell's resolution-0 ancestor.
func (c Cell) BaseCell() int { return int(c>>bcOffset) & 127 }

func (c Cell) mode() int { return int(c>>modeOffset) & 15 }

// digit is the cell's digit at resolution r (1..15).
func (c Cell) digit(r int) direction {
	return direction(c>>((maxRes-r)*digitBits)) & digitMask
}

func (c *Cell) setDigit(r int, d direction) {
	shift := uint((maxRes - r) * digitBits)
	*c = *c&^(digitMask<<shift) | Cell(d)<<shift
}

func (c *Cell) setResolution(res int) { *c = *c&^(15<<resOffset) | Cell(res)<<resOffset }
func (c *Cell) setBaseCell(bc int)    { *c = *c&^(127<<bcOffset) | Cell(bc)<<bcOffset }

// String is the lowercase hex form ("85283473fffffff").
func (c Cell) String() string { return strconv.FormatUint(uint64(c), 16) }

// ParseCell reads a cell index in hex; it fails for text that is not hex or
// not a valid cell.
func ParseCell(s string) (Cell, error) {
	if s == "" || len(s) > 16 {
		return 0, fmt.Errorf("h3: %q is not a cell index", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("h3: %q is not a cell index: %w", s, err)
	}
	c := Cell(v)
	if !c.IsValid() {
		return 0, fmt.Errorf("h3: %q is not a valid cell", s)
	}
	return c, nil
}

// IsValid reports whether c is a cell index (not an edge or vertex index,
// no bits set outside its resolution, no deleted pentagon sub-sequence).
func (c Cell) IsValid() bool {
	if c>>63 != 0 || c.mode() != modeCell || (c>>56)&7 != 0 {
		return false
	}
	bc := c.BaseCell()
	if bc >= numBaseCells {
		return false
	}
	res := c.Resolution()
	seenNonZero := false
	for r := 1; r <= res; r++ {
		d := c.digit(r)
		if !seenNonZero && d != centerDigit {
			seenNonZero = true
			if isBaseCellPentagon(bc) && d == kAxesDigit {
				return false
			}
		}
		if d >= numDigits {
			return false
		}
	}
	for r := res + 1; r <= maxRes; r++ {
		if c.digit(r) != invalidDigit {
			return false
		}
	}
	return true
}

// IsPentagon reports whether the cell is one of the 12 pentagons of its resolution.
func (c Cell) IsPentagon() bool {
	return isBaseCellPentagon(c.BaseCell()) && c.leadingNonZeroDigit() == centerDigit
}

func (c Cell) leadingNonZeroDigit() direction {
	for r := 1; r <= c.Resolution(); r++ {
		if d := c.digit(r); d != 0 {
			return d
		}
	}
	return centerDigit
}

func (c Cell) rotate60ccw() Cell {
	for r := 1; r <= c.Resolution(); r++ {
		c.setDigit(r, c.digit(r).rotate60ccw())
	}
	return c
}

func (c Cell) rotate60cw() Cell {
	for r := 1; r <= c.Resolution(); r++ {
		c.setDigit(r, c.digit(r).rotate60cw())
	}
	return c
}

// rotatePent60ccw turns a pentagon's digits, skipping its deleted k sub-sequence.
func (c Cell) rotatePent60ccw() Cell {
	seen := false
	for r := 1; r <= c.Resolution(); r++ {
		c.setDigit(r, c.digit(r).rotate60ccw())
		if !seen && c.digit(r) != 0 {
			seen = true
			if c.leadingNonZeroDigit() == kAxesDigit {
				c = c.rotate60ccw()
			}
		}
	}
	return c
}

// Parent is the ancestor at res; ok is false when res is not between 0 and
// the cell's resolution.
func (c Cell) Parent(res int) (Cell, bool) {
	cr := c.Resolution()
	if res < 0 || res > cr {
		return 0, false
	}
	p := c
	p.setResolution(res)
	for r := res + 1; r <= cr; r++ {
		p.setDigit(r, digitMask)
	}
	return p, true
}

// Children lists the descendants at res in index order; nil when res is
// below the cell's resolution or above 15.
func (c Cell) Children(res int) []Cell {
	cr := c.Resolution()
	if res < cr || res > maxRes {
		return nil
	}
	n := ipow7(res - cr)
	if c.IsPentagon() {
		n = 1 + 5*(n-1)/6
	}
	out := make([]Cell, 0, n)
	var walk func(Cell)
	walk = func(h Cell) {
		hr := h.Resolution()
		if hr == res {
			out = append(out, h)
			return
		}
		pent := h.IsPentagon()
		for d := centerDigit; d < numDigits; d++ {
			if pent && d == pentagonSkippedDigit {
				continue
			}
			ch := h
			ch.setResolution(hr + 1)
			ch.setDigit(hr+1, d)
			walk(ch)
		}
	}
	walk(c)
	return out
}

func ipow7(n int) int {
	v := 1
	for ; n > 0; n-- {
		v *= 7
	}
	return v
}
