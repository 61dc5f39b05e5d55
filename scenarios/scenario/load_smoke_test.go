package scenario

import "testing"

func TestSmokeLoad(t *testing.T) {
	if _, err := LoadBuiltin("alex-johnson"); err != nil {
		t.Fatal(err)
	}
}
