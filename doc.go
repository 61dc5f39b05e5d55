// Package soclab holds the files of the repository's root that the binary carries: the lab
// text, challenge.md, which `soclab verify` runs when given no file.
package soclab
