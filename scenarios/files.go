package scenarios

import (
	"embed"
	"io/fs"
	"sort"
)

// files holds every built-in scenario, one folder per scenario name.
//
//go:embed alex-johnson/*.yaml
var files embed.FS

// FS returns the folder of the named built-in scenario, or false if there is none.
func FS(name string) (fs.FS, bool) {
	sub, err := fs.Sub(files, name)
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(files, name); err != nil {
		return nil, false
	}
	return sub, true
}

// Names lists the built-in scenarios in sorted order.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}
