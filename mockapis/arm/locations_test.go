package arm

import (
	"encoding/json"
	"testing"
)

func TestLocations(t *testing.T) {
	f := newFixture(t)
	r := f.do("tok-a", "GET", f.expand("/subscriptions/{subA}/locations?api-version=2022-12-01"), "")
	var got struct {
		Value []json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 || len(got.Value) != len(supportedLocations) {
		t.Fatalf("%d %d %v", r.status, len(got.Value), err)
	}
	want := map[int]string{
		0:  `{"displayName":"East US","id":"/subscriptions/{subA}/locations/eastus","metadata":{"geographyGroup":"US","regionCategory":"Recommended","regionType":"Physical"},"name":"eastus","regionalDisplayName":"(US) East US","type":"Region"}`,
		13: `{"displayName":"West Europe","id":"/subscriptions/{subA}/locations/westeurope","metadata":{"geographyGroup":"Europe","regionCategory":"Recommended","regionType":"Physical"},"name":"westeurope","regionalDisplayName":"(Europe) West Europe","type":"Region"}`,
		28: `{"displayName":"Japan West","id":"/subscriptions/{subA}/locations/japanwest","metadata":{"geographyGroup":"Asia Pacific","regionCategory":"Recommended","regionType":"Physical"},"name":"japanwest","regionalDisplayName":"(Asia Pacific) Japan West","type":"Region"}`,
	}
	for i, w := range want {
		if g := compact(t, f.normalize(string(got.Value[i]))); g != compact(t, w) {
			t.Errorf("location %d:\n got %s\nwant %s", i, g, w)
		}
	}
	if len(regionNames) != len(supportedLocations) {
		t.Fatalf("%d region names for %d locations", len(regionNames), len(supportedLocations))
	}
}
