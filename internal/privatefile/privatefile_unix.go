//go:build !windows

package privatefile

import "os"

func restrict(path string, dir bool) error {
	if dir {
		return os.Chmod(path, 0o700)
	}
	return os.Chmod(path, 0o600)
}

func isPrivate(_ string, fi os.FileInfo) (bool, error) {
	return fi.Mode().Perm()&0o077 == 0, nil
}
