package generate

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/soclab/soclab/scenarios/scenario"
)

// image is an executable as Defender for Endpoint reports it.
type image struct {
	name, folder, company, product, version, desc string
	size                                          int64
}

// images are the programs of a Contoso Windows 11 laptop.
var images = map[string]image{
	"lsass.exe":    {"lsass.exe", `C:\Windows\System32`, "Microsoft Corporation", "Microsoft® Windows® Operating System", "10.0.26100.2605", "Local Security Authority Process", 91_000},
	"userinit.exe": {"userinit.exe", `C:\Windows\System32`, "Microsoft Corporation", "Microsoft® Windows® Operating System", "10.0.26100.1", "Userinit Logon Application", 34_000},
	"explorer.exe": {"explorer.exe", `C:\Windows`, "Microsoft Corporation", "Microsoft® Windows® Operating System", "10.0.26100.2605", "Windows Explorer", 5_600_000},
	"OUTLOOK.EXE":  {"OUTLOOK.EXE", `C:\Program Files\Microsoft Office\root\Office16`, "Microsoft Corporation", "Microsoft Outlook", "16.0.18324.20168", "Microsoft Outlook", 43_000_000},
	"msedge.exe":   {"msedge.exe", `C:\Program Files (x86)\Microsoft\Edge\Application`, "Microsoft Corporation", "Microsoft Edge", "131.0.2903.112", "Microsoft Edge", 4_200_000},
	"ms-teams.exe": {"ms-teams.exe", `C:\Program Files\WindowsApps\MSTeams_24335.206.3314.6126_x64__8wekyb3d8bbwe`, "Microsoft Corporation", "Microsoft Teams", "24335.206.3314.6126", "Microsoft Teams", 1_500_000},
	"EXCEL.EXE":    {"EXCEL.EXE", `C:\Program Files\Microsoft Office\root\Office16`, "Microsoft Corporation", "Microsoft Office", "16.0.18324.20168", "Microsoft Excel", 72_000_000},
	"WINWORD.EXE":  {"WINWORD.EXE", `C:\Program Files\Microsoft Office\root\Office16`, "Microsoft Corporation", "Microsoft Office", "16.0.18324.20168", "Microsoft Word", 1_900_000},
}

// microsoftEndpoints are the cloud services the laptops talk to all day.
var microsoftEndpoints = []string{"outlook.office365.com", "teams.microsoft.com", "www.office.com", "login.microsoftonline.com", "graph.microsoft.com"}

