package logs

import (
	"hash/fnv"
	"time"
)

// Delay is a table's ingestion latency: every row arrives between Min and Max after its event
// time (a fixed per-row draw, so the same row always arrives at the same moment).
type Delay struct {
	Min, Max time.Duration
}

// Delays are the modelled ingestion latencies per table. They follow Azure Monitor's published
// typical latencies: Entra ID sign-in and audit logs reach a workspace in about 2-5 minutes,
// the activity log in about 3, resource logs (Key Vault AuditEvent, storage) in about 2, the
// Defender XDR streaming tables in 1-3, and Sentinel's own tables (alerts, incidents, health)
// within a minute of being written.
var Delays = map[string]Delay{
	"SigninLogs":                      {2 * time.Minute, 5 * time.Minute},
	"AADNonInteractiveUserSignInLogs": {2 * time.Minute, 5 * time.Minute},
	"AuditLogs":                       {2 * time.Minute, 4 * time.Minute},
	"AzureActivity":                   {150 * time.Second, 210 * time.Second},
	"AzureDiagnostics":                {90 * time.Second, 150 * time.Second},
	"StorageBlobLogs":                 {90 * time.Second, 150 * time.Second},
	"CloudAppEvents":                  {1 * time.Minute, 3 * time.Minute},
	"IdentityLogonEvents":             {1 * time.Minute, 3 * time.Minute},
	"AADSignInEventsBeta":             {1 * time.Minute, 3 * time.Minute},
	"IdentityInfo":                    {1 * time.Minute, 3 * time.Minute},
	"AlertInfo":                       {30 * time.Second, 90 * time.Second},
	"AlertEvidence":                   {30 * time.Second, 90 * time.Second},
	"SecurityAlert":                   {10 * time.Second, 40 * time.Second},
	"SecurityIncident":                {10 * time.Second, 40 * time.Second},
	"SentinelHealth":                  {30 * time.Second, 60 * time.Second},
}

// defaultDelay is used for tables not listed in Delays.
var defaultDelay = Delay{1 * time.Minute, 3 * time.Minute}

// delayOf returns the table's delay.
func delayOf(table string) Delay {
	if d, ok := Delays[table]; ok {
		return d
	}
	return defaultDelay
}

// At returns the ingestion latency of one row, drawn from [Min, Max] by a hash of key (the
// table, the event time and the row's position), so it is stable across restarts.
func (d Delay) At(key uint64) time.Duration {
	span := d.Max - d.Min
	if span <= 0 {
		return d.Min
	}
	return d.Min + time.Duration(mix(key)%uint64(span/time.Second+1))*time.Second
}

// mix is SplitMix64's finalizer: a cheap, well-spread hash of a 64-bit key.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// tableKey is a per-table seed for the delay draws.
func tableKey(table string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(table))
	return h.Sum64()
}
