// Package h3 is a pure-Go port of the parts of Uber's H3 hexagonal grid
// that the KQL engine's geo_*h3cell* functions use: a point's cell, a
// cell's centre and boundary, parents, children, grid disks (rings) and
// polygon fills, with the reference's validity rules.
//
// It follows the published algorithm and data tables of the H3 reference
// library (github.com/uber/h3, v4.1.0, Apache License 2.0; the tables in
// *data.go are generated from its sources): an icosahedron whose 20 faces
// carry a gnomonic hexagonal grid of aperture 7, rotated by ~19.1° on odd
// (class III) resolutions, 122 base cells of which 12 are pentagons.
// Results are checked against the reference itself in
// testdata/reference.jsonl, written by the refgen module beside this
// package (the only place that needs cgo). Unlike the reference it needs
// no C compiler, so soclab builds with CGO_ENABLED=0 for every platform.
//
// Everything is a pure function of its arguments; there is no package
// state besides the constant tables.
package h3
