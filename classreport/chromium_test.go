package classreport

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromiumFlags run Debian's Chromium headless on this kind of machine (no sandbox, no GPU, no
// network chatter).
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"}

// artifactDir is where tests keep files for people to look at: $SOCLAB_TEST_ARTIFACTS, else
// soclab-test-artifacts in the temporary folder.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("SOCLAB_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "soclab-test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHTMLInChromium renders the 30-learner HTML report in Chromium: its DOM holds the chart
// and every learner, nothing on the page logs to the console, and the screenshot (kept as a
// test artefact) shows the chart's bars in their colour.
func TestHTMLInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		msg := "\n" + strings.Repeat("!", 78) + "\n!!! SKIPPED: chromium is not installed, so the HTML class report was NOT rendered.\n" +
			"!!! Install it with `apt-get install chromium` and rerun.\n" + strings.Repeat("!", 78)
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "class.html")
	var html bytes.Buffer
	if err := Build(class(30)).WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, html.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(chromium, append(append(append([]string(nil), chromiumFlags...), "--user-data-dir="+filepath.Join(dir, "profile-"+fmt.Sprint(time.Now().UnixNano()))), append(args, "file://"+page)...)...)
		var so, se bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, &se
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("chromium %v: %v\n%s", args, err, se.String())
			}
		case <-time.After(90 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("chromium %v did not finish within 90s", args)
		}
		for _, line := range strings.Split(se.String(), "\n") {
			if strings.Contains(line, "CONSOLE") {
				t.Errorf("the page logged to the console: %s", line)
			}
		}
		return so.String(), se.String()
	}
	dom, _ := run("--dump-dom")
	if n := strings.Count(dom, "<g class=\"task\">"); n != 6 || !strings.Contains(dom, "<svg") {
		t.Errorf("the rendered DOM has %d task bars in the chart, want 6", n)
	}
	for i := 1; i <= 30; i++ {
		if !strings.Contains(dom, fmt.Sprintf("<td>learner%02d</td>", i)) {
			t.Errorf("the rendered DOM has no row for learner%02d", i)
		}
	}
	shot := filepath.Join(artifactDir(t), "class-report-30.png")
	os.Remove(shot)
	run("--window-size=1200,1800", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	// The completed bars are #3182bd: a 6-task chart covers thousands of such pixels.
	bars := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0x31 && g>>8 == 0x82 && bl>>8 == 0xbd {
				bars++
			}
		}
	}
	if b.Dx() != 1200 || b.Dy() != 1800 || bars < 5000 {
		t.Errorf("screenshot %dx%d with %d pixels of the chart's bars", b.Dx(), b.Dy(), bars)
	}
	t.Logf("screenshot of the class report: %s (%d bar pixels)", shot, bars)
}
