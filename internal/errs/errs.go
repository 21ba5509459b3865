// Package errs gives domain errors a code that the web and API layers map to
// a status and a message in one place (after WTF Dial's error.go).
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error for the caller.
type Code string

const (
	ENOTFOUND  Code = "not_found"
	EINVALID   Code = "invalid"
	ECONFLICT  Code = "conflict"
	EFORBIDDEN Code = "forbidden"
	EINTERNAL  Code = "internal"
)

// Error is an error meant for the person or system that caused it: Message is
// shown to them as is, so it must not leak internals.
type Error struct {
	Code    Code
	Message string
	Field   string // the form field, CSV column or cell at fault, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// E builds an Error with a formatted message.
func E(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field builds an EINVALID error that names the field at fault.
func Field(field, format string, args ...any) error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, EINTERNAL for errors that carry none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// MessageOf returns the public message of err; errors without a code get a
// generic message so internal details never reach a user.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "Si è verificato un errore interno. Riprova più tardi."
}
