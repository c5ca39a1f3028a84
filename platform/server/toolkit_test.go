package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"showcaster/platform"
)

// try is call for goroutines: no t.Fatal, the status and error code back.
func (v *viewer) try(method, path string, in, out any) (int, string, error) {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, v.base+v.withKey(path), body)
	if in != nil {
		req.Header.Set("Content-Type", "application/json") // as the viewer page sends it
	}
	// A fan-out of hundreds waits its turn on a loaded machine: a generous timeout.
	hc := &http.Client{Jar: v.hc.Jar, Timeout: 2 * time.Minute}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		var e apiErr
		json.Unmarshal(data, &e)
		return resp.StatusCode, e.Error.Code, nil
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, "", fmt.Errorf("%s: %v", data, err)
		}
	}
	return resp.StatusCode, "", nil
}

func (p *testPlatform) viewers(showID string, n int) []*viewer {
	out := make([]*viewer, n)
	for i := range out {
		out[i] = p.newViewer(showID, "")
	}
	return out
}

// fanOut runs f for every viewer at once and counts the answers by "status code".
func fanOut(t *testing.T, vs []*viewer, f func(i int, v *viewer) (int, string, error)) map[string]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, v := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, code, err := f(i, v)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				counts["error "+err.Error()]++
				return
			}
			counts[strings.TrimSpace(strconv.Itoa(st)+" "+code)]++
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d concurrent calls answered in %v", len(vs), time.Since(began))
	return counts
}

