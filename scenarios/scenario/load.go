package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/soclab/soclab/scenarios"
	"go.yaml.in/yaml/v3"
)

// Files of a scenario folder and the part of the Scenario each one fills.
const (
	FileMeta       = "scenario.yaml"
	FileCast       = "cast.yaml"
	FileBackground = "background.yaml"
	FileAttack     = "attack.yaml"
	FileFaults     = "faults.yaml"
)

// LoadBuiltin loads and validates the named built-in scenario.
func LoadBuiltin(name string) (*Scenario, error) {
	fsys, ok := scenarios.FS(name)
	if !ok {
		return nil, fmt.Errorf("scenario %q not found (built-in: %s)", name, strings.Join(scenarios.Names(), ", "))
	}
	return Load(fsys, name)
}

// Load reads a scenario folder (the five files above) and validates it. Errors name the file and
// line, the path inside the file, and what is wrong; all problems found are joined.
func Load(fsys fs.FS, name string) (*Scenario, error) {
	s := &Scenario{}
	var faults struct {
		Faults []Fault `yaml:"faults"`
	}
	parts := []struct {
		file string
		into any
	}{
		{FileMeta, s},
		{FileCast, &s.Cast},
		{FileBackground, &s.Background},
		{FileAttack, &s.Attack},
		{FileFaults, &faults},
	}
	lines := map[string]map[string]int{}
	for _, p := range parts {
		raw, err := fs.ReadFile(fsys, p.file)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		idx, err := decodeStrict(p.file, raw, p.into)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		lines[p.file] = idx
	}
	s.Faults = faults.Faults
	v := &validator{lines: lines}
	v.scenario(s, name)
	if len(v.errs) > 0 {
		return nil, fmt.Errorf("scenario %s: %w", name, errors.Join(v.errs...))
	}
	return s, nil
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// decodeStrict decodes one YAML file, rejecting unknown fields, and returns the line of every
// path in it ("people[3].manager" -> 42) for the validator's messages.
func decodeStrict(file string, raw []byte, into any) (map[string]int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", file, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %s", file, msg)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs := make([]string, 0, len(te.Errors))
			for _, e := range te.Errors {
				if m := yamlLineRE.FindStringSubmatch(e); m != nil {
					msgs = append(msgs, fmt.Sprintf("%s:%s: %s", file, m[1], m[2]))
				} else {
					msgs = append(msgs, file+": "+e)
				}
			}
			return nil, errors.New(strings.Join(msgs, "\n"))
		}
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	idx := map[string]int{}
	if len(root.Content) > 0 {
		indexLines(root.Content[0], "", idx)
	}
	return idx, nil
}

func indexLines(n *yaml.Node, path string, idx map[string]int) {
	idx[path] = n.Line
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			child := key
			if path != "" {
				child = path + "." + key
			}
			idx[child] = n.Content[i].Line
			indexLines(n.Content[i+1], child, idx)
			idx[child] = n.Content[i].Line
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			indexLines(c, path+"["+strconv.Itoa(i)+"]", idx)
		}
	}
}
