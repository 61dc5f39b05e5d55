package arm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// groupNamePattern is ARM's rule for resource group names: 1-90 characters of letters,
// digits, underscores, hyphens, periods and parentheses, not ending in a period.
var groupNamePattern = regexp.MustCompile(`^[-\w\._\(\)]{1,90}$`)

// groupBody is a resource group as ARM answers it.
type groupBody struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	ManagedBy  string            `json:"managedBy,omitempty"`
	Tags       map[string]string `json:"tags"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

// groupRequest is the PUT/PATCH body of a resource group.
type groupRequest struct {
	Location  *string           `json:"location"`
	Tags      map[string]string `json:"tags"`
	ManagedBy *string           `json:"managedBy"`
}

func loadGroup(r simulator.Resource) (groupBody, error) {
	var g groupBody
	if err := json.Unmarshal(r.Body, &g); err != nil {
		return g, fmt.Errorf("decode group %s: %w", r.ID, err)
	}
	if g.Tags == nil {
		g.Tags = map[string]string{}
	}
	return g, nil
}

func storeGroup(tx *simulator.TenantTx, g groupBody) error {
	body, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("encode group %s: %w", g.ID, err)
	}
	return tx.PutResource(simulator.Resource{ID: g.ID, Type: simulator.ResourceGroupType, Body: body})
}

// findGroup returns the caller's group named in the path.
func findGroup(c *Call, tx *simulator.TenantTx) (groupBody, bool, error) {
	r, ok, err := tx.Resource(simulator.ResourceGroupID(c.Tenant.Subscription.ID, c.target.group))
	if err != nil || !ok {
		return groupBody{}, false, err
	}
	g, err := loadGroup(r)
	return g, err == nil, err
}

func getGroup(c *Call) (Response, error) {
	var g groupBody
	err := c.View(func(tx *simulator.TenantTx) error {
		var ok bool
		var err error
		if g, ok, err = findGroup(c, tx); err == nil && !ok {
			err = errGroupNotFound(c.target.group)
		}
		return err
	})
	return OK(g), err
}

// headGroup answers az group exists: 204 when the group exists, 404 otherwise.
func headGroup(c *Call) (Response, error) {
	if _, err := getGroup(c); err != nil {
		return Response{}, err
	}
	return NoContent(), nil
}

func listGroups(c *Call) (Response, error) {
	var groups []groupBody
	err := c.View(func(tx *simulator.TenantTx) error {
		rs, err := tx.ResourcesUnder("/subscriptions/"+c.Tenant.Subscription.ID+"/resourceGroups", simulator.ResourceGroupType)
		if err != nil {
			return err
		}
		for _, r := range rs {
			g, err := loadGroup(r)
			if err != nil {
				return err
			}
			groups = append(groups, g)
		}
		return nil
	})
	sort.Slice(groups, func(i, j int) bool { return strings.ToLower(groups[i].Name) < strings.ToLower(groups[j].Name) })
	return OK(List(groups)), err
}

// putGroup creates (201) or updates (200) a group. An existing group keeps its location;
// asking for another one is ARM's 409 InvalidResourceGroupLocation.
func putGroup(c *Call) (Response, error) {
	name := c.target.group
	if err := validateGroupName(name); err != nil {
		return Response{}, err
	}
	var req groupRequest
	if err := c.DecodeBody(&req); err != nil {
		return Response{}, err
	}
	if req.Location == nil || strings.TrimSpace(*req.Location) == "" {
		return Response{}, errLocationRequired()
	}
	loc := normalizeLocation(*req.Location)
	if !slices.Contains(supportedLocations, loc) {
		return Response{}, NewError(http.StatusBadRequest, "LocationNotAvailableForResourceGroup",
			fmt.Sprintf("The provided location '%s' is not available for resource group. List of available regions is '%s'.", *req.Location, strings.Join(supportedLocations, ",")))
	}
	var g groupBody
	var status int
	err := c.Update(func(tx *simulator.TenantTx) error {
		status = http.StatusCreated // results are set afresh on every run (see World.Update)
		old, exists, err := findGroup(c, tx)
		if err != nil {
			return err
		}
		if exists {
			if old.Location != loc {
				return NewError(http.StatusConflict, "InvalidResourceGroupLocation",
					fmt.Sprintf("Invalid resource group location '%s'. The Resource group already exists in location '%s'.", loc, old.Location))
			}
			status = http.StatusOK
			g = old
		} else {
			g = groupBody{ID: simulator.ResourceGroupID(c.Tenant.Subscription.ID, name), Name: name,
				Type: simulator.ResourceGroupType, Location: loc}
		}
		g.Tags = req.Tags
		if g.Tags == nil {
			g.Tags = map[string]string{}
		}
		if req.ManagedBy != nil {
			g.ManagedBy = *req.ManagedBy
		}
		g.Properties.ProvisioningState = "Succeeded"
		if err := storeGroup(tx, g); err != nil {
			return err
		}
		return c.Record(tx, g.ID, "Microsoft.Resources/subscriptions/resourceGroups/write", status)
	})
	if err != nil {
		return Response{}, err
	}
	return Response{Status: status, Body: g}, nil
}

// patchGroup updates tags (and managedBy) of an existing group.
func patchGroup(c *Call) (Response, error) {
	var req groupRequest
	if err := c.DecodeBody(&req); err != nil {
		return Response{}, err
	}
	var g groupBody
	err := c.Update(func(tx *simulator.TenantTx) error {
		var ok bool
		var err error
		if g, ok, err = findGroup(c, tx); err != nil {
			return err
		} else if !ok {
			return errGroupNotFound(c.target.group)
		}
		if req.Location != nil && normalizeLocation(*req.Location) != g.Location {
			return NewError(http.StatusConflict, "InvalidResourceGroupLocation",
				fmt.Sprintf("Invalid resource group location '%s'. The Resource group already exists in location '%s'.", *req.Location, g.Location))
		}
		if req.Tags != nil {
			g.Tags = req.Tags
		}
		if req.ManagedBy != nil {
			g.ManagedBy = *req.ManagedBy
		}
		if err := storeGroup(tx, g); err != nil {
			return err
		}
		return c.Record(tx, g.ID, "Microsoft.Resources/subscriptions/resourceGroups/write", http.StatusOK)
	})
	return OK(g), err
}

// normalizeLocation turns "East US" into "eastus" as ARM does.
func normalizeLocation(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// validateGroupName applies ARM's naming rule for groups.
func validateGroupName(name string) *Error {
	switch {
	case len(name) > 90:
		return NewError(http.StatusBadRequest, "InvalidResourceGroup",
			fmt.Sprintf("The provided resource group name '%s' is too long: a name has at most 90 characters.", name))
	case strings.HasSuffix(name, "."):
		return NewError(http.StatusBadRequest, "InvalidResourceGroup",
			fmt.Sprintf("The provided resource group name '%s' ends with a period, which is not allowed.", name))
	case !groupNamePattern.MatchString(name):
		return NewError(http.StatusBadRequest, "InvalidResourceGroup",
			fmt.Sprintf("The provided resource group name '%s' has these invalid characters: '%s'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.", name, invalidGroupChars(name)))
	}
	return nil
}

func invalidGroupChars(name string) string {
	var bad []string
	for _, r := range name {
		s := string(r)
		if !groupNamePattern.MatchString(s) && !slices.Contains(bad, s) {
			bad = append(bad, s)
		}
	}
	return strings.Join(bad, ",")
}
