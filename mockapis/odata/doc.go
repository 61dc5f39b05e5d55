// Package odata parses the OData system query options that Microsoft Graph and the Defender API
// accept ($filter, $select, $expand, $orderby, $top, $skip, $skiptoken, $count) once per request
// into a Query, and applies it to a collection of JSON objects (map[string]any, as json.Unmarshal
// gives them): filter, order, page, select, and the absolute @odata.nextLink of the next page.
//
// The filter language is the part of OData v4 that Graph's documentation and real scripts use:
//
//	eq ne gt ge lt le, and or not, ( ), in ('a','b'),
//	'strings' ('' escapes a quote), numbers, true false null,
//	unquoted datetimes (2025-01-15T08:00:00Z) and GUIDs,
//	startswith(p,'x') endswith(p,'x') contains(p,'x'), tolower(p) toupper(p),
//	lambdas over collections: ipRanges/any(r: r/cidrAddress eq '185.0.0.0/24'), all(...),
//	property paths with '/' (status/errorCode).
//
// String comparisons are case-insensitive, as directory queries are. Errors are *Error values
// whose text follows Microsoft.OData.Core's ("Syntax error at position 12 in 'x eq'.").
package odata
