package scenario

import "time"

// Scenario is one lab scenario as written in its folder: the meta file, the cast, the background
// profile, the attack timeline and the break-and-fix faults. Load fills and validates it.
type Scenario struct {
	// Name is the folder name (alex-johnson).
	Name string `yaml:"name"`
	// Title is a one-line human title.
	Title string `yaml:"title"`
	// Description says what the scenario teaches.
	Description string `yaml:"description"`
	// AttackDay is the UTC day of the attack; background covers the days before it and the day itself.
	AttackDay string `yaml:"attackDay"`
	// Tenant holds the directory's names and the default ids used when the simulator gives none.
	Tenant Tenant `yaml:"tenant"`
	// Places are the named networks: offices, home ISPs, travel, VPN egress, the attacker.
	Places []Place `yaml:"places"`

	Cast       Cast       `yaml:"cast"`
	Background Background `yaml:"background"`
	Attack     Attack     `yaml:"attack"`
	Faults     []Fault    `yaml:"faults"`

	// Day is AttackDay parsed (midnight UTC).
	Day time.Time `yaml:"-"`
}

// Tenant names the Entra tenant.
type Tenant struct {
	Domain                string `yaml:"domain"`
	DisplayName           string `yaml:"displayName"`
	DefaultTenantID       string `yaml:"defaultTenantId"`
	DefaultSubscriptionID string `yaml:"defaultSubscriptionId"`
}

// Place kinds.
const (
	PlaceOffice   = "office"
	PlaceHome     = "home"
	PlaceTravel   = "travel"
	PlaceVPN      = "vpn"
	PlaceAttacker = "attacker"
	PlaceCloud    = "cloud"
)

// Place is a network location: every IP drawn from CIDR geolocates to City/Country and ASN/ISP.
type Place struct {
	ID        string  `yaml:"id"`
	Kind      string  `yaml:"kind"`
	City      string  `yaml:"city"`
	State     string  `yaml:"state"`
	Country   string  `yaml:"country"`
	Latitude  float64 `yaml:"latitude"`
	Longitude float64 `yaml:"longitude"`
	Timezone  string  `yaml:"timezone"`
	CIDR      string  `yaml:"cidr"`
	ASN       int     `yaml:"asn"`
	ISP       string  `yaml:"isp"`
	// Street is the office's street address (offices only).
	Street string `yaml:"street"`
	// Trusted marks a named location of the corporate network (Conditional Access trusted IPs).
	Trusted bool `yaml:"trusted"`

	// Location is Timezone loaded.
	Location *time.Location `yaml:"-"`
}

// Cast is the tenant's directory and Azure estate at the start of the scenario.
type Cast struct {
	// Departments describe the generated users: how many, titles, groups, offices, behaviour.
	Departments []Department `yaml:"departments"`
	// Groups are the security groups.
	Groups []Group `yaml:"groups"`
	// DirectoryRoles are the Entra roles the cast uses, with their well-known template ids.
	DirectoryRoles []DirectoryRole `yaml:"directoryRoles"`
	// People are the hand-written users (alex.johnson, admins, SOC analysts, the noise makers).
	People []Person `yaml:"people"`
	// Apps are the client applications users sign in to.
	Apps []App `yaml:"apps"`
	// ServicePrincipals are the tenant's own workloads (they read Key Vault and blobs).
	ServicePrincipals []ServicePrincipal `yaml:"servicePrincipals"`
	// Subscriptions are the Azure subscriptions (the first one takes Params.SubscriptionID).
	Subscriptions []Subscription `yaml:"subscriptions"`
	// ResourceGroups and their resources.
	ResourceGroups []ResourceGroup `yaml:"resourceGroups"`
	// KeyVaults with the names of their secrets.
	KeyVaults []KeyVault `yaml:"keyVaults"`
	// StorageAccounts with containers and blobs.
	StorageAccounts []StorageAccount `yaml:"storageAccounts"`
	// DiagnosticSettings that exist at the start (routing reads them).
	DiagnosticSettings []DiagnosticSetting `yaml:"diagnosticSettings"`
}

// Department is a slice of the generated workforce.
type Department struct {
	Name    string   `yaml:"name"`
	Weight  int      `yaml:"weight"`
	Titles  []string `yaml:"titles"`
	Groups  []string `yaml:"groups"`
	Office  string   `yaml:"office"`
	Homes   []string `yaml:"homes"`
	Profile string   `yaml:"profile"`
	// AzureRoles are given to every generated member of the department.
	AzureRoles []RoleAssignment `yaml:"azureRoles"`
	// Devices are the device models members use (each gets its own name and id).
	Devices []Device `yaml:"devices"`
}

// Group is an Entra security group.
type Group struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

// DirectoryRole is an Entra built-in role.
type DirectoryRole struct {
	Name       string `yaml:"name"`
	TemplateID string `yaml:"templateId"`
}

