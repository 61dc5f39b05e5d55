package arm

import (
	"fmt"
	"net/http"
	"strings"
)

// Constructors of the ARM errors the mock answers, worded as ARM words them.

func errMissingAPIVersion() *Error {
	return NewError(http.StatusBadRequest, "MissingApiVersionParameter",
		"The api-version query parameter (?api-version=) is required for all requests.")
}

// errInvalidAPIVersion is Microsoft.Resources' own answer (subscriptions, groups).
func errInvalidAPIVersion(got string, supported []string) *Error {
	return NewError(http.StatusBadRequest, "InvalidApiVersionParameter",
		fmt.Sprintf("The api-version '%s' is invalid. The supported versions are '%s'.", got, strings.Join(supported, ",")))
}

// errNoRegisteredProvider is the answer for a provider type at an unsupported api-version.
func errNoRegisteredProvider(location, got, typ string, supported []string) *Error {
	return NewError(http.StatusBadRequest, "NoRegisteredProviderFound",
		fmt.Sprintf("No registered resource provider found for location '%s' and API version '%s' for type '%s'. The supported api-versions are '%s'. The supported locations are '%s'.",
			location, got, typ, strings.Join(supported, ", "), strings.Join(supportedLocations, ", ")))
}

func errInvalidResourceType(typ, namespace, apiVersion string) *Error {
	return NewError(http.StatusNotFound, "InvalidResourceType",
		fmt.Sprintf("The resource type '%s' could not be found in the namespace '%s' for api version '%s'.", typ, namespace, apiVersion))
}

func errInvalidNamespace(namespace string) *Error {
	return NewError(http.StatusBadRequest, "InvalidResourceNamespace",
		fmt.Sprintf("The resource namespace '%s' is invalid.", namespace))
}

func errSubscriptionNotFound(sub string) *Error {
	return NewError(http.StatusNotFound, "SubscriptionNotFound",
		fmt.Sprintf("The subscription '%s' could not be found.", sub))
}

func errGroupNotFound(group string) *Error {
	return NewError(http.StatusNotFound, "ResourceGroupNotFound",
		fmt.Sprintf("Resource group '%s' could not be found.", group))
}

// errResourceNotFound names the resource as ARM does: 'Namespace/type/name' under its group.
func errResourceNotFound(typeAndName, group string) *Error {
	return NewError(http.StatusNotFound, "ResourceNotFound",
		fmt.Sprintf("The Resource '%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", typeAndName, group))
}

func errInvalidRequestContent(detail string) *Error {
	return NewError(http.StatusBadRequest, "InvalidRequestContent",
		fmt.Sprintf("The request content was invalid and could not be deserialized: '%s'.", detail))
}

func errLocationRequired() *Error {
	return NewError(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
}

func errBadRequest(message string) *Error {
	return NewError(http.StatusBadRequest, "BadRequest", message)
}

func errMethodNotAllowed(method, typ string) *Error {
	return NewError(http.StatusMethodNotAllowed, "HttpMethodNotAllowed",
		fmt.Sprintf("The http method '%s' is not supported for a resource of type '%s'.", method, typ))
}

// errAuthorizationFailed is ARM's RBAC refusal; the lab uses it for standing resources the
// learner's identity may read but not change.
func errAuthorizationFailed(c *Call, action, scope string) *Error {
	return NewError(http.StatusForbidden, "AuthorizationFailed",
		fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials.",
			c.callerName(), c.Principal.ObjectID, action, scope))
}

// supportedLocations are the regions the mock accepts, listed in NoRegisteredProviderFound.
var supportedLocations = []string{
	"eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "northcentralus", "southcentralus",
	"westcentralus", "canadacentral", "canadaeast", "brazilsouth", "northeurope", "westeurope", "uksouth",
	"ukwest", "francecentral", "germanywestcentral", "norwayeast", "swedencentral", "switzerlandnorth",
	"uaenorth", "southafricanorth", "centralindia", "southindia", "eastasia", "southeastasia", "japaneast",
	"japanwest", "koreacentral", "australiaeast", "australiasoutheast",
}
