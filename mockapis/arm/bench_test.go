package arm

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkARM measures the ARM handler over loopback HTTP (no proxy, no TLS): GET of a
// workspace and PUT of a resource group, at 1, 16 and 128 concurrent clients, next to BARE:
// a bare net/http handler on the same machine. It reports p50/p99 latency in ms and
// requests/s; b.N requests are spread over the clients (closed loop).
func BenchmarkARM(b *testing.B) {
	for _, op := range []string{"BARE", "GET", "PUT"} {
		for _, clients := range []int{1, 16, 128} {
			b.Run(fmt.Sprintf("%s/clients=%d", op, clients), func(b *testing.B) {
				f := newFixture(&testing.T{})
				defer f.server.Close()
				defer f.world.Close()
				if op == "BARE" {
					// The baseline: a bare net/http handler answering a fixed JSON body.
					f.server.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", "application/json")
						w.Write([]byte(`{"id":"/subscriptions/x","name":"x"}`))
					})
				}
				tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
				client := &http.Client{Transport: tr}
				defer tr.CloseIdleConnections()
				put := func(url, body string) int {
					req, _ := http.NewRequest("PUT", url, strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer tok-a")
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body) // drain, so the connection is reused
					resp.Body.Close()
					return resp.StatusCode
				}
				base := f.server.URL + f.expand(wsPath+vWS)
				if s := put(base, `{"location":"eastus"}`); s != 201 && op != "BARE" {
					b.Fatalf("setup: %d", s)
				}
				lat := make([]time.Duration, b.N)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				start := time.Now()
				for c := 0; c < clients; c++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= b.N {
								return
							}
							t0 := time.Now()
							var status int
							if op == "GET" || op == "BARE" {
								req, _ := http.NewRequest("GET", base, nil)
								req.Header.Set("Authorization", "Bearer tok-a")
								resp, err := client.Do(req)
								if err != nil {
									b.Error(err)
									return
								}
								io.Copy(io.Discard, resp.Body)
								resp.Body.Close()
								status = resp.StatusCode
							} else {
								status = put(f.server.URL+f.expand(fmt.Sprintf("/subscriptions/{subA}/resourcegroups/rg-bench-%d%s", i%200, v2021)), `{"location":"eastus"}`)
							}
							if status >= 300 {
								b.Errorf("status %d", status)
								return
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			})
		}
	}
}

// BenchmarkARMHandlerGET is the ARM handler's own cost for a workspace GET, without network:
// ServeHTTP into a recorder (CPU and allocations per request; steadier than req/s on a
// loaded machine).
func BenchmarkARMHandlerGET(b *testing.B) {
	f := newFixture(&testing.T{})
	defer f.server.Close()
	defer f.world.Close()
	h := f.server.Config.Handler
	url := f.expand(wsPath + vWS)
	put := httptest.NewRequest("PUT", url, strings.NewReader(`{"location":"eastus"}`))
	put.Header.Set("Authorization", "Bearer tok-a")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, put)
	if rec.Code != 201 {
		b.Fatalf("setup: %d %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer tok-a")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("GET: %d", rec.Code)
		}
	}
}
