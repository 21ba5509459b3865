package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
)

// Format is the representation a client asks for by the path suffix
// (/services.xml, /requests/12.json): content negotiation is not in the spec.
type Format string

const (
	XML  Format = "xml"
	JSON Format = "json"
)

// SplitFormat splits "requests.json" into "requests" and JSON. ok is false
// when the suffix is missing or names a format the server does not speak,
// which the spec answers with 404.
func SplitFormat(name string) (base string, f Format, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, "", false
	}
	switch Format(name[i+1:]) {
	case XML:
		return name[:i], XML, true
	case JSON:
		return name[:i], JSON, true
	}
	return name, "", false
}

// ContentType is the media type with the charset the spec requires.
func (f Format) ContentType() string {
	if f == JSON {
		return "application/json; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// MIME is the bare media type, as listed in discovery.
func (f Format) MIME() string {
	if f == JSON {
		return "application/json"
	}
	return "text/xml"
}

// Document is anything the API answers with: each knows its XML root and its
// JSON shape under the Spark convention (a root holding one repeated element
// becomes a JSON array, a root with mixed children an object).
type Document interface {
	xmlRoot() any
	jsonValue() any
}

// Encode renders d in format f, XML with the UTF-8 declaration first.
func Encode(f Format, d Document) ([]byte, error) {
	var buf bytes.Buffer
	if f == JSON {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d.jsonValue()); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if err := xml.NewEncoder(&buf).Encode(d.xmlRoot()); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Write encodes d and sends it with status and the right content type.
func Write(w http.ResponseWriter, f Format, status int, d Document) {
	body, err := Encode(f, d)
	if err != nil {
		WriteError(w, f, err)
		return
	}
	WriteBytes(w, f, status, body)
}

// WriteBytes sends an already encoded document.
func WriteBytes(w http.ResponseWriter, f Format, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
