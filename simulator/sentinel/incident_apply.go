package sentinel

// ApplyIncidentUpdate writes an update's writable properties (already checked by
// ValidateIncidentUpdate) onto a stored incident's, as Sentinel's incident PUT does: title,
// description, severity and status; the classification only when the status is Closed; the
// owner (ownerType "User" when it names an object id, else "Unknown"); labels; activity times
// when given. The ARM PUT (mockapis/sentinel) and the portal's Sentinel incident page use it.
func ApplyIncidentUpdate(q *IncidentProperties, p IncidentProperties) {
	q.Title, q.Description, q.Severity, q.Status = p.Title, p.Description, p.Severity, p.Status
	q.Classification, q.ClassificationReason, q.ClassificationComment = p.Classification, p.ClassificationReason, p.ClassificationComment
	if p.Status == nil || *p.Status != "Closed" {
		q.Classification, q.ClassificationReason, q.ClassificationComment = nil, nil, nil
	}
	q.Owner = p.Owner
	if q.Owner == nil {
		q.Owner = &Owner{}
	}
	if q.Owner.OwnerType == nil {
		t := "Unknown"
		if q.Owner.ObjectID != nil {
			t = "User"
		}
		q.Owner.OwnerType = &t
	}
	q.Labels = p.Labels
	if q.Labels == nil {
		q.Labels = []IncidentLabel{}
	}
	if p.FirstActivityTimeUtc != nil {
		q.FirstActivityTimeUtc = p.FirstActivityTimeUtc
	}
	if p.LastActivityTimeUtc != nil {
		q.LastActivityTimeUtc = p.LastActivityTimeUtc
	}
}
