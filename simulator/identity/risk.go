package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// riskQuery finds the sign-ins Identity Protection flagged: interactive sign-ins whose risk
// event types are set (the telemetry's RiskEventTypes_V2).
const riskQuery = `SigninLogs
| where RiskEventTypes_V2 != "[]" and RiskEventTypes_V2 != ""
| project TimeGenerated, Id, CorrelationId, UserId, UserPrincipalName, UserDisplayName, IPAddress, RiskLevelDuringSignIn, RiskEventTypes_V2, LocationDetails, UserAgent
| order by TimeGenerated asc`

// offlineRisks are the detections Identity Protection computes after the sign-in (the others
// are real-time); they are detected this long after the activity.
var offlineRisks = map[string]time.Duration{"maliciousIPAddress": 2 * time.Hour, "unlikelyTravel": 2 * time.Hour, "leakedCredentials": 24 * time.Hour}

// Risk is Identity Protection's view of a tenant at its clock: the risk detections of the
// flagged sign-ins ingested so far, and the risky users they make, with the administrators'
// decisions (confirm, dismiss, password reset) applied.
type Risk struct {
	Users      []map[string]any
	Detections []map[string]any
}

// Risk computes the tenant's risky users and risk detections at its clock.
func (s *Service) Risk(ctx context.Context, tenantID string) (*Risk, error) {
	rows, now, err := s.Logs(ctx, tenantID, riskQuery)
	if err != nil {
		return nil, err
	}
	var d *Directory
	b, err := s.Base(tenantID)
	if err != nil {
		return nil, err
	}
	err = s.eng.World().View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		d, err = Load(tx, b, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d.risk(rows, now), nil
}

type riskyUser struct {
	id, upn, name string
	level         string
	last          time.Time
}

var levelRank = map[string]int{"none": 0, "low": 1, "medium": 2, "high": 3}

func (d *Directory) risk(rows []map[string]any, now time.Time) *Risk {
	out := &Risk{Users: []map[string]any{}, Detections: []map[string]any{}}
	users := map[string]*riskyUser{}
	for _, r := range rows {
		var types []string
		_ = json.Unmarshal([]byte(str(r["RiskEventTypes_V2"])), &types)
		at, _ := time.Parse(time.RFC3339Nano, str(r["TimeGenerated"]))
		uid := strings.ToLower(str(r["UserId"]))
		level := str(r["RiskLevelDuringSignIn"])
		for _, t := range types {
			detected, timing := at, "realtime"
			if delay, ok := offlineRisks[t]; ok {
				detected, timing = at.Add(delay), "offline"
			}
			if detected.After(now) {
				continue
			}
			state, detail, updated := "atRisk", "none", detected
			if dec, ok := d.Risk[uid]; ok && !dec.At.Before(detected) && !dec.At.After(now) {
				state, detail, updated = dec.State, dec.Detail, dec.At
			}
			loc, _ := r["LocationDetails"].(map[string]any)
			out.Detections = append(out.Detections, map[string]any{
				"id": detectionID(str(r["Id"]), t), "requestId": r["Id"], "correlationId": r["CorrelationId"], "riskEventType": t,
				"riskState": state, "riskLevel": level, "riskDetail": detail, "source": "IdentityProtection", "detectionTimingType": timing,
				"activity": "signin", "tokenIssuerType": "AzureAD", "ipAddress": r["IPAddress"], "location": graphLocation(loc),
				"activityDateTime": graphTime(at), "detectedDateTime": graphTime(detected), "lastUpdatedDateTime": graphTime(updated),
				"userId": uid, "userDisplayName": r["UserDisplayName"], "userPrincipalName": r["UserPrincipalName"],
				"additionalInfo": `[{"Key":"userAgent","Value":` + jsonText(str(r["UserAgent"])) + `}]`,
			})
			ru := users[uid]
			if ru == nil {
				ru = &riskyUser{id: uid, upn: str(r["UserPrincipalName"]), name: str(r["UserDisplayName"]), level: "none"}
				users[uid] = ru
			}
			if levelRank[level] > levelRank[ru.level] {
				ru.level = level
			}
			if detected.After(ru.last) {
				ru.last = detected
			}
		}
	}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ru := users[id]
		state, level, detail, last := "atRisk", ru.level, "none", ru.last
		if dec, ok := d.Risk[id]; ok && !dec.At.Before(ru.last) && !dec.At.After(now) {
			state, level, detail, last = dec.State, dec.Level, dec.Detail, dec.At
		}
		out.Users = append(out.Users, map[string]any{
			"id": id, "isDeleted": d.UserByKey(id) == nil, "isProcessing": false, "riskLastUpdatedDateTime": graphTime(last),
			"riskLevel": level, "riskState": state, "riskDetail": detail, "userDisplayName": ru.name, "userPrincipalName": ru.upn,
		})
	}
	return out
}

// detectionID is a stable id per sign-in and risk type (Identity Protection's are 64 hex digits).
func detectionID(requestID, riskType string) string {
	sum := sha256.Sum256([]byte(requestID + "/" + riskType))
	return hex.EncodeToString(sum[:])
}

// graphLocation is SigninLogs' LocationDetails as Graph's signInLocation.
func graphLocation(loc map[string]any) map[string]any {
	if loc == nil {
		return map[string]any{"city": nil, "state": nil, "countryOrRegion": nil, "geoCoordinates": nil}
	}
	return map[string]any{"city": loc["city"], "state": loc["state"], "countryOrRegion": loc["countryOrRegion"], "geoCoordinates": loc["geoCoordinates"]}
}
