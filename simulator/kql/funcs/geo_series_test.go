package funcs

import "testing"

// TestGeoSeriesCases runs testdata/geo_series_cases.txt (same format as
// scalar_cases.txt): edge cases of the geo_* and series_* functions,
// where invalid input must give null (or "") as Kusto does.
func TestGeoSeriesCases(t *testing.T) {
	runCaseFile(t, "testdata/geo_series_cases.txt")
}
