package server

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkFrontDoor measures ARM GET and PUT through the whole front door (CONNECT, TLS with
// a lab leaf, token verification, the ARM handler, bbolt) with 1, 16 and 128 concurrent
// keep-alive clients, next to a bare net/http handler (plain and TLS) on the same machine;
// "proxy-only" is a trivial handler behind the same proxy and TLS, the front door's own cost.
// Each reports p50/p99 latency in ms and requests per second.
func BenchmarkFrontDoor(b *testing.B) {
	state := filepath.Join(b.TempDir(), "state")
	r := startServer(b, state)
	token := r.spToken(b, "https://management.core.windows.net//.default")
	sub := r.cred.SubscriptionID
	getURL := "https://management.azure.com/subscriptions/" + sub + "/resourcegroups/rg-contoso-unified-soc?api-version=2021-04-01"
	putURL := func(client int) string {
		return fmt.Sprintf("https://management.azure.com/subscriptions/%s/resourcegroups/rg-bench-%d?api-version=2021-04-01", sub, client)
	}
	body := `{"location": "eastus", "tags": {"purpose": "benchmark"}}`

	// The bare handler answers a body of the same size as the ARM GET.
	sample := r.fetch(b, r.newClient(), "GET", getURL, token, "")
	bare := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(sample)
	})
	plain := httptest.NewServer(bare)
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(bare)
	defer tlsSrv.Close()
	bareClient := func() *http.Client { return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}} }
	bareTLSClient := func() *http.Client {
		tr := tlsSrv.Client().Transport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 1
		return &http.Client{Transport: tr}
	}
	labClient := func() *http.Client { return r.newClient() }

	cases := []struct {
		name   string
		client func() *http.Client
		method string
		url    func(client int) string
		token  string
	}{
		{"lab/GET", labClient, "GET", func(int) string { return getURL }, token},
		{"lab/PUT", labClient, "PUT", putURL, token},
		{"proxy-only/GET", labClient, "GET", func(int) string { return "https://azure.microsoft.com/" }, ""},
		{"bare-http/GET", bareClient, "GET", func(int) string { return plain.URL + "/x" }, ""},
		{"bare-http/PUT", bareClient, "PUT", func(int) string { return plain.URL + "/x" }, ""},
		{"bare-tls/GET", bareTLSClient, "GET", func(int) string { return tlsSrv.URL + "/x" }, ""},
		{"bare-tls/PUT", bareTLSClient, "PUT", func(int) string { return tlsSrv.URL + "/x" }, ""},
	}
	for _, tc := range cases {
		for _, clients := range []int{1, 16, 128} {
			b.Run(fmt.Sprintf("%s/clients=%d", tc.name, clients), func(b *testing.B) {
				payload := ""
				if tc.method == "PUT" {
					payload = body
				}
				cs := make([]*http.Client, clients)
				for i := range cs {
					cs[i] = tc.client()
					r.fetch(b, cs[i], tc.method, tc.url(i), tc.token, payload) // connect and warm up
				}
				var next atomic.Int64
				lat := make([][]time.Duration, clients)
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for i := range cs {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						u := tc.url(i)
						for next.Add(1) <= int64(b.N) {
							t0 := time.Now()
							r.fetch(b, cs[i], tc.method, u, tc.token, payload)
							lat[i] = append(lat[i], time.Since(t0))
						}
					}(i)
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				var all []time.Duration
				for _, l := range lat {
					all = append(all, l...)
				}
				sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
				b.ReportMetric(ms(all[len(all)/2]), "p50-ms")
				b.ReportMetric(ms(all[(len(all)*99)/100]), "p99-ms")
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
				for _, c := range cs {
					c.CloseIdleConnections()
				}
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// newClient is one keep-alive client through the proxy, trusting the lab CA.
func (r *running) newClient() *http.Client {
	wt := r.client.Transport.(*withControlToken)
	tr := wt.next.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 1
	return &http.Client{Transport: &withControlToken{addr: wt.addr, token: wt.token, next: tr}}
}

func (r *running) fetch(b *testing.B, c *http.Client, method, u, token, body string) []byte {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Errorf("%s %s: %v", method, u, err)
		return nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		b.Errorf("%s %s: %d %s", method, u, resp.StatusCode, data)
	}
	return data
}
