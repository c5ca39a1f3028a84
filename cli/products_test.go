package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProductsCommand(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "in.csv")
	os.WriteFile(csvPath, []byte("\ufeff链接号,标题,价格,原价\n1,\"围巾, 羊毛\",¥99.9,199\n2,坏价格,abc,\n"), 0o644)
	data := filepath.Join(dir, "data")

	var out, errb bytes.Buffer
	if rc := Main([]string{"products", "import", csvPath, "--data", data}, &out, &errb); rc != 0 {
		t.Fatalf("import rc=%d stderr=%s", rc, errb.String())
	}
	if !strings.HasPrefix(out.String(), "imported 1, skipped 1\nrow 3: price \"abc\" is not a number") {
		t.Fatalf("import output %q", out.String())
	}

	out.Reset()
	if rc := Main([]string{"products", "list", "--json", "--data", data}, &out, &errb); rc != 0 {
		t.Fatalf("list rc=%d stderr=%s", rc, errb.String())
	}
	var list []map[string]any
	if err := json.Unmarshal(out.Bytes(), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out.String())
	}
	if len(list) != 1 || list[0]["title"] != "围巾, 羊毛" || list[0]["price_cents"] != float64(9990) ||
		list[0]["currency"] != "CNY" || list[0]["id"] == "" {
		t.Fatalf("list %v", list)
	}

	exported := filepath.Join(dir, "out.csv")
	if rc := Main([]string{"products", "export", "--data", data, exported}, &out, &errb); rc != 0 {
		t.Fatalf("export rc=%d stderr=%s", rc, errb.String())
	}
	out.Reset()
	if rc := Main([]string{"products", "import", "--data", filepath.Join(dir, "fresh"), exported}, &out, &errb); rc != 0 ||
		out.String() != "imported 1, skipped 0\n" {
		t.Fatalf("re-import rc=%d out=%q stderr=%s", rc, out.String(), errb.String())
	}

	errb.Reset()
	if rc := Main([]string{"products", "import", filepath.Join(dir, "missing.csv"), "--data", data}, &out, &errb); rc != 1 ||
		!strings.Contains(errb.String(), "check the file name") {
		t.Fatalf("missing file rc=%d stderr=%q", rc, errb.String())
	}
}
