package cli

import (
	"context"
	"errors"
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

// toolkitCommands are the `showcaster shows` subcommands of the selling toolkit.
var toolkitCommands = map[string]bool{"lottery": true, "coupon": true, "flash-sale": true, "red-envelope": true}

// runToolkit runs `showcaster shows lottery|coupon|flash-sale|red-envelope …`
// for operators' scripts: start one (the default) or list them (--list).
func runToolkit(sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("showcaster shows "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("platform", envOr("SHOWCASTER_PLATFORM", "http://127.0.0.1:8089"), "platform base URL (env SHOWCASTER_PLATFORM)")
	token := fs.String("token", os.Getenv("SHOWCASTER_TOKEN"), "studio token (env SHOWCASTER_TOKEN)")
	id := fs.String("show", "", "show id (see 'showcaster shows list')")
	list := fs.Bool("list", false, "list this show's "+sub+"s instead of starting one")
	asJSON := fs.Bool("json", false, "print JSON")
	var start func(ctx context.Context, c *platform.Client) (any, string, error)
	var show func(ctx context.Context, c *platform.Client, w io.Writer) (any, error)
	switch sub {
	case "lottery":
		prize := fs.String("prize", "", "the prize (1…40 characters)")
		winners := fs.Int("winners", 1, "number of winners (1…100)")
		cond := fs.String("condition", platform.ConditionNone, "who may enter: none, follow, share or password")
		password := fs.String("password", "", "the password (口令) viewers comment to enter, for --condition password")
		countdown := fs.Duration("countdown", 60*time.Second, "time until the draw (10s…15m)")
		cancelID := fs.String("cancel", "", "cancel this open lottery instead (its id)")
		start = func(ctx context.Context, c *platform.Client) (any, string, error) {
			if *cancelID != "" {
				l, err := c.CancelLottery(ctx, *id, *cancelID)
				return l, fmt.Sprintf("%s\tcancelled\t%s", l.ID, l.Prize), err
			}
			if strings.TrimSpace(*prize) == "" {
				return nil, "", fmt.Errorf("%w: --prize is required", ErrBadFlag)
			}
			l, err := c.StartLottery(ctx, *id, platform.NewLottery{Prize: *prize, Winners: *winners, Condition: *cond,
				Password: *password, CountdownS: int(countdown.Seconds())})
			return l, fmt.Sprintf("%s\topen\t%s ×%d\tdraws at %s\tseed_hash %s", l.ID, l.Prize, l.Winners,
				l.DrawsAt.Local().Format(time.TimeOnly), l.SeedHash), err
		}
		show = func(ctx context.Context, c *platform.Client, w io.Writer) (any, error) {
			ls, err := c.Lotteries(ctx, *id)
			if err != nil || w == nil {
				return ls, err
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tPRIZE\tENTRANTS\tDRAWS\tWINNERS")
			for _, l := range ls {
				var names []string
				for _, wn := range l.WinnerList {
					n := wn.Name
					if wn.Delivery != nil {
						n += " (" + wn.Delivery.Name + ", " + wn.Delivery.Phone + ", " + wn.Delivery.Address + ")"
					} else if !wn.Claimed {
						n += " (no delivery details yet)"
					}
					names = append(names, n)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s ×%d\t%d\t%s\t%s\n", l.ID, l.State, l.Prize, l.Winners, l.Entrants,
					l.DrawsAt.Local().Format(time.TimeOnly), strings.Join(names, "; "))
			}
			return ls, tw.Flush()
		}
	case "coupon":
		title := fs.String("title", "", "the coupon's title, e.g. 满99减10")
		discount := fs.String("discount", "", "discount in yuan, e.g. 10 or 9.90")
		minSpend := fs.String("min-spend", "0", "minimum spend in yuan (0: none)")
		qty := fs.Int("quantity", 100, "how many can be claimed (1…100000)")
		valid := fs.Duration("valid", 10*time.Minute, "how long it can be claimed and used (whole minutes, ≤ 4h)")
		start = func(ctx context.Context, c *platform.Client) (any, string, error) {
			d, err := parseYuan(*discount)
			if err != nil {
				return nil, "", fmt.Errorf("%w: --discount: %v", ErrBadFlag, err)
			}
			m, err := parseYuan(*minSpend)
			if err != nil {
				return nil, "", fmt.Errorf("%w: --min-spend: %v", ErrBadFlag, err)
			}
			cp, err := c.PushCoupon(ctx, *id, platform.NewCoupon{Title: *title, DiscountCents: d, MinSpendCents: m,
				Quantity: *qty, ValidMin: int(valid.Minutes())})
			return cp, fmt.Sprintf("%s\t%s\t-%s (from %s)\t%d left\tuntil %s", cp.ID, cp.Title, yuan(cp.DiscountCents),
				yuan(cp.MinSpendCents), cp.Remaining, cp.EndsAt.Local().Format(time.TimeOnly)), err
		}
		show = func(ctx context.Context, c *platform.Client, w io.Writer) (any, error) {
			cs, err := c.Coupons(ctx, *id)
			if err != nil || w == nil {
				return cs, err
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTITLE\tDISCOUNT\tMIN SPEND\tCLAIMED\tUSED\tLEFT\tENDS")
			for _, cp := range cs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", cp.ID, cp.Title, yuan(cp.DiscountCents), yuan(cp.MinSpendCents),
					cp.Claimed, cp.Used, cp.Remaining, cp.EndsAt.Local().Format(time.TimeOnly))
			}
			return cs, tw.Flush()
		}
	case "flash-sale":
		product := fs.String("product", "", "product id (of the show's products)")
		price := fs.String("price", "", "flash price in yuan")
		qty := fs.Int("quantity", 10, "units at the flash price")
		dur := fs.Duration("duration", 60*time.Second, "how long (5s…1h)")
		stop := fs.String("stop", "", "stop this running flash sale instead (its id)")
		start = func(ctx context.Context, c *platform.Client) (any, string, error) {
			if *stop != "" {
				f, err := c.StopFlashSale(ctx, *id, *stop)
				return f, fmt.Sprintf("%s\tended\t%d left", f.ID, f.Remaining), err
			}
			p, err := parseYuan(*price)
			if err != nil {
				return nil, "", fmt.Errorf("%w: --price: %v", ErrBadFlag, err)
			}
			f, err := c.StartFlashSale(ctx, *id, platform.NewFlashSale{ProductID: *product, PriceCents: p, Quantity: *qty,
				DurationS: int(dur.Seconds())})
			return f, fmt.Sprintf("%s\t%s\t%s\t%d units\tuntil %s", f.ID, f.ProductID, yuan(f.PriceCents), f.Quantity,
				f.EndsAt.Local().Format(time.TimeOnly)), err
		}
		show = func(ctx context.Context, c *platform.Client, w io.Writer) (any, error) {
			fl, err := c.FlashSales(ctx, *id)
			if err != nil || w == nil {
				return fl, err
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tPRODUCT\tPRICE\tSOLD\tLEFT\tENDS")
			for _, f := range fl {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", f.ID, f.State, f.ProductID, yuan(f.PriceCents), f.Quantity-f.Remaining,
					f.Remaining, f.EndsAt.Local().Format(time.TimeOnly))
			}
			return fl, tw.Flush()
		}
	case "red-envelope":
		total := fs.String("total", "", "the pot in yuan")
		count := fs.Int("count", 10, "how many grabbers share it (1…1000)")
		opens := fs.Duration("opens-in", 0, "countdown before it can be grabbed (≤ 10m)")
		start = func(ctx context.Context, c *platform.Client) (any, string, error) {
			t, err := parseYuan(*total)
			if err != nil {
				return nil, "", fmt.Errorf("%w: --total: %v", ErrBadFlag, err)
			}
			e, err := c.SendRedEnvelope(ctx, *id, platform.NewRedEnvelope{TotalCents: t, Count: *count, OpensInS: int(opens.Seconds())})
			return e, fmt.Sprintf("%s\t%s among %d\topens %s", e.ID, yuan(e.TotalCents), e.Count, e.OpensAt.Local().Format(time.TimeOnly)), err
		}
		show = func(ctx context.Context, c *platform.Client, w io.Writer) (any, error) {
			es, err := c.RedEnvelopes(ctx, *id)
			if err != nil || w == nil {
				return es, err
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTOTAL\tGRABBED\tOF\tOPENS")
			for _, e := range es {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", e.ID, yuan(e.TotalCents), e.Grabbed, e.Count, e.OpensAt.Local().Format(time.TimeOnly))
			}
			return es, tw.Flush()
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *id == "" {
		fmt.Fprintf(stderr, "showcaster shows %s: --show ID is required (see 'showcaster shows list')\n", sub)
		return 2
	}
	c := platform.NewClient(platform.ClientConfig{BaseURL: *base, Token: *token})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if *list {
		var w io.Writer = stdout
		if *asJSON {
			w = nil
		}
		v, err := show(ctx, c, w)
		if err != nil {
			fmt.Fprintf(stderr, "showcaster shows %s: %v\n", sub, err)
			return 1
		}
		if *asJSON {
			return printJSON(stdout, stderr, v)
		}
		return 0
	}
	v, line, err := start(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster shows %s: %v\n", sub, err)
		if isUsage(err) {
			return 2
		}
		return 1
	}
	if *asJSON {
		return printJSON(stdout, stderr, v)
	}
	fmt.Fprintln(stdout, line)
	return 0
}

// parseYuan reads an amount like "10", "9.9" or "9.90" into cents.
func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	if s == "" {
		return 0, fmt.Errorf("an amount in yuan is required, like 9.90")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	var w, f int64
	if _, err := fmt.Sscanf(whole, "%d", &w); err != nil || w < 0 || fmt.Sprint(w) != strings.TrimLeft(whole, "0") && !(w == 0 && strings.Trim(whole, "0") == "") {
		return 0, fmt.Errorf("%q is not an amount in yuan, like 9.90", s)
	}
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if _, err := fmt.Sscanf(frac, "%d", &f); err != nil || f < 0 {
			return 0, fmt.Errorf("%q is not an amount in yuan, like 9.90", s)
		}
	}
	return w*100 + f, nil
}

func yuan(c int64) string { return app.MoneyFigure(c, "") }

func isUsage(err error) bool { return errors.Is(err, ErrBadFlag) }
