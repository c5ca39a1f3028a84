package server

import (
	"os"
	"path/filepath"
	"time"
)

// housekeep runs from the stats loop: it forgets idle viewers and full rate
// buckets once a minute and checkpoints the write-ahead log every
// CheckpointEvery, so memory and the WAL follow the active load.
func (s *Server) housekeep(now time.Time) {
	s.mu.Lock()
	sweep := now.Sub(s.lastSweep) >= time.Minute
	checkpoint := now.Sub(s.lastCheckpoint) >= s.lim.CheckpointEvery
	if sweep {
		s.lastSweep = now
		for secret, v := range s.viewers {
			if now.Sub(v.seen) >= s.lim.ViewerIdle {
				delete(s.viewers, secret)
			}
		}
	}
	if checkpoint {
		s.lastCheckpoint = now
	}
	s.mu.Unlock()
	if sweep {
		s.limits.Sweep()
		s.mints.Sweep()
	}
	if checkpoint {
		s.checkpoint()
	}
}

// checkpoint copies the write-ahead log into the database without waiting
// for readers; with journal_size_limit the log is cut back once it restarts.
func (s *Server) checkpoint() {
	if _, err := s.db.ExecContext(s.ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil && s.ctx.Err() == nil {
		s.logf("platform: checkpoint the database: %v", err)
	}
}

// walSize is the size of the database's write-ahead log (0 when there is none).
func (s *Server) walSize() int64 {
	fi, err := os.Stat(filepath.Join(s.cfg.DataDir, "platform.db-wal"))
	if err != nil {
		return 0
	}
	return fi.Size()
}
