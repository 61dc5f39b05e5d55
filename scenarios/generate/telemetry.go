package generate

import (
	"fmt"
	"sort"
	"time"

	"github.com/soclab/soclab/simulator/kql/catalog"
)

// Source is the emitter of an event; routing decides per source whether rows reach a workspace.
type Source string

// The sources rows are tagged with.
const (
	SourceEntraSignIn           Source = "entra-signin"
	SourceEntraNonInteractive   Source = "entra-noninteractive"
	SourceEntraAudit            Source = "entra-audit"
	SourceAzureActivity         Source = "azure-activity"
	SourceKeyVault              Source = "keyvault"
	SourceStorage               Source = "storage"
	SourceDefenderCloudApps     Source = "defender-cloudapps"
	SourceDefenderIdentity      Source = "defender-identity"
	SourceDefenderXDR           Source = "defender-xdr"
	SourceSentinelUEBA          Source = "sentinel-ueba"
	SourceThreatIntel           Source = "sentinel-ti"
	SourceDefenderOffice        Source = "defender-office"
	SourceDefenderEndpoint      Source = "defender-endpoint"
	SourceOffice365             Source = "office365"
	SourceEntraServicePrincipal Source = "entra-serviceprincipal"
	SourceAzureMonitorAgent     Source = "azure-monitor-agent"
)

// Tables lists the tables Generate fills, in output order.
var Tables = []string{
	"SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs", "AzureActivity", "AzureDiagnostics",
	"StorageBlobLogs", "CloudAppEvents", "IdentityLogonEvents", "AADSignInEventsBeta", "IdentityInfo",
	"AlertInfo", "AlertEvidence", "BehaviorAnalytics", "ThreatIntelligenceIndicator",
	"EmailEvents", "EmailUrlInfo", "EmailAttachmentInfo", "UrlClickEvents", "OfficeActivity",
	"DeviceInfo", "DeviceLogonEvents", "DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceEvents",
	"AADServicePrincipalSignInLogs", "UserPeerAnalytics", "SecurityEvent", "DnsEvents", "Heartbeat",
}

// TableSources says which source fills each table (every row of a table has that source), and
// so which configuration routes it: the Entra diagnostic setting (entra-*), the subscription's
// activity-log setting (azure-activity), a resource's diagnostic setting (keyvault, storage),
// the Defender XDR connector (defender-*), UEBA (sentinel-ueba), the threat intelligence
// connectors (sentinel-ti), the Microsoft 365 connector (office365). The Defender tables are also
// queryable through advanced hunting without any routing.
var TableSources = map[string]Source{
	"SigninLogs": SourceEntraSignIn, "AADNonInteractiveUserSignInLogs": SourceEntraNonInteractive,
	"AuditLogs": SourceEntraAudit, "AzureActivity": SourceAzureActivity, "AzureDiagnostics": SourceKeyVault,
	"StorageBlobLogs": SourceStorage, "CloudAppEvents": SourceDefenderCloudApps,
	"IdentityLogonEvents": SourceDefenderIdentity, "AADSignInEventsBeta": SourceDefenderXDR,
	"AlertInfo": SourceDefenderXDR, "AlertEvidence": SourceDefenderXDR,
	"IdentityInfo": SourceSentinelUEBA, "BehaviorAnalytics": SourceSentinelUEBA,
	"ThreatIntelligenceIndicator": SourceThreatIntel,
	"EmailEvents":                 SourceDefenderOffice, "EmailUrlInfo": SourceDefenderOffice, "EmailAttachmentInfo": SourceDefenderOffice,
	"UrlClickEvents": SourceDefenderOffice, "OfficeActivity": SourceOffice365,
	"DeviceInfo": SourceDefenderEndpoint, "DeviceLogonEvents": SourceDefenderEndpoint, "DeviceProcessEvents": SourceDefenderEndpoint,
	"DeviceNetworkEvents": SourceDefenderEndpoint, "DeviceFileEvents": SourceDefenderEndpoint, "DeviceEvents": SourceDefenderEndpoint,
	"AADServicePrincipalSignInLogs": SourceEntraServicePrincipal, "UserPeerAnalytics": SourceSentinelUEBA,
	"SecurityEvent": SourceAzureMonitorAgent, "DnsEvents": SourceAzureMonitorAgent, "Heartbeat": SourceAzureMonitorAgent,
}

// RowMeta is what travels with a row without being a column.
type RowMeta struct {
	// Time is the event time (the table's time column).
	Time time.Time
	// Source is the emitter, for routing.
	Source Source
	// Step is the attack step id, or "" for background activity.
	Step string
	// Noise is the id of the benign-noise pattern that made the row, or "".
	Noise string
}

// Table is one generated table: the schema's columns in order and one value per column per row.
type Table struct {
	Name    string
	Columns []catalog.Column
	Rows    [][]any
	Meta    []RowMeta

	index map[string]int
}

// Telemetry is the generated data of one scenario for one tenant.
type Telemetry struct {
	Params Params
	// Start and End bound the generated time range [Start, End).
	Start, End time.Time
	tables     map[string]*Table
}

// Table returns the named table.
func (t *Telemetry) Table(name string) (*Table, bool) {
	tb, ok := t.tables[name]
	return tb, ok
}

// All returns every table in the order of Tables.
func (t *Telemetry) All() []*Table {
	out := make([]*Table, 0, len(Tables))
	for _, n := range Tables {
		out = append(out, t.tables[n])
	}
	return out
}

// Rows counts every row of every table.
func (t *Telemetry) Rows() int {
	n := 0
	for _, tb := range t.tables {
		n += len(tb.Rows)
	}
	return n
}

// Col returns the index of a column, or -1.
func (t *Table) Col(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

func newTable(cat catalog.Catalog, name string) (*Table, error) {
	s, ok := cat.Table(name)
	if !ok {
		return nil, fmt.Errorf("generate: table %s is not in the schema catalog", name)
	}
	t := &Table{Name: name, Columns: s.Columns, index: make(map[string]int, len(s.Columns))}
	for i, c := range s.Columns {
		t.index[c.Name] = i
	}
	return t, nil
}

// row is a row under construction for one table.
type row struct {
	t    *Table
	vals []any
}

// newRow starts a row with every string column "" (Kusto strings are never null) and every other
// column null.
func (t *Table) newRow() row {
	vals := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		if c.Type == "string" {
			vals[i] = ""
		}
	}
	return row{t: t, vals: vals}
}

// set assigns a column; an unknown name is a programming error caught by the tests.
func (r row) set(name string, v any) row {
	i, ok := r.t.index[name]
	if !ok {
		panic("generate: table " + r.t.Name + " has no column " + name)
	}
	r.vals[i] = v
	return r
}

// Between returns the rows [lo, hi) whose time is in [from, to); rows are sorted by time.
func (t *Table) Between(from, to time.Time) (lo, hi int) {
	lo = sort.Search(len(t.Meta), func(i int) bool { return !t.Meta[i].Time.Before(from) })
	hi = sort.Search(len(t.Meta), func(i int) bool { return !t.Meta[i].Time.Before(to) })
	return lo, max(lo, hi)
}

// setIf assigns a column the table has, and ignores one it lacks (the Device* tables share
// column groups that not every table has in full).
func (r row) setIf(name string, v any) row {
	if i, ok := r.t.index[name]; ok {
		r.vals[i] = v
	}
	return r
}
