package app

import "testing"

func TestWantsConsole(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"studio"}, false},
		{[]string{"studio", "--lang", "zh"}, false},
		{[]string{"devices"}, true},
		{[]string{"live", "--whip", "http://127.0.0.1:1/whip"}, true},
		{[]string{"--help"}, true},
	} {
		if got := wantsConsole(c.args); got != c.want {
			t.Errorf("wantsConsole(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
