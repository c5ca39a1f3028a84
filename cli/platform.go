package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"showcaster/platform/anchor"
	"showcaster/platform/server"
)

// runPlatform runs the local reference platform until SIGINT or SIGTERM.
func runPlatform(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster platform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address (host:port)")
	data := fs.String("data", "", "data directory (default: the user's config directory, showcaster/platform)")
	token := fs.String("studio-token", os.Getenv("SHOWCASTER_STUDIO_TOKEN"), "studio token, at least 8 characters (env SHOWCASTER_STUDIO_TOKEN; default: generated once and kept in the data directory)")
	tokenFile := fs.String("studio-token-file", "", "read the studio token from this file (so it does not show in ps)")
	verbose := fs.Bool("v", false, "log diagnostics to stderr")
	var iceURLs []string
	fs.Func("ice-server", "a STUN or TURN URL announced to WHIP/WHEP clients (repeatable)", func(v string) error {
		iceURLs = append(iceURLs, v)
		return nil
	})
	iceUser := fs.String("ice-username", "", "username for the TURN servers given with --ice-server")
	iceCred := fs.String("ice-credential", "", "credential for the TURN servers given with --ice-server")
	category := fs.String("category", "consumer", "the anchor's goods for the anchor level: consumer or industrial")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster platform: --studio-token-file: %v\n", err)
			return 2
		}
		*token = strings.TrimSpace(string(b))
	}
	cat, err := anchor.ParseCategory(*category)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster platform: --category: %v\n", err)
		return 2
	}
	cfg := server.Config{Addr: *addr, DataDir: *data, StudioToken: *token, Category: cat}
	for _, u := range iceURLs {
		is := server.ICEServer{URLs: []string{u}}
		if strings.HasPrefix(u, "turn:") || strings.HasPrefix(u, "turns:") {
			is.Username, is.Credential = *iceUser, *iceCred
		}
		cfg.ICEServers = append(cfg.ICEServers, is)
	}
	if *verbose {
		cfg.Logf = func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster platform: %v\n", err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintf(stderr, "showcaster platform: %v\n", err)
		srv.Close()
		return 1
	}
	fmt.Fprintf(stdout, "platform: %s\nstudio token: %s\n", srv.URL(), srv.StudioToken())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	<-sig
	fmt.Fprintln(stderr, "showcaster platform: shutting down")
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "showcaster platform: %v\n", err)
		return 1
	}
	return 0
}
