package funcs

import (
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Punycode (RFC 3492) and IDNA-style domain encoding.

const (
	pcBase, pcTMin, pcTMax, pcSkew, pcDamp = 36, 1, 26, 38, 700
	pcInitialBias, pcInitialN              = 72, 128
)

func registerPunycode(add func(*Func)) {
	s1 := []kind{kString}
	add(fixed("punycode_from_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		enc, ok := punyEncode(str(a[0]))
		if !ok {
			return emptyStr
		}
		return types.NewString(enc)
	}))
	add(fixed("punycode_to_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		dec, ok := punyDecode(str(a[0]))
		if !ok {
			return emptyStr
		}
		return types.NewString(dec)
	}))
	add(fixed("punycode_domain_to_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		labels := splitDomain(str(a[0]))
		for i, l := range labels {
			if isASCII(l) {
				continue
			}
			enc, ok := punyEncode(l)
			if !ok {
				return emptyStr
			}
			labels[i] = "xn--" + enc
		}
		return types.NewString(strings.Join(labels, "."))
	}))
	add(fixed("punycode_domain_from_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		labels := strings.Split(str(a[0]), ".")
		for i, l := range labels {
			if len(l) < 4 || !strings.EqualFold(l[:4], "xn--") {
				continue
			}
			dec, ok := punyDecode(l[4:])
			if !ok {
				return emptyStr
			}
			labels[i] = dec
		}
		return types.NewString(strings.Join(labels, "."))
	}))
}

// splitDomain splits at the IDNA label separators: '.', '。', '．', '｡'.
func splitDomain(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '\u3002' || r == '\uff0e' || r == '\uff61' })
}

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func punyEncode(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	runes := []rune(s)
	var out strings.Builder
	for _, r := range runes {
		if r < 0x80 {
			out.WriteRune(r)
		}
	}
	b := out.Len()
	h := b
	if b > 0 {
		out.WriteByte('-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m-n)*(h+1) < 0 {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := pcBase; ; k += pcBase {
					t := min(max(k-bias, pcTMin), pcTMax)
					if q < t {
						break
					}
					out.WriteByte(pcDigit(t + (q-t)%(pcBase-t)))
					q = (q - t) / (pcBase - t)
				}
				out.WriteByte(pcDigit(q))
				bias = pcAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return out.String(), true
}

func punyDecode(s string) (string, bool) {
	var out []rune
	rest := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, r := range s[:i] {
			if r >= 0x80 {
				return "", false
			}
			out = append(out, r)
		}
		rest = s[i+1:]
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	for pos := 0; pos < len(rest); {
		oldi, w := i, 1
		for k := pcBase; ; k += pcBase {
			if pos >= len(rest) {
				return "", false
			}
			c := rest[pos]
			pos++
			var d int
			switch {
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			default:
				return "", false
			}
			i += d * w
			if i < 0 || i > 0x10FFFF*(len(out)+1) {
				return "", false
			}
			t := min(max(k-bias, pcTMin), pcTMax)
			if d < t {
				break
			}
			w *= pcBase - t
		}
		bias = pcAdapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > 0x10FFFF {
			return "", false
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return string(out), true
}
