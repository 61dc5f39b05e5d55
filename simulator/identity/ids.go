package identity

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// AssignmentID is the id Entra gives a directory-scoped role assignment: the role definition's
// and the principal's GUIDs in their .NET byte order, base64url without padding, then "-1"
// (e.g. "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1" for Global Administrator).
func AssignmentID(roleDefinitionID, principalID string) string {
	b := append(guidBytes(roleDefinitionID), guidBytes(principalID)...)
	return base64.RawURLEncoding.EncodeToString(b) + "-1"
}

// guidBytes is a GUID's 16 bytes as .NET's Guid.ToByteArray lays them out (the first three
// groups little-endian).
func guidBytes(g string) []byte {
	raw, err := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	if err != nil || len(raw) != 16 {
		return make([]byte, 16)
	}
	raw[0], raw[1], raw[2], raw[3] = raw[3], raw[2], raw[1], raw[0]
	raw[4], raw[5] = raw[5], raw[4]
	raw[6], raw[7] = raw[7], raw[6]
	return raw
}

// isGUID tells whether s is a GUID in its canonical 8-4-4-4-12 form.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
