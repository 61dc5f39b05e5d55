package govern

import "github.com/soclab/soclab/simulator/kql/types"

// Sizes of Go's representation, used by the estimates (64-bit platform).
const (
	wordBytes   = 8
	ifaceBytes  = 16 // an interface value (type word + data word)
	stringHdr   = 16 // a string header
	sliceHdr    = 24
	mapBase     = 48 // a map header and its first bucket, amortised
	mapPerEntry = 24 // bucket overhead per entry beyond key and value
)

// ValueBytes estimates the memory a Value holds beyond its fixed cell: the text of a string,
// the tree of a dynamic value.
func ValueBytes(v types.Value) int64 {
	switch v.T {
	case types.String, types.GUID:
		return stringHdr + int64(len(v.S))
	case types.Dynamic:
		return ifaceBytes + DynamicBytes(v.D)
	}
	return wordBytes
}

// DynamicBytes estimates the memory of a dynamic tree (nil, bool, int64, float64, string,
// []any, map[string]any and nested ones) by walking it: arrays and bags count their headers,
// their element interfaces and what the elements hold.
func DynamicBytes(d any) int64 {
	switch x := d.(type) {
	case nil, bool:
		return 0
	case int64, float64, int, int32, float32:
		return wordBytes // boxed in the interface
	case string:
		return stringHdr + int64(len(x))
	case []any:
		n := int64(sliceHdr) + int64(cap(x))*ifaceBytes
		for _, e := range x {
			n += DynamicBytes(e)
		}
		return n
	case map[string]any:
		n := int64(mapBase)
		for k, e := range x {
			n += mapPerEntry + stringHdr + int64(len(k)) + ifaceBytes + DynamicBytes(e)
		}
		return n
	}
	return wordBytes
}
