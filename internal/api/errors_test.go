package api

import (
	"errors"
	"fmt"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arengo-pa/arengo/internal/errs"
)

func TestErrorStatus(t *testing.T) {
	for _, c := range []struct {
		code errs.Code
		want int
	}{{errs.ENOTFOUND, 404}, {errs.EINVALID, 422}, {errs.ECONFLICT, 409}, {errs.EFORBIDDEN, 403}} {
		err := Error(fmt.Errorf("wrapped: %w", errs.E(c.code, "messaggio per %s", "l'utente")))
		var se huma.StatusError
		if !errors.As(err, &se) || se.GetStatus() != c.want || se.Error() != "messaggio per l'utente" {
			t.Errorf("%v: got %v, want status %d with the domain message", c.code, err, c.want)
		}
	}
	internal := errors.New("connessione persa")
	if got := Error(internal); got != internal {
		t.Errorf("an error without a code must stay as it is (a 500 whose text is not shown), got %v", got)
	}
}
