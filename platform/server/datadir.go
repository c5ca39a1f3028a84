package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

var errLocked = errors.New("locked by another process")

// lockDataDir takes the data directory for this platform alone: a second
// platform on the same directory would answer every call with a storage
// error while still writing, so it refuses to start instead. The lock file
// names the process holding it.
func lockDataDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "platform.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the lock of the platform data directory %s: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, errLocked) {
			who := ""
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(holder))); perr == nil {
				who = fmt.Sprintf(" (process %d)", pid)
			}
			return nil, fmt.Errorf("%w: another platform%s is running on %s: stop it first, or start this one with another --data directory", ErrDataInUse, who, dir)
		}
		return nil, fmt.Errorf("lock the platform data directory %s: %w", dir, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}

// privateFile makes sure path exists and only its owner may read it (the
// database holds every viewer's cookie secret and the studio token).
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return os.Chmod(path, 0o600)
}
