package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"showcaster/app"
	"showcaster/platform"
)

// runShows creates and lists show plans on a platform.
func runShows(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: showcaster shows create|list|report|lottery|coupon|flash-sale|red-envelope --platform URL --token T [flags]")
		return 2
	}
	sub, rest := args[0], args[1:]
	if toolkitCommands[sub] {
		return runToolkit(sub, rest, stdout, stderr)
	}
	fs := flag.NewFlagSet("showcaster shows "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("platform", envOr("SHOWCASTER_PLATFORM", "http://127.0.0.1:8089"), "platform base URL (env SHOWCASTER_PLATFORM)")
	token := fs.String("token", os.Getenv("SHOWCASTER_TOKEN"), "studio token (env SHOWCASTER_TOKEN)")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch sub {
	case "create":
		title := fs.String("title", "", "show title")
		starts := fs.String("starts", "", "start time, RFC 3339 (e.g. 2026-11-23T20:00:00+08:00)")
		dur := fs.Duration("duration", 120*time.Minute, "slot length (at most 4h)")
		cover := fs.String("cover", "", "cover image URL")
		products := fs.String("products", "", "product ids, comma-separated")
		asJSON := fs.Bool("json", false, "print the created show as JSON")
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if strings.TrimSpace(*title) == "" {
			fmt.Fprintln(stderr, "showcaster shows create: --title is required")
			return 2
		}
		at, err := time.Parse(time.RFC3339, *starts)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows create: --starts must be RFC 3339, like 2026-11-23T20:00:00+08:00: %v\n", err)
			return 2
		}
		if *dur%time.Minute != 0 || *dur <= 0 {
			fmt.Fprintln(stderr, "showcaster shows create: --duration must be whole minutes, like 120m or 2h")
			return 2
		}
		ids := []string{}
		for _, id := range strings.Split(*products, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		c := platform.NewClient(platform.ClientConfig{BaseURL: *base, Token: *token})
		s, err := c.CreateShow(ctx, platform.NewShow{Title: *title, CoverURL: *cover, StartsAt: at,
			DurationMin: int(*dur / time.Minute), ProductIDs: ids})
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows create: %v\n", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, s)
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s (audit within seconds; check with 'showcaster shows list')\n", s.ID, s.State, s.Title)
		return 0
	case "list":
		asJSON := fs.Bool("json", false, "print JSON")
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		c := platform.NewClient(platform.ClientConfig{BaseURL: *base, Token: *token})
		shows, err := c.Shows(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows list: %v\n", err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, shows)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATE\tSTARTS\tMIN\tTITLE\tNOTE")
		for _, s := range shows {
			note := s.RejectReason
			if note == "" {
				note = s.ViewerURL
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", s.ID, s.State, s.StartsAt.Format("2006-01-02 15:04 -07:00"), s.DurationMin, s.Title, note)
		}
		tw.Flush()
		return 0
	case "report":
		id := fs.String("show", "", "show id")
		asJSON := fs.Bool("json", false, "print JSON (with the per-minute series)")
		pngOut := fs.String("png", "", "also draw the report's charts into this PNG file")
		csvOut := fs.String("csv", "", "also write the totals, the per-minute series and the orders by product to this CSV file")
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if *id == "" {
			fmt.Fprintln(stderr, "showcaster shows report: --show ID is required (see 'showcaster shows list')")
			return 2
		}
		c := platform.NewClient(platform.ClientConfig{BaseURL: *base, Token: *token})
		r, err := c.Report(ctx, *id)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows report: %v\n", err)
			return 1
		}
		if code := writeReportFiles(ctx, c, r, *pngOut, *csvOut, stderr); code != 0 {
			return code
		}
		if *asJSON {
			return printJSON(stdout, stderr, r)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, row := range ReportLines(r) {
			fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
		}
		tw.Flush()
		return 0
	default:
		fmt.Fprintf(stderr, "showcaster shows: unknown subcommand %q (create, list, report, lottery, coupon, flash-sale or red-envelope)\n", sub)
		return 2
	}
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(stderr, "showcaster shows: %v\n", err)
		return 1
	}
	return 0
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// ReportLines are a report's figures as label and value, in the order an
// operator reads them after a show.
func ReportLines(r app.Report) [][2]string {
	session := "yes"
	if r.EffectiveMin <= 15 {
		session = "no (a session needs more than 15 minutes)"
	}
	return [][2]string{
		{"viewers", fmt.Sprint(r.Viewers)},
		{"peak online", fmt.Sprint(r.PeakOnline)},
		{"comments", fmt.Sprint(r.Comments)},
		{"likes", fmt.Sprint(r.Likes)},
		{"orders", fmt.Sprint(r.Orders)},
		{"buyers", fmt.Sprint(r.Buyers)},
		{"revenue", app.PlainMoney(r.RevenueCents)},
		{"effective minutes", fmt.Sprint(r.EffectiveMin)},
		{"gifts", fmt.Sprint(r.Gifts)},
		{"follows", fmt.Sprint(r.Follows)},
		{"shares", fmt.Sprint(r.Shares)},
		{"coupons claimed", fmt.Sprint(r.CouponsClaimed)},
		{"coupons used", fmt.Sprint(r.CouponsUsed)},
		{"lotteries drawn", fmt.Sprint(r.Lotteries)},
		{"flash-sale orders", fmt.Sprint(r.FlashOrders)},
		{"red envelopes grabbed", app.PlainMoney(r.RedEnvelopeCents)},
		{"counts as a session", session},
	}
}
