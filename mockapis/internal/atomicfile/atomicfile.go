// Package atomicfile writes files so that a reader (or a crash) never sees half of one.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/soclab/soclab/internal/privatefile"
)

// Write writes data to a temporary file in path's folder with mode perm, syncs it and renames
// it over path.
func Write(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	err = tmp.Chmod(perm)
	if err == nil && perm&0o077 == 0 {
		// A secret: on Windows the mode alone would leave the parent folder's access list.
		err = privatefile.Restrict(tmp.Name())
	}
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
