// Package defender is the Microsoft Defender XDR API (api.security.microsoft.com): an
// extensible route table under /api whose answers are JSON or the service's error envelope
// {"error":{"code","message","target"}} (target: a per-request tracking id). Tokens must be
// issued for api.security.microsoft.com. The advanced hunting route
// (POST /api/advancedhunting/run) comes from mockapis/hunting; incidents come later.
package defender
