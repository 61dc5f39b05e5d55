package generate

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// partnerDomains are the outside organisations Contoso mails with (Microsoft's fictitious
// company names).
var partnerDomains = []string{"fabrikam.com", "northwindtraders.com", "adatum.com", "litwareinc.com",
	"tailspintoys.com", "woodgrovebank.com", "proseware.com", "wingtiptoys.com"}

// mailMsg is one message to one recipient as Defender for Office 365 logs it.
type mailMsg struct {
	at                               time.Time
	id, internetID                   string
	from, fromName, fromDomain       string
	senderOID, senderIP              string
	to                               *User
	subject, direction               string
	delivery, location               string
	threats, detection, confidence   string
	bulk                             int64
	urls                             []string
	attachment, attachmentType       string
	attachmentThreat, attachmentHash string
	attachmentSize                   int64
	auth                             string
	cluster                          int64
	meta                             RowMeta
}

// emitMail writes a message's EmailEvents row, one EmailUrlInfo row per URL and its
// EmailAttachmentInfo row.
func (g *gen) emitMail(b *batch, f *gofakeit.Faker, m mailMsg) {
	meta := withSource(m.meta, SourceDefenderOffice, m.at)
	report := m.id + "-" + strings.ToUpper(f.LetterN(6))
	att := int64(0)
	if m.attachment != "" {
		att = 1
	}
	action, policy := "No action taken", ""
	switch m.delivery {
	case "Junked":
		action, policy = "Move message to junk mail folder", "Antispam"
	case "Blocked":
		action, policy = "Send to quarantine", "Antiphish"
		if m.attachment != "" {
			policy = "Safe Attachments"
		}
	}
	r := g.tables[tEmailEvents].newRow().
		set("Timestamp", m.at).set("NetworkMessageId", m.id).set("InternetMessageId", m.internetID).
		set("SenderMailFromAddress", m.from).set("SenderFromAddress", m.from).set("SenderDisplayName", m.fromName).
		set("SenderObjectId", m.senderOID).set("SenderMailFromDomain", m.fromDomain).set("SenderFromDomain", m.fromDomain).
		set("SenderIPv4", m.senderIP).set("RecipientEmailAddress", m.to.UPN).set("RecipientObjectId", m.to.ObjectID).
		set("Subject", m.subject).set("EmailClusterId", m.cluster).set("EmailDirection", m.direction).
		set("DeliveryAction", m.delivery).set("DeliveryLocation", m.location).set("ThreatTypes", m.threats).
		set("DetectionMethods", m.detection).set("ConfidenceLevel", m.confidence).set("BulkComplaintLevel", m.bulk).
		set("EmailAction", action).set("EmailActionPolicy", policy).set("AuthenticationDetails", m.auth).
		set("AttachmentCount", att).set("UrlCount", int64(len(m.urls))).set("EmailLanguage", "en").
		set("ReportId", report).set("LatestDeliveryLocation", m.location).set("LatestDeliveryAction", m.delivery)
	if policy != "" {
		r.set("EmailActionPolicyGuid", nameUUID("policy", policy))
	}
	b.emit(tEmailEvents, r, meta)
	for i, u := range m.urls {
		host := u
		if p, err := url.Parse(u); err == nil {
			host = p.Host
		}
		b.emit(tEmailUrl, g.tables[tEmailUrl].newRow().set("Timestamp", m.at).set("NetworkMessageId", m.id).
			set("Url", u).set("UrlDomain", host).set("UrlLocation", "Body").set("ReportId", report+"-url"+string(rune('0'+i))), meta)
	}
	if m.attachment != "" {
		threat, names, detect := "", "", ""
		if m.attachmentThreat != "" {
			threat, names, detect = m.attachmentThreat, "HTML/Phish.Gen", `{"Phish":["File detonation"]}`
		}
		b.emit(tEmailAttach, g.tables[tEmailAttach].newRow().set("Timestamp", m.at).set("NetworkMessageId", m.id).
			set("SenderFromAddress", m.from).set("SenderDisplayName", m.fromName).set("SenderObjectId", m.senderOID).
			set("RecipientEmailAddress", m.to.UPN).set("RecipientObjectId", m.to.ObjectID).set("FileName", m.attachment).
			set("FileType", m.attachmentType).set("SHA256", m.attachmentHash).set("FileSize", m.attachmentSize).
			set("ThreatTypes", threat).set("ThreatNames", names).set("DetectionMethods", detect).set("ReportId", report+"-att"), meta)
	}
}

