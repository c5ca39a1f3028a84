package store

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"showcaster/internal/msg"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// column is one field of the catalogue CSV.
type column int

const (
	colUnknown column = iota
	colLinkNo
	colTitle
	colPrice
	colOriginal
	colCurrency
	colCoupon
	colStock
	colImage
	colPoints
	colScript
	colSoldOut
	colID
)

// exportColumns is the order ExportCSV writes: the documented columns first,
// then what a round trip needs besides (sold out, the product id).
var exportColumns = []column{colLinkNo, colTitle, colPrice, colOriginal, colCurrency, colCoupon,
	colStock, colImage, colPoints, colScript, colSoldOut, colID}

var englishHeader = map[column]string{
	colLinkNo: "link_no", colTitle: "title", colPrice: "price", colOriginal: "original_price",
	colCurrency: "currency", colCoupon: "coupon", colStock: "stock", colImage: "image",
	colPoints: "selling_points", colScript: "script", colSoldOut: "sold_out", colID: "id",
}

var chineseHeader = map[column]string{
	colLinkNo: "链接号", colTitle: "标题", colPrice: "价格", colOriginal: "原价",
	colCurrency: "币种", colCoupon: "优惠券", colStock: "库存", colImage: "图片",
	colPoints: "卖点", colScript: "话术", colSoldOut: "售罄", colID: "商品ID",
}

// headerAliases are the names sellers' spreadsheets use for each column,
// compared after normalising case, spaces and dashes.
var headerAliases = map[string]column{
	"link_no": colLinkNo, "link": colLinkNo, "link_number": colLinkNo, "no": colLinkNo,
	"链接号": colLinkNo, "序号": colLinkNo, "链接": colLinkNo, "链接序号": colLinkNo, "链接编号": colLinkNo, "编号": colLinkNo,
	"title": colTitle, "name": colTitle, "标题": colTitle, "商品名称": colTitle, "商品标题": colTitle, "名称": colTitle, "商品名": colTitle,
	"price": colPrice, "价格": colPrice, "售价": colPrice, "直播价": colPrice, "现价": colPrice, "到手价": colPrice,
	"original_price": colOriginal, "original": colOriginal, "list_price": colOriginal, "原价": colOriginal, "划线价": colOriginal, "市场价": colOriginal,
	"currency": colCurrency, "币种": colCurrency, "货币": colCurrency,
	"coupon": colCoupon, "优惠券": colCoupon, "优惠": colCoupon, "券": colCoupon,
	"stock": colStock, "库存": colStock, "数量": colStock,
	"image": colImage, "image_url": colImage, "图片": colImage, "主图": colImage, "图片链接": colImage, "图片地址": colImage,
	"selling_points": colPoints, "points": colPoints, "卖点": colPoints, "商品卖点": colPoints,
	"script": colScript, "话术": colScript, "脚本": colScript, "讲解话术": colScript, "提词": colScript,
	"sold_out": colSoldOut, "售罄": colSoldOut, "已售罄": colSoldOut,
	"id": colID, "product_id": colID, "商品id": colID,
}

func normaliseHeader(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	h = strings.ToLower(h)
	h = strings.NewReplacer(" ", "_", "-", "_", "（", "(", "）", ")").Replace(h)
	// "价格(元)" and "price (CNY)" name the price column too.
	if i := strings.IndexByte(h, '('); i > 0 {
		h = strings.TrimRight(h[:i], "_")
	}
	return h
}

// RowError is one row the import skipped, and why, in words a person can act on.
type RowError struct {
	Row    int // spreadsheet row; the header is row 1
	Reason string
	// Why is Reason as a sentence the window translates.
	Why msg.Text
}

// skipped is a row left out, and why.
func skipped(row int, why msg.Text) RowError {
	return RowError{Row: row, Reason: why.String(), Why: why}
}

func (e RowError) Error() string { return fmt.Sprintf("row %d: %s", e.Row, e.Reason) }

// ImportReport says what an import did.
type ImportReport struct {
	Created int
	Updated int
	Skipped []RowError
	// IgnoredColumns are headers the importer does not know; their cells were not read.
	IgnoredColumns []string
}

// Imported is the number of rows written (created or updated).
func (r ImportReport) Imported() int { return r.Created + r.Updated }

// ImportOptions tune ImportCSV.
type ImportOptions struct {
	// BaseDir resolves relative image paths (the CSV file's folder, usually).
	BaseDir string
}

type csvRow struct {
	row   int
	cells map[column]string
	p     Product // parsed values of the present columns
	hint  string  // currency implied by a price symbol
}

