package simulator

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestResourceEncoding(t *testing.T) {
	r := Resource{ID: "/subscriptions/s/resourceGroups/rg", Type: ResourceGroupType, Body: json.RawMessage(`{"name":"rg"}`)}
	got, err := decodeResource(encodeResource(r))
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	legacy, _ := json.Marshal(r)
	if got, err := decodeResource(legacy); err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("legacy JSON record: %+v %v", got, err)
	}
	enc := encodeResource(r)
	for _, bad := range [][]byte{nil, {7}, enc[:3]} {
		if _, err := decodeResource(bad); err == nil {
			t.Errorf("decoded %v", bad)
		}
	}
}
