package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUniqueViolation tells whether err comes from a unique or primary key
// constraint, on either engine. It reads the drivers' error codes, which
// survive wrapping with %w, rather than their messages.
func IsUniqueViolation(err error) bool {
	return isConstraint(err, "23505", sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// IsForeignKeyViolation tells whether err comes from a foreign key
// constraint, on either engine.
func IsForeignKeyViolation(err error) bool {
	return isConstraint(err, "23503", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

func isConstraint(err error, sqlState string, sqliteCodes ...int) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == sqlState
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		for _, c := range sqliteCodes {
			if liteErr.Code() == c {
				return true
			}
		}
	}
	return false
}