// click writes a Safe Links click (UrlClickEvents) of m's first URL by its recipient from ip.
func (g *gen) click(b *batch, f *gofakeit.Faker, m mailMsg, at time.Time, ip string, meta RowMeta) {
	u := m.urls[0]
	b.emit(tUrlClick, g.tables[tUrlClick].newRow().set("Timestamp", at).set("Url", u).set("ActionType", "ClickAllowed").
		set("AccountUpn", m.to.UPN).set("Workload", "Email").set("NetworkMessageId", m.id).set("ThreatTypes", "").
		set("DetectionMethods", "").set("IPAddress", ip).set("IsClickedThrough", false).
		set("UrlChain", jsonString([]any{u})).set("ReportId", uuidFrom(f)), withSource(meta, SourceDefenderOffice, at))
}

// newMail fills what every message has: ids and the recipient.
func newMail(f *gofakeit.Faker, at time.Time, to *User, from, fromName string) mailMsg {
	domain := from[strings.IndexByte(from, '@')+1:]
	return mailMsg{at: at, id: uuidFrom(f), internetID: "<" + strings.ToUpper(f.LetterN(12)) + f.DigitN(6) + "@" + domain + ">",
		from: from, fromName: fromName, fromDomain: domain, to: to, delivery: "Delivered", location: "Inbox/folder",
		confidence: `{"Phish":null,"Spam":"Normal"}`, auth: `{"SPF":"pass","DKIM":"pass","DMARC":"pass","CompAuth":"pass"}`,
		cluster: int64(f.Uint32())}
}

// mailDay writes a user's working day of mail: messages from partners and colleagues, some
// newsletters sent to junk, now and then a phish of someone else's campaign caught by the
// filters, and the clicks on the links of delivered mail.
func (g *gen) mailDay(b *batch, f *gofakeit.Faker, u *User, day time.Time, ip string) {
	start := localTime(day, u.Office.Location, 8.5)
	at := func() time.Time { return start.Add(time.Duration(f.IntN(9*3600)) * time.Second) }
	for range 1 + f.IntN(3) {
		d := partnerDomains[f.IntN(len(partnerDomains))]
		first := f.FirstName()
		m := newMail(f, at(), u, slug(first)+"."+slug(f.LastName())+"@"+d, first+" "+f.LastName())
		m.senderIP, m.direction = g.partnerIP[d], "Inbound"
		m.subject = []string{"Re: Q1 forecast", "Invoice " + f.DigitN(6), "Meeting notes", "Contract renewal", "Follow-up on our call"}[f.IntN(5)]
		if f.IntN(5) < 2 {
			m.urls = []string{"https://www." + d + "/" + slug(f.Word()) + "/" + f.DigitN(4)}
		}
		if f.IntN(6) == 0 {
			m.attachment, m.attachmentType = slug(f.Word())+"_"+f.DigitN(4)+".pdf", "pdf"
			m.attachmentHash, m.attachmentSize = fakeHash(m.attachment), int64(40_000+f.IntN(900_000))
		}
		g.emitMail(b, f, m)
		if len(m.urls) > 0 && f.IntN(8) == 0 {
			g.click(b, f, m, m.at.Add(time.Duration(60+f.IntN(3600))*time.Second), ip, RowMeta{})
		}
	}
	for range 1 + f.IntN(3) {
		from := g.cast.Users[f.IntN(len(g.cast.Users))]
		if from == u {
			continue
		}
		m := newMail(f, at(), u, from.UPN, from.DisplayName)
		m.senderOID, m.direction = from.ObjectID, "Intra-org"
		m.subject = []string{"Team sync", "Re: status update", "Lunch?", "Draft for review", "FW: announcement"}[f.IntN(5)]
		g.emitMail(b, f, m)
	}
	if f.IntN(4) == 0 {
		m := newMail(f, at(), u, "news@"+slug(f.Word())+"-offers.com", f.Company())
		m.senderIP, m.direction, m.bulk = g.publicAddress(f), "Inbound", int64(6+f.IntN(3))
		m.delivery, m.location, m.threats = "Junked", "Junk folder", "Spam"
		m.confidence, m.detection = `{"Phish":null,"Spam":"Normal"}`, `{"Spam":["Mixed analysis detection"]}`
		m.subject, m.urls = "Exclusive offer for you", []string{"https://" + m.fromDomain + "/deal"}
		g.emitMail(b, f, m)
	}
	if f.IntN(15) == 0 {
		m := newMail(f, at(), u, "no-reply@"+slug(f.Word())+"-docs.com", "Shared document")
		m.senderIP, m.direction = g.publicAddress(f), "Inbound"
		m.delivery, m.location, m.threats = "Blocked", "Quarantine", "Phish"
		m.confidence, m.detection = `{"Phish":"High","Spam":null}`, `{"Phish":["URL detonation reputation"]}`
		m.auth = `{"SPF":"fail","DKIM":"none","DMARC":"fail","CompAuth":"fail"}`
		m.subject, m.urls = "You have a new shared file", []string{"https://" + m.fromDomain + "/view?id=" + f.DigitN(8)}
		g.emitMail(b, f, m)
	}
}

