package funcs

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// IPv6 functions. IPv4 addresses are compared as IPv4-mapped IPv6
// addresses (::ffff:a.b.c.d), and an IPv4 prefix /n covers 96+n bits, as
// the ipv6_compare doc examples show.

type ip6 struct {
	addr [16]byte
	bits int
	v4   bool // written in IPv4 notation
}

func parseIP6(s string) (ip6, bool) {
	s = strings.TrimSpace(s)
	bits := -1
	if i := strings.IndexByte(s, '/'); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || n < 0 {
			return ip6{}, false
		}
		bits, s = n, strings.TrimSpace(s[:i])
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ip6{}, false
	}
	v4 := a.Is4()
	if a.Is4() {
		a = netip.AddrFrom16(a.As16())
	}
	b := a.As16()
	// "::192.168.1.1" (IPv4-compatible) means the same address as ::ffff:192.168.1.1 here.
	if !v4 && isV4Compatible(b) {
		b[10], b[11] = 0xff, 0xff
		v4 = strings.Contains(s, ".")
	}
	switch {
	case bits < 0:
		bits = 128
	case v4 || (isMapped(b) && strings.Contains(s, ".")):
		if bits > 32 {
			return ip6{}, false
		}
		bits += 96
	case bits > 128:
		return ip6{}, false
	}
	return ip6{addr: b, bits: bits, v4: v4}, true
}

func isMapped(b [16]byte) bool {
	for i := 0; i < 10; i++ {
		if b[i] != 0 {
			return false
		}
	}
	return b[10] == 0xff && b[11] == 0xff
}

func isV4Compatible(b [16]byte) bool {
	for i := 0; i < 12; i++ {
		if b[i] != 0 {
			return false
		}
	}
	return b[12] != 0 || b[13] != 0
}

func (p ip6) masked(bits int) [16]byte {
	out := p.addr
	for i := 0; i < 16; i++ {
		keep := bits - i*8
		switch {
		case keep >= 8:
		case keep <= 0:
			out[i] = 0
		default:
			out[i] &= byte(0xff << (8 - keep))
		}
	}
	return out
}

func formatIP6Full(b [16]byte) string {
	var sb strings.Builder
	const hex = "0123456789abcdef"
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		for _, c := range []byte{b[i], b[i+1]} {
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&15])
		}
	}
	return sb.String()
}

// twoIP6 reads (ip1, ip2[, prefix]) and returns both masked with the
// smallest prefix.
func twoIP6(a []types.Value) ([16]byte, [16]byte, bool) {
	x, ok1 := parseIP6(str(a[0]))
	y, ok2 := parseIP6(str(a[1]))
	if !ok1 || !ok2 {
		return [16]byte{}, [16]byte{}, false
	}
	bits := min(x.bits, y.bits)
	if len(a) > 2 {
		p, ok := a[2].AsInt()
		if !ok || p < 0 || p > 128 {
			return [16]byte{}, [16]byte{}, false
		}
		if x.v4 && y.v4 && p <= 32 {
			p += 96
		}
		bits = min(bits, int(p))
	}
	return x.masked(bits), y.masked(bits), true
}

func registerIPv6(add func(*Func)) {
	add(fixed("parse_ipv6", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		p, ok := parseIP6(str(a[0]))
		if !ok {
			return types.NewString("")
		}
		return types.NewString(formatIP6Full(p.masked(p.bits)))
	}))
	add(fixed("parse_ipv6_mask", types.String, []kind{kString, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		p, ok := parseIP6(str(a[0]))
		m, ok2 := a[1].AsInt()
		if !ok || !ok2 || m < 0 || m > 128 {
			return types.NewString("")
		}
		return types.NewString(formatIP6Full(p.masked(min(p.bits, int(m)))))
	}))
	add(fixed("ipv6_compare", types.Int, []kind{kString, kString, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		x, y, ok := twoIP6(a)
		if !ok {
			return types.NullOf(types.Int)
		}
		for i := 0; i < 16; i++ {
			if x[i] != y[i] {
				if x[i] < y[i] {
					return types.NewInt(-1)
				}
				return types.NewInt(1)
			}
		}
		return types.NewInt(0)
	}))
	add(fixed("ipv6_is_match", types.Bool, []kind{kString, kString, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		x, y, ok := twoIP6(a)
		if !ok {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(x == y)
	}))
	add(fixed("ipv6_is_in_range", types.Bool, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		ip, ok1 := parseIP6(str(a[0]))
		rng, ok2 := parseIP6(str(a[1]))
		if !ok1 || !ok2 {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(ip.masked(rng.bits) == rng.masked(rng.bits))
	}))
	add(fixed("ipv6_is_in_any_range", types.Bool, []kind{kString, kAny}, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		ip, ok := parseIP6(str(a[0]))
		if !ok {
			return types.NullOf(types.Bool)
		}
		for _, r := range ExpandList(a[1:]) {
			if rng, ok := parseIP6(str(r)); ok && ip.masked(rng.bits) == rng.masked(rng.bits) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("ipv4_range_to_cidr_list", types.Dynamic, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		lo, _, ok1 := parseIPv4CIDR(str(a[0]))
		hi, _, ok2 := parseIPv4CIDR(str(a[1]))
		if !ok1 || !ok2 || lo > hi {
			return types.NullOf(types.Dynamic)
		}
		out := []any{}
		for cur := uint64(lo); cur <= uint64(hi); {
			size := 32
			for size > 0 {
				block := uint64(1) << (32 - (size - 1))
				if cur%block != 0 || cur+block-1 > uint64(hi) {
					break
				}
				size--
			}
			out = append(out, formatIP(uint32(cur))+"/"+strconv.Itoa(size))
			cur += uint64(1) << (32 - size)
		}
		return types.NewDynamic(out)
	}))
}
