// Package copilot is the lab's Security Copilot: sessions, prompts and evaluations kept per
// tenant (tenant collection "copilot", so they survive restarts), and a deterministic answerer
// (no language model) that classifies a prompt's intent, extracts its entities (Defender
// incident number, Sentinel GUID, UPN, IP, CIDR) and answers in markdown from the tenant's
// simulated world (simulator/xdr, simulator/identity, the workspace's logs), listing its sources.
//
// An evaluation's answer is computed when it is created (the world as of that tenant time) and
// kept; its state is derived when read: "created" until first polled, "running" after, and
// "completed" once the tenant clock is EvalDuration past its creation or it has been polled
// twice (so a frozen lab clock still completes).
package copilot
