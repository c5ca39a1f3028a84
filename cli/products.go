package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"showcaster/app/store"
)

const productsUsage = `usage: showcaster products COMMAND [flags]

  import FILE.csv        add or update products from a CSV file (upsert by link number)
  export [FILE.csv]      write the catalogue as CSV (to stdout without FILE; --zh for Chinese headers)
  list [--json]          print the catalogue

flags:
  --data DIR             the studio's data folder (default: the app data folder)

CSV columns (any order, English or Chinese names):
  link_no,title,price,original_price,currency,coupon,stock,image,selling_points,script
  链接号,标题,价格,原价,币种,优惠券,库存,图片,卖点,话术`

func runProducts(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, productsUsage)
		return 2
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("products "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, productsUsage) }
	dataDir := fs.String("data", "", "the studio's data folder")
	asJSON := fs.Bool("json", false, "list: print a JSON array")
	chinese := fs.Bool("zh", false, "export: Chinese column names")
	pos, err := parseFlagsAnywhere(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	dir, err := cmdDataDir(*dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products: %v\n", err)
		return 1
	}
	switch sub {
	case "import":
		if len(pos) != 1 {
			fmt.Fprintln(stderr, "showcaster products import: name one CSV file, e.g. showcaster products import products.csv")
			return 2
		}
		return productsImport(dir, pos[0], stdout, stderr)
	case "export":
		if len(pos) > 1 {
			fmt.Fprintln(stderr, "showcaster products export: name at most one output file")
			return 2
		}
		out := ""
		if len(pos) == 1 {
			out = pos[0]
		}
		return productsExport(dir, out, *chinese, stdout, stderr)
	case "list":
		if len(pos) != 0 {
			fmt.Fprintf(stderr, "showcaster products list: unexpected %q\n", pos[0])
			return 2
		}
		return productsList(dir, *asJSON, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "showcaster products: unknown command %q\n%s\n", sub, productsUsage)
		return 2
	}
}

func productsImport(dir, file string, stdout, stderr io.Writer) int {
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products import: %v; check the file name\n", err)
		return 1
	}
	defer f.Close()
	st, err := store.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products import: %v\n", err)
		return 1
	}
	defer st.Close()
	base, _ := filepath.Abs(filepath.Dir(file))
	rep, err := st.ImportCSV(f, store.ImportOptions{BaseDir: base})
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products import: %s: %v\n", file, err)
		return 1
	}
	fmt.Fprintf(stdout, "imported %d, skipped %d\n", rep.Imported(), len(rep.Skipped))
	for _, e := range rep.Skipped {
		fmt.Fprintln(stdout, e.Error())
	}
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(stdout, "ignored columns: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	// Some rows in: the import did its job and the skipped rows are listed.
	// Nothing in but rows skipped: every row needs fixing, say so by the code.
	if rep.Imported() == 0 && len(rep.Skipped) > 0 {
		return 1
	}
	return 0
}

func productsExport(dir, file string, chinese bool, stdout, stderr io.Writer) int {
	st, err := store.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products export: %v\n", err)
		return 1
	}
	defer st.Close()
	// A file gets the byte-order mark Excel needs to show Chinese; stdout is
	// for pipes and stays plain.
	opt := store.ExportOptions{Chinese: chinese, BOM: file != ""}
	if file == "" {
		if err := st.ExportCSV(stdout, opt); err != nil {
			fmt.Fprintf(stderr, "showcaster products export: %v\n", err)
			return 1
		}
		return 0
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".export-*.csv")
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products export: %v; check the folder exists and is writable\n", err)
		return 1
	}
	defer os.Remove(tmp.Name())
	if err := st.ExportCSV(tmp, opt); err != nil {
		tmp.Close()
		fmt.Fprintf(stderr, "showcaster products export: %v\n", err)
		return 1
	}
	if err := tmp.Close(); err != nil {
		fmt.Fprintf(stderr, "showcaster products export: %v\n", err)
		return 1
	}
	// Written beside the target and renamed, so a failed export never leaves
	// half a file where a good one was.
	if err := os.Rename(tmp.Name(), file); err != nil {
		fmt.Fprintf(stderr, "showcaster products export: %v\n", err)
		return 1
	}
	return 0
}

func productsList(dir string, asJSON bool, stdout, stderr io.Writer) int {
	st, err := store.Open(dir)
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products list: %v\n", err)
		return 1
	}
	defer st.Close()
	ps, err := st.Products()
	if err != nil {
		fmt.Fprintf(stderr, "showcaster products list: %v\n", err)
		return 1
	}
	if asJSON {
		if ps == nil {
			ps = []store.Product{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ps); err != nil {
			fmt.Fprintf(stderr, "showcaster products list: %v\n", err)
			return 1
		}
		return 0
	}
	if len(ps) == 0 {
		fmt.Fprintln(stdout, "no products yet; add some with: showcaster products import products.csv")
		return 0
	}
	// The title goes last: tabwriter counts a Chinese character as one
	// column though a terminal draws it two wide, which would skew any
	// column after it.
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINK\tID\tPRICE\tSTOCK\tSTATUS\tTITLE")
	for _, p := range ps {
		status := "on sale"
		if p.SoldOut {
			status = "sold out"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s %s\t%d\t%s\t%s\n", p.LinkNo, p.ID, store.FormatCents(p.PriceCents),
			p.Currency, p.Stock, status, p.Title)
	}
	tw.Flush()
	return 0
}

// cmdDataDir returns dir, or the studio's app data folder when empty.
func cmdDataDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no app data folder (%v); pass --data DIR", err)
	}
	return filepath.Join(base, "showcaster"), nil
}

// parseFlagsAnywhere parses flags that may come before, between or after the
// positional arguments ("import a.csv --data d").
func parseFlagsAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
