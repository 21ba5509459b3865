package open311

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is one entry of the spec's error document: code (the HTTP status or
// a finer application code) and a description meant for the end user.
type Error struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

// Failure is an error answered with the spec's format: the HTTP status (404
// missing resource, 403 bad api_key, 400 anything else) and one entry per
// problem found, so a client can fix them all at once.
type Failure struct {
	Status int
	Errors []Error
}

func (f *Failure) Error() string {
	parts := make([]string, len(f.Errors))
	for i, e := range f.Errors {
		parts[i] = e.Description
	}
	return fmt.Sprintf("open311 %d: %s", f.Status, strings.Join(parts, "; "))
}

func (f *Failure) xmlRoot() any {
	return struct {
		XMLName xml.Name `xml:"errors"`
		Items   []Error  `xml:"error"`
	}{Items: f.Errors}
}

func (f *Failure) jsonValue() any { return f.Errors }

// Failf builds a failure with a single error whose code is the status.
func Failf(status int, format string, args ...any) *Failure {
	return &Failure{Status: status, Errors: []Error{{Code: status, Description: fmt.Sprintf(format, args...)}}}
}

// NotFound, Forbidden and BadRequest are the three statuses the spec uses.
func NotFound(format string, args ...any) *Failure {
	return Failf(http.StatusNotFound, format, args...)
}
func Forbidden(format string, args ...any) *Failure {
	return Failf(http.StatusForbidden, format, args...)
}
func BadRequest(format string, args ...any) *Failure {
	return Failf(http.StatusBadRequest, format, args...)
}

// problems collects the 400 errors of one input before answering.
type problems []Error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, Error{Code: http.StatusBadRequest, Description: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Failure{Status: http.StatusBadRequest, Errors: p}
}

// WriteError answers err in the spec's format; errors that are not a
// *Failure become a 400 with a generic description, never internal detail.
func WriteError(w http.ResponseWriter, f Format, err error) {
	var fail *Failure
	if !errors.As(err, &fail) {
		fail = BadRequest("la richiesta non può essere soddisfatta in questo momento")
	}
	if f == "" {
		f = XML
	}
	body, encErr := Encode(f, fail)
	if encErr != nil {
		http.Error(w, fail.Error(), fail.Status)
		return
	}
	WriteBytes(w, f, fail.Status, body)
}
