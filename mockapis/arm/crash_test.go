package arm

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

const crashDirEnv = "SOCLAB_ARM_CRASH_DIR"

// TestARMCrashChild is the server half of TestARMCrashUnderLoad: it serves ARM over the
// state folder and prints its URL, tenant and subscription, then waits to be killed.
func TestARMCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestARMCrashUnderLoad")
	}
	w, err := simulator.Open(dir, simulator.Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	c, _ := w.TenantByName("contoso")
	v := fakeVerifier{principals: map[string]auth.Principal{
		"tok-a": {TenantID: c.ID, ObjectID: c.ServicePrincipal.ObjectID, AppID: c.ServicePrincipal.AppID, IsServicePrincipal: true},
	}}
	srv := httptest.NewServer(NewHandler(w, v))
	fmt.Printf("ready %s %s\n", srv.URL, c.Subscription.ID)
	time.Sleep(30 * time.Second) // killed long before
	os.Exit(0)
}

// TestARMCrashUnderLoad sends concurrent group creates to a server process, kills it with
// SIGKILL mid-load, reopens its state and checks that every create answered 201 is there
// with its activity records.
func TestARMCrashUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a server process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestARMCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var url, sub string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "ready" {
			url, sub = f[1], f[2]
			break
		} else if len(f) > 0 && f[0] == "error" {
			t.Fatal(sc.Text())
		}
	}
	if url == "" {
		t.Fatal("child did not start")
	}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("rg-crash-%d-%04d", g, i)
				req, _ := http.NewRequest("PUT", url+"/subscriptions/"+sub+"/resourcegroups/"+name+"?api-version=2021-04-01", strings.NewReader(`{"location":"eastus"}`))
				req.Header.Set("Authorization", "Bearer tok-a")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server died
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 200 {
			break
		}
	}
	cmd.Process.Kill() // SIGKILL while the writers are still sending
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d creates acknowledged before the kill", len(acked))
	}
	w, err := simulator.Open(dir, simulator.Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	w.View(c.ID, func(tx *simulator.TenantTx) error {
		for _, name := range acked {
			if _, ok, _ := tx.Resource(simulator.ResourceGroupID(sub, name)); !ok {
				t.Errorf("acknowledged group %s lost", name)
			}
		}
		acts, _ := tx.Activities()
		if len(acts) < 2*len(acked) {
			t.Errorf("%d activity records for %d acknowledged creates", len(acts), len(acked))
		}
		return nil
	})
	t.Logf("%d acknowledged creates survived kill -9", len(acked))
}
