package privatefile

import (
	"fmt"
	"os"
)

// Restrict makes path (a file or a folder) private to the current user.
func Restrict(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("restrict %s: %w", path, err)
	}
	if err := restrict(path, fi.IsDir()); err != nil {
		return fmt.Errorf("restrict %s to the current user: %w", path, err)
	}
	return nil
}

// IsPrivate reports whether only the current user can read or change path.
func IsPrivate(path string) (bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", path, err)
	}
	return isPrivate(path, fi)
}

// MkdirAll creates a folder and its parents; a folder it creates is private to the current
// user, one that exists keeps its permissions (it may be shared on purpose).
func MkdirAll(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	return Restrict(path)
}
