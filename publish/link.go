package publish

import (
	"strings"

	"github.com/pion/webrtc/v4"
)

// parseICEServers reads the ICE servers a WHIP endpoint offers in Link
// headers (RFC 9725 §4.6, RFC 8288 syntax):
//
//	Link: <turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"
//
// Several links may share one header, separated by commas. Quoted values may
// hold quoted-pairs (\" and \\, RFC 9110 §5.6.4): servers such as MediaMTX
// escape a credential that contains a quote or a backslash.
func parseICEServers(headers []string) []webrtc.ICEServer {
	var out []webrtc.ICEServer
	for _, h := range headers {
		for _, link := range splitOutside(h, ',') {
			link = strings.TrimSpace(link)
			if !strings.HasPrefix(link, "<") {
				continue
			}
			end := strings.IndexByte(link, '>')
			if end < 0 {
				continue
			}
			uri := link[1:end]
			params := map[string]string{}
			for _, p := range splitOutside(link[end+1:], ';') {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if k == "" {
					continue
				}
				params[strings.ToLower(strings.TrimSpace(k))] = unquote(strings.TrimSpace(v))
			}
			if !hasToken(params["rel"], "ice-server") {
				continue
			}
			s := webrtc.ICEServer{URLs: []string{uri}, Username: params["username"]}
			if c, ok := params["credential"]; ok {
				s.Credential = c
			}
			out = append(out, s)
		}
	}
	return out
}

// hasToken reports whether a space-separated rel value contains tok.
func hasToken(rel, tok string) bool {
	for _, r := range strings.Fields(rel) {
		if strings.EqualFold(r, tok) {
			return true
		}
	}
	return false
}

// unquote returns a parameter value: a token as it is, or the content of a
// quoted-string with its quoted-pairs resolved. An unterminated quote is
// taken to the end, as a lenient reader should.
func unquote(v string) string {
	if !strings.HasPrefix(v, `"`) {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			b.WriteByte(v[i])
		case c == '"':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitOutside splits s at sep where sep is outside <…> and "…"; inside
// "…" a backslash escapes the next character, so \" does not end the string.
func splitOutside(s string, sep byte) []string {
	var parts []string
	inAngle, inQuote, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++ // quoted-pair: the next character is literal
		case c == '"' && !inAngle:
			inQuote = !inQuote
		case c == '<' && !inQuote:
			inAngle = true
		case c == '>' && !inQuote:
			inAngle = false
		case c == sep && !inAngle && !inQuote:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
