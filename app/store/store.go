// Package store keeps the studio's own data in SQLite: the product catalogue,
// show plans (the ordered products of a show) and the prompt board.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "studio.db"

// Config says where the store lives and which clock stamps updated_at.
type Config struct {
	// Dir is created if missing; the database is Dir/studio.db.
	Dir string
	// Now stamps updated_at; time.Now when nil.
	Now func() time.Time
}

// Store is safe for concurrent use.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

// Open opens (creating if needed) Dir/studio.db and migrates its schema.
func Open(dir string) (*Store, error) { return OpenConfig(Config{Dir: dir}) }

// OpenConfig is Open with every setting.
func OpenConfig(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, fmt.Errorf("%w: no data directory given", ErrOpen)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: create %s: %v; check the folder's permissions", ErrOpen, cfg.Dir, err)
	}
	path := filepath.Join(cfg.Dir, FileName)
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrOpen, path, err)
	}
	// One connection: a desktop studio writes little, and a single writer
	// cannot deadlock on SQLite's lock upgrade from reader to writer.
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: %s: %v; is another program holding it?", ErrOpen, path, err)
	}
	s := &Store{db: db, now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// migrations[i] brings the schema from version i to i+1 (PRAGMA user_version).
// Append only: a released migration is never edited.
var migrations = []string{
	`CREATE TABLE products (
		id                   TEXT PRIMARY KEY,
		link_no              INTEGER NOT NULL UNIQUE CHECK (link_no > 0),
		title                TEXT NOT NULL CHECK (title <> ''),
		image                TEXT NOT NULL DEFAULT '',
		price_cents          INTEGER NOT NULL CHECK (price_cents >= 0),
		original_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (original_price_cents >= 0),
		currency             TEXT NOT NULL DEFAULT 'CNY',
		coupon               TEXT NOT NULL DEFAULT '',
		stock                INTEGER NOT NULL DEFAULT 0,
		selling_points       TEXT NOT NULL DEFAULT '[]',
		script               TEXT NOT NULL DEFAULT '',
		sold_out             INTEGER NOT NULL DEFAULT 0,
		updated_at           INTEGER NOT NULL
	);
	CREATE TABLE show_products (
		show_id    TEXT NOT NULL,
		product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
		position   INTEGER NOT NULL,
		PRIMARY KEY (show_id, product_id)
	);
	CREATE INDEX show_products_order ON show_products (show_id, position);
	CREATE TABLE show_notes (
		show_id    TEXT PRIMARY KEY,
		notes      TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	);`,
	// Scenes: saved arrangements of the program (scenes.go).
	`CREATE TABLE scenes (
		id         TEXT PRIMARY KEY,
		name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
		position   INTEGER NOT NULL,
		layout     TEXT NOT NULL,
		main       TEXT NOT NULL DEFAULT '',
		second     TEXT NOT NULL DEFAULT '',
		overlays   TEXT NOT NULL DEFAULT '{}',
		updated_at INTEGER NOT NULL
	);`,
	// A show's own price, original price, coupon and sold-out flag, set
	// during that show; NULL means the catalogue's (shows.go).
	`ALTER TABLE show_products ADD COLUMN price_cents INTEGER CHECK (price_cents >= 0);
	ALTER TABLE show_products ADD COLUMN original_price_cents INTEGER CHECK (original_price_cents >= 0);
	ALTER TABLE show_products ADD COLUMN coupon TEXT;
	ALTER TABLE show_products ADD COLUMN sold_out INTEGER;`,
}

// SchemaVersion is the version a fresh database ends at.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("%w: read version: %v", ErrMigrate, err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%w (schema %d, this build knows %d)", ErrNewerSchema, v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMigrate, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("%w: step %d: %v", ErrMigrate, v+1, err)
		}
		// PRAGMA takes no bind parameters; v is our own integer.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("%w: step %d: %v", ErrMigrate, v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("%w: step %d: %v", ErrMigrate, v+1, err)
		}
	}
	return nil
}

// newID makes a product id: short, random, and safe in URLs and CSV.
func newID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; a time-based id
		// keeps the studio working if it ever does.
		return fmt.Sprintf("p%x", time.Now().UnixNano()) // wall clock: only a unique value is wanted
	}
	return "p" + hex.EncodeToString(b[:])
}