func TestCouponsNeverClaimedBeyondQuantity(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("券")
	c := longCtx(t)
	cp, err := p.studio.PushCoupon(c, s.ID, platform.NewCoupon{Title: "满99减10", DiscountCents: 1000, MinSpendCents: 9900, Quantity: 50, ValidMin: 5})
	if err != nil {
		t.Fatal(err)
	}
	if cp.Remaining != 50 || cp.ID == "" || !cp.EndsAt.Equal(p.clk.Now().Add(5*time.Minute)) {
		t.Fatalf("coupon %+v", cp)
	}
	vs := p.viewers(s.ID, 200)
	counts := fanOut(t, vs, func(_ int, v *viewer) (int, string, error) {
		return v.try("POST", "/api/shows/"+s.ID+"/coupons/"+cp.ID+"/claim", nil, nil)
	})
	if counts["201"] != 50 || counts["409 sold_out"] != 150 {
		t.Fatalf("200 claimants for 50 coupons: %v", counts)
	}
	list, err := p.studio.Coupons(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Claimed != 50 || list[0].Remaining != 0 {
		t.Fatalf("coupons %+v", list)
	}
	var claimed []*viewer
	for _, v := range vs {
		var pub platform.Public
		v.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
		if len(pub.Coupons) == 1 && pub.Coupons[0].Mine == "claimed" {
			claimed = append(claimed, v)
		}
	}
	if len(claimed) != 50 {
		t.Fatalf("%d viewers hold the coupon, want 50", len(claimed))
	}
	if st, code, _ := claimed[0].try("POST", "/api/shows/"+s.ID+"/coupons/"+cp.ID+"/claim", nil, nil); st != 409 || code != "already_claimed" {
		t.Fatalf("second claim: %d %s", st, code)
	}
	cp2, err := p.studio.PushCoupon(c, s.ID, platform.NewCoupon{Title: "无门槛", DiscountCents: 100, Quantity: 5, ValidMin: 1})
	if err != nil {
		t.Fatal(err)
	}
	p.clk.Advance(time.Minute)
	if st, code, _ := vs[0].try("POST", "/api/shows/"+s.ID+"/coupons/"+cp2.ID+"/claim", nil, nil); st != 409 || code != "ended" {
		t.Fatalf("claim after ends_at: %d %s", st, code)
	}
}

func TestOrdersUseTheBestCouponAndTheCart(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("购物车")
	c := longCtx(t)
	cart, err := p.studio.SetProducts(c, s.ID, []platform.Product{
		{ID: "p2", LinkNo: 2, Title: "羊毛围巾", PriceCents: 9900, Stock: 3},
		{ID: "p1", LinkNo: 1, Title: "保温杯", PriceCents: 25900},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cart) != 2 || cart[0].ID != "p1" || cart[1].StockLeft == nil || *cart[1].StockLeft != 3 || cart[0].Currency != "CNY" {
		t.Fatalf("cart %+v", cart)
	}
	small, _ := p.studio.PushCoupon(c, s.ID, platform.NewCoupon{Title: "满50减5", DiscountCents: 500, MinSpendCents: 5000, Quantity: 10, ValidMin: 10})
	big, _ := p.studio.PushCoupon(c, s.ID, platform.NewCoupon{Title: "满200减30", DiscountCents: 3000, MinSpendCents: 20000, Quantity: 10, ValidMin: 10})
	v := p.newViewer(s.ID, "")
	for _, cp := range []platform.Coupon{small, big} {
		if st := v.call("POST", "/api/shows/"+s.ID+"/coupons/"+cp.ID+"/claim", nil, nil); st != 201 {
			t.Fatalf("claim %s: %d", cp.ID, st)
		}
	}
	// Link 2 while nothing is pinned: 99 元 reaches only the small coupon.
	var o platform.Order
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p2", "qty": 1}, &o); st != 201 {
		t.Fatalf("order link 2: %d", st)
	}
	if o.CouponID != small.ID || o.DiscountCents != 500 || o.AmountCents != 9400 {
		t.Fatalf("order %+v", o)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, &o); st != 201 {
		t.Fatalf("order link 1: %d", st)
	}
	if o.CouponID != big.ID || o.AmountCents != 22900 {
		t.Fatalf("order %+v", o)
	}
	o = platform.Order{}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, &o); st != 201 || o.CouponID != "" || o.AmountCents != 25900 {
		t.Fatalf("third order, no coupon left: %d %+v", st, o)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p2", "qty": 3}, nil); st != 409 {
		t.Fatalf("3 of the 2 left: %d", st)
	}
	v2 := p.newViewer(s.ID, "")
	if st := v2.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p2", "qty": 2}, nil); st != 201 {
		t.Fatalf("the last 2: %d", st)
	}
	var pub platform.Public
	v.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if len(pub.Products) != 2 || !pub.Products[1].SoldOut || *pub.Products[1].StockLeft != 0 {
		t.Fatalf("cart after selling out: %+v", pub.Products)
	}
	var e apiErr
	if st := v2.call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p2", "qty": 1}, &e); st != 409 || e.Error.Code != "sold_out" {
		t.Fatalf("sold out: %d %+v", st, e)
	}
	rep, err := p.studio.Report(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.CouponsClaimed != 2 || rep.CouponsUsed != 2 {
		t.Fatalf("report coupons %d claimed, %d used", rep.CouponsClaimed, rep.CouponsUsed)
	}
}

