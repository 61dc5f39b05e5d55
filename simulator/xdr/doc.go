// Package xdr is the Microsoft Defender XDR side of a tenant: the Defender products' own alerts
// (Entra ID Protection, Defender for Cloud Apps, Defender for Cloud) raised from the scenario's
// attack, the correlation engine that groups them with the Sentinel rules' alerts into
// multi-stage incidents, and the two-way incident sync with Microsoft Sentinel.
//
// Everything lives in the tenant collection "xdr" (alerts, incidents, the Sentinel settings of
// the Defender portal, the engine's progress), so reset drops it with the tenant.
//
// Alerts. Each `kind: alert` event of the scenario's attack (and of every replay of its step)
// becomes a Defender alert DetectionDelay after its time once the attack is launched, with the
// id generate.AlertID gives the AlertInfo/AlertEvidence rows, so advanced hunting and Graph agree.
// The product knowledge (detector ids, detection sources, descriptions, recommended actions) is
// in catalog.go. When the MicrosoftThreatProtection connector of an onboarded workspace brings
// incidents in and the Defender-side sync is on, the Sentinel rules' alerts whose severity passes
// the sync filter join the correlation too (serviceSource microsoftSentinel).
//
// Correlation. An alert joins the open incident that shares an entity (account, IP address,
// Azure resource) with it and was active within CorrelationWindow; when it links several
// incidents they are merged into the oldest: the others' alerts move and they become
// `redirected` with redirectIncidentId. Incidents are numbered per tenant, take the highest
// alert severity and are named as Defender names them (see Name).
//
// Sync. With the connector on, every Defender incident appears in the workspace as a Sentinel
// incident (providerName "Microsoft 365 Defender", providerIncidentId = the Defender id) SyncDelay
// after its creation, with every alert attached; the Sentinel rules' own single-alert incidents of
// the merged alerts are closed as redirected. Status, owner and classification changed on either
// side reach the other side SyncDelay later on the lab clock. Sentinel incidents are written only
// through simulator/sentinel's store API, so its incident events record them.
//
// Engine.Advance(tenant, to) does all of it up to lab time to; it is idempotent and cheap when
// nothing is due.
package xdr
