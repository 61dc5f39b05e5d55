package funcs

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"github.com/soclab/soclab/simulator/kql/types"
	"io"
	"math/bits"
	"unicode/utf8"
)

// registerBinary adds bit operations, byte-array base64 and the
// gzip/zlib decompression functions.
func registerBinary(add func(*Func)) {
	add(fixed("base64_decode_toarray", types.Dynamic, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, err := decodeBase64(str(a[0]))
		if err != nil {
			return types.NewDynamic([]any{})
		}
		out := make([]any, len(b))
		for i, c := range b {
			out[i] = int64(c)
		}
		return types.NewDynamic(out)
	}))
	add(fixed("base64_encode_fromarray", types.String, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		if !ok {
			return types.NewString("")
		}
		b := make([]byte, len(x))
		for i, e := range x {
			n, _ := elem(e).AsInt()
			b[i] = byte(n)
		}
		return types.NewString(base64.StdEncoding.EncodeToString(b))
	}))
	add(binaryFunc("binary_and", func(x, y int64) int64 { return x & y }))
	add(binaryFunc("binary_or", func(x, y int64) int64 { return x | y }))
	add(binaryFunc("binary_xor", func(x, y int64) int64 { return x ^ y }))
	add(binaryFunc("binary_shift_left", func(x, y int64) int64 { return x << uint64(y&63) }))
	add(binaryFunc("binary_shift_right", func(x, y int64) int64 { return x >> uint64(y&63) }))
	add(fixed("binary_not", types.Long, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := a[0].AsInt()
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(^x)
	}))
	add(fixed("bitset_count_ones", types.Long, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := a[0].AsInt()
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(x))))
	}))
	add(fixed("gzip_decompress_from_base64_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return decompress(str(a[0]), func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	}))
	add(fixed("zlib_decompress_from_base64_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return decompress(str(a[0]), func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) })
	}))
	add(fixed("ipv4_netmask_suffix", types.Int, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		_, bits, ok := parseIPv4CIDR(str(a[0]))
		if !ok {
			return types.NullOf(types.Int)
		}
		return types.NewInt(int64(bits))
	}))
}

func binaryFunc(name string, op func(x, y int64) int64) *Func {
	return fixed(name, types.Long, []kind{kNum, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok1 := a[0].AsInt()
		y, ok2 := a[1].AsInt()
		if !ok1 || !ok2 {
			return types.NullOf(types.Long)
		}
		return types.NewLong(op(x, y))
	})
}

func decompress(b64 string, open func(io.Reader) (io.Reader, error)) types.Value {
	raw, err := decodeBase64(b64)
	if err != nil {
		return types.NewString("")
	}
	r, err := open(bytes.NewReader(raw))
	if err != nil {
		return types.NewString("")
	}
	out, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil || !utf8.Valid(out) {
		return types.NewString("")
	}
	return types.NewString(string(out))
}
