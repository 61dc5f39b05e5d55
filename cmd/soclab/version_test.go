package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestCurrentBuild(t *testing.T) {
	plat := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	vcs := func(rev, tm, mod string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: tm}, {Key: "vcs.modified", Value: mod}}}, true
		}
	}
	for _, tc := range []struct {
		name           string
		ver, com, date string
		read           func() (*debug.BuildInfo, bool)
		want           string
	}{
		{"release build (link flags win)", "v0.2.0", "0123abc", "2026-12-06T09:00:00Z", vcs("ffffffffffffffffffff", "2020-01-01T00:00:00Z", "true"),
			"soclab v0.2.0 (commit 0123abc, built 2026-12-06T09:00:00Z, " + plat + ")"},
		{"go build in a checkout", "0.1.0-dev", "", "", vcs("9ef4379aabbccddeeff00112233", "2026-12-05T18:00:00Z", "false"),
			"soclab 0.1.0-dev (commit 9ef4379aabbc, built 2026-12-05T18:00:00Z, " + plat + ")"},
		{"uncommitted changes", "0.1.0-dev", "", "", vcs("9ef4379aabbccddeeff00112233", "2026-12-05T18:00:00Z", "true"),
			"soclab 0.1.0-dev (commit 9ef4379aabbc-dirty, built 2026-12-05T18:00:00Z, " + plat + ")"},
		{"go install @version", "0.1.0-dev", "", "", func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, true
		}, "soclab v0.2.0 (commit unknown, built unknown, " + plat + ")"},
		{"no build info", "0.1.0-dev", "", "", func() (*debug.BuildInfo, bool) { return nil, false },
			"soclab 0.1.0-dev (commit unknown, built unknown, " + plat + ")"},
	} {
		if got := currentBuild(buildInfo{Version: tc.ver, Commit: tc.com, Date: tc.date}, tc.read).String(); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
