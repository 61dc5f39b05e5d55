package generate

import (
	"fmt"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/soclab/soclab/scenarios/scenario"
)

// server is a virtual machine of the estate with the Azure Monitor Agent: Windows security
// events (SecurityEvent), the domain controller's DNS server log (DnsEvents), Heartbeat.
type server struct {
	ref            resourceRef
	computer, ip   string
	publicIP       string
	role           string // dc, api, build
	internetFacing bool
}

// servers lists the estate's virtual machines in a fixed order.
func (g *gen) servers() []server {
	var out []server
	for i, rg := range g.s.Cast.ResourceGroups {
		for _, r := range rg.Resources {
			if r.Type != "Microsoft.Compute/virtualMachines" {
				continue
			}
			role := "api"
			switch {
			case strings.Contains(r.Name, "dc"):
				role = "dc"
			case strings.Contains(r.Name, "build"):
				role = "build"
			}
			out = append(out, server{ref: g.res[r.Name], computer: r.Name + ".corp." + g.p.TenantDomain,
				ip: fmt.Sprintf("10.%d.%d.4", 10+i, len(out)), publicIP: g.cloudHost(r.Name), role: role, internetFacing: role == "build"})
		}
	}
	return out
}

// cloudHost is a stable address of the scenario's Microsoft cloud network for a name.
func (g *gen) cloudHost(name string) string {
	for i := range g.s.Places {
		if g.s.Places[i].Kind == scenario.PlaceCloud {
			return hostIn(g.s.Places[i].CIDR, newFaker(g.p.Seed, "cloud-host", name))
		}
	}
	return ""
}

// secEvent starts a SecurityEvent row of a server.
func (g *gen) secEvent(f *gofakeit.Faker, sv server, at time.Time, id int64, activity string) row {
	return g.tables[tSecurityEvent].newRow().
		set("TimeGenerated", at).set("Computer", sv.computer).set("EventID", id).set("Activity", fmt.Sprintf("%d - %s", id, activity)).
		set("Channel", "Security").set("EventSourceName", "Microsoft-Windows-Security-Auditing").set("Level", "8").
		set("EventLevelName", "Audit Success").set("Task", int64(12544)).set("SourceSystem", "OpsManager").
		set("ManagementGroupName", "AOI-"+g.p.WorkspaceID).set("EventRecordId", fmt.Sprint(1_000_000+f.IntN(9_000_000))).
		set("_ResourceId", sv.ref.ID).set("_SubscriptionId", g.p.SubscriptionID).set("TenantId", g.p.WorkspaceID).
		set("Type", "SecurityEvent").set("_BilledSize", float64(900+f.IntN(900))).set("_IsBillable", "True").
		set("SourceComputerId", nameUUID("ama", sv.computer))
}

