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
	status := map[string]any{"errorCode": int64(si.result)}
	reason := scenario.SignInErrors[si.result]
	if si.result != 0 {
		status["failureReason"] = reason
	} else if si.mfa {
		status["additionalDetails"] = "MFA completed in Azure AD"
	} else if si.interactive {
		status["additionalDetails"] = "MFA requirement satisfied by claim in the token"
	}
	location := map[string]any{
		"city": pl.City, "state": pl.State, "countryOrRegion": pl.Country,
		"geoCoordinates": map[string]any{"latitude": pl.Latitude, "longitude": pl.Longitude},
	}
	dev := si.device
	device := map[string]any{
		"deviceId": dev.ID, "displayName": dev.Name, "operatingSystem": dev.OS, "browser": dev.Browser,
		"isCompliant": dev.Compliant, "isManaged": dev.Managed, "trustType": dev.Trust,
	}
	caStatus, caResult := "success", "success"
	switch {
	case si.result == 53003:
		caStatus, caResult = "failure", "failure"
	case si.result != 0 && si.result != 50074 && si.result != 50076:
		caStatus, caResult = "notApplied", "notApplied"
	}
	caPolicies := []any{
		map[string]any{"id": nameUUID(tid, "ca", "mfa"), "displayName": "Require MFA for all users",
			"enforcedGrantControls": []any{"Mfa"}, "enforcedSessionControls": []any{}, "result": caResult},
		map[string]any{"id": nameUUID(tid, "ca", "compliant"), "displayName": "Require compliant device for Azure management",
			"enforcedGrantControls": []any{"RequireCompliantDevice"}, "enforcedSessionControls": []any{}, "result": "reportOnlyNotApplied"},
	}
	authReq := "singleFactorAuthentication"
	var mfaDetail map[string]any
	first := map[string]any{
		"authenticationStepDateTime": si.at.Format(time.RFC3339), "authenticationMethod": "Password",
		"authenticationMethodDetail": "Password in the cloud", "succeeded": si.result != 50126 && si.result != 50053,
		"authenticationStepResultDetail": "Correct password", "authenticationStepRequirement": "Primary authentication",
	}
	if !si.interactive {
		first["authenticationMethod"] = "Previously satisfied"
		first["authenticationMethodDetail"] = ""
		first["authenticationStepResultDetail"] = "First factor requirement satisfied by claim in the token"
	} else if si.result == 50126 || si.result == 50053 {
		first["authenticationStepResultDetail"] = "Invalid username or password or Invalid on-premise username or password."
	}
	authDetails := []any{first}
	if si.mfa || si.result == 50074 || si.result == 50076 || si.result == 500121 {
		authReq = "multiFactorAuthentication"
		mfaDetail = map[string]any{"authMethod": "Mobile app notification", "authDetail": ""}
		authDetails = append(authDetails, map[string]any{
			"authenticationStepDateTime": si.at.Format(time.RFC3339), "authenticationMethod": "Mobile app notification",
			"succeeded": si.result == 0, "authenticationStepResultDetail": map[bool]string{true: "MFA successfully completed", false: "MFA required in Azure AD"}[si.result == 0],
			"authenticationStepRequirement": "Primary authentication",
		})
	}
	netLoc := "[]"
	if pl.Trusted {
		netLoc = `[{"networkType":"trustedNamedLocation","networkNames":["Contoso ` + pl.City + `"]}]`
	}
	riskEvents := "[]"
	if len(si.riskEvents) > 0 {
		riskEvents = jsonString(si.riskEvents)
	}
	procDetails := `[{"key":"Legacy TLS (TLS 1.0, 1.1, 3DES)","value":"False"},{"key":"Is CAE Token","value":"False"}]`
	resultType := strconv.Itoa(si.result)
	asn := strconv.Itoa(pl.ASN)
	sp := nameUUID(tid, "resource-sp", app.ResourceID)

	ti, src, cat := tSignin, SourceEntraSignIn, "SignInLogs"
	if !si.interactive {
		ti, src, cat = tNonInteractive, SourceEntraNonInteractive, "NonInteractiveUserSignInLogs"
	}
	r := g.tables[ti].newRow().
		set("AlternateSignInName", u.UPN).set("AppDisplayName", app.Name).set("AppId", app.AppID).
		set("AppliedEventListeners", []any{}).set("AuthenticationContextClassReferences", "[]").
		set("AuthenticationDetails", jsonString(authDetails)).set("AuthenticationMethodsUsed", "").
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
		r.set("AADTenantId", tid).set("AppliedConditionalAccessPolicies", "[]").set("ConditionalAccessPolicies", caPolicies).
			set("DeviceDetail", device).set("FlaggedForReview", false).set("LocationDetails", location).
			set("MfaDetail", anyOrNil(mfaDetail)).set("ProcessingTimeInMilliseconds", strconv.Itoa(40+f.IntN(400))).
			set("Resource", "Microsoft.aadiam").set("ResourceId", "/tenants/"+tid+"/providers/Microsoft.aadiam").
			set("ResourceProvider", "Microsoft.aadiam").set("RiskLevel", risk).set("SignInIdentifier", u.UPN).
			set("Status", status)
	} else {
		r.set("ConditionalAccessPolicies", jsonString(caPolicies)).set("DeviceDetail", jsonString(device)).
			set("LocationDetails", jsonString(location)).set("MfaDetail", jsonString(orEmpty(mfaDetail))).
			set("ProcessingTimeInMs", strconv.Itoa(20+f.IntN(200))).set("SignInEventTypes", `["nonInteractiveUser"]`).
			set("Status", jsonString(status))
	}
	b.emit(ti, r, withSource(si.meta, src, si.at))

	// Defender XDR's view of the same sign-in (Entra ID P2).
	caInt := map[string]int64{"success": 0, "failure": 1, "notApplied": 2}[caStatus]
	logonType := "interactiveUser"
	if !si.interactive {
		logonType = "nonInteractiveUser"
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
		set("ClientAppUsed", app.Client).set("Browser", dev.Browser).set("ConditionalAccessPolicies", jsonString(caPolicies)).
		set("ConditionalAccessStatus", caInt).set("IPAddress", si.ip).set("Country", pl.Country).set("State", pl.State).
		set("City", pl.City).set("Latitude", strconv.FormatFloat(pl.Latitude, 'f', -1, 64)).
		set("Longitude", strconv.FormatFloat(pl.Longitude, 'f', -1, 64)).set("NetworkLocationDetails", netLoc).
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

func anyOrNil(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
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
