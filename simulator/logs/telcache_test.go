package logs

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// distinctTrees counts the distinct top-level containers of a dynamic column (rows sharing
// an interned tree share it).
func distinctTrees(rs *rowSet, c int) int {
	seen := map[dynKey]bool{}
	for i := range rs.times {
		if k, ok := treeKey(rs.t.Vecs[c].D[rs.row(i)]); ok {
			seen[k] = true
		}
	}
	return len(seen)
}

// sameGenerated reports the first difference between two generated telemetries: every
// cell, every row's time, source and attack flag, and the sharing of dynamic trees.
func sameGenerated(t *testing.T, got, want *generated) {
	t.Helper()
	if len(got.tables) != len(want.tables) {
		t.Fatalf("%d tables, want %d", len(got.tables), len(want.tables))
	}
	for name, w := range want.tables {
		g := got.tables[name]
		if g == nil {
			t.Fatalf("table %s missing", name)
		}
		if diff := sameTable(g.eventOrdered(), w.eventOrdered()); diff != "" {
			t.Errorf("%s: %s", name, diff)
		}
		if !reflect.DeepEqual(g.times, w.times) || !reflect.DeepEqual(g.source, w.source) || !reflect.DeepEqual(g.attack, w.attack) {
			t.Errorf("%s: row times, sources or attack flags differ", name)
		}
		for c, col := range w.t.Cols {
			if col.Type.String() == "dynamic" {
				if a, b := distinctTrees(g, c), distinctTrees(w, c); a != b {
					t.Errorf("%s.%s: %d distinct trees, want %d (interned trees shared as generated)", name, col.Name, a, b)
				}
			}
		}
	}
}

// TestTelemetryCache: an engine with a cache folder generates the shared telemetry once and
// writes it (0600); an engine started later on the same state with the same executable
// reads it instead, cell for cell, row for row and tree sharing equal to the generation, and
// its tenants' queries answer as before; a cache with a flipped byte, a truncated one or
// another key is not used (the telemetry is generated again and the cache rewritten).
func TestTelemetryCache(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "cache")
	open := func() *Engine {
		e, err := New(f.world, loadScenario(t), Options{Seed: smallOptions.Seed, Users: smallOptions.Users, Days: smallOptions.Days,
			CacheDir: dir, CacheLog: func(err error) { t.Error(err) }})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	first := open()
	sb1, err := first.base()
	if err != nil {
		t.Fatal(err)
	}
	if sb1.cached {
		t.Fatal("the first engine read a cache that cannot exist")
	}
	key, err := first.telCacheKey()
	if err != nil {
		t.Fatal(err)
	}
	file := telCacheFile(dir, key)
	eventually(t, "the cache file", func() bool { _, err := os.Stat(file); return err == nil })
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file %v, mode %v: want 0600", err, fi.Mode().Perm())
	}

	second := open()
	sb2, err := second.base()
	if err != nil {
		t.Fatal(err)
	}
	if !sb2.cached {
		t.Fatal("the second engine generated the telemetry instead of reading the cache")
	}
	sameGenerated(t, sb2.g, sb1.g)
	if !reflect.DeepEqual(sb2.deps, sb1.deps) || !sb2.firstAttack.Equal(sb1.firstAttack) {
		t.Errorf("dependent columns or first attack time differ after the cache")
	}
	// A tenant's queries answer the same from either engine.
	ten, err := f.world.AddTenant("learner-cache")
	if err != nil {
		t.Fatal(err)
	}
	f.tenant = ten
	cust := f.createWorkspace("rg-contoso-unified-soc", "law-contoso-unified")
	f.setClock(attackStart.Add(2 * time.Hour))
	const q = "SigninLogs | summarize count(), dcount(UserPrincipalName), make_set(TenantId), take_any(tostring(ConditionalAccessPolicies)) by ResultType | order by ResultType asc"
	f.engine = first
	want := f.query(cust, q)
	f.engine = second
	if got := f.query(cust, q); !reflect.DeepEqual(got, want) {
		t.Errorf("query from the cache:\n got %v\nwant %v", got, want)
	}

	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-100] ^= 0x40
	otherKey := append([]byte(nil), good...)
	otherKey[len(telCacheMagic)+3] ^= 1
	for name, bad := range map[string][]byte{"a flipped byte": flipped, "truncated": good[:len(good)/2], "another key": otherKey, "empty": nil} {
		if err := os.WriteFile(file, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readTelCache(dir, key); err == nil {
			t.Errorf("%s: the cache was read", name)
		}
		e := open()
		sb, err := e.base()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sb.cached {
			t.Errorf("%s: the engine used the bad cache", name)
		}
		sameGenerated(t, sb.g, sb1.g)
		eventually(t, "the cache rewritten", func() bool { _, err := readTelCache(dir, key); return err == nil })
	}
}

// FuzzTelCacheDecode: no body, however malformed, makes the decoder panic or loop; a body it
// accepts encodes again, and that decodes.
func FuzzTelCacheDecode(f *testing.F) {
	w, err := simulator.Open(f.TempDir(), simulator.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer w.Close()
	e, err := New(w, loadScenario(&testing.T{}), smallOptions)
	if err != nil {
		f.Fatal(err)
	}
	sb, err := e.base()
	if err != nil {
		f.Fatal(err)
	}
	one := &generated{tables: map[string]*rowSet{"AuditLogs": sb.g.tables["AuditLogs"]}}
	body, err := encodeGenerated(one, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 1})
	f.Add(body[:len(body)/3])
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGenerated(&reader{b: b})
		if err != nil {
			return
		}
		again, err := encodeGenerated(g, nil)
		if err != nil {
			t.Fatalf("a decoded body does not encode: %v", err)
		}
		if _, err := decodeGenerated(&reader{b: again}); err != nil {
			t.Fatalf("a re-encoded body does not decode: %v", err)
		}
	})
}

// BenchmarkSharedTelemetryStart is a server's one-time start at the default size (200 users,
// 30 days): generating the shared telemetry, and reading it from the cache instead (a
// restart on the same state). cpu_ms/op is the process's CPU.
func BenchmarkSharedTelemetryStart(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "cache")
	w, err := simulator.Open(b.TempDir(), simulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	start := func(b *testing.B, cache string) *sharedBase {
		e, err := New(w, scenarioForBench(b), Options{CacheDir: cache})
		if err != nil {
			b.Fatal(err)
		}
		sb, err := e.base()
		if err != nil {
			b.Fatal(err)
		}
		return sb
	}
	warm := start(b, dir) // writes the cache
	e, _ := New(w, scenarioForBench(b), Options{})
	key, err := e.telCacheKey()
	if err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := readTelCache(dir, key); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = warm
	for _, c := range []struct{ name, dir string }{{"generate", ""}, {"cache", dir}} {
		b.Run(c.name, func(b *testing.B) {
			cpu, n := cpuSeconds(), 0
			for b.Loop() {
				n++
				if sb := start(b, c.dir); sb.cached != (c.dir != "") {
					b.Fatalf("cached %v", sb.cached)
				}
			}
			b.ReportMetric((cpuSeconds()-cpu)*1000/float64(n), "cpu_ms/op")
		})
	}
	if fi, err := os.Stat(telCacheFile(dir, key)); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "cache_MB")
	}
}
