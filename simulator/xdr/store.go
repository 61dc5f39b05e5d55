package xdr

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// coll is the tenant collection of Defender XDR.
const coll = "xdr"

const (
	keySettings = "settings"
	keyProgress = "progress"
	preIncident = "incident/"
	preAlert    = "alert/"
)

// FirstIncidentID is the id of a tenant's first Defender incident (real ids are large numbers).
const FirstIncidentID = 2972395

// progress is what the engine has done for a tenant.
type progress struct {
	// LastID is the last incident id given (0: none yet).
	LastID int `json:"lastId"`
	// Sentinel marks the Sentinel alerts already considered (by lower-case ARM id): true =
	// joined Defender, false = left out by the settings.
	Sentinel map[string]bool `json:"sentinel"`
	// Faults are the xdr faults whose effect is applied, with the settings they replaced.
	Faults map[string]Settings `json:"faults"`
}

func readProgress(tx *simulator.TenantTx) (progress, error) {
	var p progress
	if _, err := tx.GetJSON(coll, keyProgress, &p); err != nil {
		return p, fmt.Errorf("xdr: read progress: %w", err)
	}
	if p.Sentinel == nil {
		p.Sentinel = map[string]bool{}
	}
	if p.Faults == nil {
		p.Faults = map[string]Settings{}
	}
	return p, nil
}

func writeProgress(tx *simulator.TenantTx, p progress) error {
	return tx.PutJSON(coll, keyProgress, p)
}

// ReadSettings returns the tenant's Defender-side Sentinel settings (defaults when never set).
func ReadSettings(tx *simulator.TenantTx) (Settings, error) {
	s := DefaultSettings()
	ok, err := tx.GetJSON(coll, keySettings, &s)
	if err != nil {
		return s, fmt.Errorf("xdr: read settings: %w", err)
	}
	if !ok {
		return DefaultSettings(), nil
	}
	if s.Severities == nil {
		s.Severities = []string{}
	}
	return s, nil
}

// WriteSettings stores validated settings.
func WriteSettings(tx *simulator.TenantTx, s Settings) error {
	return tx.PutJSON(coll, keySettings, s)
}

func incidentKey(id int) string { return fmt.Sprintf("%s%012d", preIncident, id) }

// IncidentByID returns one incident.
func IncidentByID(tx *simulator.TenantTx, id int) (Incident, bool, error) {
	var inc Incident
	ok, err := tx.GetJSON(coll, incidentKey(id), &inc)
	return inc, ok, err
}

// ParseIncidentID reads an incident id as Graph and the Defender API write it ("2972395").
func ParseIncidentID(s string) (int, bool) {
	if s == "" || len(s) > 12 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// Incidents lists the tenant's incidents, newest first (as the APIs list them).
func Incidents(tx *simulator.TenantTx) ([]Incident, error) {
	var out []Incident
	err := tx.Scan(coll, preIncident, func(_ string, v []byte) error {
		var inc Incident
		if err := json.Unmarshal(v, &inc); err != nil {
			return err
		}
		out = append(out, inc)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, err
}

func putIncident(tx *simulator.TenantTx, inc Incident) error {
	return tx.PutJSON(coll, incidentKey(inc.ID), inc)
}

func alertKey(id string) string { return preAlert + strings.ToLower(id) }

// AlertByID returns one alert.
func AlertByID(tx *simulator.TenantTx, id string) (Alert, bool, error) {
	var a Alert
	ok, err := tx.GetJSON(coll, alertKey(id), &a)
	return a, ok, err
}

// Alerts lists the tenant's alerts, newest first.
func Alerts(tx *simulator.TenantTx) ([]Alert, error) {
	var out []Alert
	err := tx.Scan(coll, preAlert, func(_ string, v []byte) error {
		var a Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

func putAlert(tx *simulator.TenantTx, a Alert) error { return tx.PutJSON(coll, alertKey(a.ID), a) }

// IncidentAlerts returns an incident's alerts in arrival order.
func IncidentAlerts(tx *simulator.TenantTx, inc Incident) ([]Alert, error) {
	out := make([]Alert, 0, len(inc.AlertIDs))
	for _, id := range inc.AlertIDs {
		a, ok, err := AlertByID(tx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}