// Person is a named user. User is the UPN's local part.
type Person struct {
	User           string           `yaml:"user"`
	GivenName      string           `yaml:"givenName"`
	Surname        string           `yaml:"surname"`
	Department     string           `yaml:"department"`
	JobTitle       string           `yaml:"jobTitle"`
	Manager        string           `yaml:"manager"`
	Groups         []string         `yaml:"groups"`
	DirectoryRoles []string         `yaml:"directoryRoles"`
	AzureRoles     []RoleAssignment `yaml:"azureRoles"`
	Office         string           `yaml:"office"`
	Home           string           `yaml:"home"`
	Profile        string           `yaml:"profile"`
	Devices        []Device         `yaml:"devices"`
}

// RoleAssignment is an Azure RBAC role on a scope (a resource group, vault or account name, or "subscription").
type RoleAssignment struct {
	Role  string `yaml:"role"`
	Scope string `yaml:"scope"`
}

// Device is a user's machine as sign-in logs describe it.
type Device struct {
	Name      string `yaml:"name"`
	OS        string `yaml:"os"`
	Browser   string `yaml:"browser"`
	Trust     string `yaml:"trust"`
	Compliant bool   `yaml:"compliant"`
	Managed   bool   `yaml:"managed"`
}

// App is a client application (first-party ids are the real ones).
type App struct {
	Name     string `yaml:"name"`
	AppID    string `yaml:"appId"`
	Resource string `yaml:"resource"`
	// ResourceID is the resource's application id.
	ResourceID string `yaml:"resourceId"`
	// Client is ClientAppUsed: Browser or Mobile Apps and Desktop clients.
	Client string `yaml:"client"`
	// CloudApp is the Defender for Cloud Apps application name and id for CloudAppEvents.
	CloudApp   string `yaml:"cloudApp"`
	CloudAppID int64  `yaml:"cloudAppId"`
}

// ServicePrincipal is a workload identity of the tenant.
type ServicePrincipal struct {
	Name  string `yaml:"name"`
	Place string `yaml:"place"`
	// KeyVault and Secrets it reads every ReadEveryMinutes.
	KeyVault         string   `yaml:"keyVault"`
	Secrets          []string `yaml:"secrets"`
	ReadEveryMinutes int      `yaml:"readEveryMinutes"`
	// Storage account/container it reads blobs from, BlobReadsPerDay times.
	StorageAccount  string `yaml:"storageAccount"`
	Container       string `yaml:"container"`
	BlobReadsPerDay int    `yaml:"blobReadsPerDay"`
}

// Subscription is an Azure subscription of the tenant.
type Subscription struct {
	Key  string `yaml:"key"`
	Name string `yaml:"name"`
}

// ResourceGroup holds named resources (Type is the ARM type, e.g. Microsoft.Compute/virtualMachines).
type ResourceGroup struct {
	Name         string     `yaml:"name"`
	Location     string     `yaml:"location"`
	Subscription string     `yaml:"subscription"`
	Resources    []Resource `yaml:"resources"`
}

// Resource is one Azure resource of a group.
type Resource struct {
	Type string `yaml:"type"`
	Name string `yaml:"name"`
}

// KeyVault is a vault and its secrets; the vault must also be listed in its resource group.
type KeyVault struct {
	Name          string   `yaml:"name"`
	ResourceGroup string   `yaml:"resourceGroup"`
	Secrets       []string `yaml:"secrets"`
}

// StorageAccount is a storage account with blob containers.
type StorageAccount struct {
	Name          string      `yaml:"name"`
	ResourceGroup string      `yaml:"resourceGroup"`
	Containers    []Container `yaml:"containers"`
}

// Container is a blob container.
type Container struct {
	Name  string `yaml:"name"`
	Blobs []Blob `yaml:"blobs"`
}

// Blob is one blob and its size in bytes. Content, when set, is what a read returns
// (externaldata reads it through the blob's URL); blobs without it are metadata only.
type Blob struct {
	Name    string `yaml:"name"`
	Size    int64  `yaml:"size"`
	Content string `yaml:"content"`
}

// DiagnosticSetting routes a source's categories to a workspace.
type DiagnosticSetting struct {
	Name string `yaml:"name"`
	// Scope is "tenant" (Entra ID), "subscription", or a key vault / storage account name.
	Scope string `yaml:"scope"`
	// Workspace is the destination Log Analytics workspace as resourceGroup/name.
	Workspace  string   `yaml:"workspace"`
	Categories []string `yaml:"categories"`
	// Sources are the event sources (generate.Source values) this setting routes.
	Sources []string `yaml:"sources"`
}

// Step returns the attack step with an id.
func (s *Scenario) Step(id string) (*Step, bool) {
	for i := range s.Attack.Steps {
		if s.Attack.Steps[i].ID == id {
			return &s.Attack.Steps[i], true
		}
	}
	return nil, false
}

// Fault returns the break-and-fix switch with an id.
func (s *Scenario) Fault(id string) (*Fault, bool) {
	for i := range s.Faults {
		if s.Faults[i].ID == id {
			return &s.Faults[i], true
		}
	}
	return nil, false
}

// DiagnosticSetting returns the standing diagnostic setting with a name.
func (s *Scenario) DiagnosticSetting(name string) (*DiagnosticSetting, bool) {
	for i := range s.Cast.DiagnosticSettings {
		if s.Cast.DiagnosticSettings[i].Name == name {
			return &s.Cast.DiagnosticSettings[i], true
		}
	}
	return nil, false
}