func (im image) path() string { return im.folder + `\` + im.name }

func (im image) hash(kind string) string {
	h := sha1.Sum([]byte(kind + "/" + im.name + "/" + im.version))
	s := hex.EncodeToString(h[:])
	switch kind {
	case "md5":
		return s[:32]
	case "sha256":
		return s + s[:24]
	}
	return s
}

// endpoint is a Windows device of a user as Defender for Endpoint knows it.
type endpoint struct {
	u          *User
	d          Device
	id, name   string
	sid, local string
	report     int64
	boot       time.Time
}

// windowsDevices returns the user's Windows devices (the ones onboarded to Defender for Endpoint).
func windowsDevices(u *User) []Device {
	var out []Device
	for _, d := range u.Devices {
		if strings.HasPrefix(d.OS, "Windows") {
			out = append(out, d)
		}
	}
	return out
}

func newEndpoint(u *User, d Device) *endpoint {
	h := sha1.Sum([]byte("mde-device/" + u.UPN + "/" + d.Name)) // not from a tenant id: the same in every tenant
	return &endpoint{u: u, d: d, id: hex.EncodeToString(h[:]), name: strings.ToLower(d.Name), sid: windowsSID(u), local: localOf(u.UPN)}
}

// windowsSID is the Windows SID of a user's Entra ID account, in the S-1-12-1 form. Windows
// derives it from the account's object id; the lab derives it from a GUID of the user's name,
// so it is the same in every tenant (the shared telemetry converts only tenant tokens of a
// fixed length, and a SID's decimal words vary in length).
func windowsSID(u *User) string { return aadSID(nameUUID("entra-account", u.UPN)) }

// aadSID is the Windows SID of an Entra ID object id (S-1-12-1- and the id's four words).
func aadSID(objectID string) string {
	b, err := hex.DecodeString(strings.ReplaceAll(objectID, "-", ""))
	if err != nil || len(b) != 16 {
		return ""
	}
	// The GUID's first three fields are little-endian in its binary form.
	b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7] = b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]
	return fmt.Sprintf("S-1-12-1-%d-%d-%d-%d", binary.LittleEndian.Uint32(b[0:]), binary.LittleEndian.Uint32(b[4:]),
		binary.LittleEndian.Uint32(b[8:]), binary.LittleEndian.Uint32(b[12:]))
}

// initiating fills the InitiatingProcess* columns of a row with the user's process im.
func (e *endpoint) initiating(r row, im image, pid int64, started time.Time, parent image, parentPID int64, system bool) row {
	domain, name, sid, upn, oid := "azuread", e.local, e.sid, e.u.UPN, e.u.ObjectID
	integrity, elevation := "Medium", "TokenElevationTypeLimited"
	if system {
		domain, name, sid, upn, oid, integrity, elevation = "nt authority", "system", "S-1-5-18", "", "", "System", "TokenElevationTypeDefault"
	}
	r.setIf("InitiatingProcessAccountDomain", domain).setIf("InitiatingProcessAccountName", name).setIf("InitiatingProcessAccountSid", sid).
		setIf("InitiatingProcessAccountUpn", upn).setIf("InitiatingProcessAccountObjectId", oid).
		setIf("InitiatingProcessSHA1", im.hash("sha1")).setIf("InitiatingProcessSHA256", im.hash("sha256")).setIf("InitiatingProcessMD5", im.hash("md5")).
		setIf("InitiatingProcessFileName", im.name).setIf("InitiatingProcessFileSize", im.size).setIf("InitiatingProcessFolderPath", im.path()).
		setIf("InitiatingProcessVersionInfoCompanyName", im.company).setIf("InitiatingProcessVersionInfoProductName", im.product).
		setIf("InitiatingProcessVersionInfoProductVersion", im.version).setIf("InitiatingProcessVersionInfoInternalFileName", im.name).
		setIf("InitiatingProcessVersionInfoOriginalFileName", im.name).setIf("InitiatingProcessVersionInfoFileDescription", im.desc).
		setIf("InitiatingProcessId", pid).setIf("InitiatingProcessCommandLine", `"`+im.name+`"`).setIf("InitiatingProcessCreationTime", started).
		setIf("InitiatingProcessParentId", parentPID).setIf("InitiatingProcessParentFileName", parent.name).
		setIf("InitiatingProcessParentCreationTime", e.boot).setIf("InitiatingProcessIntegrityLevel", integrity).
		setIf("InitiatingProcessTokenElevation", elevation)
	r.setIf("InitiatingProcessLogonId", int64(999)).setIf("InitiatingProcessSessionId", int64(1)).
		setIf("IsInitiatingProcessRemoteSession", false)
	return r
}

// base starts a row of a Device* table.
func (e *endpoint) base(ti int, g *gen, at time.Time, action string) row {
	e.report++
	return g.tables[ti].newRow().set("Timestamp", at).set("DeviceId", e.id).set("DeviceName", e.name).
		set("ActionType", action).set("ReportId", e.report)
}

// process writes a DeviceProcessEvents row: parent started im with cmd.
func (e *endpoint) process(b *batch, g *gen, at time.Time, parent image, parentPID int64, im image, pid int64, cmd string, meta RowMeta) {
	r := e.base(tDeviceProcess, g, at, "ProcessCreated").
		set("FileName", im.name).set("FolderPath", im.path()).set("SHA1", im.hash("sha1")).set("SHA256", im.hash("sha256")).
		set("MD5", im.hash("md5")).set("FileSize", im.size).set("ProcessVersionInfoCompanyName", im.company).
		set("ProcessVersionInfoProductName", im.product).set("ProcessVersionInfoProductVersion", im.version).
		set("ProcessVersionInfoInternalFileName", im.name).set("ProcessVersionInfoOriginalFileName", im.name).
		set("ProcessVersionInfoFileDescription", im.desc).set("ProcessId", pid).set("ProcessCommandLine", cmd).
		set("ProcessIntegrityLevel", "Medium").set("ProcessTokenElevation", "TokenElevationTypeLimited").
		set("ProcessCreationTime", at).set("AccountDomain", "azuread").set("AccountName", e.local).set("AccountSid", e.sid).
		set("AccountUpn", e.u.UPN).set("AccountObjectId", e.u.ObjectID).set("LogonId", int64(999)).
		set("InitiatingProcessSignerType", "OsVendor").set("InitiatingProcessSignatureStatus", "Valid")
	b.emit(tDeviceProcess, e.initiating(r, parent, parentPID, e.boot, images["userinit.exe"], 700, false), withSource(meta, SourceDefenderEndpoint, at))
}

// connect writes a DeviceNetworkEvents row: im connected to host (ip) on 443.
func (e *endpoint) connect(b *batch, g *gen, f *gofakeit.Faker, at time.Time, im image, pid int64, host, ip, localIP string, meta RowMeta) {
	r := e.base(tDeviceNetwork, g, at, "ConnectionSuccess").
		set("RemoteIP", ip).set("RemotePort", int64(443)).set("RemoteUrl", host).set("LocalIP", localIP).
		set("LocalPort", int64(49152+f.IntN(16000))).set("Protocol", "Tcp").set("LocalIPType", "Private").set("RemoteIPType", "Public")
	b.emit(tDeviceNetwork, e.initiating(r, im, pid, at.Add(-time.Minute), images["explorer.exe"], 4120, false), withSource(meta, SourceDefenderEndpoint, at))
}

// endpointDay writes a working day of one laptop: the morning logon, the apps started, their
// connections to Microsoft 365, a document saved, now and then a browser opened from mail.
func (g *gen) endpointDay(b *batch, f *gofakeit.Faker, e *endpoint, day time.Time, publicIP string, home bool) {
	t0 := localTime(day, e.u.Office.Location, 7.5+f.Float64()*1.5)
	e.boot = t0.Add(-time.Duration(60+f.IntN(600)) * time.Second)
	localIP := fmt.Sprintf("10.%d.%d.%d", 20+f.IntN(3), f.IntN(8), 10+f.IntN(200))
	if home {
		localIP = fmt.Sprintf("192.168.1.%d", 10+f.IntN(200))
	}
	lr := e.base(tDeviceLogon, g, t0, "LogonSuccess").set("LogonType", "Interactive").set("AccountDomain", "azuread").
		set("AccountName", e.local).set("AccountSid", e.sid).set("Protocol", "Negotiate").set("IsLocalAdmin", len(e.u.DirectoryRoles) > 0).
		set("LogonId", int64(0x1000000+f.IntN(0xffffff))).set("RemoteDeviceName", "").set("RemoteIP", "").set("RemoteIPType", "")
	if f.IntN(20) == 0 { // a mistyped PIN or password first
		fr := e.base(tDeviceLogon, g, t0.Add(-20*time.Second), "LogonFailed").set("LogonType", "Interactive").
			set("AccountDomain", "azuread").set("AccountName", e.local).set("AccountSid", e.sid).set("Protocol", "Negotiate").
			set("FailureReason", "InvalidUserNameOrPassword").set("IsLocalAdmin", false).set("LogonId", int64(0))
		b.emit(tDeviceLogon, e.initiating(fr, images["lsass.exe"], 1012, e.boot, images["lsass.exe"], 880, true), RowMeta{Time: t0.Add(-20 * time.Second), Source: SourceDefenderEndpoint})
	}
	b.emit(tDeviceLogon, e.initiating(lr, images["lsass.exe"], 1012, e.boot, images["lsass.exe"], 880, true), RowMeta{Time: t0, Source: SourceDefenderEndpoint})
	explorer := images["explorer.exe"]
	e.process(b, g, t0.Add(8*time.Second), images["userinit.exe"], 700, explorer, 4120, "C:\\Windows\\Explorer.EXE", RowMeta{})
	apps := []string{"OUTLOOK.EXE", "msedge.exe"}
	if f.IntN(2) == 0 {
		apps = append(apps, []string{"ms-teams.exe", "EXCEL.EXE", "WINWORD.EXE"}[f.IntN(3)])
	}
	for i, name := range apps {
		at := t0.Add(time.Duration(60+i*90+f.IntN(60)) * time.Second)
		im, pid := images[name], int64(5000+f.IntN(20000))
		e.process(b, g, at, explorer, 4120, im, pid, `"`+im.path()+`"`, RowMeta{})
		if name != "EXCEL.EXE" && name != "WINWORD.EXE" {
			host := microsoftEndpoints[f.IntN(len(microsoftEndpoints))]
			e.connect(b, g, f, at.Add(time.Duration(2+f.IntN(20))*time.Second), im, pid, host, g.cloudIP(host), localIP, RowMeta{})
		}
	}
	if f.IntN(5) < 2 {
		at := t0.Add(time.Duration(3600+f.IntN(6*3600)) * time.Second)
		file := slug(f.Word()) + "_" + f.DigitN(4) + []string{".pdf", ".xlsx", ".docx"}[f.IntN(3)]
		im := images["msedge.exe"]
		r := e.base(tDeviceFile, g, at, "FileCreated").set("FileName", file).
			set("FolderPath", `C:\Users\`+e.local+`\Downloads\`+file).set("SHA1", fakeHash(file)[:40]).set("SHA256", fakeHash(file)).
			set("MD5", fakeHash(file)[:32]).set("FileSize", int64(20_000+f.IntN(2_000_000))).
			set("FileOriginUrl", "https://www."+partnerDomains[f.IntN(len(partnerDomains))]+"/files/"+file).
			set("FileOriginReferrerUrl", "https://outlook.office.com/").set("RequestProtocol", "Local").
			set("IsAzureInfoProtectionApplied", false).set("SensitivityLabel", "").set("RequestSourcePort", nil)
		b.emit(tDeviceFile, e.initiating(r, im, int64(6000+f.IntN(9000)), at.Add(-time.Hour), explorer, 4120, false), RowMeta{Time: at, Source: SourceDefenderEndpoint})
	}
	if f.IntN(5) == 0 {
		at := t0.Add(time.Duration(1800+f.IntN(7*3600)) * time.Second)
		u := "https://www." + partnerDomains[f.IntN(len(partnerDomains))] + "/" + slug(f.Word())
		r := e.base(tDeviceEvents, g, at, "BrowserLaunchedToOpenUrl").set("RemoteUrl", u).
			set("AccountDomain", "azuread").set("AccountName", e.local).set("AccountSid", e.sid).set("LogonId", int64(999))
		b.emit(tDeviceEvents, e.initiating(r, images["OUTLOOK.EXE"], int64(7000+f.IntN(9000)), t0, explorer, 4120, false), RowMeta{Time: at, Source: SourceDefenderEndpoint})
	}
	_ = publicIP
}

// deviceInfo writes the device's daily full report (DeviceInfo: reports come hourly and on
// change; the lab keeps one a day).
func (g *gen) deviceInfo(b *batch, f *gofakeit.Faker, e *endpoint, at time.Time, publicIP string) {
	users := jsonString([]any{map[string]any{"UserName": e.local, "DomainName": "AzureAD", "Sid": e.sid}})
	r := g.tables[tDeviceInfo].newRow().set("Timestamp", at).set("DeviceId", e.id).set("DeviceName", e.name).
		set("ClientVersion", "10.8760.26100.2605").set("PublicIP", publicIP).set("OSArchitecture", "64-bit").
		set("OSPlatform", "Windows11").set("OSBuild", int64(26100)).set("IsAzureADJoined", true).set("JoinType", "AAD Joined").
		set("AadDeviceId", e.d.ID).set("LoggedOnUsers", users).set("OSVersion", "10.0").set("MachineGroup", "UnassignedGroup").
		set("ReportId", int64(f.IntN(1<<20))).set("OnboardingStatus", "Onboarded").set("DeviceCategory", "Endpoint").
		set("DeviceType", "Workstation").set("Model", "Latitude 7450").set("Vendor", "Dell Inc.").set("OSVersionInfo", "24H2").
		set("IsInternetFacing", false).set("SensorHealthState", "Active").set("IsExcluded", false).
		set("ExposureLevel", []string{"Low", "Medium"}[f.IntN(2)]).set("AssetValue", "Normal").
		set("DeviceManualTags", "[]").set("DeviceDynamicTags", "[]").set("ConnectivityType", "Streamlined")
	b.emit(tDeviceInfo, r, RowMeta{Time: at, Source: SourceDefenderEndpoint})
}

// cloudIP is the address of a Microsoft cloud endpoint (the scenario's Microsoft network).
func (g *gen) cloudIP(host string) string {
	if ip, ok := g.endpointIPs[host]; ok {
		return ip
	}
	return ""
}

// phishOnDevice writes what the victim's laptop recorded of the click: Outlook launching the
// browser on the link, the browser process, its connections to the kit (the page, then the
// relayed MFA approval).
func (g *gen) phishOnDevice(b *batch, f *gofakeit.Faker, p *scenario.Phish, e *endpoint, meta RowMeta) {
	outlook, edge, explorer := images["OUTLOOK.EXE"], images["msedge.exe"], images["explorer.exe"]
	e.boot = p.Click.Add(-3 * time.Hour)
	outlookPID, edgePID := int64(9412), int64(12876)
	ev := e.base(tDeviceEvents, g, p.Click, "BrowserLaunchedToOpenUrl").set("RemoteUrl", p.URL).
		set("AccountDomain", "azuread").set("AccountName", e.local).set("AccountSid", e.sid).set("LogonId", int64(999))
	b.emit(tDeviceEvents, e.initiating(ev, outlook, outlookPID, e.boot.Add(5*time.Minute), explorer, 4120, false), withSource(meta, SourceDefenderEndpoint, p.Click))
	at := p.Click.Add(400 * time.Millisecond)
	e.process(b, g, at, outlook, outlookPID, edge, edgePID, `"msedge.exe" --single-argument `+p.URL, meta)
	host := p.URL
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexByte(host, '/'); i >= 0 {
		host = host[:i]
	}
	for _, d := range []time.Duration{1200 * time.Millisecond, 110 * time.Second} {
		e.connect(b, g, f, p.Click.Add(d), edge, edgePID, host, p.KitIP, "192.168.1.23", meta)
	}
}
