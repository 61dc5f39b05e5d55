package generate

import (
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// cloudAppEvent is one Defender for Cloud Apps record.
type cloudAppEvent struct {
	at           time.Time
	a            actor
	action       string
	app          string
	appID        int64
	activityType string
	objectName   string
	objectType   string
	objectID     string
	raw          map[string]any
	objects      []any
	admin        bool
	meta         RowMeta
}

func (g *gen) emitCloudApp(b *batch, f *gofakeit.Faker, e cloudAppEvent) {
	u, pl := e.a.user, e.a.place
	unusual := pl.Kind == scenario.PlaceAttacker || pl.Kind == scenario.PlaceTravel || pl.Kind == scenario.PlaceVPN
	lastSeen := map[string]any{"ActionType": int64(0), "ISP": int64(0), "CountryCode": int64(0), "OSPlatform": int64(0)}
	uncommon := []any{}
	if unusual {
		lastSeen = map[string]any{"ActionType": int64(0), "ISP": int64(-1), "CountryCode": int64(-1), "OSPlatform": int64(-1)}
		uncommon = []any{"ISP", "CountryCode", "City", "OSPlatform"}
	}
	ipCategory := ""
	var ipTags any
	if pl.Trusted {
		ipCategory, ipTags = "Corporate", []any{"Contoso corporate"}
	}
	if pl.Kind == scenario.PlaceVPN {
		ipTags = []any{"VPN"}
	}
	accountType := "Regular"
	if e.admin && len(u.DirectoryRoles) > 0 {
		accountType = "Admin"
	}
	deviceType := "Desktop"
	if strings.HasPrefix(e.a.device.OS, "Ios") || strings.HasPrefix(e.a.device.OS, "Android") {
		deviceType = "Mobile"
	}
	r := g.tables[tCloudApp].newRow().
		set("Timestamp", e.at).set("ActionType", e.action).set("Application", e.app).set("ApplicationId", e.appID).
		set("AppInstanceId", int64(0)).set("AccountObjectId", u.ObjectID).set("AccountId", u.UPN).
		set("AccountDisplayName", u.DisplayName).set("IsAdminOperation", e.admin).set("DeviceType", deviceType).
		set("OSPlatform", e.a.device.OS).set("IPAddress", e.a.ip).set("IsAnonymousProxy", false).
		set("CountryCode", pl.Country).set("City", pl.City).set("Isp", pl.ISP).set("UserAgent", e.a.device.UserAgent).
		set("ActivityType", e.activityType).set("ActivityObjects", e.objects).set("ObjectName", e.objectName).
		set("ObjectType", e.objectType).set("ObjectId", e.objectID).set("ReportId", strconv.FormatUint(f.Uint64()>>12, 10)).
		set("AccountType", accountType).set("IsExternalUser", false).set("IsImpersonated", false).
		set("IPTags", ipTags).set("IPCategory", ipCategory).set("UserAgentTags", []any{}).set("RawEventData", e.raw).
		set("AdditionalFields", map[string]any{}).set("LastSeenForUser", lastSeen).set("UncommonForUser", uncommon).
		set("AuditSource", "Defender for Cloud Apps").set("SessionData", map[string]any{})
	b.emit(tCloudApp, r, withSource(e.meta, SourceDefenderCloudApps, e.at))
}

// officeActivity is the everyday Microsoft 365 activity of one app.
type officeActivity struct {
	actions    []string
	objectType string
	workload   string
	recordType int64
}

var officeActivities = map[string]officeActivity{
	"Microsoft Exchange Online":       {[]string{"MailItemsAccessed", "Send", "MailItemsAccessed"}, "Email", "Exchange", 50},
	"Microsoft Teams":                 {[]string{"TeamsSessionStarted", "MessageSent", "ChatRetrieved"}, "Teams chat", "MicrosoftTeams", 25},
	"Microsoft OneDrive for Business": {[]string{"FileAccessed", "FileModified", "FileUploaded", "FileDownloaded"}, "File", "OneDrive", 6},
	"Office 365":                      {[]string{"FileAccessed", "FilePreviewed", "PageViewed"}, "File", "SharePoint", 6},
}

var documentNames = []string{"Budget", "Forecast", "Roadmap", "Minutes", "Proposal", "Report", "Plan", "Notes", "Review", "Checklist"}

// emitOfficeActivity writes one routine Microsoft 365 activity of a user.
func (g *gen) emitOfficeActivity(b *batch, f *gofakeit.Faker, at time.Time, a actor) {
	act, ok := officeActivities[a.app.CloudApp]
	if !ok {
		act = officeActivities["Office 365"]
	}
	action := act.actions[f.IntN(len(act.actions))]
	local, _, _ := strings.Cut(a.user.UPN, "@")
	personal := strings.ReplaceAll(local, ".", "_") + "_" + strings.ReplaceAll(g.p.TenantDomain, ".", "_")
	object := "https://" + strings.Split(g.p.TenantDomain, ".")[0] + "-my.sharepoint.com/personal/" + personal +
		"/Documents/" + documentNames[f.IntN(len(documentNames))] + "-" + strconv.Itoa(2024+f.IntN(2)) + ".docx"
	if act.objectType == "Email" || act.objectType == "Teams chat" {
		object = a.user.UPN
	}
	raw := map[string]any{
		"CreationTime": at.Format("2006-01-02T15:04:05"), "Id": uuidFrom(f), "Operation": action,
		"OrganizationId": g.p.TenantID, "RecordType": act.recordType, "UserKey": a.user.ObjectID, "UserType": int64(0),
		"Version": int64(1), "Workload": act.workload, "ClientIP": a.ip, "UserId": a.user.UPN, "ObjectId": object,
	}
	g.emitCloudApp(b, f, cloudAppEvent{
		at: at, a: a, action: action, app: a.app.CloudApp, appID: a.app.CloudAppID, activityType: "Basic",
		objectName: object, objectType: act.objectType, objectID: object, raw: raw,
		objects: []any{map[string]any{"Type": "User", "Role": "Actor", "Name": a.user.DisplayName, "Id": a.user.ObjectID}},
	})
}
