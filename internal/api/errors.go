package api

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/errs"
)

// Error turns a domain error into the HTTP problem its code stands for;
// errors without a known code stay internal (500, message not shown).
func Error(err error) error {
	switch errs.CodeOf(err) {
	case errs.ENOTFOUND:
		return huma.Error404NotFound(errs.MessageOf(err))
	case errs.EINVALID:
		return huma.Error422UnprocessableEntity(errs.MessageOf(err))
	case errs.ECONFLICT:
		return huma.Error409Conflict(errs.MessageOf(err))
	case errs.EFORBIDDEN:
		return huma.Error403Forbidden(errs.MessageOf(err))
	}
	return err
}
