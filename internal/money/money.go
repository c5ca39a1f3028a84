// Package money is the one home of amounts: parsing what people type, the
// plain form spreadsheets read back, and the shop form viewers see.
// Amounts are integer cents with an ISO 4217 currency code ("" means CNY).
package money

import (
	"fmt"
	"showcaster/internal/msg"
	"strconv"
	"strings"
)

// Amount is a sum of money.
type Amount struct {
	Cents    int64
	Currency string
}

// String is the shop form ("¥99.9").
func (a Amount) String() string { return Format(a.Cents, a.Currency) }

// currencySymbols maps what people type before or after a price to the
// currency it implies. ¥ means yuan here: the studio sells in China first.
var currencySymbols = []struct{ sym, code string }{
	{"HK$", "HKD"}, {"US$", "USD"}, {"RMB", "CNY"}, {"CNY", "CNY"}, {"USD", "USD"},
	{"¥", "CNY"}, {"￥", "CNY"}, {"元", "CNY"}, {"$", "USD"}, {"€", "EUR"}, {"£", "GBP"},
}

// Parse reads a price as people write it ("99", "99.00", "¥99.9",
// "1,299", "99元") into cents, with the currency its symbol implies ("" when
// none). The error says how to write it.
func Parse(s string) (cents int64, currency string, err error) {
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
			return 0, "", msg.New("price %q is negative; a price is 0 or more", orig)
		}
		return 0, "", msg.New("price %q is not a number; write it like 99.00", orig)
	}
	if len(frac) > 2 {
		return 0, "", msg.New("price %q has more than two decimals; write it like 99.90", orig)
	}
	if len(whole) > 13 {
		return 0, "", msg.New("price %q is too large; check the digits", orig)
	}
	yuan, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	fen, _ := strconv.ParseInt(frac, 10, 64)
	return yuan*100 + fen, currency, nil
}

// Plain writes cents as a plain decimal ("99.00"), the form Parse
// and spreadsheets read back exactly.
func Plain(c int64) string {
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

// Parts splits a price for display the way Chinese shops print it: a
// small currency sign, big whole units, small decimals without trailing
// zeros (¥ 99 .9). Currencies without minor units (JPY, KRW) show none.
func Parts(cents int64, currency string) (sign, whole, frac string) {
	sign = Sign(currency)
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole = groupThousands(strconv.FormatInt(cents/100, 10))
	if neg {
		whole = "-" + whole
	}
	switch strings.ToUpper(currency) {
	case "JPY", "KRW":
		return sign, whole, ""
	}
	if c := cents % 100; c != 0 {
		frac = "." + strings.TrimRight(strconv.FormatInt(100+c, 10)[1:], "0")
	}
	return sign, whole, frac
}

// Format is Parts as one string ("¥99.9").
func Format(cents int64, currency string) string {
	s, w, f := Parts(cents, currency)
	return s + w + f
}

// Sign is the symbol shown before an amount in the currency.
func Sign(code string) string {
	switch strings.ToUpper(code) {
	case "", "CNY", "RMB", "JPY":
		return "¥"
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "HKD":
		return "HK$"
	case "TWD":
		return "NT$"
	case "KRW":
		return "₩"
	default:
		return strings.ToUpper(code) + " "
	}
}

// groupThousands puts commas in large prices (12,999) so they read at a glance.
func groupThousands(digits string) string {
	if len(digits) <= 4 { // 9999 reads fine; 10,000 needs the comma
		return digits
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Figure is the accounting form with its sign, two decimals always
// ("¥891.00"): reports, totals and lists that line up.
func Figure(cents int64, currency string) string {
	if cents < 0 {
		return "-" + Sign(currency) + Plain(-cents)
	}
	return Sign(currency) + Plain(cents)
}
