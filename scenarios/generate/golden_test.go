package generate_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/soclab/soclab/scenarios/export"
	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json and testdata/sample.json")

// goldenParams are small so the golden test is quick; the realism tests use the defaults.
var goldenParams = generate.Params{Seed: 7, Users: 40, Days: 5}

var (
	defaultOnce sync.Once
	defaultTel  *generate.Telemetry
	defaultErr  error
)

func loadScenario(t testing.TB) *scenario.Scenario {
	t.Helper()
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// defaultTelemetry is the default scenario (200 users, 30 days), generated once per test binary.
func defaultTelemetry(t testing.TB) *generate.Telemetry {
	t.Helper()
	defaultOnce.Do(func() {
		s, err := scenario.LoadBuiltin("alex-johnson")
		if err != nil {
			defaultErr = err
			return
		}
		defaultTel, defaultErr = generate.Generate(s, generate.Params{})
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultTel
}

type digest struct {
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

func digests(t *testing.T, tel *generate.Telemetry) map[string]digest {
	t.Helper()
	out := map[string]digest{}
	for _, tb := range tel.All() {
		var buf bytes.Buffer
		if err := export.Write(&buf, tb, "jsonl"); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(buf.Bytes())
		out[tb.Name] = digest{Rows: len(tb.Rows), SHA256: hex.EncodeToString(sum[:])}
	}
	return out
}

func TestGoldenDigests(t *testing.T) {
	s := loadScenario(t)
	tel, err := generate.Generate(s, goldenParams)
	if err != nil {
		t.Fatal(err)
	}
	got := digests(t, tel)
	path := filepath.Join("testdata", "golden.json")
	if *update {
		writeJSON(t, path, map[string]any{"params": goldenParams, "tables": got})
	}
	var want struct {
		Tables map[string]digest `json:"tables"`
	}
	readJSON(t, path, &want)
	for _, name := range generate.Tables {
		if got[name] != want.Tables[name] {
			t.Errorf("%s: got %+v, want %+v (run go test ./scenarios/generate -run Golden -update after an intended change)", name, got[name], want.Tables[name])
		}
	}
}

func TestDeterministicAcrossRuns(t *testing.T) {
	s := loadScenario(t)
	a, err := generate.Generate(s, goldenParams)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate.Generate(s, goldenParams)
	if err != nil {
		t.Fatal(err)
	}
	da, db := digests(t, a), digests(t, b)
	for _, n := range generate.Tables {
		if da[n] != db[n] {
			t.Errorf("%s differs between two runs: %+v vs %+v", n, da[n], db[n])
		}
	}
	other := goldenParams
	other.Seed++
	c, err := generate.Generate(s, other)
	if err != nil {
		t.Fatal(err)
	}
	if dc := digests(t, c); dc["SigninLogs"] == da["SigninLogs"] {
		t.Errorf("seed %d and %d gave the same SigninLogs", goldenParams.Seed, other.Seed)
	}
}

// TestSample keeps a readable sample: per table the first background row and the first attack row.
func TestSample(t *testing.T) {
	s := loadScenario(t)
	tel, err := generate.Generate(s, goldenParams)
	if err != nil {
		t.Fatal(err)
	}
	sample := map[string][]json.RawMessage{}
	for _, tb := range tel.All() {
		var bg, atk = -1, -1
		for i, m := range tb.Meta {
			if m.Step == "" && m.Noise == "" && bg < 0 {
				bg = i
			}
			if m.Step != "" && atk < 0 {
				atk = i
			}
		}
		for _, i := range []int{bg, atk} {
			if i < 0 {
				continue
			}
			one := &generate.Table{Name: tb.Name, Columns: tb.Columns, Rows: tb.Rows[i : i+1]}
			var buf bytes.Buffer
			if err := export.Write(&buf, one, "jsonl"); err != nil {
				t.Fatal(err)
			}
			sample[tb.Name] = append(sample[tb.Name], json.RawMessage(bytes.TrimSpace(buf.Bytes())))
		}
	}
	path := filepath.Join("testdata", "sample.json")
	if *update {
		writeJSON(t, path, sample)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(sample, "", "  ")
	var a, b any
	json.Unmarshal(got, &a)
	json.Unmarshal(want, &b)
	ga, _ := json.Marshal(a)
	gb, _ := json.Marshal(b)
	if !bytes.Equal(ga, gb) {
		t.Errorf("sample rows changed; run with -update after an intended change")
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// TestTenantsGetTheirOwnIDs: another tenant gets the same activity with its own tenant,
// subscription, workspace and object ids.
func TestTenantsGetTheirOwnIDs(t *testing.T) {
	s := loadScenario(t)
	other := goldenParams
	other.TenantID = "11111111-2222-4333-8444-555555555555"
	other.SubscriptionID = "66666666-7777-4888-9999-000000000000"
	other.WorkspaceID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
	a, err := generate.Generate(s, goldenParams)
	if err != nil {
		t.Fatal(err)
	}
	b, err := generate.Generate(s, other)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range generate.Tables {
		ta, _ := a.Table(name)
		tb, _ := b.Table(name)
		if len(ta.Rows) != len(tb.Rows) {
			t.Errorf("%s: %d rows vs %d for the other tenant", name, len(ta.Rows), len(tb.Rows))
		}
	}
	sl, _ := b.Table("SigninLogs")
	row := sl.Rows[0]
	if row[sl.Col("AADTenantId")] != other.TenantID || row[sl.Col("TenantId")] != other.WorkspaceID ||
		row[sl.Col("UserId")] != generate.UserObjectID(other.TenantID, row[sl.Col("UserPrincipalName")].(string)) {
		t.Errorf("ids not the tenant's: %v %v %v", row[sl.Col("AADTenantId")], row[sl.Col("TenantId")], row[sl.Col("UserId")])
	}
	aa, _ := b.Table("AzureActivity")
	if got := aa.Rows[0][aa.Col("SubscriptionId")]; got != other.SubscriptionID {
		t.Errorf("AzureActivity.SubscriptionId = %v", got)
	}
}
