// Package blobs reads the lab's storage account blobs by URL
// (https://<account>.blob.core.windows.net/<container>/<blob>), as KQL's externaldata does:
// a blob of the scenario's storage accounts gives its content, a URL outside the lab is
// unreachable (the lab is offline), and the other failures carry the storage service's
// status and message.
package blobs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/soclab/soclab/scenarios/scenario"
)

// ErrOffline is returned for a URL no lab storage account serves: another host, or an account
// name the lab does not have (its DNS name does not resolve).
var ErrOffline = errors.New("not a storage account of the lab")

// StatusError is a storage service failure (404 for a missing container or blob, 409 for a
// blob whose content the lab does not model).
type StatusError struct {
	Status int
	Msg    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("The remote server returned an error: (%d) %s.", e.Status, e.Msg)
}

// Read returns the content of the blob a URL names. The URL may carry a SAS query string or
// Kusto's ";impersonate"/";<key>" suffix: the lab does not check them (every tenant reads its
// own copy of the scenario's accounts).
func Read(s *scenario.Scenario, raw string) ([]byte, error) {
	if i := strings.IndexByte(raw, ';'); i >= 0 {
		raw = raw[:i]
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not a URL", ErrOffline, raw)
	}
	host := strings.ToLower(u.Hostname())
	account, ok := strings.CutSuffix(host, ".blob.core.windows.net")
	if !ok || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, ErrOffline
	}
	var acct *scenario.StorageAccount
	for i := range s.Cast.StorageAccounts {
		if strings.EqualFold(s.Cast.StorageAccounts[i].Name, account) {
			acct = &s.Cast.StorageAccounts[i]
		}
	}
	if acct == nil {
		return nil, ErrOffline
	}
	container, blob, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	for _, c := range acct.Containers {
		if c.Name != container {
			continue
		}
		for _, b := range c.Blobs {
			if b.Name != blob {
				continue
			}
			if b.Content == "" {
				return nil, &StatusError{Status: 409, Msg: "The lab stores this blob's name and size only, not its content"}
			}
			return []byte(b.Content), nil
		}
		return nil, &StatusError{Status: 404, Msg: "Not Found"}
	}
	return nil, &StatusError{Status: 404, Msg: "Not Found"}
}
