package scenario

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/soclab/soclab/scenarios"
)

// FuzzLoad replaces one file of the built-in scenario with arbitrary text: Load never
// panics, and a refusal names a scenario file.
func FuzzLoad(f *testing.F) {
	files := []string{FileMeta, FileCast, FileBackground, FileAttack, FileFaults}
	builtin, ok := scenarios.FS("alex-johnson")
	if !ok {
		f.Fatal("no built-in alex-johnson")
	}
	base := fstest.MapFS{}
	for _, name := range files {
		raw, err := fs.ReadFile(builtin, name)
		if err != nil {
			f.Fatal(err)
		}
		base[name] = &fstest.MapFile{Data: raw}
	}
	for i, name := range files {
		f.Add(uint8(i), string(base[name].Data))
	}
	// A billion-laughs document: yaml refuses excessive aliasing instead of expanding it.
	laughs := "a: &a [x,x,x,x,x,x,x,x,x]\n"
	for c := 'b'; c <= 'i'; c++ {
		prev := string(c - 1)
		laughs += string(c) + ": &" + string(c) + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
	}
	for _, s := range []string{laughs, "", "{", "- a\n- b", "a: &x [*x]", "tenant: 12\nunknown: 1", "\t", "people:\n  - name: x\n    manager: y\n", "a: !!binary zz"} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
		f.Add(uint8(3), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[files[int(which)%len(files)]] = &fstest.MapFile{Data: []byte(text)}
		s, err := Load(fsys, "fz")
		if err == nil {
			if s == nil {
				t.Fatal("nil scenario without an error")
			}
			return
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "scenario fz: ") || !strings.Contains(msg, ".yaml") {
			t.Fatalf("error does not name the scenario and file: %v", err)
		}
	})
}