// ImportCSV reads a catalogue CSV (UTF-8, BOM tolerated, English or Chinese
// headers in any order) and upserts its good rows by link number. Columns
// absent from the file keep their stored values; no product is deleted. A bad
// row is skipped and reported; the error is non-nil only when the file as a
// whole cannot be used, and then nothing is written.
func (s *Store) ImportCSV(r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	data, err := io.ReadAll(r)
	if err != nil {
		return rep, fmt.Errorf("%w: %v", ErrCSV, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return rep, fmt.Errorf("%w: it is not UTF-8 text; in Excel use Save As › \"CSV UTF-8\"", ErrCSV)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comma = sniffComma(data)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return rep, fmt.Errorf("%w: the file is empty; the first row must name the columns (link_no,title,price,…)", ErrCSV)
	}
	if err != nil {
		return rep, fmt.Errorf("%w: header row: %v", ErrCSV, err)
	}
	cols := make([]column, len(header))
	seen := map[column]string{}
	for i, h := range header {
		n := normaliseHeader(h)
		c, ok := headerAliases[n]
		if !ok {
			if n != "" {
				rep.IgnoredColumns = append(rep.IgnoredColumns, strings.TrimSpace(h))
			}
			continue
		}
		if prev, dup := seen[c]; dup {
			return rep, fmt.Errorf("%w: columns %q and %q both mean %s; keep one of them", ErrCSV, prev, h, englishHeader[c])
		}
		seen[c] = h
		cols[i] = c
	}
	for _, need := range []column{colTitle, colPrice} {
		if _, ok := seen[need]; !ok {
			return rep, fmt.Errorf("%w: no %s column (%s); the first row must name the columns, e.g. link_no,title,price",
				ErrCSV, englishHeader[need], chineseHeader[need])
		}
	}

	var rows []*csvRow
	byLink := map[int]int{} // link number → row that claimed it
	for rowNo := 2; ; rowNo++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Skipped = append(rep.Skipped, skipped(rowNo, msg.New("the quotes do not match (%s); put a \" at both ends of a cell and write \"\" for a quote inside it", pe.Err.Error())))
				continue
			}
			return rep, fmt.Errorf("%w: row %d: %v", ErrCSV, rowNo, err)
		}
		if blank(rec) {
			continue
		}
		row := &csvRow{row: rowNo, cells: map[column]string{}}
		for i, v := range rec {
			if i < len(cols) && cols[i] != colUnknown {
				row.cells[cols[i]] = v
			}
		}
		if reason := row.parse(opt); !reason.Empty() {
			rep.Skipped = append(rep.Skipped, skipped(rowNo, reason))
			continue
		}
		if n := row.p.LinkNo; n > 0 {
			if first, dup := byLink[n]; dup {
				rep.Skipped = append(rep.Skipped, skipped(rowNo, msg.New(
					"link number %d is also on row %d; give each product its own link number", n, first)))
				continue
			}
			byLink[n] = rowNo
		}
		rows = append(rows, row)
	}

	// Rows with a link number go first, so that numbering the others
	// (next free number) cannot take a number the file asks for.
	slices.SortStableFunc(rows, func(a, b *csvRow) int {
		return boolInt(a.p.LinkNo == 0) - boolInt(b.p.LinkNo == 0)
	})
	tx, err := s.db.Begin()
	if err != nil {
		return ImportReport{}, fmt.Errorf("store: import: %w", err)
	}
	defer tx.Rollback()
	for _, row := range rows {
		created, reason, err := s.importRow(tx, row)
		if err != nil {
			return ImportReport{}, err
		}
		switch {
		case !reason.Empty():
			rep.Skipped = append(rep.Skipped, skipped(row.row, reason))
		case created:
			rep.Created++
		default:
			rep.Updated++
		}
	}
	if err := tx.Commit(); err != nil {
		return ImportReport{}, fmt.Errorf("store: import: %w", err)
	}
	slices.SortFunc(rep.Skipped, func(a, b RowError) int { return a.Row - b.Row })
	return rep, nil
}