// logon writes a 4624 (or a 4625 failure) of account on the server from ip.
func (g *gen) logon(b *batch, f *gofakeit.Faker, sv server, at time.Time, domain, user string, logonType int64, ip, workstation string, failed bool) {
	id, act, level := int64(4624), "An account was successfully logged on.", "Audit Success"
	if failed {
		id, act, level = 4625, "An account failed to log on.", "Audit Failure"
	}
	pkg, proc := "Kerberos", "Kerberos"
	if logonType == 3 && failed || logonType == 10 {
		pkg, proc = "NTLM", "NtLmSsp "
	}
	if logonType == 5 {
		pkg, proc = "Negotiate", "Advapi  "
	}
	r := g.secEvent(f, sv, at, id, act).set("EventLevelName", level).
		set("Account", domain+`\`+user).set("AccountType", map[bool]string{true: "Machine", false: "User"}[strings.HasSuffix(user, "$")]).
		set("TargetAccount", domain+`\`+user).set("TargetUserName", user).set("TargetDomainName", domain).
		set("LogonType", logonType).set("LogonTypeName", logonTypeNames[logonType]).set("AuthenticationPackageName", pkg).
		set("LogonProcessName", proc).set("IpAddress", ip).set("IpPort", fmt.Sprint(49152+f.IntN(16000))).
		set("WorkstationName", workstation).set("SubjectUserName", "-").set("SubjectDomainName", "-").set("SubjectUserSid", "S-1-0-0").
		set("SubjectLogonId", "0x0").set("ElevatedToken", "%%1842").set("Version", int64(2)).
		set("SystemProcessId", int64(768)).set("SystemThreadId", int64(1000+f.IntN(8000))).set("TargetLinkedLogonId", "0x0").
		set("TargetOutboundUserName", "-").set("TargetOutboundDomainName", "-").set("VirtualAccount", "%%1843").
		set("RestrictedAdminMode", "-").set("TargetUserSid", "S-1-0-0")
	if failed {
		r.set("Status", "0xc000006d").set("SubStatus", "0xc000006a").set("FailureReason", "%%2313").set("Task", int64(12544))
	} else {
		r.set("TargetLogonId", fmt.Sprintf("0x%x", 0x100000+f.IntN(0xfffff))).set("LogonGuid", "{"+uuidFrom(f)+"}")
	}
	b.emit(tSecurityEvent, r, RowMeta{Time: at, Source: SourceAzureMonitorAgent})
}

var logonTypeNames = map[int64]string{2: "2 - Interactive", 3: "3 - Network", 5: "5 - Service", 10: "10 - RemoteInteractive"}

// processEvent writes a 4688 of the server.
func (g *gen) processEvent(b *batch, f *gofakeit.Faker, sv server, at time.Time, user, image, cmd, parent string) {
	r := g.secEvent(f, sv, at, 4688, "A new process has been created.").
		set("Account", `NT AUTHORITY\`+user).set("AccountType", "Machine").set("SubjectUserName", strings.ToUpper(strings.Split(sv.computer, ".")[0])+"$").
		set("SubjectDomainName", "CORP").set("SubjectUserSid", "S-1-5-18").set("SubjectLogonId", "0x3e7").
		set("NewProcessName", image).set("NewProcessId", fmt.Sprintf("0x%x", 0x1000+f.IntN(0xffff))).set("CommandLine", cmd).
		set("ParentProcessName", parent).set("Process", image[strings.LastIndexByte(image, '\\')+1:]).
		set("ProcessId", fmt.Sprintf("0x%x", 0x200+f.IntN(0xfff))).set("TokenElevationType", "%%1936").set("MandatoryLabel", "S-1-16-16384")
	b.emit(tSecurityEvent, r, RowMeta{Time: at, Source: SourceAzureMonitorAgent})
}

// serverStream writes one server's days: service and network logons, administrators' RDP
// sessions (with 4672), scheduled processes, on the internet-facing build server the RDP
// password guessing every exposed Windows machine gets; the domain controller's DNS lookups;
// and the agent's Heartbeat (every minute on the attack day, every 30 minutes before: the
// lab keeps the rest thinned).
func (g *gen) serverStream(b *batch, sv server) {
	f := newFaker(g.p.Seed, "server", sv.computer)
	var admins []*User
	for _, u := range g.cast.Users {
		if len(u.DirectoryRoles) > 0 && u.UPN != g.s.Attack.Victim+"@"+g.p.TenantDomain {
			admins = append(admins, u)
		}
	}
	procs := map[string][][3]string{
		"dc":    {{`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, `C:\Windows\System32\services.exe`}, {`C:\Windows\System32\wbem\WmiPrvSE.exe`, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`, `C:\Windows\System32\svchost.exe`}},
		"api":   {{`C:\Windows\System32\inetsrv\w3wp.exe`, `c:\windows\system32\inetsrv\w3wp.exe -ap "ContosoApi" -v "v4.0"`, `C:\Windows\System32\svchost.exe`}, {`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`, `C:\Windows\System32\services.exe`}},
		"build": {{`C:\Program Files\dotnet\dotnet.exe`, `"C:\Program Files\dotnet\dotnet.exe" build Contoso.sln -c Release`, `C:\agent\bin\Agent.Worker.exe`}, {`C:\Windows\System32\cmd.exe`, `C:\Windows\system32\cmd.exe /c git fetch --all`, `C:\agent\bin\Agent.Worker.exe`}},
	}[sv.role]
	users := []string{"administrator", "admin", "user", "test", "scanner", "backup", "guest", "sql"}
	for d := 0; d <= g.p.Days; d++ {
		day := g.start.AddDate(0, 0, d)
		boot := day.Add(time.Duration(300+f.IntN(600)) * time.Second)
		g.logon(b, f, sv, boot, "NT AUTHORITY", "SYSTEM", 5, "-", "-", false)
		for i := range 6 {
			at := day.Add(time.Duration(i*4*3600+f.IntN(4*3600)) * time.Second)
			p := procs[f.IntN(len(procs))]
			g.processEvent(b, f, sv, at, "SYSTEM", p[0], p[1], p[2])
		}
		if sv.role == "dc" {
			for range 12 + f.IntN(12) {
				at := day.Add(time.Duration(f.IntN(86400)) * time.Second)
				g.logon(b, f, sv, at, "CORP", "VM-PROD-API01$", 3, "10.11.1.4", "VM-PROD-API01", false)
			}
			g.dnsDay(b, f, sv, day)
		}
		if len(admins) > 0 && day.Weekday() != time.Saturday && day.Weekday() != time.Sunday && f.IntN(3) == 0 {
			a := admins[f.IntN(len(admins))]
			at := localTime(day, a.Office.Location, 10+f.Float64()*6)
			g.logon(b, f, sv, at, "AzureAD", localOf(a.UPN), 10, "10.20.0."+fmt.Sprint(10+f.IntN(200)), strings.ToUpper(a.Devices[0].Name), false)
			r := g.secEvent(f, sv, at.Add(time.Second), 4672, "Special privileges assigned to new logon.").
				set("Account", `AzureAD\`+localOf(a.UPN)).set("AccountType", "User").set("SubjectUserName", localOf(a.UPN)).
				set("SubjectDomainName", "AzureAD").set("SubjectUserSid", windowsSID(a)).
				set("PrivilegeList", "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege")
			b.emit(tSecurityEvent, r, RowMeta{Time: at.Add(time.Second), Source: SourceAzureMonitorAgent})
		}
		if sv.internetFacing {
			for range 10 + f.IntN(25) {
				at := day.Add(time.Duration(f.IntN(86400)) * time.Second)
				g.logon(b, f, sv, at, "", strings.ToUpper(users[f.IntN(len(users))]), 3, g.publicAddress(f), "-", true)
			}
		}
		g.heartbeats(b, f, sv, day)
	}
}

// dnsDay writes a day of the domain controller's DNS server lookups (the corporate clients'
// names of Microsoft 365, partners and the estate).
func (g *gen) dnsDay(b *batch, f *gofakeit.Faker, sv server, day time.Time) {
	names := append(append([]string{}, microsoftEndpoints...), "vm-prod-api01.corp."+g.p.TenantDomain, "kv-contoso-prod.vault.azure.net",
		"stcontosoprod.blob.core.windows.net", "www."+partnerDomains[0], "www."+partnerDomains[1])
	for range 30 + f.IntN(20) {
		at := day.Add(time.Duration(f.IntN(86400)) * time.Second)
		name := names[f.IntN(len(names))]
		result, code, answer := "Success", int64(0), g.cloudIP(name)
		if answer == "" {
			answer = g.cloudHost(name)
		}
		if f.IntN(25) == 0 {
			name, result, code, answer = slug(f.Word())+".corp."+g.p.TenantDomain, "Failure", 3, ""
		}
		r := g.tables[tDnsEvents].newRow().set("TimeGenerated", at).set("Computer", sv.computer).set("SubType", "LookupQuery").
			set("EventId", int64(256)).set("TaskCategory", "LOOK_UP").set("Name", name).set("QueryType", "A").set("ClientIP", fmt.Sprintf("10.20.0.%d", 10+f.IntN(200))).
			set("Result", result).set("ResultCode", code).set("IPAddresses", answer).set("Severity", int64(0)).
			set("Message", fmt.Sprintf("Lookup query for %s, type A", name)).set("SourceSystem", "OpsManager").
			set("_ResourceId", sv.ref.ID).set("_SubscriptionId", g.p.SubscriptionID).set("Type", "DnsEvents").
			set("_BilledSize", float64(300+f.IntN(200))).set("_IsBillable", "True")
		b.emit(tDnsEvents, r, RowMeta{Time: at, Source: SourceAzureMonitorAgent})
	}
}

// heartbeats writes the agent's Heartbeat rows of one day.
func (g *gen) heartbeats(b *batch, f *gofakeit.Faker, sv server, day time.Time) {
	step := 30 * time.Minute
	if day.Equal(g.s.Day) {
		step = time.Minute
	}
	pl, _ := g.cast.PlaceOf(sv.publicIP)
	for t := day.Add(time.Duration(f.IntN(60)) * time.Second); t.Before(day.Add(24 * time.Hour)); t = t.Add(step) {
		r := g.tables[tHeartbeat].newRow().set("TimeGenerated", t).set("Computer", sv.computer).set("Category", "Azure Monitor Agent").
			set("ComputerEnvironment", "Azure").set("ComputerIP", sv.publicIP).set("ComputerPrivateIPs", []any{sv.ip}).
			set("IsGatewayInstalled", false).set("OSMajorVersion", "10").set("OSMinorVersion", "0").set("OSName", "Windows Server 2022 Datacenter").
			set("OSType", "Windows").set("Resource", sv.ref.Name).set("ResourceGroup", sv.ref.Group).set("ResourceId", sv.ref.ID).
			set("_ResourceId", sv.ref.ID).set("ResourceProvider", "Microsoft.Compute").set("ResourceType", "virtualMachines").
			set("SourceSystem", "OpsManager").set("SubscriptionId", g.p.SubscriptionID).set("_SubscriptionId", g.p.SubscriptionID).
			set("Type", "Heartbeat").set("Version", "1.33.1.0").set("VMUUID", nameUUID("vm", sv.ref.Name)).
			set("_BilledSize", float64(480)).set("_IsBillable", "True").set("ManagementGroupName", "AOI-"+g.p.WorkspaceID).
			set("Solutions", `"security", "changeTracking"`).set("SCAgentChannel", "Direct")
		if pl != nil {
			r.set("RemoteIPCountry", countryNames[pl.Country]).set("RemoteIPLatitude", pl.Latitude).set("RemoteIPLongitude", pl.Longitude)
		}
		b.emit(tHeartbeat, r, RowMeta{Time: t, Source: SourceAzureMonitorAgent})
	}
}
