package blobs

import (
	"errors"
	"strings"
	"testing"

	"github.com/soclab/soclab/scenarios/scenario"
)

func TestRead(t *testing.T) {
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		url, want string
		status    int
		offline   bool
	}{
		{url: "https://stcontosoprod.blob.core.windows.net/app-config/feature-flags.json", want: `{"flag": "quarterly-export"`},
		{url: "https://STCONTOSOPROD.blob.core.windows.net/app-config/settings.json?sv=2022-11-02&sig=x", want: `{"environment": "production"`},
		{url: "https://stcontosoprod.blob.core.windows.net/app-config/settings.json;impersonate", want: `{"environment"`},
		{url: "https://stcontosoprod.blob.core.windows.net/app-config/nope.json", status: 404},
		{url: "https://stcontosoprod.blob.core.windows.net/nope/settings.json", status: 404},
		{url: "https://stcontosoprod.blob.core.windows.net/finance-reports/customers-2025.csv", status: 409},
		{url: "https://otheraccount.blob.core.windows.net/app-config/settings.json", offline: true},
		{url: "https://raw.githubusercontent.com/a/b/main/list.csv", offline: true},
		{url: "not a url", offline: true},
	}
	for _, c := range cases {
		b, err := Read(s, c.url)
		var se *StatusError
		switch {
		case c.offline:
			if !errors.Is(err, ErrOffline) {
				t.Errorf("%s: err = %v, want offline", c.url, err)
			}
		case c.status != 0:
			if !errors.As(err, &se) || se.Status != c.status {
				t.Errorf("%s: err = %v, want status %d", c.url, err, c.status)
			}
		default:
			if err != nil || !strings.HasPrefix(string(b), c.want) {
				t.Errorf("%s: %q, %v; want prefix %q", c.url, b, err, c.want)
			}
		}
	}
}
