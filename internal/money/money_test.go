package money

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in    string
		cents int64
		cur   string
		err   string
	}{
		{"99", 9900, "", ""},
		{"99.00", 9900, "", ""},
		{"¥99.9", 9990, "CNY", ""},
		{"￥ 1,299.50", 129950, "CNY", ""},
		{"99元", 9900, "CNY", ""},
		{"$12.5", 1250, "USD", ""},
		{"HK$88", 8800, "HKD", ""},
		{".5", 50, "", ""},
		{"0", 0, "", ""},
		{"abc", 0, "", `price "abc" is not a number; write it like 99.00`},
		{"9.999", 0, "", "more than two decimals"},
		{"-5", 0, "", "negative"},
		{"", 0, "", "not a number"},
		{"1.2.3", 0, "", "not a number"},
	} {
		c, cur, err := Parse(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Parse(%q) err = %v; want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || c != tc.cents || cur != tc.cur {
			t.Errorf("Parse(%q) = %d %q %v; want %d %q", tc.in, c, cur, err, tc.cents, tc.cur)
		}
	}
}

func TestPlainRoundTrip(t *testing.T) {
	for _, c := range []int64{0, 1, 10, 99, 100, 9990, 123456789} {
		got, _, err := Parse(Plain(c))
		if err != nil || got != c {
			t.Errorf("%d → %q → %d, %v", c, Plain(c), got, err)
		}
	}
}

func TestParts(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		cur   string
		want  string
	}{
		{5990, "CNY", "¥|59|.9"},
		{5999, "CNY", "¥|59|.99"},
		{5900, "", "¥|59|"},
		{1299900, "CNY", "¥|12,999|"},
		{999900, "USD", "$|9999|"},
		{1500, "JPY", "¥|15|"},
		{105, "EUR", "€|1|.05"},
		{100, "SGD", "SGD |1|"},
	} {
		s, w, f := Parts(tc.cents, tc.cur)
		if got := s + "|" + w + "|" + f; got != tc.want {
			t.Errorf("Parts(%d, %s) = %q; want %q", tc.cents, tc.cur, got, tc.want)
		}
	}
}
