package simulator

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const crashEnv = "SOCLAB_CRASH_CHILD_DIR"

// TestCrashChild is the child of TestCrashSafety: it writes in a loop and prints "ack N"
// after each Update returns, until it is killed (or 20 s pass).
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestCrashSafety")
	}
	w, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	c, _ := w.TenantByName("contoso")
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		err := w.Update(c.ID, func(tx *TenantTx) error {
			if err := tx.PutJSON("crash", fmt.Sprintf("k%06d", i), i); err != nil {
				return err
			}
			_, err := tx.AppendActivity(Activity{OperationName: "CRASH/WRITE", Status: "Succeeded", ResourceID: strconv.Itoa(i)})
			return err
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Printf("ack %d\n", i)
	}
	os.Exit(0)
}

// TestCrashSafety kills a writing process with SIGKILL mid-load, reopens its state and
// checks that every write the child saw acknowledged is there, complete.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	acked := -1
	killAt := 150
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "ack "); ok {
			acked, _ = strconv.Atoi(n)
			if acked == killAt {
				cmd.Process.Kill() // SIGKILL: no deferred close, no flush
			}
		} else if strings.HasPrefix(line, "error") {
			t.Fatalf("child: %s", line)
		}
	}
	cmd.Wait()
	if acked < killAt {
		t.Fatalf("child acknowledged only %d writes", acked)
	}
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer w.Close()
	c, _ := w.TenantByName("contoso")
	err = w.View(c.ID, func(tx *TenantTx) error {
		for i := 0; i <= acked; i++ {
			var v int
			ok, err := tx.GetJSON("crash", fmt.Sprintf("k%06d", i), &v)
			if err != nil || !ok || v != i {
				return fmt.Errorf("acknowledged write %d lost (ok=%v v=%d err=%v)", i, ok, v, err)
			}
		}
		acts, err := tx.Activities()
		if err != nil {
			return err
		}
		// A write may have committed without its ack being printed: at most one more.
		if len(acts) < acked+1 || len(acts) > acked+2 {
			return fmt.Errorf("%d activity entries for %d acknowledged writes", len(acts), acked+1)
		}
		for i, a := range acts {
			if a.ResourceID != strconv.Itoa(i) {
				return fmt.Errorf("activity %d is for write %s: a write was torn", i, a.ResourceID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged writes survived kill -9", acked+1)
}
