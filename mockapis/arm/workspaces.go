package arm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

var workspaceNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$`)

var workspaceSkus = []string{"Free", "Standard", "Premium", "PerNode", "PerGB2018", "Standalone", "CapacityReservation", "LACluster"}

// workspaceBody is a Log Analytics workspace as ARM answers it.
type workspaceBody struct {
	Properties workspaceProperties `json:"properties"`
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Type       string              `json:"type"`
	Location   string              `json:"location"`
	Tags       map[string]string   `json:"tags"`
	Etag       string              `json:"etag"`
	SystemData SystemData          `json:"systemData"`
}

type workspaceProperties struct {
	CustomerID                      string         `json:"customerId"`
	ProvisioningState               string         `json:"provisioningState"`
	Sku                             workspaceSku   `json:"sku"`
	RetentionInDays                 int            `json:"retentionInDays"`
	Features                        map[string]any `json:"features"`
	WorkspaceCapping                map[string]any `json:"workspaceCapping"`
	PublicNetworkAccessForIngestion string         `json:"publicNetworkAccessForIngestion"`
	PublicNetworkAccessForQuery     string         `json:"publicNetworkAccessForQuery"`
	CreatedDate                     string         `json:"createdDate"`
	ModifiedDate                    string         `json:"modifiedDate"`
}

type workspaceSku struct {
	Name          string `json:"name"`
	LastSkuUpdate string `json:"lastSkuUpdate"`
}

// workspaceRequest is the PUT body; pointers tell absent from zero.
type workspaceRequest struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties struct {
		Sku *struct {
			Name string `json:"name"`
		} `json:"sku"`
		RetentionInDays                 *int           `json:"retentionInDays"`
		Features                        map[string]any `json:"features"`
		PublicNetworkAccessForIngestion *string        `json:"publicNetworkAccessForIngestion"`
		PublicNetworkAccessForQuery     *string        `json:"publicNetworkAccessForQuery"`
	} `json:"properties"`
}

// invalidParameter is Log Analytics' 400 for bad input, with its operation id suffix.
func invalidParameter(msg string) *Error {
	op := strings.ReplaceAll(simulator.NewGUID(), "-", "")
	return NewError(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("%s Operation Id: '%s'", msg, op))
}

// validateWorkspace checks a PUT body the way the Log Analytics provider does.
func validateWorkspace(name string, req *workspaceRequest) error {
	if len(name) < 4 || len(name) > 63 {
		return invalidParameter("The workspace name must be between 4 and 63 characters.")
	}
	if !workspaceNamePattern.MatchString(name) {
		return invalidParameter("Workspace name must start and end with an alphanumeric character, and may contain only alphanumeric and hyphen characters.")
	}
	if req.Location == nil || strings.TrimSpace(*req.Location) == "" {
		return errLocationRequired()
	}
	if loc := normalizeLocation(*req.Location); !slices.Contains(supportedLocations, loc) {
		return NewError(http.StatusBadRequest, "LocationNotAvailableForResourceType",
			fmt.Sprintf("The provided location '%s' is not available for resource type 'Microsoft.OperationalInsights/workspaces'. List of available regions for the resource type is '%s'.", *req.Location, strings.Join(supportedLocations, ",")))
	}
	if s := req.Properties.Sku; s != nil {
		if !slices.ContainsFunc(workspaceSkus, func(k string) bool { return strings.EqualFold(k, s.Name) }) {
			return invalidParameter(fmt.Sprintf("The SKU '%s' is not valid. Valid SKUs are: %s.", s.Name, strings.Join(workspaceSkus, ", ")))
		}
	}
	if r := req.Properties.RetentionInDays; r != nil && (*r < 30 || *r > 730) {
		return invalidParameter(fmt.Sprintf("Invalid retention period %d: the data retention must be between 30 and 730 days.", *r))
	}
	for field, v := range map[string]*string{"publicNetworkAccessForIngestion": req.Properties.PublicNetworkAccessForIngestion, "publicNetworkAccessForQuery": req.Properties.PublicNetworkAccessForQuery} {
		if v != nil && !strings.EqualFold(*v, "Enabled") && !strings.EqualFold(*v, "Disabled") {
			return invalidParameter(fmt.Sprintf("The value '%s' of property '%s' is not valid. Valid values are: Enabled, Disabled.", *v, field))
		}
	}
	return nil
}

// putWorkspace creates (201) or updates (200) a workspace. The operation finishes at once:
// the body says provisioningState Succeeded, which az's long-running poller accepts
// without polling. customerId, createdDate and the creation systemData survive updates.
func putWorkspace(c *Call) (Response, error) {
	var req workspaceRequest
	if err := c.DecodeBody(&req); err != nil {
		return Response{}, err
	}
	if err := validateWorkspace(c.Name(), &req); err != nil {
		return Response{}, err
	}
	return PutBody(c, http.StatusCreated, func(tx *simulator.TenantTx, res Resolved) (any, error) {
		now := Timestamp(tx.Now())
		var ws workspaceBody
		if res.Existing != nil {
			if err := json.Unmarshal(res.Existing.Body, &ws); err != nil {
				return nil, fmt.Errorf("decode workspace %s: %w", res.ID, err)
			}
			if loc := normalizeLocation(*req.Location); loc != ws.Location {
				return nil, invalidParameter(fmt.Sprintf("The location '%s' differs from the workspace's location '%s'; a workspace cannot move.", loc, ws.Location))
			}
		} else {
			ws = newWorkspace(res.ID, c.Name(), normalizeLocation(*req.Location), tx.Now())
		}
		p := &ws.Properties
		if s := req.Properties.Sku; s != nil {
			name := workspaceSkus[slices.IndexFunc(workspaceSkus, func(k string) bool { return strings.EqualFold(k, s.Name) })]
			if name != p.Sku.Name {
				p.Sku = workspaceSku{Name: name, LastSkuUpdate: now}
			}
		}
		if req.Properties.RetentionInDays != nil {
			p.RetentionInDays = *req.Properties.RetentionInDays
		}
		for k, v := range req.Properties.Features {
			p.Features[k] = v
		}
		if v := req.Properties.PublicNetworkAccessForIngestion; v != nil {
			p.PublicNetworkAccessForIngestion = titleEnabled(*v)
		}
		if v := req.Properties.PublicNetworkAccessForQuery; v != nil {
			p.PublicNetworkAccessForQuery = titleEnabled(*v)
		}
		ws.Tags = req.Tags
		if ws.Tags == nil {
			ws.Tags = map[string]string{}
		}
		p.ModifiedDate = now
		ws.Etag = `"` + simulator.NewGUID() + `"`
		var prev *SystemData
		if res.Existing != nil {
			prev = &ws.SystemData
		}
		ws.SystemData = c.SystemData(tx, prev)
		return ws, nil
	})
}

// newWorkspace is a fresh workspace with the provider's defaults.
func newWorkspace(id, name, location string, now time.Time) workspaceBody {
	ts := Timestamp(now)
	return workspaceBody{
		ID: id, Name: name, Type: WorkspaceType, Location: location,
		Properties: workspaceProperties{
			CustomerID:        simulator.NewGUID(),
			ProvisioningState: "Succeeded",
			Sku:               workspaceSku{Name: "PerGB2018", LastSkuUpdate: ts},
			RetentionInDays:   30,
			Features:          map[string]any{"legacy": 0, "searchVersion": 1, "enableLogAccessUsingOnlyResourcePermissions": true},
			WorkspaceCapping: map[string]any{"dailyQuotaGb": -1.0, "dataIngestionStatus": "RespectQuota",
				"quotaNextResetTime": Timestamp(now.Truncate(24 * time.Hour).Add(24 * time.Hour))},
			PublicNetworkAccessForIngestion: "Enabled",
			PublicNetworkAccessForQuery:     "Enabled",
			CreatedDate:                     ts,
		},
	}
}

func titleEnabled(v string) string {
	if strings.EqualFold(v, "Disabled") {
		return "Disabled"
	}
	return "Enabled"
}
