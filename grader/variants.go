package grader

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
)

// variantSpan is how much background each variant dataset holds before and after its attack:
// enough for every run of a rule whose query period is at most this long.
const variantSpan = 24 * time.Hour

// variantSpec is one attack variant the learner never sees: the scenario's attack played by
// another user from another network at another time over other resources.
type variantSpec struct {
	// pick chooses the victim among the generated users (a fraction of the sorted list).
	pick  float64
	place scenario.Place
	shift time.Duration
	// rotate reorders and trims the resource lists of each burst.
	rotate int
}

// variantSpecs are the lab's variants: one in a working afternoon a week earlier from South
// America, one at night two weeks earlier from South-East Asia. Their ranges are not in the
// scenario (a rule must not match them by their address either).
var variantSpecs = []variantSpec{
	{pick: 0.31, shift: -6*24*time.Hour + 5*time.Hour + 30*time.Minute, rotate: 1, place: scenario.Place{
		ID: "variant-saopaulo", Kind: "attacker", City: "Sao Paulo", State: "Sao Paulo", Country: "BR",
		Latitude: -23.5505, Longitude: -46.6333, Timezone: "America/Sao_Paulo", CIDR: "45.155.205.0/24",
		ASN: 48693, ISP: "Rices Privately owned enterprise"}},
	{pick: 0.67, shift: -13*24*time.Hour - 7*time.Hour, rotate: 2, place: scenario.Place{
		ID: "variant-singapore", Kind: "attacker", City: "Singapore", State: "Singapore", Country: "SG",
		Latitude: 1.3521, Longitude: 103.8198, Timezone: "Asia/Singapore", CIDR: "103.251.167.0/24",
		ASN: 133296, ISP: "Web Werks India Pvt. Ltd."}},
}

// variantData is a variant's dataset: its attack rows merged into the background of the days
// around it, with what a rule's results must name to have caught it.
type variantData struct {
	label    string
	victim   string // UPN
	ipPrefix string // e.g. "45.155.205."
	cidr     string
	start    time.Time
	end      time.Time
	x        *timeIndex
}

// mentions are the words some result row must contain for the variant to count as caught.
func (v *variantData) mentions() []string { return []string{v.victim, v.ipPrefix} }

// buildVariants generates the variants over the canonical background.
func buildVariants(engine *logs.Engine, background kql.MapDatabase) ([]*variantData, error) {
	s := engine.Scenario()
	cast, err := engine.CanonicalCast()
	if err != nil {
		return nil, err
	}
	cands := generate.VictimCandidates(cast)
	if len(cands) == 0 {
		return nil, fmt.Errorf("grader: variants: the cast has no generated users")
	}
	lo, _ := dataSpan(background)
	var out []*variantData
	for i, spec := range variantSpecs {
		victim := cands[int(spec.pick*float64(len(cands)))%len(cands)]
		// Keep the variant inside a short history (a few days of background), a day at a time.
		for spec.shift < -24*time.Hour && s.Attack.Start.Add(spec.shift).Before(lo.Add(12*time.Hour)) {
			spec.shift += 24 * time.Hour
		}
		pl := spec.place
		if pl.Location, err = time.LoadLocation(pl.Timezone); err != nil {
			pl.Location = time.UTC
		}
		tel, err := generate.AttackVariant(s, cast, generate.Variant{Victim: victim, Place: pl, Shift: spec.shift,
			Rotate: spec.rotate, Nonce: fmt.Sprintf("grader-variant-%d", i+1)})
		if err != nil {
			return nil, fmt.Errorf("grader: variant %d: %w", i+1, err)
		}
		rows, err := engine.WorkspaceTables(tel)
		if err != nil {
			return nil, fmt.Errorf("grader: variant %d: %w", i+1, err)
		}
		db, err := mergeWindow(background, rows, tel.Start.Add(-variantSpan), tel.End.Add(variantSpan))
		if err != nil {
			return nil, fmt.Errorf("grader: variant %d: %w", i+1, err)
		}
		out = append(out, &variantData{label: fmt.Sprintf("variant %d", i+1), victim: victim + "@" + cast.Params.TenantDomain,
			ipPrefix: strings.TrimSuffix(pl.CIDR, "0/24"), cidr: pl.CIDR, start: tel.Start, end: tel.End, x: indexTimes(db)})
	}
	return out, nil
}

// mergeWindow is every background table cut to [lo, hi] with the extra rows of the same table
// merged in, in TimeGenerated order.
func mergeWindow(background, extra kql.MapDatabase, lo, hi time.Time) (kql.MapDatabase, error) {
	cut := indexTimes(background).window(lo, hi)
	out := kql.MapDatabase{}
	for _, name := range background.Names() {
		bt, _ := cut.Table(name)
		et, ok := extra[name]
		if !ok || et.N == 0 {
			out[name] = bt
			continue
		}
		b := exec.NewBuilder(name, bt.Cols)
		rows := make([][]types.Value, 0, bt.N+et.N)
		for i := 0; i < bt.N; i++ {
			rows = append(rows, bt.Row(i))
		}
		for i := 0; i < et.N; i++ {
			rows = append(rows, et.Row(i))
		}
		if c := bt.ColumnIndex("TimeGenerated"); c >= 0 {
			sort.SliceStable(rows, func(i, j int) bool { return rows[i][c].I < rows[j][c].I })
		}
		for _, r := range rows {
			if err := b.AppendValues(r); err != nil {
				return nil, err
			}
		}
		out[name] = b.Table()
	}
	return out, nil
}
