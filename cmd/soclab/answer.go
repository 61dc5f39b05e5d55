package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/grader"
)

// answerOptions are the arguments of `soclab answer`.
type answerOptions struct {
	State  string
	Tenant string
	// Answers by question number as the learner typed them.
	Answers map[string]string
}

func answerCommand() *cli.Command {
	const usage = `soclab answer: usage: soclab answer N "TEXT" | soclab answer --file FILE | soclab answer (list)`
	return &cli.Command{
		Name:      "answer",
		Usage:     "answer the knowledge check (one question, or a file of `N. answer` lines); without arguments, list your answers",
		ArgsUsage: `[N "TEXT"]`,
		Flags: []cli.Flag{
			stateFlag(),
			&cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}},
			&cli.StringFlag{Name: "file", Usage: "a file of answers, one per line: `N. text` (or `N: text`); # starts a comment"},
		},
		Action: func(c *cli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return cli.Exit(usage, 2)
			}
			o := answerOptions{Tenant: c.String("tenant")}
			switch {
			case c.String("file") != "" && len(args) == 0:
				data, err := os.ReadFile(c.String("file"))
				if err != nil {
					return cli.Exit(fmt.Sprintf("soclab answer: %v", err), 2)
				}
				if o.Answers, err = parseAnswers(string(data)); err != nil {
					return cli.Exit("soclab answer: "+c.String("file")+": "+err.Error(), 2)
				}
			case c.String("file") == "" && len(args) == 2:
				o.Answers = map[string]string{strings.TrimSpace(args[0]): args[1]}
			case c.String("file") == "" && len(args) == 0:
			default:
				return cli.Exit(usage, 2)
			}
			if o.State, err = resolveState(c); err != nil {
				return err
			}
			return exitOn("soclab answer", runAnswer(o, c.App.Writer, c.App.ErrWriter))
		},
	}
}

var answerLine = regexp.MustCompile(`^\s*(\d+)\s*[.:)]?\s+(.*\S)\s*$`)

// parseAnswers reads an answers file: `N. text` per line, blank lines and # comments skipped.
func parseAnswers(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		m := answerLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("line %d: %q is not `N. answer`", i+1, strings.TrimSpace(line))
		}
		out[m[1]] = m[2]
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no answers (lines of `N. answer`)")
	}
	return out, nil
}

// runAnswer stores the answers (none: lists them) and prints the tenant's answers.
func runAnswer(o answerOptions, stdout, stderr io.Writer) error {
	return withLogLab(o.State, stderr, func(lab *logLab) error {
		var res grader.AnswersResponse
		var err error
		if o.Answers == nil {
			err = lab.call("GET", "answers"+tenantQuery(o.Tenant), nil, &res)
		} else {
			err = lab.call("POST", "answers", grader.AnswersRequest{Tenant: o.Tenant, Answers: o.Answers}, &res)
		}
		if err != nil {
			return err
		}
		if len(res.Answers) == 0 {
			_, err := fmt.Fprintln(stdout, `no answers yet: soclab answer N "TEXT"`)
			return err
		}
		for _, a := range res.Answers {
			if _, err := fmt.Fprintf(stdout, "%d. %s\n   %s\n", a.Question, a.Text, a.Answer); err != nil {
				return err
			}
		}
		_, err = fmt.Fprintln(stdout, "(soclab grade --task 7 scores them)")
		return err
	})
}
