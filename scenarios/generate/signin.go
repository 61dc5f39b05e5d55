package generate

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// signIn is one Entra sign-in; emitSignIn writes it to every table that records it with the same
// correlation id, request id, IP, time and location.
type signIn struct {
	at          time.Time
	user        *User
	app         *scenario.App
	place       *scenario.Place
	ip          string
	device      Device
	interactive bool
	result      int
	risk        string
	riskEvents  []string
	// mfa is true when this sign-in performed multi-factor authentication.
	mfa  bool
	meta RowMeta
	// outcome, when set, is what the directory decided (the attacker's return): its failure
	// text, Conditional Access status and applied policies replace the catalog's.
	outcome *Outcome
	// session, when set, is the sign-in session the sign-in belongs to (the attacker's stolen
	// session: its token refreshes share it); otherwise each sign-in starts its own.
	session string
}

var riskInt = map[string]int64{"": 1, "none": 1, "low": 10, "medium": 50, "high": 100}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps, slices and scalars built here
	}
	return string(b)
}

func (g *gen) emitSignIn(b *batch, f *gofakeit.Faker, si signIn) {
	tid := g.p.TenantID
	u, app, pl := si.user, si.app, si.place
	corr, reqID, session, token := uuidFrom(f), uuidFrom(f), uuidFrom(f), randToken(f)
	if si.session != "" {
		session = si.session
	}
	risk := si.risk
	if risk == "" {
		risk = "none"
	}
	riskState := "none"
	if risk != "none" {
		riskState = "atRisk"
	}
	reason := scenario.SignInErrors[si.result]
	pv := g.sh.places[pl]
	dev := si.device
	device := g.sh.device(dev)
	caStatus := "success"
	switch {
	case si.result == 53003:
		caStatus = "failure"
	case si.result != 0 && si.result != 50074 && si.result != 50076:
		caStatus = "notApplied"
	}
	ca := g.sh.ca[caStatus]
	mfa := si.mfa || si.result == 50074 || si.result == 50076 || si.result == 500121
	status, known := g.sh.status[statusKey{si.result, si.mfa, si.interactive}]
	if o := si.outcome; o != nil {
		reason = o.reason(si.result)
		if v, ok := g.sh.ca[o.CAStatus]; ok {
			caStatus, ca = o.CAStatus, v
		}
		if o.Policies != nil {
			ca = newDyn(o.Policies)
		}
		if !known || si.result != 0 {
			status = newDyn(statusValue(si.result, si.mfa, si.interactive, reason))
		}
	}
	authReq, mfaDetail := "singleFactorAuthentication", g.sh.noDetail
	if mfa {
		authReq, mfaDetail = "multiFactorAuthentication", g.sh.mfaDetail
	}
	details := authDetails(si.at.Format(time.RFC3339), si.interactive, mfa, si.result)
	riskEvents := "[]"
	if len(si.riskEvents) > 0 {
		riskEvents = jsonString(si.riskEvents)
	}
	procDetails := `[{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"},{"key":"Is CAE Token","value":"False"}]`
	resultType := strconv.Itoa(si.result)
	netLoc, asn, sp := pv.netLoc, pv.asn, g.sh.resourceSP[app.ResourceID]

	// Values repeated across the tables are boxed once, so the rows share them.
	upnA, ipA, corrA, reqA, nameA, oidA, appNameA, appIDA, tidA, atA, uaA, countryA, resourceA, resourceIDA, clientA, devNameA, devIDA, procA, netLocA, authReqA := any(u.UPN), any(si.ip), any(corr), any(reqID), any(u.DisplayName), any(u.ObjectID), any(app.Name), any(app.AppID), any(tid), any(si.at), any(dev.UserAgent), any(pl.Country), any(app.Resource), any(app.ResourceID), any(app.Client), any(dev.Name), any(dev.ID), any(procDetails), any(netLoc), any(authReq)
	ti, src, cat := tSignin, SourceEntraSignIn, "SignInLogs"
	if !si.interactive {
		ti, src, cat = tNonInteractive, SourceEntraNonInteractive, "NonInteractiveUserSignInLogs"
	}
	r := g.tables[ti].newRow().
		set("AlternateSignInName", upnA).set("AppDisplayName", appNameA).set("AppId", appIDA).
		set("AppliedEventListeners", []any{}).set("AuthenticationContextClassReferences", "[]").
		set("AuthenticationDetails", details).set("AuthenticationMethodsUsed", "").
		set("AuthenticationProcessingDetails", procA).set("AuthenticationProtocol", "none").
		set("AuthenticationRequirement", authReqA).set("AuthenticationRequirementPolicies", "[]").
		set("AutonomousSystemNumber", asn).set("_BilledSize", float64(3800+f.IntN(1800))).set("Category", cat).
		set("ClientAppUsed", clientA).set("ConditionalAccessStatus", caStatus).set("CorrelationId", corrA).
		set("CreatedDateTime", atA).set("CrossTenantAccessType", "none").set("DurationMs", int64(0)).
		set("HomeTenantId", tidA).set("Id", reqA).set("Identity", nameA).set("IPAddress", ipA).
		set("_IsBillable", "True").set("IsInteractive", si.interactive).set("IsRisky", risk != "none").
		set("Level", "4").set("Location", countryA).set("NetworkLocationDetails", netLocA).
		set("OperationName", "Sign-in activity").set("OperationVersion", "1.0").set("OriginalRequestId", reqA).
		set("ResourceDisplayName", resourceA).set("ResourceGroup", "Microsoft.aadiam").
		set("ResourceIdentity", resourceIDA).set("ResourceServicePrincipalId", sp).set("ResourceTenantId", tidA).
		set("ResultDescription", reason).set("ResultSignature", "None").set("ResultType", resultType).
		set("RiskDetail", "none").set("RiskEventTypes", riskEvents).set("RiskEventTypes_V2", riskEvents).
		set("RiskLevelAggregated", risk).set("RiskLevelDuringSignIn", risk).set("RiskState", riskState).
		set("SessionLifetimePolicies", "[]").set("SignInIdentifierType", "").
		set("SourceSystem", "Azure AD").set("TimeGenerated", atA).set("TokenIssuerType", "AzureAD").
		set("Type", g.tables[ti].Name).set("UniqueTokenIdentifier", token).set("UserAgent", uaA).
		set("UserDisplayName", nameA).set("UserId", oidA).set("UserPrincipalName", upnA).
		set("UserType", "Member").set("TenantId", g.p.WorkspaceID)
	if si.interactive {
		r.set("AADTenantId", tidA).set("AppliedConditionalAccessPolicies", "[]").set("ConditionalAccessPolicies", ca.v).
			set("DeviceDetail", device.v).set("FlaggedForReview", false).set("LocationDetails", pv.location.v).
			set("MfaDetail", mfaDetail.v).set("ProcessingTimeInMilliseconds", strconv.Itoa(40+f.IntN(400))).
			set("Resource", "Microsoft.aadiam").set("ResourceId", "/tenants/"+tid+"/providers/Microsoft.aadiam").
			set("ResourceProvider", "Microsoft.aadiam").set("RiskLevel", risk).set("SignInIdentifier", upnA).
			set("Status", status.v)
	} else {
		r.set("ConditionalAccessPolicies", ca.json).set("DeviceDetail", device.json).
			set("LocationDetails", pv.location.json).set("MfaDetail", mfaDetail.json).
			set("ProcessingTimeInMs", strconv.Itoa(20+f.IntN(200))).set("SignInEventTypes", `["nonInteractiveUser"]`).
			set("Status", status.json)
	}
	b.emit(ti, r, withSource(si.meta, src, si.at))

	// Defender XDR's view of the same sign-in (Entra ID P2).
	caInt := map[string]int64{"success": 0, "failure": 1, "notApplied": 2}[caStatus]
	// AADSignInEventsBeta writes the sign-in event types as a JSON-array string.
	logonType := `["interactiveUser"]`
	if !si.interactive {
		logonType = `["nonInteractiveUser"]`
	}
	br := g.tables[tSigninBeta].newRow().
		set("Timestamp", atA).set("Application", appNameA).set("ApplicationId", appIDA).set("LogonType", logonType).
		set("ErrorCode", int64(si.result)).set("CorrelationId", corrA).set("SessionId", session).
		set("AccountDisplayName", nameA).set("AccountObjectId", oidA).set("AccountUpn", upnA).
		set("IsExternalUser", int64(0)).set("IsGuestUser", false).set("AlternateSignInName", upnA).
		set("LastPasswordChangeTimestamp", u.PasswordChanged).set("ResourceDisplayName", resourceA).
		set("ResourceId", resourceIDA).set("ResourceTenantId", tidA).set("DeviceName", devNameA).
		set("AadDeviceId", devIDA).set("EntraIdDeviceId", devIDA).set("OSPlatform", dev.OS).set("DeviceTrustType", dev.Trust).
		set("IsManaged", b2i(dev.Managed)).set("IsCompliant", b2i(dev.Compliant)).
		set("AuthenticationProcessingDetails", procA).set("AuthenticationRequirement", authReqA).
		set("TokenIssuerType", int64(0)).set("RiskLevelAggregated", riskInt[risk]).set("RiskDetails", int64(0)).
		set("RiskState", map[bool]int64{true: 4, false: 0}[riskState == "atRisk"]).set("UserAgent", uaA).
		set("ClientAppUsed", clientA).set("Browser", dev.Browser).set("ConditionalAccessPolicies", ca.json).
		set("ConditionalAccessStatus", caInt).set("IPAddress", ipA).set("Country", countryA).set("State", pl.State).
		set("City", pl.City).set("Latitude", pv.lat).
		set("Longitude", pv.lon).set("NetworkLocationDetails", netLocA).
		set("RequestId", reqA).set("ReportId", reqA)
	b.emit(tSigninBeta, br, withSource(si.meta, SourceDefenderXDR, si.at))

	if !si.interactive {
		return
	}
	// Defender for Identity / Cloud Apps records interactive Entra logons.
	local, domain, _ := strings.Cut(u.UPN, "@")
	action, failure := "LogonSuccess", ""
	if si.result != 0 {
		action, failure = "LogonFailed", reason
	}
	deviceType := "Desktop"
	if strings.HasPrefix(dev.OS, "Ios") || strings.HasPrefix(dev.OS, "Android") {
		deviceType = "Mobile"
	}
	ir := g.tables[tIdentityLogon].newRow().
		set("Timestamp", atA).set("ActionType", action).set("Application", "Microsoft Entra ID").
		set("LogonType", "Interactive").set("Protocol", "OAuth2").set("FailureReason", failure).
		set("AccountName", local).set("AccountDomain", domain).set("AccountUpn", upnA).
		set("AccountObjectId", oidA).set("AccountDisplayName", nameA).set("DeviceName", devNameA).
		set("DeviceType", deviceType).set("OSPlatform", dev.OS).set("IPAddress", ipA).
		set("Location", countryA).set("Isp", pl.ISP).set("ReportId", corrA).
		set("AdditionalFields", map[string]any{"Pass-through authentication": "false", "ARG.CLOUD_SERVICE": app.Name,
			"Request.UserAgent": dev.UserAgent, "CorrelationId": corr})
	b.emit(tIdentityLogon, ir, withSource(si.meta, SourceDefenderIdentity, si.at))
}

func withSource(m RowMeta, s Source, at time.Time) RowMeta {
	m.Source, m.Time = s, at
	return m
}

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// randToken is a 22-character base64url token id as UniqueTokenIdentifier shows.
func randToken(f *gofakeit.Faker) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var out [22]byte
	x := f.Uint64()
	for i := range out {
		if i == 11 {
			x = f.Uint64()
		}
		out[i] = alphabet[x&63]
		x >>= 6
	}
	return string(out[:])
}
