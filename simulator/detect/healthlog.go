package detect

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// Collection and keys of the health log in each tenant's state.
const (
	healthColl = "detect-health"
	healthHead = "head"
)

// healthBatch is the SentinelHealth records of one Advance, stored under one key.
type healthBatch struct {
	Rules []ruleInfo  `json:"rules"`
	Recs  []healthRec `json:"recs"`
}

// healthHeadRec counts a tenant's batches; Epoch changes when the tenant is reset.
type healthHeadRec struct {
	Epoch string `json:"epoch"`
	N     int    `json:"n"`
}

// healthLog keeps rule runs' SentinelHealth records: one stored batch per Advance, a
// tenant's records in memory once read, served to the routing engine as a logs.RowSource.
type healthLog struct {
	world   *simulator.World
	mu      sync.Mutex
	tenants map[string]*tenantHealth
}

type tenantHealth struct {
	epoch   string
	batches int
	recs    []healthRec
	infos   []*ruleInfo // per record
}

// write stores a batch (nothing when it is empty).
func (l *healthLog) write(tenantID string, b *healthBatch) error {
	if len(b.Recs) == 0 {
		return nil
	}
	err := l.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		var head healthHeadRec
		if _, err := tx.GetJSON(healthColl, healthHead, &head); err != nil {
			return err
		}
		if head.Epoch == "" {
			head.Epoch = simulator.NewGUID()
		}
		head.N++
		if err := tx.PutJSON(healthColl, fmt.Sprintf("batch/%020d", head.N), b); err != nil {
			return err
		}
		return tx.PutJSON(healthColl, healthHead, head)
	})
	if err != nil {
		return fmt.Errorf("detect: write health records: %w", err)
	}
	return nil
}

// sync brings the tenant's in-memory records up to the stored batches (caller holds l.mu).
func (l *healthLog) sync(tenantID string) (*tenantHealth, error) {
	th := l.tenants[tenantID]
	if th == nil {
		th = &tenantHealth{}
		l.tenants[tenantID] = th
	}
	err := l.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var head healthHeadRec
		if _, err := tx.GetJSON(healthColl, healthHead, &head); err != nil {
			return err
		}
		if head.Epoch != th.epoch || head.N < th.batches {
			*th = tenantHealth{epoch: head.Epoch}
		}
		for n := th.batches + 1; n <= head.N; n++ {
			var b healthBatch
			ok, err := tx.GetJSON(healthColl, fmt.Sprintf("batch/%020d", n), &b)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("health batch %d is missing", n)
			}
			infos := make([]*ruleInfo, len(b.Rules))
			for i := range b.Rules {
				infos[i] = &b.Rules[i]
			}
			for _, r := range b.Recs {
				if r.Rule < 0 || r.Rule >= len(infos) {
					return fmt.Errorf("health batch %d: bad rule index %d", n, r.Rule)
				}
				th.recs = append(th.recs, r)
				th.infos = append(th.infos, infos[r.Rule])
			}
			th.batches = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("detect: read health records: %w", err)
	}
	return th, nil
}

// Version is the number of stored batches, tied to the tenant's epoch (logs.RowSource).
func (l *healthLog) Version(tenantID string) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	th, err := l.sync(tenantID)
	if err != nil {
		return 0, err
	}
	h := 0
	for _, c := range th.epoch {
		h = h*31 + int(c)
	}
	return th.batches ^ (h << 20), nil
}

// Rows are the workspace's SentinelHealth rows (logs.RowSource).
func (l *healthLog) Rows(tenantID, customerID string, cols []kql.Column) (*kql.Table, []time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	th, err := l.sync(tenantID)
	if err != nil {
		return nil, nil, err
	}
	var rows [][]any
	var times []time.Time
	for i, r := range th.recs {
		info := th.infos[i]
		if !strings.EqualFold(info.Workspace, customerID) {
			continue
		}
		v := healthValues(info, r)
		row := make([]any, len(cols))
		for c, col := range cols {
			x, ok := v[col.Name]
			if !ok && col.Type.String() == "string" {
				x = ""
			}
			row[c] = x
		}
		rows = append(rows, row)
		times = append(times, r.At)
	}
	t, err := kql.NewTable("SentinelHealth", cols, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("SentinelHealth rows: %w", err)
	}
	return t, times, nil
}
