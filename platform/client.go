package platform

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"showcaster/internal/clock"
)

// ClientConfig configures a Client.
type ClientConfig struct {
	// BaseURL is the platform, e.g. http://127.0.0.1:8089.
	BaseURL string
	// Token is the studio token.
	Token string
	// HTTP is the client for requests; default one with a 15 s timeout. The
	// event stream uses its Transport without the timeout.
	HTTP *http.Client
	// Clock paces the event stream's reconnect backoff; default the wall clock.
	Clock clock.Clock
	// Logf receives reconnect diagnostics; default silent.
	Logf func(format string, args ...any)
}

// Client is the studio's side of the platform API (docs/platform-api.md).
// Its methods are safe for concurrent use.
type Client struct {
	base  string
	token string
	http  *http.Client
	clk   clock.Clock
	logf  func(string, ...any)
}

// NewClient returns a client for cfg.BaseURL; nothing is contacted until a call.
func NewClient(cfg ClientConfig) *Client {
	c := &Client{base: strings.TrimRight(cfg.BaseURL, "/"), token: cfg.Token, http: cfg.HTTP,
		clk: clock.OrReal(cfg.Clock), logf: cfg.Logf}
	if c.http == nil {
		c.http = &http.Client{Timeout: 15 * time.Second}
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	return c
}

// BaseURL is the platform's base URL.
func (c *Client) BaseURL() string { return c.base }

// Token is the studio token the client sends (for WHEP/WHIP calls made beside it).
func (c *Client) Token() string { return c.token }

// do sends a JSON request and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, op, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s: encode the request: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("%s: %w: check the platform URL %q in Settings: %v", op, ErrUnreachable, c.base, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		// With a key, the HTTP client may resend the call on a fresh
		// connection when a kept-alive one was closed under it (a platform
		// restart), and the platform answers a repeat with the first answer.
		req.Header.Set("Idempotency-Key", newKey())
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w at %s: is it running? (%v)", op, ErrUnreachable, c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s: %w: the answer broke off: %v", op, ErrUnreachable, err)
	}
	if resp.StatusCode >= 300 {
		return decodeAPIError(op, resp.StatusCode, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: %w (is %s a Showcaster platform?): %v", op, ErrProtocol, c.base, err)
	}
	return nil
}

// newKey is a random idempotency key.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func decodeAPIError(op string, status int, data []byte) *APIError {
	var b struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	e := &APIError{Status: status, Op: op}
	if json.Unmarshal(data, &b) == nil && b.Error.Message != "" {
		e.Code, e.Message = b.Error.Code, b.Error.Message
	} else {
		e.Message = strings.TrimSpace(string(data))
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
	}
	return e
}

func showPath(id string, rest string) string { return "/api/shows/" + url.PathEscape(id) + rest }

// CreateShow registers a show plan; the platform audits it within seconds.
func (c *Client) CreateShow(ctx context.Context, s NewShow) (Show, error) {
	var out Show
	err := c.do(ctx, "create the show", http.MethodPost, "/api/shows", s, &out)
	return out, err
}

// Shows lists the platform's shows, newest first.
func (c *Client) Shows(ctx context.Context) ([]Show, error) {
	var out []Show
	err := c.do(ctx, "list shows", http.MethodGet, "/api/shows", nil, &out)
	return out, err
}

// Show reads one show.
func (c *Client) Show(ctx context.Context, id string) (Show, error) {
	var out Show
	err := c.do(ctx, "read show "+id, http.MethodGet, showPath(id, ""), nil, &out)
	return out, err
}

// StartTrial starts (or re-reads) a trial broadcast: where to publish, and the trial link.
func (c *Client) StartTrial(ctx context.Context, id string) (Ingest, error) {
	var out Ingest
	err := c.do(ctx, "start the trial", http.MethodPost, showPath(id, "/trial"), nil, &out)
	return out, err
}

// EndTrial ends the trial; the show is approved again and may go live.
func (c *Client) EndTrial(ctx context.Context, id string) (Show, error) {
	var out Show
	err := c.do(ctx, "end the trial", http.MethodPost, showPath(id, "/trial/end"), nil, &out)
	return out, err
}

