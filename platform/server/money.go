package server

import "math"

// MaxPriceCents is the highest price a pinned product may have (100 million
// in the currency's main unit); with qty ≤ 99 no order amount, and no
// show's revenue short of 10^5 orders at that price, can overflow int64.
const MaxPriceCents = 100_000_000_00

// MulCents is price × qty, false when the product overflows int64 (or either is negative).
func MulCents(price int64, qty int) (int64, bool) {
	if price < 0 || qty < 0 {
		return 0, false
	}
	if qty != 0 && price > math.MaxInt64/int64(qty) {
		return 0, false
	}
	return price * int64(qty), true
}
