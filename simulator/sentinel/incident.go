package sentinel

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Incident is a Sentinel incident exactly as the API answers it.
type Incident struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	Etag       string             `json:"etag"`
	Properties IncidentProperties `json:"properties"`
	SystemData *SystemData        `json:"systemData,omitempty"`
}

// IncidentProperties are an incident's properties; the read-only ones are kept by the
// service and ignored in PUT bodies.
type IncidentProperties struct {
	Title                  *string                `json:"title"`
	Description            *string                `json:"description,omitempty"`
	Severity               *string                `json:"severity"`
	Status                 *string                `json:"status"`
	Classification         *string                `json:"classification,omitempty"`
	ClassificationReason   *string                `json:"classificationReason,omitempty"`
	ClassificationComment  *string                `json:"classificationComment,omitempty"`
	Owner                  *Owner                 `json:"owner"`
	Labels                 []IncidentLabel        `json:"labels"`
	FirstActivityTimeUtc   *string                `json:"firstActivityTimeUtc,omitempty"`
	LastActivityTimeUtc    *string                `json:"lastActivityTimeUtc,omitempty"`
	CreatedTimeUtc         string                 `json:"createdTimeUtc"`
	LastModifiedTimeUtc    string                 `json:"lastModifiedTimeUtc"`
	IncidentNumber         int                    `json:"incidentNumber"`
	IncidentURL            string                 `json:"incidentUrl"`
	ProviderName           string                 `json:"providerName"`
	ProviderIncidentID     string                 `json:"providerIncidentId"`
	RelatedAnalyticRuleIDs []string               `json:"relatedAnalyticRuleIds"`
	AdditionalData         IncidentAdditionalData `json:"additionalData"`
}

// IncidentAdditionalData is the read-only summary of an incident.
type IncidentAdditionalData struct {
	AlertsCount         int      `json:"alertsCount"`
	BookmarksCount      int      `json:"bookmarksCount"`
	CommentsCount       int      `json:"commentsCount"`
	AlertProductNames   []string `json:"alertProductNames"`
	Tactics             []string `json:"tactics"`
	Techniques          []string `json:"techniques"`
	ProviderIncidentURL string   `json:"providerIncidentUrl,omitempty"`
}

// Owner is who an incident is assigned to.
type Owner struct {
	ObjectID          *string `json:"objectId,omitempty"`
	Email             *string `json:"email,omitempty"`
	AssignedTo        *string `json:"assignedTo,omitempty"`
	UserPrincipalName *string `json:"userPrincipalName,omitempty"`
	OwnerType         *string `json:"ownerType,omitempty"`
}

// IncidentLabel is a tag on an incident.
type IncidentLabel struct {
	LabelName string `json:"labelName"`
	LabelType string `json:"labelType,omitempty"`
}

// Comment is an incident comment as the API answers it.
type Comment struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Etag       string            `json:"etag"`
	Properties CommentProperties `json:"properties"`
	SystemData *SystemData       `json:"systemData,omitempty"`
}

// CommentProperties are a comment's properties.
type CommentProperties struct {
	Message             *string    `json:"message"`
	CreatedTimeUtc      string     `json:"createdTimeUtc"`
	LastModifiedTimeUtc string     `json:"lastModifiedTimeUtc"`
	Author              ClientInfo `json:"author"`
}

// Relation links an incident to an alert, bookmark or entity.
type Relation struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Type       string             `json:"type"`
	Etag       string             `json:"etag"`
	Properties RelationProperties `json:"properties"`
	SystemData *SystemData        `json:"systemData,omitempty"`
}

// RelationProperties are a relation's properties.
type RelationProperties struct {
	RelatedResourceID   *string `json:"relatedResourceId"`
	RelatedResourceName string  `json:"relatedResourceName"`
	RelatedResourceType string  `json:"relatedResourceType"`
	RelatedResourceKind string  `json:"relatedResourceKind,omitempty"`
}

// Entity is a Sentinel entity (kind Account, Ip, Host, AzureResource, ... or SecurityAlert
// for alerts) as the API answers it. Properties are free-form per kind.
type Entity struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Kind       string         `json:"kind"`
	Properties map[string]any `json:"properties"`
}

// MaxCommentLength is the longest comment message Sentinel keeps.
const MaxCommentLength = 30000

// ValidateIncidentUpdate checks the writable properties of an incident PUT body and
// canonicalizes them.
func ValidateIncidentUpdate(p *IncidentProperties) *Error {
	const base = "properties"
	switch {
	case p.Title == nil:
		return missing(base, "title")
	case strings.TrimSpace(*p.Title) == "":
		return badRequest("The property 'properties.title' must not be empty.")
	case p.Severity == nil:
		return missing(base, "severity")
	case p.Status == nil:
		return missing(base, "status")
	}
	m := ModifyProperties{Severity: p.Severity, Status: p.Status, Classification: p.Classification,
		ClassificationReason: p.ClassificationReason, Owner: p.Owner, Labels: p.Labels}
	if err := validateModify(base, &m); err != nil {
		return err
	}
	for i := range p.Labels {
		if p.Labels[i].LabelType == "" {
			p.Labels[i].LabelType = "User"
		} else if err := enumAt(fmt.Sprintf("%s.labels[%d].labelType", base, i), &p.Labels[i].LabelType, LabelTypes); err != nil {
			return err
		}
	}
	return nil
}

// ValidateComment checks a comment body.
func ValidateComment(p *CommentProperties) *Error {
	switch {
	case p.Message == nil:
		return missing("properties", "message")
	case strings.TrimSpace(*p.Message) == "":
		return badRequest("The property 'properties.message' must not be empty.")
	case len([]rune(*p.Message)) > MaxCommentLength:
		return badRequest("The property 'properties.message' is longer than %d characters.", MaxCommentLength)
	}
	return nil
}

// entityKind reads the kind of a stored entity body.
func entityKind(body json.RawMessage) string {
	var e struct {
		Kind string `json:"kind"`
	}
	json.Unmarshal(body, &e)
	return e.Kind
}
