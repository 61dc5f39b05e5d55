package scenario

import "time"

// Background is the normal activity of the days before the attack.
type Background struct {
	// WorkHours are the local hours [start, end) in which people work.
	WorkHours [2]int `yaml:"workHours"`
	// Holidays are days (YYYY-MM-DD) treated like weekends.
	Holidays []string `yaml:"holidays"`
	// Profiles describe how much each kind of user does per working day.
	Profiles map[string]Profile `yaml:"profiles"`
	// Failures are the sign-in failures sprinkled over normal sign-ins, with weights.
	Failures []Failure `yaml:"failures"`
	// FailureRate is the share of interactive sign-ins preceded by a failure.
	FailureRate float64 `yaml:"failureRate"`
	// RefreshFailures are the token-refresh failures of non-interactive sign-ins, with weights,
	// and RefreshFailureRate the share of non-interactive sign-ins that fail.
	RefreshFailures    []Failure `yaml:"refreshFailures"`
	RefreshFailureRate float64   `yaml:"refreshFailureRate"`
	// Noise is benign activity that looks suspicious.
	Noise []Noise `yaml:"noise"`
}

// Range is an inclusive [min, max] count.
type Range [2]int

// Profile is the daily behaviour of one kind of user.
type Profile struct {
	Interactive    Range    `yaml:"interactive"`
	NonInteractive Range    `yaml:"nonInteractive"`
	CloudApp       Range    `yaml:"cloudApp"`
	ARMOperations  Range    `yaml:"armOperations"`
	DirectoryEdits Range    `yaml:"directoryEdits"`
	SecretReads    Range    `yaml:"secretReads"`
	BlobReads      Range    `yaml:"blobReads"`
	Apps           []string `yaml:"apps"`
	// WeekendShare is the chance a user of this profile does anything on a weekend day.
	WeekendShare float64 `yaml:"weekendShare"`
}

// Failure is a sign-in error code and its weight among failures.
type Failure struct {
	Code   int `yaml:"code"`
	Weight int `yaml:"weight"`
}

// Noise kinds.
const (
	NoiseTravel   = "travel"
	NoiseVPN      = "vpn"
	NoiseAudit    = "audit"
	NoiseARMBurst = "arm-burst"
)

// Noise is one benign-but-suspicious pattern.
type Noise struct {
	ID          string `yaml:"id"`
	Kind        string `yaml:"kind"`
	Description string `yaml:"description"`
	User        string `yaml:"user"`
	Place       string `yaml:"place"`
	// From/To bound travel (days, inclusive); Share is the VPN's share of sign-ins.
	From  string  `yaml:"from"`
	To    string  `yaml:"to"`
	Share float64 `yaml:"share"`
	// Risk is the sign-in risk Entra gives the noisy sign-ins.
	Risk string `yaml:"risk"`
	// Events are the exact actions of an audit or arm-burst noise.
	Events []Event `yaml:"events"`
}

// Attack is the timeline of the compromise.
type Attack struct {
	// Start and End bound the attack window.
	Start time.Time `yaml:"start"`
	End   time.Time `yaml:"end"`
	// Victim is the compromised user.
	Victim string `yaml:"victim"`
	// Place is the attacker's network; UserAgent and Device describe the attacker's browser.
	Place     string `yaml:"place"`
	UserAgent string `yaml:"userAgent"`
	Device    Device `yaml:"device"`
	Steps     []Step `yaml:"steps"`
	// Return is the attacker's comeback after the window, whose outcome the directory decides.
	Return *Return `yaml:"return"`
	// Phish is the message that opened the attack (optional).
	Phish *Phish `yaml:"phish"`
}

// Step is one stage of the attack, replayable on its own.
type Step struct {
	ID        string `yaml:"id"`
	Title     string `yaml:"title"`
	Technique string `yaml:"technique"`
	Tactic    string `yaml:"tactic"`
	// ReplayWith names earlier steps that a replay of this one plays first, keeping their
	// original spacing: the attacker needs a fresh session before reading secrets again, and
	// detections that join on a recent risky sign-in must see one.
	ReplayWith []string `yaml:"replayWith"`
	Events     []Event  `yaml:"events"`
}

