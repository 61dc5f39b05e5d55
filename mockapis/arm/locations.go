package arm

import "strings"

// regionNames are the display names of supportedLocations, in the same order.
var regionNames = []string{
	"East US", "East US 2", "West US", "West US 2", "West US 3", "Central US", "North Central US", "South Central US",
	"West Central US", "Canada Central", "Canada East", "Brazil South", "North Europe", "West Europe", "UK South",
	"UK West", "France Central", "Germany West Central", "Norway East", "Sweden Central", "Switzerland North",
	"UAE North", "South Africa North", "Central India", "South India", "East Asia", "Southeast Asia", "Japan East",
	"Japan West", "Korea Central", "Australia East", "Australia Southeast",
}

// regionGeography is the geography prefix ARM puts in regionalDisplayName.
func regionGeography(name string) string {
	switch {
	case strings.HasPrefix(name, "canada"):
		return "Canada"
	case strings.HasPrefix(name, "brazil"):
		return "South America"
	case strings.Contains(name, "europe"), strings.HasPrefix(name, "france"), strings.HasPrefix(name, "germany"),
		strings.HasPrefix(name, "norway"), strings.HasPrefix(name, "sweden"), strings.HasPrefix(name, "switzerland"):
		return "Europe"
	case strings.HasPrefix(name, "uk"):
		return "UK"
	case strings.HasPrefix(name, "uae"):
		return "Middle East"
	case strings.HasPrefix(name, "southafrica"):
		return "Africa"
	case strings.HasSuffix(name, "india"):
		return "Asia Pacific"
	case strings.HasPrefix(name, "east") && strings.HasSuffix(name, "asia"), strings.HasSuffix(name, "asia"),
		strings.HasPrefix(name, "japan"), strings.HasPrefix(name, "korea"):
		return "Asia Pacific"
	case strings.HasPrefix(name, "australia"):
		return "Asia Pacific"
	default:
		return "US"
	}
}

// listLocations answers GET /subscriptions/{sub}/locations (az account list-locations).
func listLocations(c *Call) (Response, error) {
	items := make([]map[string]any, len(supportedLocations))
	for i, name := range supportedLocations {
		items[i] = map[string]any{
			"id":                  "/subscriptions/" + c.Tenant.Subscription.ID + "/locations/" + name,
			"name":                name,
			"type":                "Region",
			"displayName":         regionNames[i],
			"regionalDisplayName": "(" + regionGeography(name) + ") " + regionNames[i],
			"metadata":            map[string]any{"regionType": "Physical", "regionCategory": "Recommended", "geographyGroup": regionGeography(name)},
		}
	}
	return OK(List(items)), nil
}
