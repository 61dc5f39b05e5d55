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
	status := g.sh.status[statusKey{si.result, si.mfa, si.interactive}]
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

	ti, src, cat := tSignin, SourceEntraSignIn, "SignInLogs"
	if !si.interactive {
		ti, src, cat = tNonInteractive, SourceEntraNonInteractive, "NonInteractiveUserSignInLogs"
	}
	r := g.tables[ti].newRow().
		set("AlternateSignInName", u.UPN).set("AppDisplayName", app.Name).set("AppId", app.AppID).
		set("AppliedEventListeners", []any{}).set("AuthenticationContextClassReferences", "[]").
		set("AuthenticationDetails", details).set("AuthenticationMethodsUsed", "").
		set("AuthenticationProcessingDetails", procDetails).set("AuthenticationProtocol", "none").
		set("AuthenticationRequirement", authReq).set("AuthenticationRequirementPolicies", "[]").
		set("AutonomousSystemNumber", asn).set("_BilledSize", float64(3800+f.IntN(1800))).set("Category", cat).
		set("ClientAppUsed", app.Client).set("ConditionalAccessStatus", caStatus).set("CorrelationId", corr).
		set("CreatedDateTime", si.at).set("CrossTenantAccessType", "none").set("DurationMs", int64(0)).
		set("HomeTenantId", tid).set("Id", reqID).set("Identity", u.DisplayName).set("IPAddress", si.ip).
		set("_IsBillable", "True").set("IsInteractive", si.interactive).set("IsRisky", risk != "none").
		set("Level", "4").set("Location", pl.Country).set("NetworkLocationDetails", netLoc).
		set("OperationName", "Sign-in activity").set("OperationVersion", "1.0").set("OriginalRequestId", reqID).
		set("ResourceDisplayName", app.Resource).set("ResourceGroup", "Microsoft.aadiam").
		set("ResourceIdentity", app.ResourceID).set("ResourceServicePrincipalId", sp).set("ResourceTenantId", tid).
		set("ResultDescription", reason).set("ResultSignature", "None").set("ResultType", resultType).
		set("RiskDetail", "none").set("RiskEventTypes", riskEvents).set("RiskEventTypes_V2", riskEvents).
		set("RiskLevelAggregated", risk).set("RiskLevelDuringSignIn", risk).set("RiskState", riskState).
		set("SessionLifetimePolicies", "[]").set("SignInIdentifierType", "").
		set("SourceSystem", "Azure AD").set("TimeGenerated", si.at).set("TokenIssuerType", "AzureAD").
		set("Type", g.tables[ti].Name).set("UniqueTokenIdentifier", token).set("UserAgent", dev.UserAgent).
		set("UserDisplayName", u.DisplayName).set("UserId", u.ObjectID).set("UserPrincipalName", u.UPN).
		set("UserType", "Member").set("TenantId", g.p.WorkspaceID)
	if si.interactive {
		r.set("AADTenantId", tid).set("AppliedConditionalAccessPolicies", "[]").set("ConditionalAccessPolicies", ca.v).
			set("DeviceDetail", device.v).set("FlaggedForReview", false).set("LocationDetails", pv.location.v).
			set("MfaDetail", mfaDetail.v).set("ProcessingTimeInMilliseconds", strconv.Itoa(40+f.IntN(400))).
			set("Resource", "Microsoft.aadiam").set("ResourceId", "/tenants/"+tid+"/providers/Microsoft.aadiam").
			set("ResourceProvider", "Microsoft.aadiam").set("RiskLevel", risk).set("SignInIdentifier", u.UPN).
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
		set("Timestamp", si.at).set("Application", app.Name).set("ApplicationId", app.AppID).set("LogonType", logonType).
		set("ErrorCode", int64(si.result)).set("CorrelationId", corr).set("SessionId", session).
		set("AccountDisplayName", u.DisplayName).set("AccountObjectId", u.ObjectID).set("AccountUpn", u.UPN).
		set("IsExternalUser", int64(0)).set("IsGuestUser", false).set("AlternateSignInName", u.UPN).
		set("LastPasswordChangeTimestamp", u.PasswordChanged).set("ResourceDisplayName", app.Resource).
		set("ResourceId", app.ResourceID).set("ResourceTenantId", tid).set("DeviceName", dev.Name).
		set("AadDeviceId", dev.ID).set("EntraIdDeviceId", dev.ID).set("OSPlatform", dev.OS).set("DeviceTrustType", dev.Trust).
		set("IsManaged", b2i(dev.Managed)).set("IsCompliant", b2i(dev.Compliant)).
		set("AuthenticationProcessingDetails", procDetails).set("AuthenticationRequirement", authReq).
		set("TokenIssuerType", int64(0)).set("RiskLevelAggregated", riskInt[risk]).set("RiskDetails", int64(0)).
		set("RiskState", map[bool]int64{true: 4, false: 0}[riskState == "atRisk"]).set("UserAgent", dev.UserAgent).
		set("ClientAppUsed", app.Client).set("Browser", dev.Browser).set("ConditionalAccessPolicies", ca.json).
		set("ConditionalAccessStatus", caInt).set("IPAddress", si.ip).set("Country", pl.Country).set("State", pl.State).
		set("City", pl.City).set("Latitude", pv.lat).
		set("Longitude", pv.lon).set("NetworkLocationDetails", netLoc).
		set("RequestId", reqID).set("ReportId", reqID)
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
		set("Timestamp", si.at).set("ActionType", action).set("Application", "Microsoft Entra ID").
		set("LogonType", "Interactive").set("Protocol", "OAuth2").set("FailureReason", failure).
		set("AccountName", local).set("AccountDomain", domain).set("AccountUpn", u.UPN).
		set("AccountObjectId", u.ObjectID).set("AccountDisplayName", u.DisplayName).set("DeviceName", dev.Name).
		set("DeviceType", deviceType).set("OSPlatform", dev.OS).set("IPAddress", si.ip).
		set("Location", pl.Country).set("Isp", pl.ISP).set("ReportId", corr).
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
