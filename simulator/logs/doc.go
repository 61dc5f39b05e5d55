// Package logs decides which events of a tenant reach which Log Analytics workspace table, and
// when: log routing, ingestion delay and the tenant's virtual clock.
//
// Sources (scenarios/generate.Source) emit events: Entra sign-ins and audits, the subscription's
// activity log, Key Vault and storage data-plane logs, the Defender products. A source reaches a
// workspace only through what is configured, as in Azure:
//
//   - the scenario's standing connections (cast.yaml diagnosticSettings, plus the Defender XDR
//     and UEBA streams) attach to the lab workspace (rg-contoso-unified-soc/law-contoso-unified)
//     as soon as the learner creates it, with the whole history, as if it had been collecting;
//     a remove-diagnostic-setting fault (kv-diagnostics-missing) takes its setting away;
//   - diagnostic settings the learner creates through ARM route their sources from the moment
//     they were written (the action log says when): later events only;
//   - learner-caused rows join the same tables: ARM writes (the action log → AzureActivity),
//     replayed attack steps, and rows other parts append (SecurityAlert, SecurityIncident,
//     SentinelHealth).
//
// A routed row becomes visible at its ingestion time: event time plus the table's delay (see
// Delays). Attack rows are visible only once the attack was launched.
//
// Telemetry is generated once per engine (deterministic: scenario, seed, and the scenario's
// default tenant and subscription ids) and kept in memory as columnar tables shared by every
// tenant: a tenant's tables are the shared ones with its own ids substituted in the few columns
// that hold ids (generate.TenantTokens), plus its own rows. Per workspace and table a view holds
// the routed rows sorted by ingestion time; it is rebuilt only when that table's routing or
// extra rows change. Database(at) hands out prefixes of those views (no row is copied), so a
// rule engine can evaluate many rules per virtual minute.
package logs
