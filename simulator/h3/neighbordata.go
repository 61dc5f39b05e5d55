// Code generated from the H3 reference tables (uber/h3 v4.1.0, Apache-2.0); DO NOT EDIT.

package h3

// newDigitII is the digit after moving from digit (row) in direction (column), class II.
var newDigitII = [7][7]direction{
	{0, 1, 2, 3, 4, 5, 6},
	{1, 4, 3, 6, 5, 2, 0},
	{2, 3, 1, 4, 6, 0, 5},
	{3, 6, 4, 5, 0, 1, 2},
	{4, 5, 6, 0, 2, 3, 1},
	{5, 2, 0, 1, 3, 6, 4},
	{6, 0, 5, 2, 1, 4, 3},
}

// newAdjustmentII is the carry into the parent resolution for that move, class II.
var newAdjustmentII = [7][7]direction{
	{0, 0, 0, 0, 0, 0, 0},
	{0, 1, 0, 1, 0, 5, 0},
	{0, 0, 2, 3, 0, 0, 2},
	{0, 1, 3, 3, 0, 0, 0},
	{0, 0, 0, 0, 4, 4, 6},
	{0, 5, 0, 0, 4, 5, 0},
	{0, 0, 2, 0, 6, 0, 6},
}

// newDigitIII is the digit after moving from digit (row) in direction (column), class III.
var newDigitIII = [7][7]direction{
	{0, 1, 2, 3, 4, 5, 6},
	{1, 2, 3, 4, 5, 6, 0},
	{2, 3, 4, 5, 6, 0, 1},
	{3, 4, 5, 6, 0, 1, 2},
	{4, 5, 6, 0, 1, 2, 3},
	{5, 6, 0, 1, 2, 3, 4},
	{6, 0, 1, 2, 3, 4, 5},
}

// newAdjustmentIII is the carry into the parent resolution for that move, class III.
var newAdjustmentIII = [7][7]direction{
	{0, 0, 0, 0, 0, 0, 0},
	{0, 1, 0, 3, 0, 1, 0},
	{0, 0, 2, 2, 0, 0, 6},
	{0, 3, 2, 3, 0, 0, 0},
	{0, 0, 0, 0, 4, 5, 4},
	{0, 1, 0, 0, 5, 5, 0},
	{0, 0, 6, 0, 4, 0, 6},
}
