package kql

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runWith runs query over db with the given worker count, every table split
// (ParallelMinRows 1), and returns the JSON result or the error's first line.
func runWith(query string, cat Catalog, db Database, workers int) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = "panic: " + toString(r)
		}
	}()
	q, err := Compile(query, cat, CompileOptions{})
	if err != nil {
		return "compile: " + firstLine(err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := q.Run(ctx, db, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC), Seed: 7,
		Workers: workers, ParallelMinRows: 1})
	if err != nil {
		return "run: " + firstLine(err.Error())
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		return "write: " + err.Error()
	}
	return buf.String()
}

// TestOneWorkerEqualsMany runs every deterministic case of the docs conformance corpus, the
// lab's queries, the string hot-path predicates, and joins, sorts and narrowed pipelines
// with 1 worker and with 4, and wants byte-identical results (rows in the same order).
func TestOneWorkerEqualsMany(t *testing.T) {
	compared := 0
	for _, c := range loadDocCases(t) {
		if c.Nondeterministic {
			continue
		}
		one, many := runWith(c.Query, MapCatalog{}, MapDatabase{}, 1), runWith(c.Query, MapCatalog{}, MapDatabase{}, 4)
		if one != many {
			t.Errorf("doc case %s:\n 1 worker:  %.400s\n 4 workers: %.400s", c.ID, one, many)
		}
		compared++
	}
	lab, err := LabCatalog()
	if err != nil {
		t.Fatal(err)
	}
	labDB, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	// The many-worker runs read dictionary-encoded string columns (codes built up front),
	// the one-worker runs plain texts.
	labCoded, err := LoadDir("testdata/lab", lab)
	if err != nil {
		t.Fatal(err)
	}
	encodeStrings(labCoded)
	files, _ := filepath.Glob("testdata/lab/queries/*.kql")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if one, many := runWith(string(src), lab, labDB, 1), runWith(string(src), lab, labCoded, 4); one != many {
			t.Errorf("lab query %s:\n 1 worker:  %.400s\n 4 workers: %.400s", f, one, many)
		}
		compared++
	}
	for _, db := range []func() MapDatabase{
		func() MapDatabase { return hotpathTable(t, 5000) },
		func() MapDatabase { return wordTable(t, 5000) }, // few distinct texts: encoded
	} {
		plain, coded := db(), db()
		encodeStrings(coded)
		for _, pred := range []string{
			"s contains 'vault' or s contains 'storage'", "s has 'key' and n > 1", "s !has 'key' and s in~ ('VAULT', 'été', 'key')",
			"s in ('vault', 'STORAGE') or n == 3", "(s hasprefix 'micro' or s endswith 'b') and n != 2", "n > 2 or s contains 'vault'",
			"row_number() between (100 .. 4000) and n between (1 .. 3)", "s == 'vault'", "s != 'Vault' and s !in ('', 'key')",
			"s == 'absent'", "s != 'absent' and n == 1", "s !in~ ('vault', 'Été')", "s has_any ('key', 'portal')",
			"s in~ ('KEY', 'ÉTÉ', 'a-b')",
			// row-pure predicates without a vectorised form, evaluated row by row on the workers
			"-n < -1", "-n < -1 and s != 'vault'", "s matches regex '^[a-k]' or -i > -300",
		} {
			query := "T | serialize | where " + pred + " | project i, s"
			if one, many := runWith(query, plain.Catalog(), plain, 1), runWith(query, coded.Catalog(), coded, 4); one != many {
				t.Errorf("%s:\n 1 worker:  %.400s\n 4 workers: %.400s", query, one, many)
			}
			compared++
		}
		// Every aggregate, by every kind of key (typed keys fold on the workers; computed and
		// three keys take the general grouper), and after a filter.
		for _, aggs := range []string{
			"c = count(), ci = countif(n > 1), su = sum(n), si = sumif(n, s == 'key'), av = avg(n), mi = min(s), ma = max(n)",
			"d = dcount(s), di = dcountif(s, n > 1), cd = count_distinct(s), h = dcount_hll(hll(s)), st = stdev(n), va = variance(i)",
			"s1 = make_set(s), s3 = make_set(s, 3), sif = make_set_if(s, n > 2, 2), ns = make_set(n)",
			"l5 = make_list(s, 5), ln = make_list(n), lnn = make_list_with_nulls(n), lif = make_list_if(i, n == 1, 3)",
			"am = arg_max(n, s), an = any(s), ta = take_any(s, n), tai = take_anyif(s, n > 3)",
			"arg_min(i, *)",
			"p = percentile(n, 50), ps = percentiles(i, 10, 90), td = percentile_tdigest(tdigest(i), 50)",
			"b = make_bag(bag_pack(s, n)), bo = binary_all_or(n), bs = buildschema(bag_pack('k', n))",
		} {
			for _, by := range []string{"", " by s", " by n", " by s, n", " by bin(i, 100)", " by bin(i, 7), s",
				" by tostring(n)", " by s, n, bin(i, 1000)", " by i", " by bin(i, 2), s"} {
				for _, query := range []string{"T | summarize " + aggs + by, "T | where n != 2 | summarize " + aggs + by} {
					if one, many := runWith(query, plain.Catalog(), plain, 1), runWith(query, coded.Catalog(), coded, 4); one != many {
						t.Errorf("%s:\n 1 worker:  %.400s\n 4 workers: %.400s", query, one, many)
					}
					compared++
				}
			}
		}
	}
	// Joins (every kind, string and long keys, expression keys, count only), sorts (one and
	// several keys, nulls, top) and narrowed pipelines over tables split across the workers.
	jdb := NewDatabase(genKeyed("L", 5000, 700, 5), genKeyed("R", 4500, 700, 6), hotpathTable(t, 4000)["T"]) // the second run of a join on Key uses the columns' dictionaries
	for _, query := range []string{
		"L | join (R) on Key | order by V asc, V1 asc | take 300",
		"L | join kind=inner (R) on Key | project V, V1 | take 500",
		"L | join kind=leftouter (R | where V % 3 == 0) on Key | take 400",
		"L | join kind=rightouter (R | where V % 3 == 0) on Key | take 400",
		"L | join kind=fullouter (R | where V % 2 == 0) on Key | summarize count(), sum(V), sum(V1)",
		"L | join kind=leftsemi (R | where V < 100) on Key | project V",
		"L | join kind=leftanti (R | where V < 100) on Key | count",
		"L | join kind=rightsemi (R | where V < 100) on Key",
		"L | join kind=rightanti (R | where V < 100) on Key | count",
		"L | join kind=inner hint.strategy=broadcast (R) on $left.V == $right.V",
		"L | extend M = V % 50 | join kind=innerunique (R | extend M = V % 50) on M | project V, V1 | take 200",
		"L | join kind=inner (R) on $left.Key == $right.Key, $left.V == $right.V",
		"L | join kind=inner (R | extend K = toupper(Key)) on $left.Key == $right.K | count",
		"L | lookup (R | summarize S = sum(V) by Key) on Key | take 300",
		"L | join (R) on Key | count",
		"T | sort by n asc nulls first, s desc | project i, n, s",
		"T | sort by n desc, i asc",
		"T | order by s asc | take 100",
		"T | top 25 by n desc nulls last | project i",
		"T | top 25 by strcat(s, tostring(n)) asc",
		"T | where n > 1 | sort by i desc | project s",
		"T | serialize | where row_number() between (10 .. 3000) | take 1000 | join kind=leftouter (T | where n == 2) on s | count",
		"T | take 2000 | join kind=inner (T | serialize | where row_number() > 2000) on n | summarize count() by n",
		"union withsource=Src L, (R | where V % 2 == 0), (T | project Key = s, V = i) | where V > 100 | summarize count(), max(Key) by Src",
		// a dynamic member in the filter (row-pure: evaluated on the workers) and in the key
		"T | extend d = bag_pack('k', n, 'w', s) | where d.k > 1 and d.w != '' | summarize count() by s, w = tostring(d.w)",
		"T | extend d = pack_array(n, s) | where d[0] == 2 or d[1] == 'key' | project i, s",
	} {
		if one, many := runWith(query, jdb.Catalog(), jdb, 1), runWith(query, jdb.Catalog(), jdb, 4); one != many {
			t.Errorf("%s:\n 1 worker:  %.400s\n 4 workers: %.400s", query, one, many)
		} else if strings.HasPrefix(one, "compile") || strings.HasPrefix(one, "run") || strings.HasPrefix(one, "panic") {
			t.Errorf("%s: %s", query, one)
		}
		compared++
	}
	if compared < 500 {
		t.Fatalf("compared only %d cases", compared)
	}
}

// encodeStrings builds the dictionary of every string column of db (those that pay).
func encodeStrings(db MapDatabase) {
	for _, t := range db {
		for _, v := range t.Vecs {
			v.Dict()
		}
	}
}

// wordTable is hotpathTable's shape with one word per row: few distinct texts.
func wordTable(t testing.TB, n int) MapDatabase {
	t.Helper()
	words := []string{"Vault", "vault", "KEYVAULT", "Microsoft.KeyVault/vaults", "storage", "Storage-Account", "STORAGE",
		"été", "Été", "\u212aey", "key", "", "a-b", "x.y", "Azure Portal", "Microsoft Teams"}
	b := NewBuilder("T", []Column{{Name: "i", Type: mustTestType(t, "long")}, {Name: "s", Type: mustTestType(t, "string")},
		{Name: "n", Type: mustTestType(t, "long")}})
	for i := 0; i < n; i++ {
		var num any = int64(i * 7 % 5)
		if i%9 == 0 {
			num = nil
		}
		if err := b.Append([]any{int64(i), words[i*i%len(words)], num}); err != nil {
			t.Fatal(err)
		}
	}
	return NewDatabase(b.Table())
}
