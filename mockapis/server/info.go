package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/soclab/soclab/mockapis/internal/atomicfile"
)

// InfoFile is the name of the running server's address file in the state folder.
const InfoFile = "server.json"

// ErrNotRunning means no server.json exists: no server runs on that state folder.
var ErrNotRunning = errors.New("no soclab server runs on this state folder")

// Info is the content of <state>/server.json, written (0600) when the server starts and
// removed when it stops. Commands that talk to the server read it with ReadInfo.
type Info struct {
	// Addr is the proxy/control port, e.g. "127.0.0.1:8443".
	Addr string `json:"addr"`
	// PID is the server's process id.
	PID int `json:"pid"`
	// Started is when the server started (RFC 3339).
	Started string `json:"started"`
	// DirectAddr is the direct HTTPS listener, when one was asked for.
	DirectAddr string `json:"directAddr,omitempty"`
	// RemoteURL is the HTTPS base URL learners on other machines use (--allow-remote on a
	// non-loopback address), e.g. "https://192.0.2.5:8443".
	RemoteURL string `json:"remoteUrl,omitempty"`
}

// ControlURL returns the base URL of the control endpoints, e.g. "http://127.0.0.1:8443/_soclab/".
func (i Info) ControlURL() string { return "http://" + i.Addr + "/_soclab/" }

// ReadInfo reads <stateDir>/server.json; it returns an error wrapping ErrNotRunning when there
// is none. A file left behind by a killed server is still returned: callers find out when the
// address does not answer.
func ReadInfo(stateDir string) (Info, error) {
	path := filepath.Join(stateDir, InfoFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("%w (no %s); start one with `soclab serve --state %s`", ErrNotRunning, path, stateDir)
	}
	if err != nil {
		return Info{}, fmt.Errorf("read %s: %w", path, err)
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil || info.Addr == "" {
		return Info{}, fmt.Errorf("%s is not a soclab server file (remove it if no server runs): %v", path, err)
	}
	return info, nil
}

func writeInfo(stateDir string, info Info) error {
	b, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode %s: %w", InfoFile, err)
	}
	return atomicfile.Write(filepath.Join(stateDir, InfoFile), append(b, '\n'), 0o600)
}

// removeInfo deletes server.json if it is still ours (a second server may have replaced it).
func removeInfo(stateDir string, pid int) {
	if info, err := ReadInfo(stateDir); err == nil && info.PID == pid {
		os.Remove(filepath.Join(stateDir, InfoFile))
	}
}

func newInfo(addr, direct string, started time.Time) Info {
	return Info{Addr: addr, PID: os.Getpid(), Started: started.UTC().Format(time.RFC3339), DirectAddr: direct}
}
