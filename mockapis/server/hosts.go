package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// Host names the lab serves. The call-home hosts are the az CLI's version check and error
// suggestions; they are answered here so nothing leaves the machine.
const (
	HostARM             = "management.azure.com"
	HostGraph           = "graph.microsoft.com"
	HostLogAnalytics    = "api.loganalytics.io"
	HostLogAnalyticsNew = "api.loganalytics.azure.com"
	HostDefender        = "api.security.microsoft.com"
	HostAzureWebsite    = "azure.microsoft.com"
	HostGitHubRaw       = "raw.githubusercontent.com"
	HostAladdin         = "app.aladdin.microsoft.com"
	// HostPortal is the web portal (Microsoft Defender and Sentinel in the real cloud).
	HostPortal = "security.microsoft.com"
)

// buildHosts maps every served host name to its handler.
func buildHosts(world *simulator.World, login *aad.Handler, v auth.Verifier, svc Services) map[string]http.Handler {
	hosts := map[string]http.Handler{
		aad.LoginHost:       login,
		HostGraph:           notServedYet(v, auth.GraphAudiences, graphError),
		HostLogAnalytics:    notServedYet(v, auth.LogAnalyticsAudiences, logAnalyticsError),
		HostLogAnalyticsNew: notServedYet(v, auth.LogAnalyticsAudiences, logAnalyticsError),
		HostDefender:        notServedYet(v, auth.DefenderAudiences, defenderError),
		HostAzureWebsite:    http.HandlerFunc(azureWebsite),
		HostGitHubRaw:       http.HandlerFunc(versionCheck),
		HostAladdin:         http.HandlerFunc(aladdin),
	}
	if svc.ARM != nil {
		hosts[HostARM] = svc.ARM(world, v)
	} else {
		hosts[HostARM] = notServedYet(v, auth.ARMAudiences, armError)
	}
	if svc.LogAnalytics != nil {
		la := svc.LogAnalytics(world, v)
		hosts[HostLogAnalytics], hosts[HostLogAnalyticsNew] = la, la
	}
	if svc.Graph != nil {
		hosts[HostGraph] = svc.Graph(world, v)
	}
	if svc.Defender != nil {
		hosts[HostDefender] = svc.Defender(world, v)
	}
	if svc.Portal != nil {
		hosts[HostPortal] = svc.Portal(world)
	}
	return hosts
}

// errorWriter writes an error in one service's envelope.
type errorWriter func(w http.ResponseWriter, r *http.Request, status int, code, message string)

// notServedYet checks the token as the service would, then answers 404 in the service's
// format: the host is reachable, the API behind it comes with a later part of the lab.
func notServedYet(v auth.Verifier, audiences []string, write errorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Verify(r, audiences...); err != nil {
			code, msg := "InvalidAuthenticationToken", err.Error()
			var ve *aad.VerifyError
			if errors.As(err, &ve) {
				code = ve.Code
			}
			write(w, r, http.StatusUnauthorized, code, msg)
			return
		}
		write(w, r, http.StatusNotFound, "NotFound", "soclab does not serve "+r.Method+" "+r.URL.Path+" on "+r.Host+" yet.")
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func armError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message}})
}

// graphError is Graph's OData error with its innerError block.
func graphError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message, "innerError": map[string]any{
		"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": newRequestID(), "client-request-id": r.Header.Get("client-request-id"),
	}}})
}

// logAnalyticsError is the query API's error body.
func logAnalyticsError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if code == "NotFound" {
		code = "PathNotFoundError"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "code": code, "correlationId": newRequestID()}})
}

// defenderError is the Defender XDR API's error body.
func defenderError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message, "target": newRequestID()}})
}

// azureWebsite answers az's connectivity probe (HEAD https://azure.microsoft.com/).
func azureWebsite(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method != http.MethodHead {
		io.WriteString(w, "<!doctype html><title>Microsoft Azure (soclab)</title><p>soclab answers this address locally.</p>\n")
	}
}

// latestVersions are what az's daily version check reads from GitHub: the installed Debian
// versions, so az never claims an update is due.
var latestVersions = map[string]string{
	"/Azure/azure-cli/main/src/azure-cli-core/setup.py":      "VERSION = \"2.45.0\"\n",
	"/Azure/azure-cli/main/src/azure-cli-telemetry/setup.py": "VERSION = \"1.0.8\"\n",
	"/Azure/azure-cli/main/src/azure-cli/setup.py":           "VERSION = \"2.45.0\"\n",
}

func versionCheck(w http.ResponseWriter, r *http.Request) {
	body, ok := latestVersions[r.URL.Path]
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "404: Not Found")
		return
	}
	io.WriteString(w, body)
}

// aladdin answers az's "examples from AI knowledge base" lookup with no suggestions.
func aladdin(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, []any{})
}
