package funcs

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/types"
)

func registerMisc(add func(*Func)) {
	add(&Func{Name: "iff", MinArgs: 3, MaxArgs: 3, params: []kind{kBool, kAny, kAny}, retFn: func(args []Arg) (types.Type, error) {
		return commonType(args[1:])
	}, eval: iff})
	add(&Func{Name: "iif", MinArgs: 3, MaxArgs: 3, params: []kind{kBool, kAny, kAny}, retFn: func(args []Arg) (types.Type, error) {
		return commonType(args[1:])
	}, eval: iff})
	add(&Func{Name: "case", MinArgs: 3, MaxArgs: Variadic, params: sAny, retFn: caseType, eval: caseEval})
	add(&Func{Name: "coalesce", MinArgs: 1, MaxArgs: 64, params: sAny, retFn: commonType, eval: func(_ *Context, a []types.Value) types.Value {
		for _, v := range a {
			if !v.IsEmpty() || (v.T == types.Dynamic && !v.Null) {
				return v
			}
		}
		return a[len(a)-1]
	}})
	add(fixed("isempty", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(a[0].IsEmpty()) }))
	add(fixed("isnotempty", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(!a[0].IsEmpty()) }))
	add(fixed("notempty", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(!a[0].IsEmpty()) }))
	add(fixed("isnull", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(a[0].IsNull()) }))
	add(fixed("isnotnull", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(!a[0].IsNull()) }))
	add(fixed("notnull", types.Bool, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(!a[0].IsNull()) }))
	add(fixed("not", types.Bool, []kind{kBool}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b := types.Convert(a[0], types.Bool)
		if b.IsNull() {
			return b
		}
		return types.NewBool(!b.Bool())
	}))
	add(fixed("hash", types.Long, []kind{kAny, kNum}, 1, 2, hashFunc))
	add(fixed("hash_xxhash64", types.Long, []kind{kAny, kNum}, 1, 2, hashFunc))
	add(fixed("hash_sha256", types.String, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		s := sha256.Sum256([]byte(str(a[0])))
		return types.NewString(hex.EncodeToString(s[:]))
	}))
	add(fixed("hash_sha1", types.String, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		s := sha1.Sum([]byte(str(a[0])))
		return types.NewString(hex.EncodeToString(s[:]))
	}))
	add(fixed("hash_md5", types.String, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		s := md5.Sum([]byte(str(a[0])))
		return types.NewString(hex.EncodeToString(s[:]))
	}))
	b64 := fixed("base64_encode_tostring", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(base64.StdEncoding.EncodeToString([]byte(str(a[0]))))
	})
	add(b64)
	add(alias("base64_encodestring", b64))
	b64d := fixed("base64_decode_tostring", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, err := decodeBase64(str(a[0]))
		if err != nil || !utf8.Valid(b) {
			return types.NewString("") // Kusto returns null for bytes that are not UTF-8
		}
		return types.NewString(string(b))
	})
	add(b64d)
	add(alias("base64_decodestring", b64d))
	add(fixed("base64_encode_fromguid", types.String, []kind{kAny}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		g := types.Convert(a[0], types.GUID)
		if g.IsNull() {
			return types.NewString("")
		}
		return types.NewString(base64.StdEncoding.EncodeToString(guidBytes(g.S)))
	}))
	add(fixed("base64_decode_toguid", types.GUID, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, err := decodeBase64(str(a[0]))
		if err != nil || len(b) != 16 {
			return types.NullOf(types.GUID)
		}
		return types.NewGUID(guidFromBytes(b))
	}))
	add(fixed("url_encode", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(urlEncode(str(a[0]), true))
	}))
	add(fixed("url_encode_component", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(urlEncode(str(a[0]), false))
	}))
	add(fixed("url_decode", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		s, err := url.QueryUnescape(str(a[0]))
		if err != nil {
			return types.NewString("")
		}
		return types.NewString(s)
	}))
	add(fixed("parse_url", types.Dynamic, s1, 1, 1, parseURL))
	add(fixed("parse_urlquery", types.Dynamic, s1, 1, 1, parseURLQuery))
	add(fixed("parse_path", types.Dynamic, s1, 1, 1, parsePath))
	add(&Func{Name: "new_guid", MinArgs: 0, MaxArgs: 0, ret: types.GUID, volatile: true, eval: func(c *Context, _ []types.Value) types.Value {
		var b [16]byte
		for i := 0; i < 16; i += 8 {
			u := c.Rand.Uint64()
			for j := 0; j < 8; j++ {
				b[i+j] = byte(u >> (8 * j))
			}
		}
		b[6] = b[6]&0x0f | 0x40 // version 4
		b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
		h := hex.EncodeToString(b[:])
		return types.NewGUID(h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32])
	}})
	add(&Func{Name: "rand", MinArgs: 0, MaxArgs: 1, params: n1, ret: types.Real, volatile: true, retFn: func(args []Arg) (types.Type, error) {
		if len(args) == 1 {
			return types.Long, nil
		}
		return types.Real, nil
	}, eval: func(c *Context, a []types.Value) types.Value {
		if len(a) == 1 {
			n, ok := a[0].AsInt()
			if !ok || n <= 0 {
				return types.NullOf(types.Long)
			}
			return types.NewLong(c.Rand.Int64N(n))
		}
		return types.NewReal(c.Rand.Float64())
	}})
}

