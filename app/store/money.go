package store

import "showcaster/internal/money"

// ParsePrice reads a price as people write it; see money.Parse.
func ParsePrice(s string) (cents int64, currency string, err error) { return money.Parse(s) }

// FormatCents writes cents as a plain decimal ("99.00"); see money.Plain.
func FormatCents(c int64) string { return money.Plain(c) }

// MaxCents is the highest price the catalogue holds: 13 digits before the
// decimal point, as ParsePrice reads them.
const MaxCents = 9_999_999_999_999_99

func isCurrencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}
