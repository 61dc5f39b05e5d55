package hunting

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// FuzzHuntingBody posts arbitrary bodies to both hunting faces: never a 5xx, always JSON,
// results on 200 and the face's {"error":{"code","message"}} otherwise.
func FuzzHuntingBody(f *testing.F) {
	for _, s := range []string{
		`{"Query":"AlertInfo | count"}`, `{"query":"IdentityLogonEvents | take 1","Timespan":"P1D"}`,
		`{"Query":"AlertInfo | count","Timespan":"2025-01-14T00:00:00Z/2025-01-16T00:00:00Z"}`,
		`{"Query":"AlertInfo | where"}`, `{"Query":"Nope"}`, `{"Query":""}`, `{"Query":1}`, `{"Timespan":"x"}`,
		`{"Query":"AlertInfo | count","Timespan":"-P1D"}`, `[]`, `null`, `{`, ``,
	} {
		f.Add(s)
	}
	g, d := newServers(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, url := range []string{g.URL + "/v1.0/security/runHuntingQuery", d.URL + "/api/advancedhunting/run"} {
			status, out := rawPost(t, url, body)
			if status >= 500 {
				t.Fatalf("%s: server error %d for %q: %s", url, status, body, out)
			}
			var m struct {
				Results json.RawMessage `json:"results"`
				Error   *struct{ Code, Message string }
			}
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("%s: %d body is not JSON for %q: %s", url, status, body, out)
			}
			if status == 200 && len(m.Results) == 0 {
				t.Fatalf("%s: 200 without results for %q: %s", url, body, out)
			}
			if status != 200 && (m.Error == nil || m.Error.Code == "" || m.Error.Message == "") {
				t.Fatalf("%s: %d is not the error envelope for %q: %s", url, status, body, out)
			}
		}
	})
}

// rawPost posts body with the test token and returns the answer unmasked.
func rawPost(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
