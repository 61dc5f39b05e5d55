package types

import "strings"

// Type is a Kusto scalar type. The zero value, Null, is the type of an
// untyped null (for example the result of an unknown or failed conversion
// before a type is known).
type Type uint8

// The Kusto scalar types.
const (
	Null Type = iota
	Bool
	Int
	Long
	Real
	Decimal
	String
	DateTime
	TimeSpan
	GUID
	Dynamic
)

var typeNames = [...]string{
	Null:     "null",
	Bool:     "bool",
	Int:      "int",
	Long:     "long",
	Real:     "real",
	Decimal:  "decimal",
	String:   "string",
	DateTime: "datetime",
	TimeSpan: "timespan",
	GUID:     "guid",
	Dynamic:  "dynamic",
}

// String returns the Kusto name of the type (`bool`, `long`, `datetime`...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// IsNumeric reports whether t is int, long, real or decimal.
func (t Type) IsNumeric() bool {
	return t == Int || t == Long || t == Real || t == Decimal
}

// IsInteger reports whether t is int or long.
func (t Type) IsInteger() bool { return t == Int || t == Long }

// typeAliases maps every spelling Kusto accepts for a type name (in
// datatable schemas, `to typeof(...)`, `parse` and `extract(..., typeof(...))`)
// to its type. Source: Kusto docs "Scalar data types" (scalar-data-types/index.md):
// boolean=bool, int32=int, int64=long, double=real, date=datetime,
// time=timespan, uniqueid=guid; `object` is accepted as dynamic by Kusto's parser.
var typeAliases = map[string]Type{
	"bool": Bool, "boolean": Bool,
	"int": Int, "int32": Int,
	"long": Long, "int64": Long,
	"real": Real, "double": Real,
	"decimal":  Decimal,
	"string":   String,
	"datetime": DateTime, "date": DateTime,
	"timespan": TimeSpan, "time": TimeSpan,
	"guid": GUID, "uniqueid": GUID,
	"dynamic": Dynamic, "object": Dynamic,
}

// ParseType returns the type named by a Kusto type name or alias. Type
// names are case-sensitive in Kusto, but lower-case spellings are the only
// documented ones; a leading/trailing space is ignored.
func ParseType(name string) (Type, bool) {
	t, ok := typeAliases[strings.TrimSpace(name)]
	return t, ok
}
