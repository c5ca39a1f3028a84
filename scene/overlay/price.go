package overlay

import (
	"strconv"
	"strings"
)

// PriceParts splits a price for display the way Chinese shops print it: a
// small currency sign, big whole units, small decimals without trailing
// zeros (¥ 99 .9). Currencies without minor units (JPY, KRW) show none.
func PriceParts(cents int64, currency string) (sign, whole, frac string) {
	sign = currencySign(currency)
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

// FormatPrice is PriceParts as one string ("¥99.9").
func FormatPrice(cents int64, currency string) string {
	s, w, f := PriceParts(cents, currency)
	return s + w + f
}

func currencySign(code string) string {
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
