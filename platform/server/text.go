package server

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanText is how the platform stores text a person typed (comments,
// replies, names, bulletins, titles): invalid UTF-8 dropped, NFKC-normalised
// (full-width letters and compatibility forms become their plain form),
// control and format characters removed (zero-width spaces and joiners, BOM,
// bidirectional overrides, NUL …; a line break or tab becomes a space), and
// surrounding space trimmed. Length limits count the runes of the result, and
// a text that is empty after cleaning is empty. Handlers in every file call it.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteRune(' ')
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), r == utf8.RuneError:
			// dropped: invisible, or able to reorder what is shown around it
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// matchKey is what banned-word matching compares: the cleaned text, lower
// case, without any space, so "假 货" and "假\u200b货" match "假货".
func matchKey(s string) string {
	s = strings.ToLower(CleanText(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) && r != '%' {
			return -1
		}
		return r
	}, s)
}

// runes is the length limits' measure.
func runes(s string) int { return utf8.RuneCountInString(s) }