// importRow upserts one parsed row; reason is set when the row conflicts
// with what is stored, err only when the database fails.
func (s *Store) importRow(tx *sql.Tx, row *csvRow) (created bool, reason msg.Text, err error) {
	var cur Product
	found := false
	if row.p.LinkNo > 0 {
		cur, err = scanProduct(tx.QueryRow(`SELECT `+productCols+` FROM products WHERE link_no = ?`, row.p.LinkNo))
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, sql.ErrNoRows):
			return false, msg.Text{}, fmt.Errorf("store: import row %d: %w", row.row, err)
		}
	}
	if id := strings.TrimSpace(row.cells[colID]); id != "" {
		if found && cur.ID != id {
			return false, msg.New("id %q does not match %d号链接 (stored as %s); clear the id cell or fix the link number",
				id, cur.LinkNo, cur.ID), nil
		}
		if !found {
			other, err := scanProduct(tx.QueryRow(`SELECT `+productCols+` FROM products WHERE id = ?`, id))
			switch {
			case err == nil:
				return false, msg.New("id %q belongs to %d号链接, but this row says %d号链接; clear the id cell to add a new product",
					id, other.LinkNo, row.p.LinkNo), nil
			case !errors.Is(err, sql.ErrNoRows):
				return false, msg.Text{}, fmt.Errorf("store: import row %d: %w", row.row, err)
			}
			cur.ID = id
		}
	}
	p := cur
	p.LinkNo = row.p.LinkNo
	for c := range row.cells {
		switch c {
		case colTitle:
			p.Title = row.p.Title
		case colPrice:
			p.PriceCents = row.p.PriceCents
		case colOriginal:
			p.OriginalPriceCents = row.p.OriginalPriceCents
		case colCurrency:
			p.Currency = row.p.Currency
		case colCoupon:
			p.Coupon = row.p.Coupon
		case colStock:
			p.Stock = row.p.Stock
		case colImage:
			p.ImageURL = row.p.ImageURL
		case colPoints:
			p.SellingPoints = row.p.SellingPoints
		case colScript:
			p.Script = row.p.Script
		case colSoldOut:
			p.SoldOut = row.p.SoldOut
		}
	}
	// A currency symbol on the price ("$12") counts when the file has no
	// currency cell for the row.
	if strings.TrimSpace(row.cells[colCurrency]) == "" && row.hint != "" {
		p.Currency = row.hint
	}
	if p.OriginalPriceCents > 0 && p.OriginalPriceCents < p.PriceCents {
		return false, msg.New("original price %s is below the price %s; leave it empty or raise it",
			FormatCents(p.OriginalPriceCents), FormatCents(p.PriceCents)), nil
	}
	if err := validate(&p); err != nil {
		return false, msg.New("%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": ")), nil
	}
	if err := s.upsertTx(tx, &p); err != nil {
		if errors.Is(err, ErrLinkNoTaken) || errors.Is(err, ErrInvalid) {
			return false, textOf(err), nil
		}
		return false, msg.Text{}, err
	}
	return !found, msg.Text{}, nil
}

// parse reads the row's cells into r.p and returns why the row is unusable ("" if it is fine).
func (r *csvRow) parse(opt ImportOptions) msg.Text {
	get := func(c column) (string, bool) {
		v, ok := r.cells[c]
		return strings.TrimSpace(v), ok
	}
	if v, ok := get(colLinkNo); ok && v != "" {
		n, err := parseLinkNo(v)
		if err != nil {
			return textOf(err)
		}
		r.p.LinkNo = n
	}
	if v, _ := get(colTitle); v == "" {
		return msg.New("the title is empty; every product needs a title")
	} else {
		r.p.Title = v
	}
	v, _ := get(colPrice)
	if v == "" {
		return msg.New("the price is empty; write it like 99.00")
	}
	cents, cur, err := ParsePrice(v)
	if err != nil {
		return textOf(err)
	}
	r.p.PriceCents, r.hint = cents, cur
	if v, ok := get(colOriginal); ok && v != "" {
		cents, cur, err := ParsePrice(v)
		if err != nil {
			return msg.New("original price: %s", textOf(err))
		}
		r.p.OriginalPriceCents = cents
		if r.hint == "" {
			r.hint = cur
		}
	}
	if v, ok := get(colCurrency); ok && v != "" {
		code, err := parseCurrency(v)
		if err != nil {
			return textOf(err)
		}
		r.p.Currency = code
	}
	if v, ok := get(colStock); ok && v != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
		if err != nil || n < 0 {
			return msg.New("stock %q is not a whole number; write it like 100", v)
		}
		r.p.Stock = n
	}
	r.p.Coupon, _ = get(colCoupon)
	if v, ok := get(colImage); ok && v != "" {
		if opt.BaseDir != "" && !strings.Contains(v, "://") && !filepath.IsAbs(v) {
			v = filepath.Join(opt.BaseDir, v)
		}
		r.p.ImageURL = v
	}
	if v, ok := get(colPoints); ok {
		r.p.SellingPoints = SplitPoints(v)
		// A JSON list carries points that hold a separator themselves.
		var list []string
		if strings.HasPrefix(v, "[") && json.Unmarshal([]byte(v), &list) == nil {
			r.p.SellingPoints = nil
			for _, pt := range list {
				if pt = strings.TrimSpace(pt); pt != "" {
					r.p.SellingPoints = append(r.p.SellingPoints, pt)
				}
			}
		}
	}
	// The script keeps its line breaks and indentation: the host reads it as written.
	r.p.Script = r.cells[colScript]
	if v, ok := get(colSoldOut); ok {
		b, err := parseBool(v)
		if err != nil {
			return textOf(err)
		}
		r.p.SoldOut = b
	}
	return msg.Text{}
}

