package sentinel

import (
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Types of incident tasks and the resource type they are stored under.
const (
	TaskType = "Microsoft.SecurityInsights/Incidents/Tasks"
	resTasks = "Microsoft.SecurityInsights/incidents/tasks"
)

// Task is an incident task (the analyst's checklist) as the API answers it.
type Task struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Etag       string         `json:"etag"`
	Properties TaskProperties `json:"properties"`
}

// TaskProperties are a task's properties.
type TaskProperties struct {
	Title               string      `json:"title"`
	Description         string      `json:"description,omitempty"`
	Status              string      `json:"status"`
	CreatedBy           *ClientInfo `json:"createdBy,omitempty"`
	CreatedTimeUtc      string      `json:"createdTimeUtc"`
	LastModifiedBy      *ClientInfo `json:"lastModifiedBy,omitempty"`
	LastModifiedTimeUtc string      `json:"lastModifiedTimeUtc"`
}

// AddTask adds a New task to an incident and records it in the activity log.
func AddTask(tx *simulator.TenantTx, incidentID, title, description string, by Actor) (Task, error) {
	if strings.TrimSpace(title) == "" {
		return Task{}, fmt.Errorf("add task to %s: a title is required", incidentID)
	}
	if _, ok, err := IncidentByID(tx, incidentID); err != nil || !ok {
		return Task{}, fmt.Errorf("add task to %s: no such incident (%v)", incidentID, err)
	}
	name := simulator.NewGUID()
	now := Timestamp(tx.Now())
	creator := &ClientInfo{Name: by.Name}
	t := Task{ID: incidentID + "/tasks/" + name, Name: name, Type: TaskType, Etag: NewEtag(), Properties: TaskProperties{
		Title: title, Description: description, Status: "New", CreatedBy: creator, CreatedTimeUtc: now,
		LastModifiedBy: creator, LastModifiedTimeUtc: now}}
	if err := put(tx, t.ID, resTasks, t); err != nil {
		return Task{}, err
	}
	var order []string // tasks of one instant keep the order they were added in
	if _, err := tx.GetJSON(coll, taskOrderKey(incidentID), &order); err != nil {
		return Task{}, err
	}
	if err := tx.PutJSON(coll, taskOrderKey(incidentID), append(order, strings.ToLower(t.ID))); err != nil {
		return Task{}, err
	}
	return t, AddIncidentActivity(tx, incidentID, ActivityEntry{By: by.Name, Source: by.Source, Message: fmt.Sprintf("added task '%s'", title)})
}

func taskOrderKey(incidentID string) string { return "taskOrder/" + strings.ToLower(incidentID) }

// Tasks returns an incident's tasks in the order they were added.
func Tasks(tx *simulator.TenantTx, incidentID string) ([]Task, error) {
	ts, err := decodeAll[Task](tx, incidentID+"/tasks", resTasks)
	if err != nil {
		return nil, err
	}
	var order []string
	if _, err := tx.GetJSON(coll, taskOrderKey(incidentID), &order); err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, id := range order {
		rank[id] = i
	}
	sort.SliceStable(ts, func(i, j int) bool { return rank[strings.ToLower(ts[i].ID)] < rank[strings.ToLower(ts[j].ID)] })
	return ts, nil
}

// AddComment posts a comment on an incident (a playbook's summary) and records it as a
// change by the actor.
func AddComment(tx *simulator.TenantTx, incidentID, message string, author ClientInfo, by Actor) (Comment, error) {
	if err := ValidateComment(&CommentProperties{Message: &message}); err != nil {
		return Comment{}, fmt.Errorf("comment on %s: %s", incidentID, err.Message)
	}
	if _, ok, err := IncidentByID(tx, incidentID); err != nil || !ok {
		return Comment{}, fmt.Errorf("comment on %s: no such incident (%v)", incidentID, err)
	}
	name := simulator.NewGUID()
	now := Timestamp(tx.Now())
	c := Comment{ID: incidentID + "/comments/" + name, Name: name, Type: CommentType, Etag: NewEtag(),
		Properties: CommentProperties{Message: &message, CreatedTimeUtc: now, LastModifiedTimeUtc: now, Author: author}}
	if err := put(tx, c.ID, resComments, c); err != nil {
		return Comment{}, err
	}
	return c, RefreshAs(tx, incidentID, by)
}

// IncidentComments are an incident's comments as the API lists them.
func IncidentComments(tx *simulator.TenantTx, incidentID string) ([]Comment, error) {
	return decodeAll[Comment](tx, incidentID+"/comments", resComments)
}
