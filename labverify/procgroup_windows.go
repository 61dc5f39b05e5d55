//go:build windows

package labverify

import "os/exec"

// killGroupOnCancel keeps exec's default on Windows (kill the process itself): there are no
// Unix process groups; the bash blocks run under Git Bash or WSL there.
func killGroupOnCancel(cmd *exec.Cmd) {}
