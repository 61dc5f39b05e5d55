package logs

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"time"

	"github.com/soclab/soclab/internal/privatefile"
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// The shared telemetry cache (Options.CacheDir): generating the shared telemetry is the one
// long step of a server's start (~3.5 CPU-s), and a restarted server's first answer waits for
// it. The columnar tables are written once (0600) in a compact binary form — a string table
// (interned strings stay shared), a table of the distinct dynamic trees (rows sharing a tree
// share it again), then per column its values — under a key naming everything they depend
// on (this executable, the scenario, seed, users and days) with a CRC-32C of the body. A
// file with another key, a bad checksum or an unreadable body is ignored (and replaced).

// telCacheMagic starts a cache file; the number is the format's version.
const telCacheMagic = "soclab-shared-telemetry-1\n"

// telCacheFile is the cache's file in dir for the key.
func telCacheFile(dir, key string) string {
	return filepath.Join(dir, "shared-telemetry-"+key[:16]+".bin")
}

// telCacheKey names the shared telemetry a generation gives: the executable (its code), the
// scenario and the generator's parameters.
func (e *Engine) telCacheKey() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	p := e.canonicalParams()
	fmt.Fprintf(h, "|%s|%s|%s|%d|%d|%d", e.scen.Name, p.TenantID, p.SubscriptionID, p.Seed, p.Users, p.Days)
	return hex.EncodeToString(h.Sum(nil)), nil
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// writeTelCacheBody writes an encoded body under key into dir (0600; a temporary file renamed
// into place), removing the caches of other
// keys (an earlier executable) and temporary files a stopped server left.
func writeTelCacheBody(dir, key string, body []byte) error {
	for _, pattern := range []string{"shared-telemetry-*.bin", ".shared-telemetry-*"} {
		old, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range old {
			if f != telCacheFile(dir, key) {
				os.Remove(f)
			}
		}
	}
	var head []byte
	head = append(head, telCacheMagic...)
	head = appendBytes(head, []byte(key))
	head = binary.LittleEndian.AppendUint32(head, crc32.Checksum(body, crcTable))
	head = binary.LittleEndian.AppendUint64(head, uint64(len(body)))
	if err := privatefile.MkdirAll(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".shared-telemetry-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename: nothing
	if err := f.Chmod(0o600); err == nil {
		err = privatefile.Restrict(f.Name())
	}
	w := bufio.NewWriter(f)
	w.Write(head)
	w.Write(body)
	if err := errors.Join(w.Flush(), f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("logs: telemetry cache: %w", err)
	}
	return os.Rename(f.Name(), telCacheFile(dir, key))
}

// readTelCache loads the telemetry cached under key in dir.
func readTelCache(dir, key string) (*generated, error) {
	b, err := os.ReadFile(telCacheFile(dir, key))
	if err != nil {
		return nil, err
	}
	r := &reader{b: b}
	if string(r.take(len(telCacheMagic))) != telCacheMagic || string(r.bytes()) != key {
		return nil, errors.New("logs: telemetry cache: another version or key")
	}
	sum := binary.LittleEndian.Uint32(r.take(4))
	n := binary.LittleEndian.Uint64(r.take(8))
	if r.err != nil || uint64(len(b)-r.i) != n || crc32.Checksum(b[r.i:], crcTable) != sum {
		return nil, errors.New("logs: telemetry cache: truncated or corrupt")
	}
	return decodeGenerated(&reader{b: b[r.i:]})
}

// encoder writes the body: strings and trees are numbered as met.
type encoder struct {
	out   []byte
	strs  map[string]int
	slist []string
	trees map[dynKey]int
	tlist []any
	err   error
}

func (c *encoder) str(s string) int {
	if i, ok := c.strs[s]; ok {
		return i
	}
	c.strs[s] = len(c.slist)
	c.slist = append(c.slist, s)
	return len(c.slist) - 1
}

// tree numbers a top-level dynamic value by identity (1-based; 0 is null); scalars are
// numbered each time (they are values, not shared storage).
func (c *encoder) tree(x any) int {
	if x == nil {
		return 0
	}
	if k, ok := treeKey(x); ok {
		if i, seen := c.trees[k]; seen {
			return i
		}
		c.tlist = append(c.tlist, x)
		c.trees[k] = len(c.tlist)
		return len(c.tlist)
	}
	c.tlist = append(c.tlist, x)
	return len(c.tlist)
}

// Value tags of dynamic trees.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt
	tagReal
	tagString
	tagArray
	tagMap
)

