package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/soclab/soclab/labtext"
	"github.com/soclab/soclab/labverify"
)

// verifySample exercises every part of the runner with the real binary and the real az: the
// shell's variables, functions and folder carried between blocks, run-before, a fault switched
// on, a filled placeholder, an expected failure and what it says, a plain failure, a skip by
// the author, a block needing a tool that is missing, KQL on the workspace and through advanced
// hunting, and the grade where the text says.
const verifySample = "# Sample\n\n## Setup\n\n" +
	"<!-- verify: skip the learner's own shell -->\n```bash\nsoclab serve\n```\n\n" +
	"<!-- verify: id greet\n     expect hello from sub -->\n```bash\necho \"$GREETING from $(basename \"$PWD\")\"\nkept\n```\n\n" +
	"<!-- verify: run-before greet -->\n```bash\nGREETING=hello\nkept() { echo \"function kept\"; }\nmkdir -p sub && cd sub\n```\n\n" +
	"## Work\n\n" +
	"<!-- verify: fault kv-diagnostics-missing\n     expect kv-diagnostics-missing on -->\n```bash\nsoclab fault list\n```\n\n" +
	"<!-- verify: fill <the tenant you work in> => \"$SOCLAB_TENANT\" -->\n```bash\nTENANT=<the tenant you work in>\ntest \"$TENANT\" = contoso\n```\n\n" +
	"<!-- verify: expect-fail AADSTS53003 -->\n```bash\necho \"AADSTS53003: Access has been blocked by Conditional Access policies.\" >&2\nexit 3\n```\n\n" +
	"```bash\necho before\nfalse\necho never\n```\n\n" +
	"<!-- verify: needs az-sentinel -->\n```bash\necho only with the extension\n```\n\n" +
	"```yaml\nnot: a command\n```\n\n" +
	"```bash\nRG_NAME=rg-contoso-unified-soc\nWORKSPACE_NAME=law-contoso-unified\naz monitor log-analytics workspace create --workspace-name \"$WORKSPACE_NAME\" --resource-group \"$RG_NAME\" --location eastus -o none\n```\n\n" +
	"<!-- verify: expect [[42]] -->\n```kusto\nprint Answer = 6 * 7\n```\n\n" +
	"<!-- verify: kql hunting\n     expect \"Answer\": 42 -->\n```kusto\nprint Answer = 6 * 7\n```\n\n" +
	"<!-- verify: grade -->\n```bash\nsoclab grade\n```\n\n" +
	"```bash\necho after the grade\n```\n"

func TestVerifyRunner(t *testing.T) {
	t.Parallel()
	requireAz(t)
	blocks, err := labtext.Parse(verifySample)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := labverify.Run(context.Background(), blocks, labverify.Options{Soclab: buildSoclab(t), Dir: t.TempDir(), Env: os.Environ(), File: "sample.md"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range rep.Blocks {
		got = append(got, fmt.Sprintf("%d %s %s", b.Index, b.Status, b.Reason))
	}
	want := []string{
		"1 not-run the learner's own shell",
		"3 passed ",
		"2 passed ",
		"4 passed ",
		"5 passed ",
		"6 passed ",
		"7 failed exit status 1",
		"8 skipped SKIPPED: needs az-sentinel: the az extension `sentinel` is not installed for this az (az extension add --name sentinel --version 0.2.0, or point AZURE_EXTENSION_DIR at a folder that has it)",
		"9 not-run a \"yaml\" block is not a command",
		"10 passed ",
		"11 passed ",
		"12 passed ",
		"13 passed soclab verify grades the lab here",
		"14 passed ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("block results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	output := func(index int) string {
		for _, b := range rep.Blocks {
			if b.Index == index {
				return b.Output
			}
		}
		return "no block"
	}
	if out := output(2); out != "hello from sub\nfunction kept\n" {
		t.Errorf("block 2 printed %q", out)
	}
	if out := output(7); out != "before\n" {
		t.Errorf("the failing block printed %q, want its output up to the failing command", out)
	}
	if rep.Passed != 10 || rep.Failed != 1 || rep.Skipped != 1 || rep.NotRun != 2 || rep.SkippedFor["az-sentinel"] != 1 || rep.OK {
		t.Errorf("totals: %d passed, %d failed, %d skipped (%v), %d not run, ok %v", rep.Passed, rep.Failed, rep.Skipped, rep.SkippedFor, rep.NotRun, rep.OK)
	}
	if rep.Grade == nil || rep.Grade.Tenant != "contoso" || rep.Grade.AllPassed || rep.Grade.MaxScore == 0 {
		t.Errorf("grade: %+v (%s)", rep.Grade, rep.GradeError)
	}
}
