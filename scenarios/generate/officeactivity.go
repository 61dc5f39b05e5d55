package generate

import (
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/soclab/soclab/scenarios/scenario"
)

// officeRow starts an OfficeActivity row of the Microsoft 365 connector for user u.
func (g *gen) officeRow(f *gofakeit.Faker, at time.Time, u *User, op, recordType, workload, ip string) row {
	id := uuidFrom(f)
	return g.tables[tOfficeActivity].newRow().
		set("TimeGenerated", at).set("Operation", op).set("RecordType", recordType).set("OfficeWorkload", workload).
		set("UserId", u.UPN).set("UserKey", u.ObjectID).set("UserType", "Regular").set("ClientIP", ip).
		set("ResultStatus", "Succeeded").set("OrganizationId", g.p.TenantID).set("OfficeTenantId", g.p.TenantID).
		set("OrganizationName", strings.TrimSuffix(g.p.TenantDomain, ".com")+".onmicrosoft.com").
		set("SourceRecordId", id).set("OfficeId", id).set("_BilledSize", float64(1200+f.IntN(1500))).set("_IsBillable", "True").
		set("SourceSystem", "OfficeActivityManager").set("TenantId", g.p.WorkspaceID).set("Type", "OfficeActivity").
		set("UserDomain", g.p.TenantDomain)
}

// mailItemsAccessed is Exchange's aggregated record of a client reading n items of u's mailbox.
func (g *gen) mailItemsAccessed(f *gofakeit.Faker, at time.Time, u *User, ip, client string, n int) row {
	folders := jsonString([]any{map[string]any{"FolderItems": []any{map[string]any{"InternetMessageId": "<" + strings.ToUpper(f.LetterN(12)) + "@" + g.p.TenantDomain + ">"}},
		"Id": "LgAAAA" + f.LetterN(20), "Path": `\Inbox`}})
	return g.officeRow(f, at, u, "MailItemsAccessed", "ExchangeItemAggregated", "Exchange", ip).
		set("MailboxOwnerUPN", u.UPN).set("MailboxOwnerSid", u.SID).set("LogonUserSid", u.SID).set("Logon_Type", "0").
		set("MailboxGuid", nameUUID("mailbox", u.UPN)).set("InternalLogonType", int64(0)).
		set("ClientInfoString", client).set("ExternalAccess", "false").set("Folders", folders).
		set("OriginatingServer", "BN8PR12MB"+f.DigitN(4)+" (15.20.8356.010)").set("CrossMailboxOperations", false).
		set("OperationProperties", []any{map[string]any{"Name": "MailAccessType", "Value": "Bind"},
			map[string]any{"Name": "IsThrottled", "Value": "False"}, map[string]any{"Name": "OperationCount", "Value": strconv.Itoa(n)}}).
		set("ClientAppId", "00000002-0000-0ff1-ce00-000000000000").set("AppId", "00000002-0000-0ff1-ce00-000000000000")
}

// officeDay writes a user's day in Microsoft 365: the mail client's access to the mailbox and,
// some days, a SharePoint document opened or changed.
func (g *gen) officeDay(b *batch, f *gofakeit.Faker, u *User, day time.Time, ip string) {
	at := localTime(day, u.Office.Location, 8.5+f.Float64()*8)
	b.emit(tOfficeActivity, g.mailItemsAccessed(f, at, u, ip, "Client=MSExchangeRPC", 5+f.IntN(40)), RowMeta{Time: at, Source: SourceOffice365})
	if f.IntN(2) == 0 {
		at = at.Add(time.Duration(f.IntN(3600)) * time.Second)
		file := slug(f.Word()) + "-" + f.DigitN(2) + []string{".docx", ".xlsx", ".pptx"}[f.IntN(3)]
		site := "https://" + strings.TrimSuffix(g.p.TenantDomain, ".com") + ".sharepoint.com/sites/" + strings.ReplaceAll(u.Department, " ", "")
		op := []string{"FileAccessed", "FileModified"}[f.IntN(2)]
		r := g.officeRow(f, at, u, op, "SharePointFileOperation", "SharePoint", ip).
			set("Site_Url", site+"/").set("SourceRelativeUrl", "Shared Documents").set("SourceFileName", file).
			set("SourceFileExtension", file[strings.LastIndexByte(file, '.')+1:]).set("OfficeObjectId", site+"/Shared Documents/"+file).
			set("ItemType", "File").set("EventSource", "SharePoint").set("Site_", nameUUID("site", u.Department)).
			set("UserAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
		b.emit(tOfficeActivity, r, RowMeta{Time: at, Source: SourceOffice365})
	}
}

// mailboxActions writes the attacker's Exchange operations in the victim's mailbox.
func (g *gen) mailboxActions(b *batch, f *gofakeit.Faker, victim *User, actions []scenario.MailboxAction, meta RowMeta) {
	for _, a := range actions {
		switch a.Operation {
		case "MailItemsAccessed":
			r := g.mailItemsAccessed(f, a.At, victim, a.IP, "Client=OWA;Action=ViaProxy", a.Items).
				set("UserAgent", g.s.Attack.UserAgent)
			b.emit(tOfficeActivity, r, withSource(meta, SourceOffice365, a.At))
		default:
			params := make([]any, 0, len(a.Params))
			name := ""
			for _, p := range a.Params {
				params = append(params, map[string]any{"Name": p.Name, "Value": p.Value})
				if p.Name == "Name" {
					name = p.Value
				}
			}
			r := g.officeRow(f, a.At, victim, a.Operation, "ExchangeAdmin", "Exchange", a.IP+":"+strconv.Itoa(40000+f.IntN(20000))).
				set("Parameters", jsonString(params)).set("OfficeObjectId", victim.UPN+`\`+name).
				set("ExternalAccess", "false").set("OriginatingServer", "BN8PR12MB"+f.DigitN(4)+" (15.20.8356.010)").
				set("AppId", "00000002-0000-0ff1-ce00-000000000000")
			b.emit(tOfficeActivity, r, withSource(meta, SourceOffice365, a.At))
		}
	}
}