func TestFlashSaleSellsEachUnitOnce(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("秒杀")
	c := longCtx(t)
	if _, err := p.studio.SetProducts(c, s.ID, []platform.Product{{ID: "p1", LinkNo: 1, Title: "保温杯", PriceCents: 9900}}); err != nil {
		t.Fatal(err)
	}
	f, err := p.studio.StartFlashSale(c, s.ID, platform.NewFlashSale{ProductID: "p1", PriceCents: 4900, Quantity: 20, DurationS: 60})
	if err != nil {
		t.Fatal(err)
	}
	if f.Remaining != 20 || f.State != "open" {
		t.Fatalf("flash sale %+v", f)
	}
	if _, err := p.studio.StartFlashSale(c, s.ID, platform.NewFlashSale{ProductID: "p1", PriceCents: 4900, Quantity: 20, DurationS: 60}); !errors.Is(err, platform.ErrWrongState) {
		t.Fatalf("second flash sale of the product: %v", err)
	}
	vs := p.viewers(s.ID, 100)
	var mu sync.Mutex
	var orders []platform.Order
	counts := fanOut(t, vs, func(_ int, v *viewer) (int, string, error) {
		var o platform.Order
		st, code, err := v.try("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, &o)
		if st == 201 {
			mu.Lock()
			orders = append(orders, o)
			mu.Unlock()
		}
		return st, code, err
	})
	flash := 0
	for _, o := range orders {
		switch o.AmountCents {
		case 4900:
			if o.FlashSaleID != f.ID {
				t.Fatalf("flash order without its sale: %+v", o)
			}
			flash++
		case 9900:
		default:
			t.Fatalf("order at %d cents", o.AmountCents)
		}
	}
	if flash != 20 || counts["201"] != 100 {
		t.Fatalf("100 buyers for 20 flash units: %d at the flash price, answers %v", flash, counts)
	}
	list, _ := p.studio.FlashSales(c, s.ID)
	if len(list) != 1 || list[0].Remaining != 0 || list[0].State != "ended" {
		t.Fatalf("flash sales after the run: %+v", list)
	}
	// A second sale ends by time; the price is the normal one afterwards.
	f2, err := p.studio.StartFlashSale(c, s.ID, platform.NewFlashSale{ProductID: "p1", PriceCents: 5900, Quantity: 5, DurationS: 30})
	if err != nil {
		t.Fatal(err)
	}
	var o platform.Order
	if st := vs[0].call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 6}, nil); st != 409 {
		t.Fatalf("6 of 5 flash units: %d", st)
	}
	p.clk.Advance(30 * time.Second)
	o = platform.Order{}
	waitFor(t, "the flash sale to end by time", func() bool {
		l, _ := p.studio.FlashSales(c, s.ID)
		return len(l) > 0 && l[0].ID == f2.ID && l[0].State == "ended"
	})
	if st := vs[1].call("POST", "/api/shows/"+s.ID+"/orders", map[string]any{"product_id": "p1", "qty": 1}, &o); st != 201 || o.AmountCents != 9900 || o.FlashSaleID != "" {
		t.Fatalf("after the flash sale: %d %+v", st, o)
	}
	rep, _ := p.studio.Report(c, s.ID)
	if rep.FlashOrders != 20 {
		t.Fatalf("report flash orders %d", rep.FlashOrders)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRedEnvelopeSplitsAreExact(t *testing.T) {
	for i := 0; i < 1000; i++ {
		count := 1 + int(randN(200))
		total := int64(count) + randN(100000)
		if i%10 == 0 {
			total = int64(count) + randN(3) // tight pots: nearly a cent each
		}
		shares := splitPot(total, count)
		var sum int64
		for _, a := range shares {
			if a < 1 {
				t.Fatalf("pot %d among %d: a share of %d cents", total, count, a)
			}
			sum += a
		}
		if sum != total || len(shares) != count {
			t.Fatalf("pot %d among %d: %d shares summing to %d", total, count, len(shares), sum)
		}
	}
}

func TestRedEnvelopeGrabs(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("红包")
	c := longCtx(t)
	e, err := p.studio.SendRedEnvelope(c, s.ID, platform.NewRedEnvelope{TotalCents: 1000, Count: 10, OpensInS: 5})
	if err != nil {
		t.Fatal(err)
	}
	vs := p.viewers(s.ID, 15)
	if st, code, _ := vs[0].try("POST", "/api/shows/"+s.ID+"/red-envelopes/"+e.ID+"/grab", nil, nil); st != 409 || code != "not_open" {
		t.Fatalf("grab before it opens: %d %s", st, code)
	}
	p.clk.Advance(5 * time.Second)
	var mu sync.Mutex
	var sum int64
	counts := fanOut(t, vs, func(_ int, v *viewer) (int, string, error) {
		var g struct {
			AmountCents int64 `json:"amount_cents"`
		}
		st, code, err := v.try("POST", "/api/shows/"+s.ID+"/red-envelopes/"+e.ID+"/grab", nil, &g)
		if st == 201 {
			mu.Lock()
			sum += g.AmountCents
			mu.Unlock()
			if g.AmountCents < 1 {
				return 0, "", fmt.Errorf("a share of %d", g.AmountCents)
			}
		}
		return st, code, err
	})
	if counts["201"] != 10 || counts["409 empty"] != 5 || sum != 1000 {
		t.Fatalf("15 grabbers of 10 shares: %v, sum %d", counts, sum)
	}
	list, _ := p.studio.RedEnvelopes(c, s.ID)
	if len(list) != 1 || len(list[0].Grabs) != 10 || list[0].Grabbed != 10 {
		t.Fatalf("envelopes %+v", list)
	}
	for _, v := range vs {
		if st, code, _ := v.try("POST", "/api/shows/"+s.ID+"/red-envelopes/"+e.ID+"/grab", nil, nil); st != 409 || code != "already_grabbed" && code != "empty" {
			t.Fatalf("second grab: %d %s", st, code)
		}
	}
}

// recheck is the draw as docs/platform-api.md describes it, written apart
// from the server's code (big integers for the rejection bound).
func recheck(seed string, entrants []string, k int) []string {
	l := slices.Clone(entrants)
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for i := 0; i < k && i < len(l); i++ {
		m := big.NewInt(int64(len(l) - i))
		limit := new(big.Int).Sub(two64, new(big.Int).Mod(two64, m))
		for c := 0; ; c++ {
			h := sha256.Sum256([]byte(fmt.Sprintf("%s:%d:%d", seed, i, c)))
			x := new(big.Int).SetBytes(h[:8])
			if x.Cmp(limit) >= 0 {
				continue
			}
			j := i + int(new(big.Int).Mod(x, m).Int64())
			l[i], l[j] = l[j], l[i]
			break
		}
	}
	return l[:min(k, len(l))]
}

func TestLotteryDrawnAfterRestartAndPrivate(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("福袋")
	c := longCtx(t)
	l, err := p.studio.StartLottery(c, s.ID, platform.NewLottery{Prize: "保温杯", Winners: 2, Condition: "password", Password: "想要福袋"})
	if err != nil {
		t.Fatal(err)
	}
	if l.State != "open" || l.Seed != "" || len(l.SeedHash) != 64 || !l.DrawsAt.Equal(p.clk.Now().Add(time.Minute)) {
		t.Fatalf("lottery %+v", l)
	}
	if _, err := p.studio.StartLottery(c, s.ID, platform.NewLottery{Prize: "x", Winners: 1}); !errors.Is(err, platform.ErrWrongState) {
		t.Fatalf("a second open lottery: %v", err)
	}
	vs := p.viewers(s.ID, 6)
	var e apiErr
	if st := vs[0].call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/entries", nil, &e); st != 409 || e.Error.Code != "not_eligible" || !strings.Contains(e.Error.Message, "想要福袋") {
		t.Fatalf("entry without the password: %d %+v", st, e)
	}
	for _, v := range vs {
		if _, st := v.comment(s.ID, "想要福袋"); st != 201 {
			t.Fatalf("password comment: %d", st)
		}
	}
	vs[0].comment(s.ID, "想要福袋") // twice is once
	if err := p.studio.Moderate(c, s.ID, vs[5].me.ID, platform.ModerationBlock); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "6 entrants", func() bool {
		ls, _ := p.studio.Lotteries(c, s.ID)
		return len(ls) == 1 && ls[0].Entrants == 6
	})

	// The platform restarts before draws_at; the new one draws on time.
	p.srv.Close()
	q := startPlatform(t, p.dir, p.clk)
	for _, v := range vs {
		v.base = q.srv.URL()
	}
	q.clk.Advance(time.Minute)
	var drawn platform.Lottery
	waitFor(t, "the draw after the restart", func() bool {
		ls, _ := q.studio.Lotteries(c, s.ID)
		if len(ls) == 1 && ls[0].State == "drawn" {
			drawn = ls[0]
			return true
		}
		return false
	})
	sum := sha256.Sum256([]byte(drawn.Seed))
	if hex.EncodeToString(sum[:]) != l.SeedHash || drawn.SeedHash != l.SeedHash {
		t.Fatalf("seed %q does not match the committed hash %s", drawn.Seed, l.SeedHash)
	}
	if len(drawn.WinnerList) != 2 || drawn.WinnerList[0].ViewerID == drawn.WinnerList[1].ViewerID {
		t.Fatalf("winners %+v", drawn.WinnerList)
	}
	var check struct {
		Seed     string   `json:"seed"`
		Entrants []string `json:"entrants"`
		Winners  []string `json:"winners"`
	}
	if st := vs[0].call("GET", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/draw", nil, &check); st != 200 {
		t.Fatalf("draw check: %d", st)
	}
	if len(check.Entrants) != 5 || slices.Contains(check.Entrants, vs[5].me.ID) {
		t.Fatalf("eligible entrants %v (the blocked viewer must not count)", check.Entrants)
	}
	if got := recheck(check.Seed, check.Entrants, 2); !slices.Equal(got, check.Winners) {
		t.Fatalf("re-checked winners %v, the platform drew %v", got, check.Winners)
	}
	winners := map[string]bool{}
	for _, w := range drawn.WinnerList {
		winners[w.ViewerID] = true
	}

	// Each viewer reads every event: lottery_won reaches the winners only.
	if err := q.studio.Bulletin(c, s.ID, "end-marker"); err != nil {
		t.Fatal(err)
	}
	for i, v := range vs[:5] {
		evs := readUntil(t, v.dialEvents(s.ID, 0), "end-marker")
		won := 0
		sawDrawn := false
		for _, ev := range evs {
			switch ev.Type {
			case platform.EventLotteryWon:
				won++
				if ev.LotteryWon == nil || ev.LotteryWon.LotteryID != l.ID || ev.LotteryWon.Prize != "保温杯" || ev.LotteryID != l.ID {
					t.Fatalf("lottery_won %+v", ev)
				}
			case platform.EventLotteryDrawn:
				sawDrawn = ev.Lottery != nil && len(ev.Lottery.WinnerList) == 2 && ev.Lottery.Seed != ""
			}
		}
		if want := map[bool]int{true: 1, false: 0}[winners[v.me.ID]]; won != want {
			t.Fatalf("viewer %d (winner %v) got %d lottery_won events", i, winners[v.me.ID], won)
		}
		if !sawDrawn {
			t.Fatalf("viewer %d did not see lottery_drawn with the winners", i)
		}
	}

	// Only a winner may claim; the details reach the studio only.
	var winner, loser *viewer
	for _, v := range vs[:5] {
		if winners[v.me.ID] {
			winner = v
		} else {
			loser = v
		}
	}
	form := platform.Delivery{Name: "王小明", Phone: "138 0000 0000", Address: "上海市徐汇区漕溪北路 1 号"}
	if st := loser.call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/claim", form, nil); st != 403 {
		t.Fatalf("a loser's claim: %d", st)
	}
	if st := winner.call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/claim", form, nil); st != 200 {
		t.Fatalf("the winner's claim: %d", st)
	}
	ls, _ := q.studio.Lotteries(c, s.ID)
	found := false
	for _, w := range ls[0].WinnerList {
		if w.ViewerID == winner.me.ID {
			found = w.Claimed && w.Delivery != nil && *w.Delivery == form
		}
	}
	if !found {
		t.Fatalf("the studio does not see the winner's details: %+v", ls[0].WinnerList)
	}
	for _, v := range []*viewer{winner, loser} {
		var raw json.RawMessage
		v.call("GET", "/api/shows/"+s.ID+"/public", nil, &raw)
		if bytes.Contains(raw, []byte("漕溪北路")) || bytes.Contains(raw, []byte("138 0000")) {
			t.Fatalf("delivery details leak to a viewer: %s", raw)
		}
	}
	var pub platform.Public
	winner.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.Lottery == nil || !pub.Lottery.Won || !pub.Lottery.Claimed {
		t.Fatalf("the winner's public lottery: %+v", pub.Lottery)
	}
	pub = platform.Public{}
	loser.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if pub.Lottery == nil || pub.Lottery.Won || !pub.Lottery.Entered || len(pub.Lottery.WinnerList) != 2 {
		t.Fatalf("a loser's public lottery: %+v", pub.Lottery)
	}
}

