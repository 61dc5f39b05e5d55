package generate

import (
	"strconv"
	"strings"

	"github.com/soclab/soclab/scenarios/scenario"
)

// shared holds dynamic values that many rows carry unchanged (a place's LocationDetails, a
// device's DeviceDetail, the Conditional Access verdicts), built once before the streams run.
// Rows share them: they are read-only.
type shared struct {
	places     map[*scenario.Place]placeValues
	devices    map[string]dynValue
	ca         map[string]dynValue
	status     map[statusKey]dynValue
	resourceSP map[string]string
	mfaDetail  dynValue
	noDetail   dynValue
}

// dynValue is one dynamic value as a Go value (dynamic columns) and as JSON text (string columns
// that hold serialized JSON, as AADNonInteractiveUserSignInLogs does).
type dynValue struct {
	v    any
	json string
}

type placeValues struct {
	location dynValue
	netLoc   string
	asn      string
	lat, lon string
}

type statusKey struct {
	result           int
	mfa, interactive bool
}

func newDyn(v any) dynValue { return dynValue{v: v, json: jsonString(v)} }

func deviceKey(d Device) string { return d.ID + "|" + d.Name + "|" + d.OS + "|" + d.Browser }

func buildShared(s *scenario.Scenario, c *Cast) *shared {
	tid := c.Params.TenantID
	sh := &shared{places: map[*scenario.Place]placeValues{}, devices: map[string]dynValue{}, ca: map[string]dynValue{},
		status: map[statusKey]dynValue{}, resourceSP: map[string]string{}}
	for i := range s.Places {
		pl := &s.Places[i]
		pv := placeValues{
			location: newDyn(map[string]any{"city": pl.City, "state": pl.State, "countryOrRegion": pl.Country,
				"geoCoordinates": map[string]any{"latitude": pl.Latitude, "longitude": pl.Longitude}}),
			netLoc: "[]", asn: strconv.Itoa(pl.ASN),
			lat: strconv.FormatFloat(pl.Latitude, 'f', -1, 64), lon: strconv.FormatFloat(pl.Longitude, 'f', -1, 64),
		}
		if pl.Trusted {
			pv.netLoc = `[{"networkType":"trustedNamedLocation","networkNames":["Contoso ` + pl.City + `"]}]`
		}
		sh.places[pl] = pv
	}
	addDevice := func(d Device) {
		sh.devices[deviceKey(d)] = deviceDetail(d)
	}
	for _, u := range c.Users {
		for _, d := range u.Devices {
			addDevice(d)
		}
	}
	addDevice(Device{Device: s.Attack.Device, UserAgent: s.Attack.UserAgent})
	for _, result := range []string{"success", "failure", "notApplied"} {
		sh.ca[result] = newDyn([]any{
			map[string]any{"id": nameUUID(tid, "ca", "mfa"), "displayName": "Require MFA for all users",
				"enforcedGrantControls": []any{"Mfa"}, "enforcedSessionControls": []any{}, "result": result},
			map[string]any{"id": nameUUID(tid, "ca", "compliant"), "displayName": "Require compliant device for Azure management",
				"enforcedGrantControls": []any{"RequireCompliantDevice"}, "enforcedSessionControls": []any{}, "result": "reportOnlyNotApplied"},
		})
	}
	for code, reason := range scenario.SignInErrors {
		for _, mfa := range []bool{false, true} {
			for _, interactive := range []bool{false, true} {
				sh.status[statusKey{code, mfa, interactive}] = newDyn(statusValue(code, mfa, interactive, reason))
			}
		}
	}
	for _, a := range s.Cast.Apps {
		sh.resourceSP[a.ResourceID] = nameUUID(tid, "resource-sp", a.ResourceID)
	}
	sh.mfaDetail = newDyn(map[string]any{"authMethod": "Mobile app notification", "authDetail": ""})
	sh.noDetail = dynValue{v: nil, json: "{}"}
	return sh
}

// mfaNotCompleted is the additionalDetails Entra ID writes on an MFA failure (500121).
const mfaNotCompleted = "The user didn't complete the MFA prompt. They may have decided not to authenticate, timed out while doing other work, or has an issue with their authentication setup."

// statusValue is a sign-in's Status: the error code, the failure reason of a failure, how MFA
// was satisfied on a success.
func statusValue(code int, mfa, interactive bool, reason string) map[string]any {
	st := map[string]any{"errorCode": int64(code)}
	switch {
	case code == 500121:
		st["failureReason"] = reason
		st["additionalDetails"] = mfaNotCompleted
	case code != 0:
		st["failureReason"] = reason
	case mfa:
		st["additionalDetails"] = "MFA completed in Azure AD"
	case interactive:
		st["additionalDetails"] = "MFA requirement satisfied by claim in the token"
	}
	return st
}

func deviceDetail(d Device) dynValue {
	return newDyn(map[string]any{
		"deviceId": d.ID, "displayName": d.Name, "operatingSystem": d.OS, "browser": d.Browser,
		"isCompliant": d.Compliant, "isManaged": d.Managed, "trustType": d.Trust,
	})
}

func (sh *shared) device(d Device) dynValue {
	if v, ok := sh.devices[deviceKey(d)]; ok {
		return v
	}
	return deviceDetail(d)
}

// authDetails is the AuthenticationDetails JSON of a sign-in (keys sorted as encoding/json does).
func authDetails(at string, interactive, mfa bool, result int) string {
	var b strings.Builder
	b.Grow(512)
	method, detail, outcome := "Password", "Password in the cloud", "Correct password"
	if !interactive {
		method, detail, outcome = "Previously satisfied", "", "First factor requirement satisfied by claim in the token"
	} else if result == 50126 || result == 50053 {
		outcome = "Invalid username or password or Invalid on-premise username or password."
	}
	b.WriteString(`[{"authenticationMethod":"` + method + `","authenticationMethodDetail":"` + detail +
		`","authenticationStepDateTime":"` + at + `","authenticationStepRequirement":"Primary authentication","authenticationStepResultDetail":"` +
		outcome + `","succeeded":` + strconv.FormatBool(result != 50126 && result != 50053 && (interactive || result == 0)) + `}`)
	if mfa {
		second := "MFA required in Azure AD"
		switch {
		case result == 0:
			second = "MFA successfully completed"
		case result == 500121 && strings.HasSuffix(at, "0Z"):
			second = "MFA denied; user declined the authentication"
		case result == 500121:
			second = "MFA denied; user did not respond to mobile app notification"
		}
		b.WriteString(`,{"authenticationMethod":"Mobile app notification","authenticationStepDateTime":"` + at +
			`","authenticationStepRequirement":"Primary authentication","authenticationStepResultDetail":"` + second +
			`","succeeded":` + strconv.FormatBool(result == 0) + `}`)
	}
	b.WriteString("]")
	return b.String()
}
