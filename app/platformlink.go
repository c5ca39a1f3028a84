package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"showcaster/platform"
	"showcaster/platform/server"
)

// platformTarget hands the product desk whichever platform the settings
// name now, so a change of platform in Settings reaches the desk too.
type platformTarget struct{ s *Studio }

func (p platformTarget) Pin(ctx context.Context, showID string, pr Product) error {
	return p.s.platformClient().Pin(ctx, showID, pr)
}

func (p platformTarget) Unpin(ctx context.Context, showID string) error {
	return p.s.platformClient().Unpin(ctx, showID)
}

func (p platformTarget) Bulletin(ctx context.Context, showID, text string) error {
	return p.s.platformClient().Bulletin(ctx, showID, text)
}

func (p platformTarget) UploadImage(ctx context.Context, data []byte) (string, error) {
	return p.s.platformClient().UploadImage(ctx, data)
}

func (s *Studio) connectPlatform(st Settings) error {
	url, token := st.PlatformURL, st.PlatformToken
	if url == "" {
		s.mu.Lock()
		srv := s.embedded
		if srv != nil && s.embeddedLAN != st.ShareLAN {
			// Shared or not is where it listens: start it again (its data stays).
			s.embedded = nil
			srv.Close()
			srv = nil
		}
		s.mu.Unlock()
		if srv == nil {
			var err error
			if srv, err = s.startEmbedded(st.ShareLAN); err != nil {
				return err
			}
		}
		url, token = studioSideURL(srv.URL()), srv.StudioToken()
	} else {
		s.mu.Lock()
		srv := s.embedded
		s.embedded = nil
		s.mu.Unlock()
		if srv != nil {
			srv.Close()
		}
	}
	c := platform.NewClient(platform.ClientConfig{BaseURL: url, Token: token, Clock: s.clk, Logf: s.cfg.Logf})
	s.mu.Lock()
	s.client = c
	s.mu.Unlock()
	return nil
}

func (s *Studio) startEmbedded(shareLAN bool) (*server.Server, error) {
	addrs := []string{s.cfg.PlatformAddr}
	if s.cfg.PlatformAddr == "" {
		host := "127.0.0.1"
		if shareLAN {
			host = "0.0.0.0"
		}
		addrs = []string{host + ":8089", host + ":0"}
	}
	var lastErr error
	for _, addr := range addrs {
		srv, err := server.New(server.Config{Addr: addr, DataDir: filepath.Join(s.cfg.DataDir, "platform"),
			AuditDelay: s.cfg.AuditDelay, Logf: s.cfg.Logf})
		if err != nil {
			return nil, err
		}
		if err := srv.Start(); err != nil {
			srv.Close()
			lastErr = err
			continue
		}
		s.mu.Lock()
		s.embedded = srv
		s.embeddedLAN = shareLAN
		s.lanHost = ""
		if shareLAN && s.cfg.PlatformAddr == "" {
			s.lanHost = localLANAddress()
		}
		s.mu.Unlock()
		return srv, nil
	}
	return nil, fmt.Errorf("starting the local platform: %w", lastErr)
}

// PlatformURL is the platform the studio talks to (the embedded one's too).
func (s *Studio) PlatformURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return ""
	}
	return s.client.BaseURL()
}

func (s *Studio) platformClient() *platform.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

// IsLoopbackURL reports whether u names this computer (127.x, localhost, [::1]).
func IsLoopbackURL(u string) bool {
	return strings.Contains(u, "://127.") || strings.Contains(u, "://localhost") || strings.Contains(u, "://[::1]")
}

func (p platformTarget) SetProducts(ctx context.Context, showID string, products []Product) ([]Product, error) {
	return p.s.platformClient().SetProducts(ctx, showID, products)
}
