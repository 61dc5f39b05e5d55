package portal

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/soclab/soclab/simulator/xdr"
)

// BenchmarkPages is each page's server time (request to last byte, loopback HTTP) on the lab's
// world after the attack: the part of the first paint the portal controls.
func BenchmarkPages(b *testing.B) {
	l := newPortalLab(b)
	code, _, loc := l.postB(b, "/v2/advanced-hunting", url.Values{"query": {"range i from 1 to 10000 step 1 | extend s = strcat('row ', i)"}})
	if code != http.StatusSeeOther {
		b.Fatalf("hunting run: %d", code)
	}
	for _, pg := range []struct{ name, path string }{{"queue", "/incidents"}, {"incident", fmt.Sprintf("/incidents/%d", xdr.FirstIncidentID)},
		{"hunting-10000-rows-page-150", loc + "&page=150"}, {"hunting-editor", "/v2/advanced-hunting"}, {"logs-editor", "/sentinel/logs"},
		{"analytics", "/sentinel/analytics"}, {"settings-sentinel", "/securitysettings/sentinel"}, {"copilot", "/copilot"}} {
		path := pg.path
		b.Run(pg.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := l.c.Get(l.srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", path, resp.StatusCode)
				}
			}
		})
	}
	b.Run("hunting-run-10000-rows", func(b *testing.B) {
		for b.Loop() {
			if code, _, _ := l.postB(b, "/v2/advanced-hunting", url.Values{"query": {"range i from 1 to 10000 step 1 | extend s = strcat('row ', i)"}}); code != http.StatusSeeOther {
				b.Fatal(code)
			}
		}
	})
}

func (l *portalLab) postB(b *testing.B, path string, form url.Values) (int, string, string) {
	form.Set("csrf", l.csrf)
	resp, err := l.c.PostForm(l.srv.URL+path, form)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}
