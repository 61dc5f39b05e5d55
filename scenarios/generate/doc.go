// Package generate turns a scenario into the rows of the real log tables, deterministically.
//
// # Calling it
//
//	s, err := scenario.LoadBuiltin("alex-johnson")
//	cast, err := generate.ResolveCast(s, generate.Params{TenantID: tid, SubscriptionID: sub, WorkspaceID: ws, Seed: 1})
//	tel, err := generate.GenerateCast(s, cast)   // or generate.Generate(s, params)
//	for _, tb := range tel.All() { ... tb.Name, tb.Columns, tb.Rows[i], tb.Meta[i] ... }
//
// The same scenario and Params give byte-identical tables (gofakeit on PCG streams whose seeds
// derive from Params.Seed and the stream's name: one stream per user, service principal, noise
// pattern and attack step; streams run in parallel and are merged in a fixed order). Params
// default to the scenario's tenant and subscription ids, seed 1, 200 users and 30 days.
// ReplayStep(s, cast, stepID, at, nonce) makes one attack step's rows again, starting at at, for
// `soclab attack replay STEP`. ResolveCast gives the simulator the directory that matches the
// telemetry: users with UPNs,
// object ids (UserObjectID(tenant, upn), also for users an "Add user" event creates), groups,
// roles, devices and home IPs; service principals; ResourceID gives ARM ids.
//
// # Output contract
//
// Telemetry covers [Start, End): the Days days before the scenario's attack day and the attack
// day itself (UTC). Tables (names in Tables) are SigninLogs, AADNonInteractiveUserSignInLogs,
// AuditLogs, AzureActivity, AzureDiagnostics (Key Vault AuditEvent), StorageBlobLogs,
// CloudAppEvents, IdentityLogonEvents, AADSignInEventsBeta, IdentityInfo, and the Defender
// products' own alerts in AlertInfo and AlertEvidence (AlertID gives their ids; Sentinel's
// SecurityAlert/SecurityIncident come from the rule engine, not from here), and UEBA's
// BehaviorAnalytics for every interactive sign-in (insights against a learned baseline,
// InvestigationPriority 0-10). Each Table has the
// schema's columns in schema order (package catalog; the advanced-hunting variant for the
// Defender tables) and Rows sorted by event time (stable). A row is []any with one value per
// column:
//
//	datetime -> time.Time (UTC)        string, guid -> string (never nil: Kusto strings are "")
//	int, long -> int64                 real -> float64          bool -> bool
//	dynamic  -> map[string]any / []any (JSON-shaped: string, float64, int64, bool, nil inside)
//	null     -> nil (non-string columns only)
//
// Rows and their dynamic values are read-only: values are shared between rows. String columns
// that real tables fill with serialized JSON (AADNonInteractiveUserSignInLogs.LocationDetails,
// AuthenticationDetails...) hold JSON text.
//
// Meta[i] travels with Rows[i] and is not a column: Time (the table's time column), Source (the
// emitter, for routing: entra-signin, entra-noninteractive, entra-audit, azure-activity,
// keyvault, storage, defender-cloudapps, defender-identity, defender-xdr, sentinel-ueba), Step
// (the attack step id, "" for background) and Noise (the benign-noise id, ""). Routing decides
// per Source whether a row reaches a workspace (the cast's diagnosticSettings list which source
// each setting routes; a fault removes one), adds ingestion delay, and hides rows whose Time is
// after the tenant's clock; Table.Between finds a time range by binary search. The TenantId
// column of workspace tables holds Params.WorkspaceID (default: the tenant id).
//
// Consistency: one sign-in is one SigninLogs (or AADNonInteractiveUserSignInLogs) row, one
// AADSignInEventsBeta row and, when interactive, one IdentityLogonEvents row, with the same
// CorrelationId (ReportId in IdentityLogonEvents), time, IP and location; a directory change is
// an AuditLogs row and a CloudAppEvents row whose RawEventData.Id is the CorrelationId; an ARM
// operation is two AzureActivity rows (Start, Success; same CorrelationId and OperationId) and a
// CloudAppEvents row (Application "Microsoft Azure"). Every IP lies in one declared place, so its
// city, country and ASN agree wherever it appears.
package generate
