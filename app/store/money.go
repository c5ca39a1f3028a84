package store

import "showcaster/internal/money"

// ParsePrice reads a price as people write it; see money.Parse.
func ParsePrice(s string) (cents int64, currency string, err error) { return money.Parse(s) }

// FormatCents writes cents as a plain decimal ("99.00"); see money.Plain.
func FormatCents(c int64) string { return money.Plain(c) }
