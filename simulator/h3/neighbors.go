package h3

import "errors"

var (
	errPentagon = errors.New("h3: a pentagon distortion was met")
	errFailed   = errors.New("h3: the neighbour cannot be computed")
)

// ringDirections is the order in which a ring is walked.
var ringDirections = [6]direction{jAxesDigit, jkAxesDigit, kAxesDigit, ikAxesDigit, iAxesDigit, ijAxesDigit}

const nextRingDirection = iAxesDigit

// neighborRotations is the neighbour of origin in direction dir;
// rotations carries the number of 60° turns accumulated by crossing base
// cells, as the reference's h3NeighborRotations does.
func neighborRotations(origin Cell, dir direction, rotations *int) (Cell, error) {
	current := origin
	if dir < centerDigit || dir >= invalidDigit {
		return 0, errFailed
	}
	*rotations %= 6
	for i := 0; i < *rotations; i++ {
		dir = dir.rotate60ccw()
	}
	newRotations := 0
	oldBaseCell := current.BaseCell()
	if oldBaseCell >= numBaseCells {
		return 0, errFailed
	}
	oldLeadingDigit := current.leadingNonZeroDigit()
	for r := current.Resolution() - 1; ; {
		if r == -1 {
			current.setBaseCell(baseCellNeighbors[oldBaseCell][dir])
			newRotations = baseCellNeighbor60CCWRots[oldBaseCell][dir]
			if current.BaseCell() == invalidBaseCell {
				// Moving into a pentagon's deleted sub-sequence: go the other way round.
				current.setBaseCell(baseCellNeighbors[oldBaseCell][ikAxesDigit])
				newRotations = baseCellNeighbor60CCWRots[oldBaseCell][ikAxesDigit]
				current = current.rotate60ccw()
				*rotations++
			}
			break
		}
		oldDigit := current.digit(r + 1)
		if oldDigit == invalidDigit {
			return 0, errFailed
		}
		var next direction
		if isClassIII(r + 1) {
			current.setDigit(r+1, newDigitII[oldDigit][dir])
			next = newAdjustmentII[oldDigit][dir]
		} else {
			current.setDigit(r+1, newDigitIII[oldDigit][dir])
			next = newAdjustmentIII[oldDigit][dir]
		}
		if next == centerDigit {
			break
		}
		dir = next
		r--
	}
	newBaseCell := current.BaseCell()
	if isBaseCellPentagon(newBaseCell) {
		alreadyAdjusted := false
		if current.leadingNonZeroDigit() == kAxesDigit {
			if oldBaseCell != newBaseCell {
				if baseCellIsCwOffset(newBaseCell, baseCellData[oldBaseCell].home.face) {
					current = current.rotate60cw()
				} else {
					current = current.rotate60ccw()
				}
				alreadyAdjusted = true
			} else {
				switch oldLeadingDigit {
				case centerDigit:
					return 0, errPentagon
				case jkAxesDigit:
					current = current.rotate60ccw()
					*rotations++
				case ikAxesDigit:
					current = current.rotate60cw()
					*rotations += 5
				default:
					return 0, errFailed
				}
			}
		}
		for i := 0; i < newRotations; i++ {
			current = current.rotatePent60ccw()
		}
		if oldBaseCell != newBaseCell {
			if isBaseCellPolarPentagon(newBaseCell) {
				if oldBaseCell != 118 && oldBaseCell != 8 && current.leadingNonZeroDigit() != jkAxesDigit {
					*rotations++
				}
			} else if current.leadingNonZeroDigit() == ikAxesDigit && !alreadyAdjusted {
				*rotations++
			}
		}
	} else {
		for i := 0; i < newRotations; i++ {
			current = current.rotate60ccw()
		}
	}
	*rotations = (*rotations + newRotations) % 6
	return current, nil
}

// MaxDiskK is the largest k DiskDistances accepts (bounds its memory).
const MaxDiskK = 1000

// DiskDistances lists the cells within grid distance k of c, grouped by
// distance (index 0 is c itself), each group in the reference's order.
// ok is false for k outside 0..MaxDiskK or an invalid cell.
func (c Cell) DiskDistances(k int) ([][]Cell, bool) {
	if k < 0 || k > MaxDiskK || !c.IsValid() {
		return nil, false
	}
	cells, dists, ok := diskRaw(c, k)
	if !ok {
		return nil, false
	}
	out := make([][]Cell, k+1)
	for i, h := range cells {
		if h != 0 {
			out[dists[i]] = append(out[dists[i]], h)
		}
	}
	return out, true
}

// diskRaw is the reference's gridDiskDistances: the cells and their
// distances in its array order (zero where a slot stayed empty).
func diskRaw(c Cell, k int) ([]Cell, []int, bool) {
	size := 3*k*(k+1) + 1
	cells := make([]Cell, size)
	dists := make([]int, size)
	if err := diskUnsafe(c, k, cells, dists); err != nil {
		clear(cells)
		clear(dists)
		if err := diskSafe(c, k, cells, dists, 0); err != nil {
			return nil, nil, false
		}
	}
	return cells, dists, true
}

// diskUnsafe walks the rings in spiral order; it fails near a pentagon.
func diskUnsafe(origin Cell, k int, out []Cell, dists []int) error {
	idx := 0
	out[idx], dists[idx] = origin, 0
	idx++
	if origin.IsPentagon() {
		return errPentagon
	}
	ring, dir, i, rotations := 1, 0, 0, 0
	var err error
	for ring <= k {
		if dir == 0 && i == 0 {
			if origin, err = neighborRotations(origin, nextRingDirection, &rotations); err != nil {
				return err
			}
			if origin.IsPentagon() {
				return errPentagon
			}
		}
		if origin, err = neighborRotations(origin, ringDirections[dir], &rotations); err != nil {
			return err
		}
		out[idx], dists[idx] = origin, ring
		idx++
		i++
		if i == ring {
			i = 0
			dir++
			if dir == 6 {
				dir = 0
				ring++
			}
		}
		if origin.IsPentagon() {
			return errPentagon
		}
	}
	return nil
}

// diskSafe fills an open-addressing table by recursing over neighbours,
// which works across pentagons (the reference's _gridDiskDistancesInternal).
func diskSafe(origin Cell, k int, out []Cell, dists []int, curK int) error {
	n := uint64(len(out))
	off := uint64(origin) % n
	for out[off] != 0 && out[off] != origin {
		off = (off + 1) % n
	}
	if out[off] == origin && dists[off] <= curK {
		return nil
	}
	out[off], dists[off] = origin, curK
	if curK >= k {
		return nil
	}
	for _, d := range ringDirections {
		rotations := 0
		next, err := neighborRotations(origin, d, &rotations)
		if err == errPentagon {
			continue
		}
		if err != nil {
			return err
		}
		if err := diskSafe(next, k, out, dists, curK+1); err != nil {
			return err
		}
	}
	return nil
}
