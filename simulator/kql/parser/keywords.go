package parser

// reservedWords are Kusto keywords that cannot be used as plain names
// (they need brackets: ['where']). From Kusto.Language's SyntaxFacts.
var reservedWords = map[string]bool{
	"__contextual_datatable": true, "__crossCluster": true, "__crossDB": true,
	"__executeAndCache": true, "__id": true, "__isFuzzy": true, "__noWithSource": true,
	"__packedColumn": true, "__projectAway": true, "__sourceColumnIndex": true,
	"accumulate": true, "and": true, "anomalychart": true, "areachart": true, "as": true,
	"asc": true, "bagexpansion": true, "barchart": true, "between": true, "boolean": true,
	"by": true, "byte": true, "cachingpolicy": true, "callout": true, "cancel": true,
	"card": true, "char": true, "columnchart": true, "contains": true, "contains_cs": true,
	"containscs": true, "cycles": true, "dataexport": true, "datascope": true, "datatable": true,
	"date": true, "datetime": true, "decimal": true, "decodeblocks": true, "desc": true,
	"double": true, "dynamic": true, "earliest": true, "encodingpolicy": true, "endswith": true,
	"endswith_cs": true, "expandoutput": true, "extent_tags_retention": true,
	"external_data": true, "externaldata": true, "find": true, "first": true, "flags": true,
	"float": true, "force_remote": true, "harddelete": true, "hardretention": true, "has": true,
	"has_all": true, "has_any": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true,
	"hassuffix": true, "hassuffix_cs": true, "hotcache": true, "in": true, "int": true,
	"int16": true, "int32": true, "int64": true, "int8": true, "invoke": true, "isfuzzy": true,
	"journal": true, "kind": true, "ladderchart": true, "last": true, "latest": true,
	"like": true, "likecs": true, "linechart": true, "long": true, "materialize": true,
	"mdm": true, "missing": true, "nooptimization": true, "notcontains": true,
	"notcontainscs": true, "notlike": true, "notlikecs": true, "of": true, "or": true,
	"others": true, "pathformat": true, "piechart": true, "pivotchart": true, "print": true,
	"project": true, "queries": true, "query_results": true, "real": true,
	"relaxed": true, "restricted_view_access": true, "row_level_security": true, "rowstore": true,
	"rowstore_references": true, "rowstore_sealinfo": true, "rowstorepolicy": true,
	"rowstores": true, "sample": true, "scatterchart": true, "seal": true, "seals": true,
	"search": true, "set": true, "shards": true, "simple": true, "softdelete": true,
	"softretention": true, "sql": true, "stackedareachart": true, "startswith": true,
	"startswith_cs": true, "statistics": true, "storedqueryresultcontainers": true,
	"string": true, "tablepurge": true, "time": true, "timechart": true, "timeline": true,
	"timepivot": true, "timespan": true, "title": true, "to": true, "toscalar": true,
	"totable": true, "treemap": true, "uint": true, "uint16": true, "uint32": true,
	"uint64": true, "uint8": true, "ulong": true, "union": true, "uniqueid": true,
	"unrestrictedviewers": true, "verbose": true, "viewers": true, "views": true, "where": true,
	"with_itemindex": true, "with_match_id": true, "with_source": true, "with_step_name": true,
	"withsource": true, "writeaheadlog": true,
}

// declarableKeywords are reserved words Kusto still accepts as the name
// being declared in `name = expr` (its "extended keywords as identifiers").
var declarableKeywords = map[string]bool{
	"accumulate": true, "as": true, "by": true, "consume": true, "contains": true, "count": true,
	"dataformat": true, "datatable": true, "datetime_pattern": true, "distinct": true,
	"earliest": true, "extend": true, "externaldata": true, "filter": true, "find": true,
	"has": true, "in": true, "inline_external_table": true, "invoke": true, "latest": true,
	"limit": true, "materialize": true, "mdm": true, "of": true, "parse": true, "plotly": true,
	"print": true, "sample": true, "scan": true, "search": true, "serialize": true, "set": true,
	"sort": true, "sql": true, "summarize": true, "take": true, "title": true, "to": true,
	"top": true, "toscalar": true, "totable": true, "verbose": true, "viewers": true,
	"where": true,
}

// specialNames are reserved words Kusto still accepts as plain column
// references (they are common column names).
var specialNames = map[string]bool{"kind": true, "withsource": true, "with_source": true}

// startOperators are the operator keywords that start a query operator
// wherever they appear (they cannot be names), so Kusto's parser reads
// `where x > 1` alone as an operator without input.
var startOperators = map[string]bool{
	"where": true, "project": true, "project-away": true, "project-keep": true, "project-rename": true,
	"project-reorder": true, "project-by-names": true, "print": true, "union": true, "search": true,
	"find": true, "invoke": true, "as": true, "sample": true, "sample-distinct": true,
	"top-nested": true, "top-hitters": true, "mv-expand": true, "mv-apply": true, "make-series": true,
	"parse-where": true, "parse-kv": true, "make-graph": true, "graph-match": true,
	"graph-shortest-paths": true, "graph-mark-components": true, "graph-to-table": true,
	"macro-expand": true, "execute-and-cache": true, "assert-schema": true,
}
