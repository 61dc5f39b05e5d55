package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestVerifyRefusesBadInput: a bad format or a missing file is a usage error, a lab text with a
// bad annotation is refused with its line; none of them starts a lab.
func TestVerifyRefusesBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.md")
	if err := os.WriteFile(bad, []byte("# Lab\n\n<!-- verify: frobnicate -->\n```bash\necho\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o     verifyOptions
		want  string
		usage bool
	}{
		{verifyOptions{Format: "xml"}, `--format "xml": use text, json or junit`, true},
		{verifyOptions{Format: "text", File: "/nonexistent/lab.md"}, "open /nonexistent/lab.md: no such file or directory", true},
		{verifyOptions{Format: "json", File: bad}, bad + `: line 3: unknown verify directive "frobnicate" (skip, needs, expect, expect-fail, fill, kql, id, run-before, fault, grade)`, false},
	} {
		var out, errw bytes.Buffer
		err := runVerify(context.Background(), tc.o, &out, &errw)
		_, usage := err.(usageError)
		if err == nil || err.Error() != tc.want || usage != tc.usage || out.Len() != 0 {
			t.Errorf("%+v: %v (usage %v, stdout %q), want %q (usage %v)", tc.o, err, usage, out.String(), tc.want, tc.usage)
		}
	}
}
