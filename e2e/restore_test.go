package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// copyDir copies the regular files of src into dst (which it empties first).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	os.RemoveAll(dst)
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestViewerPageAfterDataRestore: the platform comes back on an older copy of
// its data, so its newest seq is below what the open page received. The
// platform answers 409 seq_ahead; the page follows on after the platform's
// newest event instead of hearing nothing.
func TestViewerPageAfterDataRestore(t *testing.T) {
	b := newBrowser(t)
	p := startPlatform(t)
	st := p.studio(t)
	show := st.createApprovedShow("数据恢复 · restore")
	ingest := st.goLive(show.ID)
	v := b.newTab("viewer")
	v.navigate(ingest.ViewerURL)
	v.waitFor("the events to connect", `__showcaster.eventConnects() >= 1`, eventDeadline, pageState)

	p.srv.Close()
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, p.dir, backup)
	p.restart()
	for i := 0; i < 5; i++ {
		st.bulletin(show.ID, fmt.Sprint("公告 ", i))
	}
	v.waitFor("the bulletins", `document.getElementById("bulletin-text").textContent === "公告 4"`, eventDeadline, pageState)
	ahead := mustEval[int](v, `__showcaster.lastSeq()`)

	connects := mustEval[int](v, `__showcaster.eventConnects()`)
	p.srv.Close()
	copyDir(t, backup, p.dir) // the older copy: its newest seq is below the page's
	p.restart()
	// What happens before the page is back is older than where it follows on
	// (a restore loses it for everyone); what happens after must arrive.
	v.waitFor("the events to reconnect", fmt.Sprintf(`__showcaster.eventConnects() > %d`, connects), playDeadline, pageState)
	st.bulletin(show.ID, "恢复后 after the restore")
	v.waitFor("the bulletin after the restore", `document.getElementById("bulletin-text").textContent === "恢复后 after the restore"`, playDeadline, pageState)
	if now := mustEval[int](v, `__showcaster.lastSeq()`); now >= ahead {
		t.Errorf("the page's last seq is %d, from %d before the restore: it should follow the restored platform's seqs", now, ahead)
	}
}
