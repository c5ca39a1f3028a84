package server

import (
	"strconv"
)

// ParseID reads a platform id such as "c41" exactly: the prefix, then a
// positive decimal number without sign, leading zeros, spaces or anything
// after it. ok is false for anything else ("c1 OR 1=1", "c01", "c-1").
// Handlers in every file call it for ids the platform made from a row number.
func ParseID(prefix, id string) (n int64, ok bool) {
	if len(id) <= len(prefix) || id[:len(prefix)] != prefix {
		return 0, false
	}
	digits := id[len(prefix):]
	if digits[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}
