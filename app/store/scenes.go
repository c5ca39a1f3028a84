package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Scene is a saved arrangement of the program: which sources, in which
// layout, with which overlays on.
type Scene struct {
	ID   string
	Name string
	// Layout is full, pip or side.
	Layout string
	// Main and Second name sources as `showcaster live --source` does
	// (camera, screen, test, image:PATH); empty means the studio's choice.
	Main, Second string
	// Overlays says which overlays the scene shows (product, bulletin,
	// comment, prompter…); one not listed is left as it is.
	Overlays  map[string]bool
	UpdatedAt time.Time
}

const sceneCols = `id, name, layout, main, second, overlays, updated_at`

// Scenes returns the scenes in the studio's order.
func (s *Store) Scenes() ([]Scene, error) {
	rows, err := s.db.Query(`SELECT ` + sceneCols + ` FROM scenes ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("store: scenes: %w", err)
	}
	defer rows.Close()
	var out []Scene
	for rows.Next() {
		var sc Scene
		var overlays string
		var at int64
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.Layout, &sc.Main, &sc.Second, &overlays, &at); err != nil {
			return nil, fmt.Errorf("store: scenes: %w", err)
		}
		if err := json.Unmarshal([]byte(overlays), &sc.Overlays); err != nil {
			sc.Overlays = nil
		}
		sc.UpdatedAt = time.UnixMilli(at)
		out = append(out, sc)
	}
	return out, rows.Err()
}

func validScene(sc Scene) error {
	if strings.TrimSpace(sc.Name) == "" {
		return fmt.Errorf("%w: a scene needs a name", ErrInvalid)
	}
	if sc.Layout == "" {
		return fmt.Errorf("%w: scene %q needs a layout (full, pip or side)", ErrInvalid, sc.Name)
	}
	return nil
}

func sceneErr(op string, sc Scene, err error) error {
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("%w: a scene named %q already exists; pick another name", ErrInvalid, sc.Name)
	}
	return fmt.Errorf("store: %s scene: %w", op, err)
}

// AddScene appends a scene at the end of the list and returns it with its id.
func (s *Store) AddScene(sc Scene) (Scene, error) {
	sc.Name = strings.TrimSpace(sc.Name)
	if err := validScene(sc); err != nil {
		return Scene{}, err
	}
	if sc.ID == "" {
		sc.ID = "s" + newID()[1:]
	}
	ov, _ := json.Marshal(sc.Overlays)
	sc.UpdatedAt = s.now()
	if _, err := s.db.Exec(`INSERT INTO scenes (id, name, position, layout, main, second, overlays, updated_at)
		VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM scenes), ?, ?, ?, ?, ?)`,
		sc.ID, sc.Name, sc.Layout, sc.Main, sc.Second, string(ov), sc.UpdatedAt.UnixMilli()); err != nil {
		return Scene{}, sceneErr("add", sc, err)
	}
	return sc, nil
}

// UpdateScene saves a scene's name, layout, sources and overlays.
func (s *Store) UpdateScene(sc Scene) error {
	sc.Name = strings.TrimSpace(sc.Name)
	if err := validScene(sc); err != nil {
		return err
	}
	ov, _ := json.Marshal(sc.Overlays)
	res, err := s.db.Exec(`UPDATE scenes SET name = ?, layout = ?, main = ?, second = ?, overlays = ?, updated_at = ? WHERE id = ?`,
		sc.Name, sc.Layout, sc.Main, sc.Second, string(ov), s.now().UnixMilli(), sc.ID)
	if err != nil {
		return sceneErr("update", sc, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: scene %q", ErrNotFound, sc.ID)
	}
	return nil
}

// DeleteScene removes a scene; the others keep their order.
func (s *Store) DeleteScene(id string) error {
	res, err := s.db.Exec(`DELETE FROM scenes WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete scene: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: scene %q", ErrNotFound, id)
	}
	return nil
}

// ReorderScenes puts the scenes in the order of ids, which must name every
// scene once.
func (s *Store) ReorderScenes(ids []string) error {
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("store: reorder scenes: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM scenes`).Scan(&n); err != nil {
		return fmt.Errorf("store: reorder scenes: %w", err)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(ids) != n || len(seen) != n {
		return fmt.Errorf("%w: the new order must list each of the %d scenes once", ErrInvalid, n)
	}
	for i, id := range ids {
		res, err := tx.Exec(`UPDATE scenes SET position = ? WHERE id = ?`, i, id)
		if err != nil {
			return fmt.Errorf("store: reorder scenes: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("%w: scene %q", ErrNotFound, id)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: reorder scenes: %w", err)
	}
	return nil
}

// SeedScenes adds defaults when there are no scenes yet (a new studio) and
// returns the scenes.
func (s *Store) SeedScenes(defaults []Scene) ([]Scene, error) {
	have, err := s.Scenes()
	if err != nil || len(have) > 0 {
		return have, err
	}
	for _, sc := range defaults {
		if _, err := s.AddScene(sc); err != nil && !errors.Is(err, ErrInvalid) {
			return nil, err
		}
	}
	return s.Scenes()
}
