package open311

import (
	"bytes"
	"encoding/json"
)

// jsonString quotes s without HTML escaping, so "<" in a description stays
// readable to clients.
func jsonString(s string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