// GoLive starts the formal broadcast (from approved or straight from a trial).
func (c *Client) GoLive(ctx context.Context, id string) (Ingest, error) {
	var out Ingest
	err := c.do(ctx, "go live", http.MethodPost, showPath(id, "/live"), nil, &out)
	return out, err
}

// End ends the show; its report becomes final.
func (c *Client) End(ctx context.Context, id string) (Show, error) {
	var out Show
	err := c.do(ctx, "end the show", http.MethodPost, showPath(id, "/end"), nil, &out)
	return out, err
}

// Report reads the show's counters and per-minute series.
func (c *Client) Report(ctx context.Context, id string) (Report, error) {
	var out Report
	err := c.do(ctx, "read the report", http.MethodGet, showPath(id, "/report"), nil, &out)
	return out, err
}

// Reply answers a comment, publicly or privately to its viewer.
func (c *Client) Reply(ctx context.Context, showID string, r Reply) error {
	return c.do(ctx, "reply", http.MethodPost, showPath(showID, "/replies"), r, nil)
}

// Pin puts the product on the viewers' buy card.
func (c *Client) Pin(ctx context.Context, showID string, p Product) error {
	return c.do(ctx, "pin the product", http.MethodPost, showPath(showID, "/pins"), struct {
		Product Product `json:"product"`
	}{p}, nil)
}

// Unpin takes the buy card down.
func (c *Client) Unpin(ctx context.Context, showID string) error {
	return c.do(ctx, "unpin the product", http.MethodDelete, showPath(showID, "/pins"), nil, nil)
}

// Bulletin shows text on the viewer page; "" clears it.
func (c *Client) Bulletin(ctx context.Context, showID, text string) error {
	return c.do(ctx, "post the bulletin", http.MethodPost, showPath(showID, "/bulletins"), struct {
		Text string `json:"text"`
	}{text}, nil)
}

// Moderate mutes, blocks, unmutes or unblocks a viewer (ModerationMute,
// ModerationBlock, ModerationUnmute, ModerationUnblock).
func (c *Client) Moderate(ctx context.Context, showID, viewerID, action string) error {
	return c.do(ctx, action+" the viewer", http.MethodPost, showPath(showID, "/moderation"), struct {
		ViewerID string `json:"viewer_id"`
		Action   string `json:"action"`
	}{viewerID, action}, nil)
}

// BannedWords reads the platform's banned-word list.
func (c *Client) BannedWords(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, "read the banned words", http.MethodGet, "/api/banned-words", nil, &out)
	return out, err
}

// SetBannedWords replaces the platform's banned-word list.
func (c *Client) SetBannedWords(ctx context.Context, words []string) error {
	if words == nil {
		words = []string{}
	}
	return c.do(ctx, "set the banned words", http.MethodPut, "/api/banned-words", words, nil)
}

// UploadImage stores a product image (PNG, JPEG, WebP or GIF, ≤ 4 MiB) on
// the platform and returns the URL viewers load it from: a path on the
// platform ("/images/…"), which the viewer page resolves against itself.
func (c *Client) UploadImage(ctx context.Context, data []byte) (string, error) {
	const op = "upload an image"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/images", bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("%s: %w: check the platform URL %q in Settings: %v", op, ErrUnreachable, c.base, err)
	}
	req.Header.Set("Content-Type", http.DetectContentType(data))
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w at %s: is it running? (%v)", op, ErrUnreachable, c.base, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return "", decodeAPIError(op, resp.StatusCode, body)
	}
	var out struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.URL == "" {
		return "", fmt.Errorf("%s: %w: no URL in the answer", op, ErrProtocol)
	}
	return out.URL, nil
}

// Anchor reads the anchor's level; category "" is the platform's own.
func (c *Client) Anchor(ctx context.Context, category string) (Anchor, error) {
	var out Anchor
	path := "/api/anchor"
	if category != "" {
		path += "?category=" + url.QueryEscape(category)
	}
	err := c.do(ctx, "read the anchor level", http.MethodGet, path, nil, &out)
	return out, err
}

// Rankings reads the venue's popularity list: period "hour" or "week".
func (c *Client) Rankings(ctx context.Context, period string) ([]Ranking, error) {
	var out []Ranking
	err := c.do(ctx, "read the rankings", http.MethodGet, "/api/rankings?period="+url.QueryEscape(period), nil, &out)
	return out, err
}
