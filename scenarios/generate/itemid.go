package generate

import "crypto/sha1"

// ItemIDColumns name, per table, the column whose value identifies a record: Log Analytics'
// _ItemId of such a row is derived from it (ItemID), so other tables can point at the row by its
// _ItemId, as UEBA's BehaviorAnalytics.SourceRecordId does, wherever the row comes from (the
// generated history, a replay, the attacker's return).
var ItemIDColumns = map[string]string{
	"SigninLogs": "Id", "AADNonInteractiveUserSignInLogs": "Id", "AuditLogs": "Id", "AzureActivity": "EventDataId",
}

// ItemID is the _ItemId Log Analytics gives the row of table whose ItemIDColumns value is id:
// a version-4-shaped GUID, stable for the row.
func ItemID(table, id string) string { return string(AppendItemID(nil, table, id)) }

// AppendItemID appends ItemID(table, id) (36 bytes) to buf.
func AppendItemID(buf []byte, table, id string) []byte {
	h := sha1.Sum([]byte("_ItemId/" + table + "/" + id))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	for i, c := range h[:16] {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			buf = append(buf, '-')
		}
		buf = append(buf, hexDigits[c>>4], hexDigits[c&15])
	}
	return buf
}

const hexDigits = "0123456789abcdef"