// phishMails writes the campaign that opened the attack: the message to the victim and its
// look-alikes, the victim's click, and returns the victim's message.
func (g *gen) phishMails(b *batch, f *gofakeit.Faker, meta RowMeta) (mailMsg, bool) {
	p := g.s.Attack.Phish
	victim, ok := g.cast.User(g.s.Attack.Victim + "@" + g.p.TenantDomain)
	if p == nil || !ok {
		return mailMsg{}, false
	}
	cluster := int64(f.Uint32())
	msg := func(to *User, i int) mailMsg {
		m := newMail(f, p.At.Add(time.Duration(i*7)*time.Second), to, p.Sender, p.SenderName)
		m.senderIP, m.direction, m.subject, m.cluster, m.meta = p.SenderIP, "Inbound", p.Subject, cluster, meta
		m.urls = []string{p.URL}
		return m
	}
	mine := msg(victim, 0)
	g.emitMail(b, f, mine)
	for i, l := range p.LookAlikes {
		to, ok := g.cast.User(l.User + "@" + g.p.TenantDomain)
		if !ok {
			continue
		}
		m := msg(to, i+1)
		switch l.Delivery {
		case "Junked":
			m.delivery, m.location, m.threats = "Junked", "Junk folder", "Spam"
			m.confidence, m.detection = `{"Phish":null,"Spam":"Normal"}`, `{"Spam":["Advanced filter"]}`
		case "Blocked":
			m.delivery, m.location, m.threats = "Blocked", "Quarantine", "Phish"
			m.confidence, m.detection = `{"Phish":"High","Spam":null}`, `{"Phish":["File detonation"]}`
		}
		if l.Attachment != "" {
			m.urls = nil
			m.attachment, m.attachmentType, m.attachmentThreat = l.Attachment, "html", "Phish"
			m.attachmentHash, m.attachmentSize = fakeHash(l.Attachment+p.URL), int64(3_000+f.IntN(4_000))
		}
		g.emitMail(b, f, m)
	}
	return mine, true
}

// fakeHash is a stable SHA-256 for a made-up file.
func fakeHash(name string) string {
	h := sha256.Sum256([]byte("soclab-file/" + name))
	return hex.EncodeToString(h[:])
}