// SplitPoints splits selling points written in one cell ("显瘦|百搭；不起球").
func SplitPoints(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '；' || r == ';' || r == '\n' })
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pointsCell writes selling points as "a|b|c", or as a JSON list when that
// would not read back as the same points (a point holding | ; ； or a line
// break, or starting the cell with "[").
func pointsCell(points []string) string {
	joined := strings.Join(points, "|")
	if slices.Equal(SplitPoints(joined), points) && !strings.HasPrefix(strings.TrimSpace(joined), "[") {
		return joined
	}
	b, _ := json.Marshal(points)
	return string(b)
}

func parseLinkNo(v string) (int, error) {
	s := strings.TrimSpace(v)
	s = strings.TrimPrefix(s, "#")
	s = strings.TrimPrefix(s, "＃")
	s = strings.TrimSuffix(s, "链接")
	s = strings.TrimSuffix(s, "号")
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return 0, msg.New("link number %q is not a number; write it like 3 (for 3号链接)", v)
	}
	return n, nil
}

var currencyNames = map[string]string{"人民币": "CNY", "元": "CNY", "RMB": "CNY", "¥": "CNY", "￥": "CNY",
	"美元": "USD", "$": "USD", "港币": "HKD", "港元": "HKD", "欧元": "EUR", "€": "EUR", "日元": "JPY", "英镑": "GBP"}

func parseCurrency(v string) (string, error) {
	if code, ok := currencyNames[strings.ToUpper(v)]; ok {
		return code, nil
	}
	if len(v) == 3 && strings.IndexFunc(v, func(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') }) < 0 {
		return strings.ToUpper(v), nil
	}
	return "", msg.New("currency %q is not a 3-letter code; write CNY, USD, HKD…", v)
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "n", "否", "在售", "有货":
		return false, nil
	case "1", "true", "yes", "y", "是", "售罄", "已售罄":
		return true, nil
	}
	return false, msg.New("sold out %q is not yes or no; write true, false, 是 or 否", v)
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// sniffComma picks the delimiter from the header line: comma unless the
// header has none and has tabs or semicolons (spreadsheets in some locales).
func sniffComma(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.IndexByte(line, ',') >= 0 {
		return ','
	}
	if bytes.IndexByte(line, '\t') >= 0 {
		return '\t'
	}
	if bytes.IndexByte(line, ';') >= 0 {
		return ';'
	}
	return ','
}

// ExportOptions tune ExportCSV.
type ExportOptions struct {
	// Chinese writes the Chinese column names (链接号,标题,…).
	Chinese bool
	// BOM starts the file with a UTF-8 byte-order mark, which Excel needs to
	// show Chinese correctly.
	BOM bool
}

// ExportCSV writes the whole catalogue; ImportCSV reads it back unchanged.
func (s *Store) ExportCSV(w io.Writer, opt ExportOptions) error {
	ps, err := s.Products()
	if err != nil {
		return err
	}
	return WriteCSV(w, ps, opt)
}

// WriteCSV writes products in the catalogue CSV format.
func WriteCSV(w io.Writer, ps []Product, opt ExportOptions) error {
	if opt.BOM {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
	}
	names := englishHeader
	if opt.Chinese {
		names = chineseHeader
	}
	cw := csv.NewWriter(w)
	rec := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		rec[i] = names[c]
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	for _, p := range ps {
		for i, c := range exportColumns {
			rec[i] = cell(p, c)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

func cell(p Product, c column) string {
	switch c {
	case colLinkNo:
		return strconv.Itoa(p.LinkNo)
	case colTitle:
		return p.Title
	case colPrice:
		return FormatCents(p.PriceCents)
	case colOriginal:
		if p.OriginalPriceCents == 0 {
			return ""
		}
		return FormatCents(p.OriginalPriceCents)
	case colCurrency:
		return p.Currency
	case colCoupon:
		return p.Coupon
	case colStock:
		return strconv.Itoa(p.Stock)
	case colImage:
		return p.ImageURL
	case colPoints:
		return pointsCell(p.SellingPoints)
	case colScript:
		return p.Script
	case colSoldOut:
		return strconv.FormatBool(p.SoldOut)
	case colID:
		return p.ID
	}
	return ""
}

// textOf is an error as a sentence to translate (its own words when it has none).
func textOf(err error) msg.Text {
	if t, ok := msg.Of(err); ok {
		return t
	}
	return msg.New("%s", err.Error())
}
