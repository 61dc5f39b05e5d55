package identity

import (
	"testing"

	"github.com/soclab/soclab/simulator/logs"
)

// BenchmarkRoutes is the cost of the Graph calls a learner makes, through HTTP, over the served
// telemetry size (200 users, 30 days; generated once before the timer).
func BenchmarkRoutes(b *testing.B) {
	l := newLabSized(b, logs.Options{})
	for _, c := range []struct{ name, path string }{
		{"user", "/v1.0/users/alex.johnson@contoso.com"},
		{"users-page", "/v1.0/users?$top=100"},
		{"group-filter", "/v1.0/groups?$filter=displayName%20eq%20'SOC%20Tier%202'"},
		{"role-assignments", "/v1.0/roleManagement/directory/roleAssignments"},
		{"signins-filter", "/v1.0/auditLogs/signIns?$filter=userPrincipalName%20eq%20'alex.johnson@contoso.com'&$top=50"},
		{"directory-audits", "/v1.0/auditLogs/directoryAudits?$top=50"},
		{"risky-users", "/v1.0/identityProtection/riskyUsers"},
	} {
		if status, body := l.do("GET", c.path, "a", ""); status != 200 {
			b.Fatalf("%s: %d %s", c.path, status, body)
		}
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				l.do("GET", c.path, "a", "")
			}
		})
	}
}
