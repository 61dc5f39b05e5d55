package funcs

import (
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

func registerIPv4(add func(*Func)) {
	add(fixed("parse_ipv4", types.Long, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		ip, bits, ok := parseIPv4CIDR(str(a[0]))
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(ip & mask(bits)))
	}))
	add(fixed("parse_ipv4_mask", types.Long, []kind{kString, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		ip, bits, ok := parseIPv4CIDR(str(a[0]))
		p, ok2 := a[1].AsInt()
		if !ok || !ok2 || p < 0 || p > 32 {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(ip & mask(min(bits, int(p)))))
	}))
	add(fixed("ipv4_is_in_range", types.Bool, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		ip, _, ok1 := parseIPv4CIDR(str(a[0]))
		rng, bits, ok2 := parseIPv4CIDR(str(a[1]))
		if !ok1 || !ok2 {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(ip&mask(bits) == rng&mask(bits))
	}))
	add(fixed("ipv4_is_in_any_range", types.Bool, []kind{kString, kAny}, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		ip, _, ok := parseIPv4CIDR(str(a[0]))
		if !ok {
			return types.NullOf(types.Bool)
		}
		for _, r := range ExpandList(a[1:]) {
			if rng, bits, ok := parseIPv4CIDR(str(r)); ok && ip&mask(bits) == rng&mask(bits) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("ipv4_is_private", types.Bool, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		ip, bits, ok := parseIPv4CIDR(str(a[0]))
		if !ok {
			return types.NullOf(types.Bool)
		}
		ip &= mask(bits)
		private := ip>>24 == 10 || ip>>20 == (172<<4|1) || ip>>16 == (192<<8|168)
		return types.NewBool(private)
	}))
	add(fixed("ipv4_compare", types.Int, []kind{kString, kString, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		x, y, ok := twoIPs(a)
		if !ok {
			return types.NullOf(types.Int)
		}
		switch {
		case x < y:
			return types.NewInt(-1)
		case x > y:
			return types.NewInt(1)
		}
		return types.NewInt(0)
	}))
	add(fixed("ipv4_is_match", types.Bool, []kind{kString, kString, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		x, y, ok := twoIPs(a)
		if !ok {
			return types.NullOf(types.Bool)
		}
		return types.NewBool(x == y)
	}))
	add(fixed("format_ipv4", types.String, []kind{kAny, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		ip, bits, ok := ipArg(a)
		if !ok {
			return types.NewString("")
		}
		return types.NewString(formatIP(ip & mask(bits)))
	}))
	add(fixed("format_ipv4_mask", types.String, []kind{kAny, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		ip, bits, ok := ipArg(a)
		if !ok {
			return types.NewString("")
		}
		return types.NewString(formatIP(ip&mask(bits)) + "/" + strconv.Itoa(bits))
	}))
	add(fixed("has_ipv4", types.Bool, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		want, bits, ok := parseIPv4CIDR(str(a[1]))
		if !ok || bits != 32 {
			return types.NewBool(false)
		}
		return types.NewBool(anyIPInText(str(a[0]), func(ip uint32, _ string) bool { return ip == want }))
	}))
	add(fixed("has_ipv4_prefix", types.Bool, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		p := str(a[1])
		return types.NewBool(validIPPrefix(p) && anyIPInText(str(a[0]), func(_ uint32, text string) bool { return ipHasPrefix(text, p) }))
	}))
	add(fixed("has_any_ipv4", types.Bool, []kind{kString, kAny}, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		var wants []uint32
		for _, v := range ExpandList(a[1:]) {
			if ip, bits, ok := parseIPv4CIDR(str(v)); ok && bits == 32 {
				wants = append(wants, ip)
			}
		}
		return types.NewBool(anyIPInText(str(a[0]), func(ip uint32, _ string) bool {
			for _, w := range wants {
				if ip == w {
					return true
				}
			}
			return false
		}))
	}))
	add(fixed("has_any_ipv4_prefix", types.Bool, []kind{kString, kAny}, 2, Variadic, func(_ *Context, a []types.Value) types.Value {
		var prefixes []string
		for _, v := range ExpandList(a[1:]) {
			if p := str(v); validIPPrefix(p) {
				prefixes = append(prefixes, p)
			}
		}
		return types.NewBool(anyIPInText(str(a[0]), func(_ uint32, text string) bool {
			for _, p := range prefixes {
				if ipHasPrefix(text, p) {
					return true
				}
			}
			return false
		}))
	}))
}

func mask(bits int) uint32 {
	if bits <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - bits)
}

