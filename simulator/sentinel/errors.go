package sentinel

import (
	"fmt"
	"net/http"
)

// Error is a refusal in Sentinel's terms: the HTTP status and the code and message of its
// {"error":{"code","message"}} body. The ARM face writes it unchanged.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// badRequest is Sentinel's 400 for invalid input.
func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: fmt.Sprintf(format, args...)}
}

// missing is the deserializer's answer for an absent required property.
func missing(path, name string) *Error {
	return badRequest("Required property '%s' not found in JSON. Path '%s'.", name, path)
}

// invalidValue names a property whose value is not one of the allowed ones.
func invalidValue(path, value string, allowed []string) *Error {
	return badRequest("The value '%s' of property '%s' is not valid. Valid values are: %s.", value, path, joinList(allowed))
}

// ErrNotOnboarded is Sentinel's answer for any call on a workspace without an onboarding
// state. The service nests its own error body as the message, as observed in the wild
// (terraform-provider-azurerm#20661, iknowjason/PurpleCloud#42).
func ErrNotOnboarded(workspace string) *Error {
	inner := fmt.Sprintf("Workspace '%s' is not onboarded to Microsoft Sentinel. Please onboard through the portal (https://learn.microsoft.com/en-us/azure/sentinel/quickstart-onboard) or use the OnboardingStates ARM api to onboard to Sentinel (https://learn.microsoft.com/en-us/rest/api/securityinsights/sentinel-onboarding-states/create?view=rest-securityinsights-2024-03-01).", workspace)
	return &Error{Status: http.StatusBadRequest, Code: "BadRequest",
		Message: `{"error":{"code":"BadRequest","message":` + jsonString(inner) + `}}`}
}

// ErrStaleEtag is Sentinel's 409 when a write carries an etag that is no longer current.
func ErrStaleEtag(name string) *Error {
	return &Error{Status: http.StatusConflict, Code: "Conflict",
		Message: fmt.Sprintf("Newer version of resource '%s' exists. Data was not saved", name)}
}
