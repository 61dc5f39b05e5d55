package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// The release build (make release) sets these at link time:
// -ldflags "-X main.version=v0.2.0 -X main.commit=0123abc -X main.buildDate=2026-12-06T09:00:00Z".
var (
	// version is the soclab release.
	version = "0.1.0-dev"
	// commit is the git commit the binary was built from.
	commit = ""
	// buildDate is when it was built (RFC 3339, UTC).
	buildDate = ""
)

// buildInfo is what `soclab version` prints.
type buildInfo struct {
	Version, Commit, Date, Go, Platform string
}

// currentBuild fills in what the link flags left empty from the Go toolchain's own record:
// `go install ...@v0.2.0` knows the module version, a build in a git checkout the commit
// and its time.
// linked holds the link-time values.
func currentBuild(linked buildInfo, read func() (*debug.BuildInfo, bool)) buildInfo {
	b := linked
	b.Go, b.Platform = runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH
	bi, ok := read()
	if !ok {
		return b
	}
	if b.Version == "0.1.0-dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" && len(s.Value) >= 12 {
				b.Commit = s.Value[:12]
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && linked.Commit == "" && b.Commit != "" {
		b.Commit += "-dirty"
	}
	return b
}

// String is one line: "soclab v0.2.0 (commit 0123abc, built 2026-12-06T09:00:00Z, go1.26.8 linux/amd64)".
func (b buildInfo) String() string {
	c, d := b.Commit, b.Date
	if c == "" {
		c = "unknown"
	}
	if d == "" {
		d = "unknown"
	}
	return fmt.Sprintf("soclab %s (commit %s, built %s, %s %s)", b.Version, c, d, b.Go, b.Platform)
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the soclab version, commit and build date",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintln(c.App.Writer, currentBuild(buildInfo{Version: version, Commit: commit, Date: buildDate}, debug.ReadBuildInfo))
			return err
		},
	}
}