func iff(_ *Context, a []types.Value) types.Value {
	c := types.Convert(a[0], types.Bool)
	if !c.IsNull() && c.Bool() {
		return a[1]
	}
	return a[2]
}

func caseType(args []Arg) (types.Type, error) {
	if len(args)%2 == 0 {
		return types.Null, &ArgError{Code: "KS121", Arg: -1, Msg: "The function call has an incorrect number of arguments."}
	}
	var vals []Arg
	for i := 1; i < len(args); i += 2 {
		vals = append(vals, args[i])
	}
	vals = append(vals, args[len(args)-1])
	for i := 0; i+1 < len(args); i += 2 {
		if t := args[i].T; t != types.Bool && t != types.Null && t != types.Dynamic {
			return types.Null, &ArgError{Code: "KS141", Arg: i, Msg: "The expression must have the type bool."}
		}
	}
	return commonType(vals)
}

func caseEval(_ *Context, a []types.Value) types.Value {
	for i := 0; i+1 < len(a); i += 2 {
		c := types.Convert(a[i], types.Bool)
		if !c.IsNull() && c.Bool() {
			return a[i+1]
		}
	}
	return a[len(a)-1]
}

// hashFunc: hash(source[, mod]) is XXH64 (seed 0) of the value's bytes,
// as a signed long; with mod, the non-negative remainder. Strings hash
// their UTF-8 bytes and datetimes their .NET tick count as 8 little-endian
// bytes (both checked against the hash() doc examples); other scalars
// hash their binary form the same way.
func hashFunc(_ *Context, a []types.Value) types.Value {
	if a[0].IsNull() {
		return types.NullOf(types.Long)
	}
	h := int64(xxhash64(hashBytes(a[0])))
	if len(a) > 1 {
		m, ok := a[1].AsInt()
		if !ok || m <= 0 {
			return types.NullOf(types.Long)
		}
		r := h % m
		if r < 0 {
			r += m
		}
		return types.NewLong(r)
	}
	return types.NewLong(h)
}

// decodeBase64 is strict: unpadded or otherwise invalid input is an
// error (the base64_encode_fromarray doc example decodes an unpadded
// string to an empty array).
func decodeBase64(s string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(s)
}

// guidBytes returns a guid's bytes in .NET's order (first three groups
// little-endian), which Kusto's base64_encode_fromguid uses.
func guidBytes(g string) []byte {
	h, _ := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	b := make([]byte, 16)
	copy(b, h)
	b[0], b[1], b[2], b[3] = h[3], h[2], h[1], h[0]
	b[4], b[5] = h[5], h[4]
	b[6], b[7] = h[7], h[6]
	return b
}

