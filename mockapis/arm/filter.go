package arm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// resourceFilter is the subset of OData $filter that GET .../resources answers (az keyvault
// list and az resource list send resourceType eq '...'): clauses joined by "and".
type resourceFilter []func(item map[string]any) bool

var (
	eqClause        = regexp.MustCompile(`(?i)^(resourceType|name|resourceGroup|location|tagName|tagValue)\s+eq\s+'((?:[^']|'')*)'$`)
	substringClause = regexp.MustCompile(`(?i)^substringof\(\s*'((?:[^']|'')*)'\s*,\s*name\s*\)$`)
	andSplit        = regexp.MustCompile(`(?i)\s+and\s+`)
)

// parseResourceFilter reads $filter; an empty filter keeps everything.
func parseResourceFilter(f string) (resourceFilter, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return nil, nil
	}
	var out resourceFilter
	for _, clause := range andSplit.Split(f, -1) {
		clause = strings.TrimSpace(clause)
		if m := eqClause.FindStringSubmatch(clause); m != nil {
			field, want := strings.ToLower(m[1]), strings.ReplaceAll(m[2], "''", "'")
			out = append(out, func(item map[string]any) bool {
				var got string
				switch field {
				case "resourcetype":
					got, _ = item["type"].(string)
				case "name":
					got, _ = item["name"].(string)
				case "resourcegroup":
					id, _ := item["id"].(string)
					got = groupOf(id)
				case "location":
					got, _ = item["location"].(string)
				case "tagname", "tagvalue":
					return hasTag(item, field == "tagname", want)
				}
				return strings.EqualFold(got, want)
			})
			continue
		}
		if m := substringClause.FindStringSubmatch(clause); m != nil {
			sub := strings.ToLower(strings.ReplaceAll(m[1], "''", "'"))
			out = append(out, func(item map[string]any) bool {
				name, _ := item["name"].(string)
				return strings.Contains(strings.ToLower(name), sub)
			})
			continue
		}
		return nil, NewError(http.StatusBadRequest, "InvalidFilterInQueryString",
			fmt.Sprintf("Invalid $filter '%s'. The mock supports resourceType, name, resourceGroup, location, tagName and tagValue with eq, and substringof('text', name), joined by 'and'.", f))
	}
	return out, nil
}

func (f resourceFilter) keep(item map[string]any) bool {
	for _, clause := range f {
		if !clause(item) {
			return false
		}
	}
	return true
}

// hasTag reports whether the item has a tag whose name (or value) equals want.
func hasTag(item map[string]any, byName bool, want string) bool {
	raw, _ := item["tags"].(json.RawMessage)
	var tags map[string]string
	if json.Unmarshal(raw, &tags) != nil {
		return false
	}
	for k, v := range tags {
		if (byName && strings.EqualFold(k, want)) || (!byName && v == want) {
			return true
		}
	}
	return false
}