// parseIPv4 parses a dotted quad.
func parseIPv4(s string) (uint32, bool) {
	var ip uint32
	parts := 0
	for s != "" || parts < 4 {
		if parts == 4 {
			return 0, false
		}
		i := strings.IndexByte(s, '.')
		part := s
		if i >= 0 {
			part, s = s[:i], s[i+1:]
			if parts == 3 {
				return 0, false
			}
		} else {
			s = ""
		}
		if part == "" || len(part) > 3 {
			return 0, false
		}
		n, err := strconv.Atoi(part)
		if err != nil || n > 255 || part[0] == '+' || part[0] == '-' {
			return 0, false
		}
		ip = ip<<8 | uint32(n)
		parts++
		if i < 0 && parts < 4 {
			return 0, false
		}
	}
	return ip, parts == 4
}

// parseIPv4CIDR parses "a.b.c.d" or "a.b.c.d/n" (spaces trimmed).
func parseIPv4CIDR(s string) (ip uint32, bits int, ok bool) {
	s = strings.TrimSpace(s)
	bits = 32
	if i := strings.IndexByte(s, '/'); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || n < 0 || n > 32 {
			return 0, 0, false
		}
		bits, s = n, strings.TrimSpace(s[:i])
	}
	ip, ok = parseIPv4(s)
	return ip, bits, ok
}

// twoIPs reads (ip1, ip2[, prefix]) and masks both with the smallest prefix.
func twoIPs(a []types.Value) (uint32, uint32, bool) {
	x, b1, ok1 := parseIPv4CIDR(str(a[0]))
	y, b2, ok2 := parseIPv4CIDR(str(a[1]))
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	bits := min(b1, b2)
	if len(a) > 2 {
		p, ok := a[2].AsInt()
		if !ok || p < 0 || p > 32 {
			return 0, 0, false
		}
		bits = min(bits, int(p))
	}
	return x & mask(bits), y & mask(bits), true
}

// ipArg reads format_ipv4's (ip or long[, prefix]).
func ipArg(a []types.Value) (uint32, int, bool) {
	var ip uint32
	bits := 32
	switch a[0].T {
	case types.Int, types.Long:
		if a[0].Null || a[0].I < 0 || a[0].I > 0xffffffff {
			return 0, 0, false
		}
		ip = uint32(a[0].I)
	default:
		var ok bool
		if ip, bits, ok = parseIPv4CIDR(str(a[0])); !ok {
			return 0, 0, false
		}
	}
	if len(a) > 1 {
		p, ok := a[1].AsInt()
		if !ok || p < 0 || p > 32 {
			return 0, 0, false
		}
		bits = min(bits, int(p))
	}
	return ip, bits, true
}

func formatIP(ip uint32) string {
	return strconv.Itoa(int(ip>>24)) + "." + strconv.Itoa(int(ip>>16&0xff)) + "." +
		strconv.Itoa(int(ip>>8&0xff)) + "." + strconv.Itoa(int(ip&0xff))
}

// anyIPInText scans text for IPv4 addresses standing alone (not glued to
// letters, digits or further dots-and-digits) and calls f for each.
func anyIPInText(text string, f func(ip uint32, s string) bool) bool {
	for i := 0; i < len(text); i++ {
		if !isDigitByte(text[i]) || (i > 0 && (isTermByte(text[i-1]) || text[i-1] == '.')) {
			continue
		}
		j := i
		for j < len(text) && (isDigitByte(text[j]) || text[j] == '.') {
			j++
		}
		cand := text[i:j]
		// A trailing dot ends a sentence, not the address.
		for strings.HasSuffix(cand, ".") {
			cand = cand[:len(cand)-1]
		}
		end := i + len(cand)
		if end < len(text) && isTermByte(text[end]) {
			i = j
			continue
		}
		if ip, ok := parseIPv4(cand); ok && f(ip, cand) {
			return true
		}
		i = j
	}
	return false
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// validIPPrefix accepts "10.", "10.1.", "10.1.2." or a full address.
func validIPPrefix(p string) bool {
	parts := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(parts) == 0 || len(parts) > 4 || (len(parts) < 4 && !strings.HasSuffix(p, ".")) {
		return false
	}
	for _, part := range parts {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || n > 255 || len(part) > 3 {
			return false
		}
	}
	return true
}

func ipHasPrefix(ip, p string) bool {
	if !strings.HasPrefix(ip, p) {
		return false
	}
	return strings.HasSuffix(p, ".") || len(ip) == len(p)
}