func guidFromBytes(b []byte) string {
	h := make([]byte, 16)
	copy(h, b)
	h[0], h[1], h[2], h[3] = b[3], b[2], b[1], b[0]
	h[4], h[5] = b[5], b[4]
	h[6], h[7] = b[7], b[6]
	s := hex.EncodeToString(h)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// parseURL returns Kusto's parse_url() bag: Scheme, Host, Port, Path,
// Username, Password, Query Parameters, Fragment. Path has no leading
// slash, as the parse_url() doc example shows.
func parseURL(_ *Context, a []types.Value) types.Value {
	u, err := url.Parse(str(a[0]))
	if err != nil || u.Scheme == "" {
		return types.NewDynamic(map[string]any{})
	}
	params := map[string]any{}
	for k, v := range u.Query() {
		params[k] = v[len(v)-1]
	}
	user, pass := "", ""
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	return types.NewDynamic(map[string]any{
		"Scheme": u.Scheme, "Host": u.Hostname(), "Port": u.Port(), "Path": strings.TrimPrefix(u.EscapedPath(), "/"),
		"Username": user, "Password": pass, "Query Parameters": params, "Fragment": u.Fragment,
	})
}

func parseURLQuery(_ *Context, a []types.Value) types.Value {
	q := strings.TrimPrefix(str(a[0]), "?")
	params := map[string]any{}
	vals, _ := url.ParseQuery(q)
	for k, v := range vals {
		params[k] = v[len(v)-1]
	}
	return types.NewDynamic(map[string]any{"Query Parameters": params})
}

// parsePath returns Kusto's parse_path() bag: Scheme, RootPath (a drive
// such as "C:"), DirectoryPath, DirectoryName, Filename, Extension and
// AlternateDataStreamName, as the parse_path doc example shows: the
// scheme is not repeated in the paths and UNC or / roots give "".
func parsePath(_ *Context, a []types.Value) types.Value {
	rest := str(a[0])
	scheme := ""
	if i := strings.Index(rest, "://"); i > 0 {
		scheme, rest = rest[:i], rest[i+3:]
	}
	root := ""
	if len(rest) >= 2 && rest[1] == ':' && isTermByte(rest[0]) {
		root = rest[:2]
	}
	dir, file := "", rest
	if i := strings.LastIndexAny(rest, `\/`); i >= 0 {
		dir, file = rest[:i], rest[i+1:]
	}
	ads := ""
	if i := strings.IndexByte(file, ':'); i >= 0 {
		file, ads = file[:i], file[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		ext = file[i+1:]
	}
	dirName := dir
	if i := strings.LastIndexAny(dir, `\/`); i >= 0 {
		dirName = dir[i+1:]
	}
	return types.NewDynamic(map[string]any{
		"Scheme": scheme, "RootPath": root, "DirectoryPath": dir, "DirectoryName": dirName,
		"Filename": file, "Extension": ext, "AlternateDataStreamName": ads,
	})
}

// urlEncode encodes as .NET's HttpUtility.UrlEncode, which Kusto uses:
// lower-case hex escapes, letters, digits and -_.!*() kept, space as "+"
// (or %20 for url_encode_component).
func urlEncode(s string, plusForSpace bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isTermByte(c) || strings.IndexByte("-_.!*()", c) >= 0:
			b.WriteByte(c)
		case c == ' ' && plusForSpace:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		}
	}
	return b.String()
}

func hashBytes(v types.Value) []byte {
	var b [8]byte
	switch v.T {
	case types.DateTime:
		binary.LittleEndian.PutUint64(b[:], uint64(v.I-types.MinDateTimeTicks))
	case types.TimeSpan, types.Long:
		binary.LittleEndian.PutUint64(b[:], uint64(v.I))
	case types.Int:
		binary.LittleEndian.PutUint32(b[:4], uint32(v.I))
		return b[:4]
	case types.Real, types.Decimal:
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v.F))
	case types.Bool:
		return []byte{byte(v.I)}
	case types.GUID:
		return guidBytes(v.S)
	default:
		return []byte(str(v))
	}
	return b[:]
}
