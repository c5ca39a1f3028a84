package platform

import "time"

// The selling toolkit: lotteries (福袋), coupons, flash sales, red envelopes,
// gifts, follows and shares (docs/platform-api.md, "The selling toolkit").

// Lottery conditions: what a viewer must have done to enter.
const (
	ConditionNone     = "none"
	ConditionFollow   = "follow"
	ConditionShare    = "share"
	ConditionPassword = "password"
)

// Lottery states.
const (
	LotteryOpen      = "open"
	LotteryDrawn     = "drawn"
	LotteryCancelled = "cancelled"
)

// Lottery bounds.
const (
	DefaultCountdownS = 60
	MinCountdownS     = 10
	MaxCountdownS     = 900
	MaxWinners        = 100
)

// NewLottery is the body of POST /api/shows/{id}/lotteries.
type NewLottery struct {
	Prize      string `json:"prize"`
	Winners    int    `json:"winners"`
	Condition  string `json:"condition"`
	Password   string `json:"password,omitempty"`
	CountdownS int    `json:"countdown_s,omitempty"`
}

// Lottery is a lucky bag. Seed is empty until the draw; SeedHash is the
// SHA-256 (hex) of the seed's text, committed when the lottery is created.
type Lottery struct {
	ID        string    `json:"id"`
	Prize     string    `json:"prize"`
	Winners   int       `json:"winners"`
	Condition string    `json:"condition"`
	Password  string    `json:"password,omitempty"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	DrawsAt   time.Time `json:"draws_at"`
	DrawnAt   time.Time `json:"drawn_at,omitempty"`
	Entrants  int       `json:"entrants"`
	SeedHash  string    `json:"seed_hash"`
	Seed      string    `json:"seed,omitempty"`
	// WinnerList is filled once drawn: names for everyone, delivery details for the studio only.
	WinnerList []LotteryWinner `json:"winner_list,omitempty"`
	// Entered, Won and Claimed describe the asking viewer (viewer views only).
	Entered bool `json:"entered,omitempty"`
	Won     bool `json:"won,omitempty"`
	Claimed bool `json:"claimed,omitempty"`
	// ClaimBy is the deadline of the winners' delivery form (once drawn).
	ClaimBy time.Time `json:"claim_by,omitempty"`
}

// LotteryWinner is one winner; Delivery reaches the studio only.
type LotteryWinner struct {
	ViewerID string    `json:"viewer_id"`
	Name     string    `json:"name"`
	Claimed  bool      `json:"claimed"`
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Delivery is a winner's claim form (POST …/lotteries/{lid}/claim).
type Delivery struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// LotteryWon is the private notice of the lottery_won event.
type LotteryWon struct {
	LotteryID string    `json:"lottery_id"`
	Prize     string    `json:"prize"`
	ClaimBy   time.Time `json:"claim_by"`
}

// NewCoupon is the body of POST /api/shows/{id}/coupons.
type NewCoupon struct {
	Title         string `json:"title"`
	DiscountCents int64  `json:"discount_cents"`
	MinSpendCents int64  `json:"min_spend_cents"`
	Quantity      int    `json:"quantity"`
	ValidMin      int    `json:"valid_min"`
}

// Coupon is a show-only coupon. Claimed and Used count for the studio; Mine
// is the asking viewer's hold on it ("", "claimed" or "used").
type Coupon struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	DiscountCents int64     `json:"discount_cents"`
	MinSpendCents int64     `json:"min_spend_cents"`
	Quantity      int       `json:"quantity"`
	Remaining     int       `json:"remaining"`
	EndsAt        time.Time `json:"ends_at"`
	Claimed       int       `json:"claimed"`
	Used          int       `json:"used"`
	Mine          string    `json:"mine,omitempty"`
}

// NewFlashSale is the body of POST /api/shows/{id}/flash-sales.
type NewFlashSale struct {
	ProductID  string `json:"product_id"`
	PriceCents int64  `json:"price_cents"`
	Quantity   int    `json:"quantity"`
	DurationS  int    `json:"duration_s"`
}

// FlashSale is a flash price for a few units of one product for a while.
type FlashSale struct {
	ID         string    `json:"id"`
	ProductID  string    `json:"product_id"`
	PriceCents int64     `json:"price_cents"`
	Quantity   int       `json:"quantity"`
	Remaining  int       `json:"remaining"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	// State is "open" or "ended".
	State string `json:"state"`
}

// NewRedEnvelope is the body of POST /api/shows/{id}/red-envelopes.
type NewRedEnvelope struct {
	TotalCents int64 `json:"total_cents"`
	Count      int   `json:"count"`
	OpensInS   int   `json:"opens_in_s,omitempty"`
}

// RedEnvelope is a pot split among its first Count grabbers.
type RedEnvelope struct {
	ID         string    `json:"id"`
	TotalCents int64     `json:"total_cents"`
	Count      int       `json:"count"`
	OpensAt    time.Time `json:"opens_at"`
	Grabbed    int       `json:"grabbed"`
	// Mine is what the asking viewer grabbed (viewer views), 0 if nothing.
	Mine int64 `json:"mine,omitempty"`
	// Grabs lists who got what (studio views).
	Grabs []Grab `json:"grabs,omitempty"`
}

// Grab is one viewer's share of a red envelope.
type Grab struct {
	Viewer      Viewer `json:"viewer"`
	AmountCents int64  `json:"amount_cents"`
}

// GiftKind is a kind of (free) gift a viewer can send.
type GiftKind struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	ValueCents int64  `json:"value_cents"`
	ImageURL   string `json:"image_url"`
}

// Gift is the payload of a gift event.
type Gift struct {
	Viewer Viewer `json:"viewer"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
}

// Events of the selling toolkit.
const (
	EventLotteryStarted   = "lottery_started"
	EventLotteryDrawn     = "lottery_drawn"
	EventLotteryCancelled = "lottery_cancelled"
	EventLotteryWon       = "lottery_won"
	EventCouponPushed     = "coupon_pushed"
	EventFlashSaleStarted = "flash_sale_started"
	EventFlashSaleEnded   = "flash_sale_ended"
	EventRedEnvelope      = "red_envelope"
	EventGift             = "gift"
	EventViewerJoined     = "viewer_joined"
	EventFollow           = "follow"
	EventShare            = "share"
	EventProducts         = "products"
	// Running counts, sent at most once a second when they changed.
	EventLotteryEntrants    = "lottery_entrants"
	EventCouponUpdated      = "coupon_updated"
	EventFlashSaleUpdated   = "flash_sale_updated"
	EventRedEnvelopeUpdated = "red_envelope_updated"
)
