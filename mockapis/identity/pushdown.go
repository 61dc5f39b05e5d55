package identity

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/soclab/soclab/mockapis/odata"
)

// pushdown turns the simple conjuncts of a $filter on Entra's logs into KQL where clauses, so a
// filtered call converts only the rows it may answer (a tenant's SigninLogs hold tens of
// thousands of rows). The clauses are a superset filter: the full $filter still runs on the
// converted objects. complete says every conjunct was pushed (then $top can be pushed too).
type pushdown struct {
	columns map[string]pushColumn
}

// pushColumn is the KQL expression of a Graph property and how its literals compare.
type pushColumn struct {
	expr string
	kind string // "string", "datetime", "code" (errorCode: ResultType is a string)
}

var (
	signInPushdown = pushdown{columns: map[string]pushColumn{
		"userprincipalname": {"UserPrincipalName", "string"}, "userid": {"UserId", "string"}, "ipaddress": {"IPAddress", "string"},
		"appid": {"AppId", "string"}, "appdisplayname": {"AppDisplayName", "string"}, "id": {"Id", "string"},
		"correlationid": {"CorrelationId", "string"}, "conditionalaccessstatus": {"ConditionalAccessStatus", "string"},
		"risklevelduringsignin": {"RiskLevelDuringSignIn", "string"}, "riskstate": {"RiskState", "string"},
		"createddatetime": {"CreatedDateTime", "datetime"}, "status/errorcode": {"ResultType", "code"},
	}}
	auditPushdown = pushdown{columns: map[string]pushColumn{
		"activitydisplayname": {"ActivityDisplayName", "string"}, "category": {"Category", "string"}, "loggedbyservice": {"LoggedByService", "string"},
		"result": {"Result", "string"}, "id": {"Id", "string"}, "correlationid": {"CorrelationId", "string"}, "operationtype": {"AADOperationType", "string"},
		"activitydatetime": {"ActivityDateTime", "datetime"}, "initiatedby/user/userprincipalname": {"tostring(InitiatedBy.user.userPrincipalName)", "string"},
	}}
	conjunct = regexp.MustCompile(`^\s*([A-Za-z_/]+)\s+(eq|ne|ge|gt|le|lt)\s+('(?:[^']|'')*'|[0-9TZ:.+-]+)\s*$`)
	kqlOps   = map[string]string{"eq": "==", "ne": "!=", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
)

// clauses returns the KQL where clauses for f and whether they express all of it.
func (p pushdown) clauses(f *odata.Filter) (where []string, complete bool) {
	if f == nil {
		return nil, true
	}
	terms, ok := splitAnd(f.String())
	if !ok {
		return nil, false
	}
	complete = true
	for _, t := range terms {
		m := conjunct.FindStringSubmatch(t)
		col, known := pushColumn{}, false
		if m != nil {
			col, known = p.columns[strings.ToLower(m[1])]
		}
		if !known {
			complete = false
			continue
		}
		op, lit := m[2], m[3]
		switch {
		case col.kind == "string" && strings.HasPrefix(lit, "'") && (op == "eq" || op == "ne"):
			s := strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
			kop := "=~"
			if op == "ne" {
				kop = "!~"
			}
			where = append(where, col.expr+" "+kop+" "+strconv.Quote(s))
		case col.kind == "datetime" && !strings.HasPrefix(lit, "'"):
			where = append(where, col.expr+" "+kqlOps[op]+" datetime("+lit+")")
		case col.kind == "code" && (op == "eq" || op == "ne"):
			if _, err := strconv.Atoi(lit); err != nil {
				complete = false
				continue
			}
			where = append(where, col.expr+" "+kqlOps[op]+" "+strconv.Quote(lit))
		default:
			complete = false
		}
	}
	return where, complete
}

// splitAnd splits a filter on its top-level "and"s; false when it has or/not/parentheses
// outside string literals (then nothing is pushed).
func splitAnd(src string) ([]string, bool) {
	var terms []string
	inStr, start := false, 0
	lower := strings.ToLower(src)
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\'' {
			inStr = !inStr
			continue
		}
		if inStr {
			continue
		}
		if c == '(' || c == ')' {
			return nil, false
		}
		if word := wordAt(lower, i); word == "or" || word == "not" {
			return nil, false
		} else if word == "and" {
			terms = append(terms, src[start:i])
			start = i + 3
			i += 2
		}
	}
	if inStr {
		return nil, false
	}
	return append(terms, src[start:]), true
}

// wordAt is the space-delimited word starting at i ("" unless i starts a word).
func wordAt(s string, i int) string {
	if i > 0 && s[i-1] != ' ' {
		return ""
	}
	j := i
	for j < len(s) && s[j] != ' ' {
		j++
	}
	if j == len(s) {
		return ""
	}
	return s[i:j]
}

// logQuery is the KQL for one Graph call over an Entra table: the pushed clauses, the order,
// and, when the whole page is decided in KQL, a take of what the page needs.
func logQuery(table, order string, p pushdown, q *odata.Query) string {
	where, complete := p.clauses(q.Filter)
	var b strings.Builder
	b.WriteString(table)
	for _, w := range where {
		b.WriteString(" | where " + w)
	}
	b.WriteString(" | order by " + order)
	if complete && len(q.OrderBy) == 0 && q.SkipToken == "" {
		size := 100
		if q.Top >= 0 {
			size = q.Top
		}
		b.WriteString(" | take " + strconv.Itoa(q.Skip+size+1))
	}
	return b.String()
}
