package h3

// baseCellRotation is the base cell at a face position and the number of
// 60° counter-clockwise turns from the face's coordinates into the cell's.
type baseCellRotation struct{ baseCell, ccwRot60 int }

// baseCellInfo is a base cell's home.
type baseCellInfo struct {
	home         faceIJK
	isPentagon   bool
	cwOffsetPent [2]int
}

const invalidBaseCell = 127

func isBaseCellPentagon(bc int) bool {
	return bc >= 0 && bc < numBaseCells && baseCellData[bc].isPentagon
}

func isBaseCellPolarPentagon(bc int) bool { return bc == 4 || bc == 117 }

func (h faceIJK) baseCell() int {
	return faceIjkBaseCells[h.face][h.coord.i][h.coord.j][h.coord.k].baseCell
}
func (h faceIJK) baseCellRot() int {
	return faceIjkBaseCells[h.face][h.coord.i][h.coord.j][h.coord.k].ccwRot60
}

// baseCellToCCWrot60 is the rotation of a base cell as seen from a face, or -1.
func baseCellToCCWrot60(bc, face int) int {
	if face < 0 || face >= numFaces {
		return -1
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				if r := faceIjkBaseCells[face][i][j][k]; r.baseCell == bc {
					return r.ccwRot60
				}
			}
		}
	}
	return -1
}

func baseCellIsCwOffset(bc, face int) bool {
	d := baseCellData[bc].cwOffsetPent
	return d[0] == face || d[1] == face
}

// baseCellDirection is the direction from one base cell to a neighbouring one.
func baseCellDirection(origin, neighbor int) direction {
	for d := centerDigit; d < numDigits; d++ {
		if baseCellNeighbors[origin][d] == neighbor {
			return d
		}
	}
	return invalidDigit
}
