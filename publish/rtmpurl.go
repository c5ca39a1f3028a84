package publish

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RTMPTarget is where an RTMP output publishes: the server (application
// URL, rtmp:// or rtmps://) and the stream key. The key is a secret: it is
// never part of Name, logs or errors.
type RTMPTarget struct {
	Server *url.URL // scheme, host and application path; no fragment
	Key    string   // stream name, with whatever query the platform signs it with
}

// ParseRTMPTarget splits what a host pastes into server and key. Three forms:
//   - server and key apart (key non-empty): rtmp://live.example.com/app + key;
//   - the key in the fragment: rtmp://live.example.com/app#key;
//   - one URL whose last path segment plus query is the key, as the Chinese
//     platforms hand it out: rtmp://push.example.com/third/stream-123?expire=…&sign=…
func ParseRTMPTarget(raw, key string) (RTMPTarget, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "rtmp" && u.Scheme != "rtmps") || u.Host == "" {
		return RTMPTarget{}, fmt.Errorf("%q: %w", redactRTMP(raw), ErrRTMPBadURL)
	}
	u.User = nil
	key = strings.TrimSpace(key)
	switch {
	case key != "":
		u.Fragment, u.RawFragment = "", ""
	case u.Fragment != "":
		key = u.Fragment
		u.Fragment, u.RawFragment = "", ""
	default:
		path := strings.TrimSuffix(u.EscapedPath(), "/")
		i := strings.LastIndex(path, "/")
		if i <= 0 { // no application, or no stream name after it
			return RTMPTarget{}, fmt.Errorf("%s: %w", redactRTMP(raw), ErrRTMPNoKey)
		}
		name, err := url.PathUnescape(path[i+1:])
		if err != nil || name == "" {
			return RTMPTarget{}, fmt.Errorf("%s: %w", redactRTMP(raw), ErrRTMPNoKey)
		}
		key = name
		if u.RawQuery != "" {
			key += "?" + u.RawQuery
		}
		u.RawQuery, u.ForceQuery = "", false
		if u.Path, err = url.PathUnescape(path[:i]); err != nil {
			return RTMPTarget{}, fmt.Errorf("%s: %w", redactRTMP(raw), ErrRTMPBadURL)
		}
		u.RawPath = ""
	}
	if strings.Trim(u.Path, "/") == "" {
		return RTMPTarget{}, fmt.Errorf("%s: %w", redactRTMP(raw), ErrRTMPNoApp)
	}
	return RTMPTarget{Server: u, Key: key}, nil
}

// String is the server without the key, for names and logs.
func (t RTMPTarget) String() string {
	if t.Server == nil {
		return ""
	}
	return t.Server.String()
}

// Expires is when a signed key stops working, from its expire= parameter
// (Unix seconds, as Douyin, Kuaishou and most CDNs sign them); zero when
// the key carries none.
func (t RTMPTarget) Expires() time.Time {
	i := strings.IndexByte(t.Key, '?')
	if i < 0 {
		return time.Time{}
	}
	q, err := url.ParseQuery(t.Key[i+1:])
	if err != nil {
		return time.Time{}
	}
	v := q.Get("expire")
	if v == "" {
		return time.Time{}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// CheckExpiry refuses a key whose expire= is already past at now.
func (t RTMPTarget) CheckExpiry(now time.Time) error {
	if exp := t.Expires(); !exp.IsZero() && !now.Before(exp) {
		return fmt.Errorf("%w (it expired %s)", ErrRTMPKeyExpired, exp.UTC().Format("2006-01-02 15:04 MST"))
	}
	return nil
}

// url is what gortmplib dials: the server with the key in the fragment.
func (t RTMPTarget) url() *url.URL {
	u := *t.Server
	u.Fragment = t.Key
	u.RawFragment = ""
	return &u
}

// redactRTMP keeps scheme, host and the application of a pasted RTMP URL
// and drops everything that may be the key.
func redactRTMP(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	app := strings.Trim(u.Path, "/")
	if i := strings.IndexByte(app, '/'); i >= 0 {
		app = app[:i]
	}
	return u.Scheme + "://" + u.Host + "/" + app
}