// Event kinds.
const (
	EventSignIn   = "signin"
	EventSpray    = "spray"
	EventKeyVault = "keyvault"
	EventARM      = "arm"
	EventBlob     = "blob"
	EventAudit    = "audit"
	EventAlert    = "alert"
)

// Event is one action (or a burst of the same action) at a time.
type Event struct {
	Kind string    `yaml:"kind"`
	At   time.Time `yaml:"at"`
	// User is the actor (UPN local part); IP overrides the address drawn from the actor's place.
	User string `yaml:"user"`
	IP   string `yaml:"ip"`
	// Count repeats the action every Every (a Go duration) from At.
	Count int    `yaml:"count"`
	Every string `yaml:"every"`

	// signin / spray
	App            string   `yaml:"app"`
	Result         int      `yaml:"result"`
	Risk           string   `yaml:"risk"`
	RiskEventTypes []string `yaml:"riskEventTypes"`
	Interactive    *bool    `yaml:"interactive"`
	Users          []string `yaml:"users"`
	IPs            []string `yaml:"ips"`
	// Sample adds that many generated users (picked under the seed) to a spray's targets.
	Sample int `yaml:"sample"`

	// keyvault
	Vault     string   `yaml:"vault"`
	Operation string   `yaml:"operation"`
	Secrets   []string `yaml:"secrets"`

	// arm: each operation on a resource (name) or group.
	Operations []ARMAction `yaml:"operations"`

	// blob
	Account   string   `yaml:"account"`
	Container string   `yaml:"container"`
	Blobs     []string `yaml:"blobs"`
	Auth      string   `yaml:"auth"`

	// audit
	Activity string `yaml:"activity"`
	// ServicePrincipal makes a service principal of the cast the actor instead of User (an
	// attacker holding the application's client secret); audit events only.
	ServicePrincipal string      `yaml:"servicePrincipal"`
	Target           AuditTarget `yaml:"target"`
	// Failed marks a directory change the actor was not allowed to make.
	Failed bool `yaml:"failed"`

	// alert: a Defender product's own detection (AlertInfo + AlertEvidence); the evidence is the
	// user, the ip or ips and the named resources.
	Title     string   `yaml:"title"`
	Severity  string   `yaml:"severity"`
	Service   string   `yaml:"service"`
	Category  string   `yaml:"category"`
	Resources []string `yaml:"resources"`

	// Interval is Every parsed.
	Interval time.Duration `yaml:"-"`
}

// ARMAction is one ARM operation on a resource (by name) or a resource group.
type ARMAction struct {
	Operation     string `yaml:"operation"`
	Resource      string `yaml:"resource"`
	ResourceGroup string `yaml:"resourceGroup"`
}

// AuditTarget is what a directory change acts on.
type AuditTarget struct {
	User        string `yaml:"user"`
	DisplayName string `yaml:"displayName"`
	Role        string `yaml:"role"`
	Group       string `yaml:"group"`
}

// Fault kinds (their effects are applied by the simulator).
const (
	FaultRemoveDiagnosticSetting = "remove-diagnostic-setting"
	FaultSyncSeverityFilter      = "sync-severity-filter"
	FaultSyncOff                 = "sync-off"
	FaultCopilotPluginOff        = "copilot-plugin-disconnected"
	// FaultCopilotRoleMissing removes the analysts' Defender-capable directory roles.
	FaultCopilotRoleMissing = "copilot-role-missing"
)

// Fault is a break-and-fix switch.
type Fault struct {
	ID          string `yaml:"id"`
	Case        int    `yaml:"case"`
	Kind        string `yaml:"kind"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Fix         string `yaml:"fix"`
	// Target names what the fault acts on (a diagnostic setting, a plugin).
	Target string `yaml:"target"`
	// MinSeverity is the sync filter's threshold for sync-severity-filter.
	MinSeverity string `yaml:"minSeverity"`
}
