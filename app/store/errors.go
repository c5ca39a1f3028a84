package store

import "errors"

var (
	// ErrOpen: the database file could not be opened or created.
	ErrOpen = errors.New("store: cannot open the studio database")
	// ErrMigrate: the schema could not be brought up to date.
	ErrMigrate = errors.New("store: cannot update the database schema")
	// ErrNewerSchema: the database was written by a newer Showcaster.
	ErrNewerSchema = errors.New("store: the database was written by a newer Showcaster; update Showcaster to open it")
	// ErrNotFound: no product (or show entry) with that id.
	ErrNotFound = errors.New("store: not found")
	// ErrLinkNoTaken: another product already uses that link number.
	ErrLinkNoTaken = errors.New("store: link number already used by another product")
	// ErrInvalid: a value the store refuses (empty title, negative price…).
	ErrInvalid = errors.New("store: invalid value")
	// ErrCSV: the CSV file as a whole cannot be read (no header, wrong encoding…).
	ErrCSV = errors.New("store: cannot read the CSV file")
)
