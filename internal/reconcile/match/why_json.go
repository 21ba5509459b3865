package match

import (
	"encoding/json"
	"strconv"
)

// AppendJSON appends w encoded exactly as encoding/json marshals it. Every
// item of a bulk load is encoded once, on the single writer's path, where
// reflection cost a tenth of the payments' classification; TestWhyAppendJSON
// and FuzzWhyAppendJSON hold the two encodings to the same bytes, since the
// stored text is what tells a changed item from an unchanged one.
func (w Why) AppendJSON(b []byte) []byte {
	b = append(b, `{"m":`...)
	b = appendJSONString(b, string(w.Msg))
	b = appendStringField(b, "notification", w.Notification)
	b = appendStringField(b, "receipt", w.Receipt)
	b = appendStringsField(b, "flow_rows", w.FlowRows)
	b = appendStringsField(b, "movements", w.Movements)
	b = appendStringField(b, "compared", w.Compared)
	b = appendIntField(b, "expected_cents", w.Expected)
	b = appendIntField(b, "found_cents", w.Found)
	b = appendStringField(b, "esito", w.Outcome)
	b = appendStringField(b, "linked_by", w.LinkedBy)
	b = appendStringField(b, "split_by", w.SplitBy)
	if len(w.Shares) > 0 {
		b = append(b, `,"shares":[`...)
		for i, s := range w.Shares {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"iuf":`...)
			b = appendJSONString(b, s.IUF)
			b = append(b, `,"cents":`...)
			b = strconv.AppendInt(b, s.Cents, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendStringField(b, "flow", w.Flow)
	return append(b, '}')
}

// The field names below are plain ASCII and need no escaping.

func appendStringField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return appendJSONString(b, v)
}

func appendStringsField(b []byte, name string, vs []string) []byte {
	if len(vs) == 0 {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":[`...)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, v)
	}
	return append(b, ']')
}

func appendIntField(b []byte, name string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return strconv.AppendInt(b, v, 10)
}

// appendJSONString writes identifiers and codes as they are; anything
// encoding/json would escape (quotes, control and HTML characters, non-ASCII)
// is left to encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