func TestLotteryConditionsAndTrialEntries(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("试播福袋")
	c := longCtx(t)
	in, err := p.studio.StartTrial(c, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	key := in.ViewerURL[strings.Index(in.ViewerURL, "key=")+4:]
	l, err := p.studio.StartLottery(c, s.ID, platform.NewLottery{Prize: "围巾", Winners: 1, Condition: "follow", CountdownS: 10})
	if err != nil {
		t.Fatal(err)
	}
	tv := p.newViewer(s.ID, key)
	var e apiErr
	if st := tv.call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/entries", nil, &e); st != 409 || e.Error.Code != "not_eligible" || !strings.Contains(e.Error.Message, "follow") {
		t.Fatalf("entry before following: %d %+v", st, e)
	}
	var f struct {
		Following bool  `json:"following"`
		Followers int64 `json:"followers"`
	}
	if st := tv.call("POST", "/api/shows/"+s.ID+"/follow", nil, &f); st != 200 || !f.Following || f.Followers != 1 {
		t.Fatalf("follow: %d %+v", st, f)
	}
	if st := tv.call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/entries", nil, nil); st != 201 {
		t.Fatalf("entry after following: %d", st)
	}
	if st := tv.call("POST", "/api/shows/"+s.ID+"/lotteries/"+l.ID+"/entries", nil, nil); st != 200 {
		t.Fatalf("second entry: %d", st)
	}
	p.clk.Advance(10 * time.Second)
	waitFor(t, "the trial lottery's draw", func() bool {
		ls, _ := p.studio.Lotteries(c, s.ID)
		return len(ls) == 1 && ls[0].State == "drawn"
	})
	ls, _ := p.studio.Lotteries(c, s.ID)
	if ls[0].Entrants != 1 || len(ls[0].WinnerList) != 0 {
		t.Fatalf("a trial entry must not win: %+v", ls[0])
	}
	if _, err := p.studio.StartLottery(c, s.ID, platform.NewLottery{Prize: "x", Winners: 1, CountdownS: 5}); !errors.Is(err, platform.ErrBadRequest) {
		t.Fatalf("countdown 5 s: %v", err)
	}
	if _, err := p.studio.StartLottery(c, s.ID, platform.NewLottery{Prize: "x", Winners: 1, Condition: "password"}); !errors.Is(err, platform.ErrBadRequest) {
		t.Fatalf("password lottery without a password: %v", err)
	}
}

