package publish

import (
	"strings"
	"testing"
)

// quote writes s as an RFC 9110 quoted-string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// FuzzParseICEServers: any Link header parses without panicking, and a Link
// written the way a WHIP endpoint writes one reads back as the same server.
func FuzzParseICEServers(f *testing.F) {
	f.Add(`<turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"`, "stun:stun.l.google.com:19302", "user", `pa"ss\word`)
	f.Add(`<stun:a>; rel=ice-server, <stun:b>; rel="ice-server"`, "turn:x:3478", "", "")
	f.Add(`garbage<>;;,,"`, "stun:h", "u;v", "c,d")
	f.Fuzz(func(t *testing.T, header, uri, user, cred string) {
		parseICEServers([]string{header, header + "," + header})
		if uri == "" || strings.ContainsAny(uri, "<>\r\n") || strings.TrimSpace(uri) != uri {
			return
		}
		link := "<" + uri + `>; rel="ice-server"; username=` + quote(user) + "; credential=" + quote(cred) + `; credential-type="password"`
		got := parseICEServers([]string{link})
		if len(got) != 1 || len(got[0].URLs) != 1 || got[0].URLs[0] != uri || got[0].Username != user || got[0].Credential != cred {
			t.Fatalf("%s\nread back as %+v", link, got)
		}
	})
}
