package store

import (
	"fmt"
	"strconv"
	"strings"
)

// currencySymbols maps what people type before or after a price to the
// currency it implies. ¥ means yuan here: the studio sells in China first.
var currencySymbols = []struct{ sym, code string }{
	{"HK$", "HKD"}, {"US$", "USD"}, {"RMB", "CNY"}, {"CNY", "CNY"}, {"USD", "USD"},
	{"¥", "CNY"}, {"￥", "CNY"}, {"元", "CNY"}, {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"},
}

// ParsePrice reads a price as people write it ("99", "99.00", "¥99.9",
// "1,299", "99元") into cents, with the currency its symbol implies ("" when
// none). The error says how to write it.
func ParsePrice(s string) (cents int64, currency string, err error) {
	orig := s
	s = strings.TrimSpace(s)
	for _, c := range currencySymbols {
		if len(s) >= len(c.sym) && strings.EqualFold(s[:len(c.sym)], c.sym) {
			s, currency = strings.TrimSpace(s[len(c.sym):]), c.code
			break
		}
		if len(s) >= len(c.sym) && strings.EqualFold(s[len(s)-len(c.sym):], c.sym) {
			s, currency = strings.TrimSpace(s[:len(s)-len(c.sym)]), c.code
			break
		}
	}
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, "，", "")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && hasDot {
		whole = "0"
	}
	if whole == "" || !allDigits(whole) || (hasDot && !allDigits(frac)) {
		if strings.HasPrefix(s, "-") {
			return 0, "", fmt.Errorf("price %q is negative; a price is 0 or more", orig)
		}
		return 0, "", fmt.Errorf("price %q is not a number; write it like 99.00", orig)
	}
	if len(frac) > 2 {
		return 0, "", fmt.Errorf("price %q has more than two decimals; write it like 99.90", orig)
	}
	if len(whole) > 13 {
		return 0, "", fmt.Errorf("price %q is too large; check the digits", orig)
	}
	yuan, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	fen, _ := strconv.ParseInt(frac, 10, 64)
	return yuan*100 + fen, currency, nil
}

// FormatCents writes cents as a plain decimal ("99.00"), the form ParsePrice
// and spreadsheets read back exactly.
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
