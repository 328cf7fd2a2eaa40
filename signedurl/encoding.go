package signedurl

import (
	"encoding/base64"
	"strings"
)

// cfBase64 undoes CloudFront's URL-safe base64: the signer replaces '+' by
// '-', '=' by '_' and '/' by '~' in standard padded base64.
var cfUnescape = strings.NewReplacer("-", "+", "_", "=", "~", "/")

// decodeCF decodes a Policy or Signature value, refusing one longer than
// limit decoded bytes before decoding it.
func decodeCF(s string, limit int) ([]byte, bool) {
	if s == "" || base64.StdEncoding.DecodedLen(len(s)) > limit+2 {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(cfUnescape.Replace(s))
	if err != nil || len(b) > limit {
		return nil, false
	}
	return b, true
}