func TestFollowShareGiftWelcome(t *testing.T) {
	p := newPlatform(t)
	s := p.approvedShow("关注")
	c := longCtx(t)
	v := p.newViewer(s.ID, "")
	var e apiErr
	if st := v.call("POST", "/api/shows/"+s.ID+"/follow", nil, &e); st != 409 || e.Error.Code != "wrong_state" {
		t.Fatalf("follow before the show: %d %+v", st, e)
	}
	if _, err := p.studio.GoLive(c, s.ID); err != nil {
		t.Fatal(err)
	}
	studio := dialStudio(t, p, s.ID, 0)
	v.dialEvents(s.ID, 0)
	for i := 0; i < 2; i++ {
		var sh struct {
			Shares int64 `json:"shares"`
		}
		if st := v.call("POST", "/api/shows/"+s.ID+"/shares", nil, &sh); st != 200 || sh.Shares != 1 {
			t.Fatalf("share %d: %d %+v", i, st, sh)
		}
		var f struct {
			Followers int64 `json:"followers"`
		}
		if st := v.call("POST", "/api/shows/"+s.ID+"/follow", nil, &f); st != 200 || f.Followers != 1 {
			t.Fatalf("follow %d: %d %+v", i, st, f)
		}
	}
	var kinds []platform.GiftKind
	if st := v.call("GET", "/api/gifts", nil, &kinds); st != 200 || len(kinds) < 3 || kinds[0].Name == "" || kinds[0].ImageURL == "" {
		t.Fatalf("gifts: %d %+v", st, kinds)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/gifts", map[string]any{"kind": "heart", "count": 3}, nil); st != 201 {
		t.Fatalf("gift: %d", st)
	}
	if st := v.call("POST", "/api/shows/"+s.ID+"/gifts", map[string]any{"kind": "diamond", "count": 1}, &e); st != 400 {
		t.Fatalf("unknown gift: %d", st)
	}
	if err := p.studio.Bulletin(c, s.ID, "marker"); err != nil {
		t.Fatal(err)
	}
	var joined, gift, share bool
	for _, ev := range readUntil(t, studio, "marker") {
		switch ev.Type {
		case platform.EventViewerJoined:
			joined = ev.Viewer != nil && ev.Viewer.ID == v.me.ID && ev.Viewer.Name == v.me.Name
		case platform.EventGift:
			gift = ev.Gift != nil && ev.Gift.Name == "小心心" && ev.Gift.Count == 3 && ev.Count == 3 && ev.Viewer.ID == v.me.ID
		case platform.EventShare:
			share = true
		}
	}
	if !joined || !gift || !share {
		t.Fatalf("studio events: joined %v gift %v share %v", joined, gift, share)
	}
	var pub platform.Public
	v.call("GET", "/api/shows/"+s.ID+"/public", nil, &pub)
	if !pub.Following || pub.Followers != 1 || !pub.Shared || pub.Shares != 1 {
		t.Fatalf("public %+v", pub)
	}
	rep, _ := p.studio.Report(c, s.ID)
	if rep.Gifts != 3 || rep.Follows != 1 || rep.Shares != 1 {
		t.Fatalf("report gifts %d follows %d shares %d", rep.Gifts, rep.Follows, rep.Shares)
	}
}

