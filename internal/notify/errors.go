package notify

import "github.com/arengo-pa/arengo/internal/errs"

func fieldError(field, format string, args ...any) error { return errs.Field(field, format, args...) }

func invalid(format string, args ...any) error { return errs.E(errs.EINVALID, format, args...) }

func notFound(format string, args ...any) error { return errs.E(errs.ENOTFOUND, format, args...) }