func (c *encoder) dyn(b []byte, x any) []byte {
	switch g := x.(type) {
	case nil:
		return append(b, tagNull)
	case bool:
		if g {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case int64:
		return binary.AppendVarint(append(b, tagInt), g)
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagReal), math.Float64bits(g))
	case string:
		return binary.AppendUvarint(append(b, tagString), uint64(c.str(g)))
	case []any:
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(g)))
		for _, e := range g {
			b = c.dyn(b, e)
		}
		return b
	case map[string]any:
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(g)))
		keys := make([]string, 0, len(g))
		for k := range g {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = binary.AppendUvarint(b, uint64(c.str(k)))
			b = c.dyn(b, g[k])
		}
		return b
	}
	if c.err == nil {
		c.err = fmt.Errorf("logs: telemetry cache: dynamic value of type %s", reflect.TypeOf(x))
	}
	return b
}

func appendBytes(b, s []byte) []byte { return append(binary.AppendUvarint(b, uint64(len(s))), s...) }

// encodeGenerated is the body: the string table, the trees, then the tables by name. check,
// when set, is called between tables (a checkpoint); its error stops the encoding.
func encodeGenerated(g *generated, check func() error) ([]byte, error) {
	c := &encoder{strs: map[string]int{}, trees: map[dynKey]int{}}
	names := make([]string, 0, len(g.tables))
	for n := range g.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var tables []byte
	tables = binary.AppendUvarint(tables, uint64(len(names)))
	for _, name := range names {
		if check != nil {
			if err := check(); err != nil {
				return nil, err
			}
		}
		rs := g.tables[name]
		t := rs.t
		n := len(rs.times)
		tables = binary.AppendUvarint(tables, uint64(c.str(name)))
		tables = binary.AppendUvarint(tables, uint64(n))
		tables = binary.AppendUvarint(tables, uint64(len(t.Cols)))
		for ci, col := range t.Cols {
			v := t.Vecs[ci]
			tables = binary.AppendUvarint(tables, uint64(c.str(col.Name)))
			tables = binary.AppendUvarint(tables, uint64(c.str(col.Type.String())))
			for i := range n {
				r := rs.row(i)
				if col.Type == types.Dynamic {
					tables = binary.AppendUvarint(tables, uint64(c.tree(v.D[r])))
					continue
				}
				null := v.IsNull(r)
				switch col.Type {
				case types.String, types.GUID:
					k := uint64(c.str(v.S[r])) << 1
					if null {
						k |= 1
					}
					tables = binary.AppendUvarint(tables, k)
				case types.Real, types.Decimal:
					if null {
						tables = append(tables, 1)
						continue
					}
					tables = binary.LittleEndian.AppendUint64(append(tables, 0), math.Float64bits(v.F[r]))
				default:
					if null {
						tables = append(tables, 1)
						continue
					}
					tables = binary.AppendVarint(append(tables, 0), v.I[r])
				}
			}
		}
		for i := range n {
			tables = binary.AppendVarint(tables, rs.times[i].UnixNano())
			tables = binary.AppendUvarint(tables, uint64(c.str(string(rs.source[i]))))
			if rs.attack[i] {
				tables = append(tables, 1)
			} else {
				tables = append(tables, 0)
			}
		}
	}
	var trees []byte
	trees = binary.AppendUvarint(trees, uint64(len(c.tlist)))
	for _, x := range c.tlist {
		trees = c.dyn(trees, x)
	}
	if c.err != nil {
		return nil, c.err
	}
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(c.slist)))
	for _, s := range c.slist {
		out = appendBytes(out, []byte(s))
	}
	out = append(out, trees...)
	return append(out, tables...), nil
}

// reader reads the body; the first error sticks and reads after it give zero values.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("logs: telemetry cache: bad %s at byte %d", what, r.i)
	}
}

func (r *reader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.i {
		r.fail("length")
		return make([]byte, min(max(n, 0), 8)) // fixed-size reads (≤ 8 bytes) get zeros
	}
	out := r.b[r.i : r.i+n]
	r.i += n
	return out
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.i += n
	return x
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Varint(r.b[r.i:])
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.i += n
	return x
}