// longCtx bounds a test's studio calls; fan-outs on a loaded machine take a while.
func longCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return c
}

func TestReplyToAViewerThanksByName(t *testing.T) {
	p := newPlatform(t)
	s, _ := p.liveShow("感谢")
	c := longCtx(t)
	v := p.newViewer(s.ID, "")
	if st := v.call("POST", "/api/shows/"+s.ID+"/gifts", map[string]any{"kind": "rose", "count": 2}, nil); st != 201 {
		t.Fatalf("gift: %d", st)
	}
	if err := p.studio.Reply(c, s.ID, platform.Reply{ViewerID: v.me.ID, Text: "谢谢 " + v.me.Name + " 的玫瑰!"}); err != nil {
		t.Fatal(err)
	}
	other := p.newViewer(s.ID, "")
	if err := p.studio.Bulletin(c, s.ID, "marker"); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range readUntil(t, other.dialEvents(s.ID, 0), "marker") {
		if ev.Type == platform.EventReply && ev.Reply.ViewerName == v.me.Name && !ev.Reply.Private && ev.Reply.CommentID == "" {
			found = true
		}
	}
	if !found {
		t.Fatal("the public thank-you did not reach another viewer")
	}
	if err := p.studio.Reply(c, s.ID, platform.Reply{ViewerID: "nobody", Text: "x"}); !errors.Is(err, platform.ErrNotFound) {
		t.Fatalf("a reply to an unknown viewer: %v", err)
	}
}
