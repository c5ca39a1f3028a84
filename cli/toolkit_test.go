package cli

import (
	"bytes"
	"context"
	"showcaster/app"
	"showcaster/internal/testplatform"
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"10": 1000, "9.9": 990, "9.90": 990, "¥0.05": 5, "0": 0, "199": 19900} {
		if got, err := parseYuan(in); err != nil || got != want {
			t.Errorf("parseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.234", "-1", "1e3"} {
		if _, err := parseYuan(in); err == nil {
			t.Errorf("parseYuan(%q) accepted", in)
		}
	}
}

// TestShowsToolkitCommands drives the headless toolkit subcommands against
// the reference platform, as an operator's script would.
func TestShowsToolkitCommands(t *testing.T) {
	srv, c := testplatform.Start(t)
	sh := testplatform.ApprovedShow(t, c, "脚本福袋")
	if _, err := c.GoLive(context.Background(), sh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetProducts(context.Background(), sh.ID, []app.Product{{ID: "p1", LinkNo: 1, Title: "保温杯", PriceCents: 9900}}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, int) {
		var out, errOut bytes.Buffer
		code := Main(append([]string{"shows"}, append(args, "--platform", srv.URL(), "--token", srv.StudioToken(), "--show", sh.ID)...), &out, &errOut)
		return out.String() + errOut.String(), code
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lottery", "--prize", "保温杯", "--winners", "2", "--condition", "password", "--password", "想要", "--countdown", "30s"}, "l1\topen"},
		{[]string{"lottery", "--list"}, "保温杯 ×2"},
		{[]string{"coupon", "--title", "满99减10", "--discount", "10", "--min-spend", "99", "--quantity", "50", "--valid", "5m"}, "-¥10.00 (from ¥99.00)"},
		{[]string{"coupon", "--list"}, "满99减10"},
		{[]string{"flash-sale", "--product", "p1", "--price", "49", "--quantity", "20", "--duration", "60s"}, "¥49.00\t20 units"},
		{[]string{"flash-sale", "--list"}, "open"},
		{[]string{"red-envelope", "--total", "88.88", "--count", "8"}, "¥88.88 among 8"},
		{[]string{"red-envelope", "--list"}, "¥88.88"},
	} {
		out, code := run(tc.args...)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("shows %v: exit %d, %q; want %q", tc.args, code, out, tc.want)
		}
	}
	if out, code := run("lottery", "--prize", "再来一个"); code != 1 || !strings.Contains(out, "still open") {
		t.Errorf("a second open lottery: exit %d, %q", code, out)
	}
	if out, code := run("coupon", "--title", "x", "--discount", "abc"); code != 2 || !strings.Contains(out, "--discount") {
		t.Errorf("a bad amount: exit %d, %q", code, out)
	}
}