// str reads an index into strs.
func (r *reader) str(strs []string) string {
	i := r.uvarint()
	if i >= uint64(len(strs)) {
		r.fail("string index")
		return ""
	}
	return strs[i]
}

func (r *reader) byte1() byte { return r.take(1)[0] }

func (r *reader) bytes() []byte { return r.take(int(r.uvarint())) }

// count reads how many items follow, each at least one byte: never more than the bytes left.
func (r *reader) count() int { return r.index(len(r.b) - r.i + 1) }

// index reads a number below n.
func (r *reader) index(n int) int {
	x := r.uvarint()
	if x >= uint64(n) {
		r.fail("index")
		return 0
	}
	return int(x)
}

func (r *reader) dyn(strs []string, depth int) any {
	if depth > 64 {
		r.fail("tree depth")
		return nil
	}
	switch r.byte1() {
	case tagNull:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return r.varint()
	case tagReal:
		return math.Float64frombits(binary.LittleEndian.Uint64(r.take(8)))
	case tagString:
		return r.str(strs)
	case tagArray:
		n := r.count()
		out := make([]any, n)
		for i := 0; i < n && r.err == nil; i++ {
			out[i] = r.dyn(strs, depth+1)
		}
		return out
	case tagMap:
		n := r.count()
		out := make(map[string]any, n)
		for i := 0; i < n && r.err == nil; i++ {
			k := r.str(strs)
			out[k] = r.dyn(strs, depth+1)
		}
		return out
	}
	r.fail("tag")
	return nil
}

func decodeGenerated(r *reader) (*generated, error) {
	strs := make([]string, r.count())
	for i := 0; i < len(strs) && r.err == nil; i++ {
		strs[i] = string(r.bytes())
	}
	trees := make([]any, r.count()+1) // trees[0]: null
	for i := 1; i < len(trees) && r.err == nil; i++ {
		trees[i] = r.dyn(strs, 0)
	}
	g := &generated{tables: map[string]*rowSet{}}
	nt := r.count()
	for range nt {
		if r.err != nil {
			break
		}
		name := r.str(strs)
		n := r.count()
		cols := make([]kql.Column, r.count())
		if (len(cols)+3)*n > len(r.b)-r.i { // every cell and row takes a byte at least
			r.fail("table size")
			break
		}
		vecs := make([]*exec.Vector, len(cols))
		for ci := range cols {
			if r.err != nil {
				break
			}
			cname := r.str(strs)
			typ, ok := types.ParseType(r.str(strs))
			if !ok {
				r.fail("type")
				break
			}
			cols[ci] = kql.Column{Name: cname, Type: typ}
			v := exec.NewVector(typ, n)
			for range n {
				if r.err != nil {
					break
				}
				switch {
				case typ == types.Dynamic:
					if x := trees[r.index(len(trees))]; x == nil {
						v.Append(types.NullOf(typ))
					} else {
						v.Append(types.Value{T: types.Dynamic, D: x})
					}
				case typ == types.String || typ == types.GUID:
					k := r.uvarint()
					s := ""
					if k>>1 < uint64(len(strs)) {
						s = strs[k>>1]
					} else {
						r.fail("string index")
					}
					if k&1 == 1 {
						v.Append(types.Value{T: typ, Null: true, S: s})
					} else {
						v.Append(types.Value{T: typ, S: s})
					}
				case typ == types.Real || typ == types.Decimal:
					if r.byte1() == 1 {
						v.Append(types.NullOf(typ))
					} else {
						v.Append(types.Value{T: typ, F: math.Float64frombits(binary.LittleEndian.Uint64(r.take(8)))})
					}
				default:
					if r.byte1() == 1 {
						v.Append(types.NullOf(typ))
					} else {
						v.Append(types.Value{T: typ, I: r.varint()})
					}
				}
			}
			vecs[ci] = v
		}
		rs := &rowSet{t: &kql.Table{Name: name, Cols: cols, Vecs: vecs, N: n}, times: make([]time.Time, n),
			source: make([]generate.Source, n), attack: make([]bool, n)}
		for i := 0; i < n && r.err == nil; i++ {
			rs.times[i] = time.Unix(0, r.varint()).UTC()
			rs.source[i] = generate.Source(r.str(strs))
			rs.attack[i] = r.byte1() == 1
		}
		g.tables[name] = rs
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.i != len(r.b) {
		return nil, errors.New("logs: telemetry cache: trailing bytes")
	}
	return g, nil
}
