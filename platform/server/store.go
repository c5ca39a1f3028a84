package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver: pure Go, so the platform builds without cgo

	"showcaster/platform"
)

// schema is applied at every start; each statement is idempotent.
const schema = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shows (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	cover_url TEXT NOT NULL DEFAULT '',
	starts_at TEXT NOT NULL,
	duration_min INTEGER NOT NULL,
	product_ids TEXT NOT NULL DEFAULT '[]',
	state TEXT NOT NULL,
	reject_reason TEXT NOT NULL DEFAULT '',
	reject_code TEXT NOT NULL DEFAULT '',
	reject_word TEXT NOT NULL DEFAULT '',
	ingest_token TEXT NOT NULL,
	trial_key TEXT NOT NULL,
	trial_used INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	audit_at INTEGER NOT NULL,
	started_at INTEGER NOT NULL DEFAULT 0,
	ended_at INTEGER NOT NULL DEFAULT 0,
	pinned TEXT NOT NULL DEFAULT '',
	bulletin TEXT NOT NULL DEFAULT '',
	likes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS products (
	show_id TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, sold INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (show_id, id)
);
CREATE TABLE IF NOT EXISTS comments (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, viewer_name TEXT NOT NULL, text TEXT NOT NULL,
	at INTEGER NOT NULL, flagged INTEGER NOT NULL, flag_reason TEXT NOT NULL, trial INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_show ON comments (show_id, at);
CREATE TABLE IF NOT EXISTS replies (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, comment_id TEXT NOT NULL, text TEXT NOT NULL, private INTEGER NOT NULL,
	viewer_id TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, product_id TEXT NOT NULL, qty INTEGER NOT NULL,
	amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, at INTEGER NOT NULL, day TEXT NOT NULL,
	trial INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_show ON orders (show_id, at);
CREATE TABLE IF NOT EXISTS likes (
	show_id TEXT NOT NULL, minute INTEGER NOT NULL, trial INTEGER NOT NULL, count INTEGER NOT NULL,
	PRIMARY KEY (show_id, minute, trial)
);
CREATE TABLE IF NOT EXISTS minutes (
	show_id TEXT NOT NULL, minute INTEGER NOT NULL, online_peak INTEGER NOT NULL, publishing INTEGER NOT NULL,
	PRIMARY KEY (show_id, minute)
);
CREATE TABLE IF NOT EXISTS events (
	show_id TEXT NOT NULL, seq INTEGER NOT NULL, scope INTEGER NOT NULL, viewer_id TEXT NOT NULL,
	trial INTEGER NOT NULL, body TEXT NOT NULL,
	PRIMARY KEY (show_id, seq)
);
CREATE TABLE IF NOT EXISTS banned_words (word TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS viewers (
	id TEXT PRIMARY KEY, secret TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS moderation (
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, muted INTEGER NOT NULL, blocked INTEGER NOT NULL,
	PRIMARY KEY (show_id, viewer_id)
);
CREATE TABLE IF NOT EXISTS show_viewers (
	show_id TEXT NOT NULL, viewer_id TEXT NOT NULL, first_at INTEGER NOT NULL,
	PRIMARY KEY (show_id, viewer_id)
);
`

// openDB opens (creating if needed) the platform's database in dir.
func openDB(dir string, walLimit int64) (*sql.DB, error) {
	path := filepath.Join(dir, "platform.db")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if _, err := os.Stat(p); err == nil || p == path {
			if err := privateFile(p); err != nil {
				return nil, fmt.Errorf("open the platform database %s: %w", path, err)
			}
		}
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_size_limit(" + strconv.FormatInt(walLimit, 10) + ")"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open the platform database %s: %w", path, err)
	}
	for _, sc := range []string{schema + toolkitSchema, betweenSchema} {
		if _, err := db.Exec(sc); err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare the platform database %s (delete it to start afresh if it is damaged): %w", path, err)
		}
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare the platform database %s (delete it to start afresh if it is damaged): %w", path, err)
	}
	return db, nil
}

// migrate brings a database made by an older platform up to the schema:
// events gain their type (filled from the stored bodies) so a viewer's start
// can find the latest state events without reading the whole history;
// rejected shows gain the code and the word of their reason.
func migrate(db *sql.DB) error {
	if err := migrateRejectCode(db); err != nil {
		return err
	}
	var has int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'type'`).Scan(&has); err != nil {
		return err
	}
	if has == 0 {
		if _, err := db.Exec(`ALTER TABLE events ADD COLUMN type TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
		if _, err := db.Exec(`UPDATE events SET type = COALESCE(json_extract(body, '$.type'), '')`); err != nil {
			return err
		}
	}
	_, err := db.Exec(`CREATE INDEX IF NOT EXISTS events_type ON events (show_id, type, seq);
CREATE INDEX IF NOT EXISTS events_viewer ON events (show_id, viewer_id, seq);`)
	return err
}

// migrateRejectCode adds reject_code and reject_word, filled from the
// sentence older platforms stored (title contains the banned word "…").
func migrateRejectCode(db *sql.DB) error {
	var has int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('shows') WHERE name = 'reject_code'`).Scan(&has); err != nil || has > 0 {
		return err
	}
	const prefix = `title contains the banned word "`
	for _, col := range []string{"reject_code", "reject_word"} {
		if _, err := db.Exec(`ALTER TABLE shows ADD COLUMN ` + col + ` TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
	}
	n := len([]rune(prefix))
	_, err := db.Exec(`UPDATE shows SET reject_code = ?, reject_word = substr(reject_reason, ?, length(reject_reason) - ?)
		WHERE state = 'rejected' AND reject_reason LIKE ? AND reject_reason LIKE '%"'`,
		platform.RejectBannedWord, n+1, n+1, prefix+"%")
	return err
}

// showRow is a show as stored, with the secrets the public Show leaves out.
type showRow struct {
	platform.Show
	IngestToken string
	TrialKey    string
	TrialUsed   bool
	AuditAt     time.Time
	Pinned      string // product id, or ""
	Bulletin    string
	Likes       int64
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

const showCols = `id, title, cover_url, starts_at, duration_min, product_ids, state, reject_reason, reject_code, reject_word,
	ingest_token, trial_key, trial_used, created_at, audit_at, started_at, ended_at, pinned, bulletin, likes`

func scanShow(sc interface{ Scan(...any) error }) (*showRow, error) {
	var r showRow
	var startsAt, productIDs, state string
	var trialUsed int
	var created, audit, started, ended int64
	err := sc.Scan(&r.ID, &r.Title, &r.CoverURL, &startsAt, &r.DurationMin, &productIDs, &state, &r.RejectReason, &r.RejectCode, &r.RejectWord,
		&r.IngestToken, &r.TrialKey, &trialUsed, &created, &audit, &started, &ended, &r.Pinned, &r.Bulletin, &r.Likes)
	if err != nil {
		return nil, err
	}
	r.State = platform.ShowState(state)
	r.TrialUsed = trialUsed != 0
	r.StartsAt, _ = time.Parse(time.RFC3339Nano, startsAt)
	r.CreatedAt, r.AuditAt, r.StartedAt, r.EndedAt = fromNanos(created), fromNanos(audit), fromNanos(started), fromNanos(ended)
	if err := json.Unmarshal([]byte(productIDs), &r.ProductIDs); err != nil || r.ProductIDs == nil {
		r.ProductIDs = []string{}
	}
	return &r, nil
}

func (s *Server) loadShows(ctx context.Context) ([]*showRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+showCols+` FROM shows ORDER BY n`)
	if err != nil {
		return nil, fmt.Errorf("%w: read shows: %v", ErrStorage, err)
	}
	defer rows.Close()
	var out []*showRow
	for rows.Next() {
		r, err := scanShow(rows)
		if err != nil {
			return nil, fmt.Errorf("%w: read a show: %v", ErrStorage, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Server) insertShow(ctx context.Context, r *showRow) error {
	ids, _ := json.Marshal(r.ProductIDs)
	res, err := s.db.ExecContext(ctx, `INSERT INTO shows (id, title, cover_url, starts_at, duration_min, product_ids,
		state, ingest_token, trial_key, created_at, audit_at) VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Title, r.CoverURL, r.StartsAt.Format(time.RFC3339Nano), r.DurationMin, string(ids), string(r.State),
		r.IngestToken, r.TrialKey, nanos(r.CreatedAt), nanos(r.AuditAt))
	if err != nil {
		return fmt.Errorf("%w: store the show: %v", ErrStorage, err)
	}
	n, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("%w: store the show: %v", ErrStorage, err)
	}
	r.ID = fmt.Sprintf("s%d", n)
	if _, err := s.db.ExecContext(ctx, `UPDATE shows SET id = ? WHERE n = ?`, r.ID, n); err != nil {
		return fmt.Errorf("%w: store the show: %v", ErrStorage, err)
	}
	return nil
}

// saveShow writes back the mutable columns of a show.
func (s *Server) saveShow(ctx context.Context, r *showRow) error {
	_, err := s.db.ExecContext(ctx, `UPDATE shows SET state = ?, reject_reason = ?, reject_code = ?, reject_word = ?,
		trial_used = ?, started_at = ?, ended_at = ?, pinned = ?, bulletin = ?, likes = ? WHERE id = ?`,
		string(r.State), r.RejectReason, r.RejectCode, r.RejectWord, boolInt(r.TrialUsed), nanos(r.StartedAt), nanos(r.EndedAt), r.Pinned,
		r.Bulletin, r.Likes, r.ID)
	if err != nil {
		return fmt.Errorf("%w: update show %s: %v", ErrStorage, r.ID, err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) metaGet(ctx context.Context, k string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = ?`, k).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("%w: read %s: %v", ErrStorage, k, err)
	}
	return v, true, nil
}

func (s *Server) metaSet(ctx context.Context, k, v string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, k, v)
	if err != nil {
		return fmt.Errorf("%w: write %s: %v", ErrStorage, k, err)
	}
	return nil
}
