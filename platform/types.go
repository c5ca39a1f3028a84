// Package platform speaks the studio ↔ platform contract (docs/platform-api.md):
// the value types both sides share, and the studio's Client.
package platform

import (
	"encoding/json"
	"time"

	"showcaster/platform/anchor"
)

// ShowState is a show's place in the platform's life cycle.
type ShowState string

const (
	StatePendingAudit ShowState = "pending_audit"
	StateApproved     ShowState = "approved"
	StateRejected     ShowState = "rejected"
	StateTrial        ShowState = "trial"
	StateLive         ShowState = "live"
	StateEnded        ShowState = "ended"
)

// MaxDurationMin is the longest slot a show may book.
const MaxDurationMin = 240

// Show is a show plan (a preview) and where it stands.
type Show struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	CoverURL     string    `json:"cover_url,omitempty"`
	StartsAt     time.Time `json:"starts_at"`
	DurationMin  int       `json:"duration_min"`
	ProductIDs   []string  `json:"product_ids"`
	State        ShowState `json:"state"`
	RejectReason string    `json:"reject_reason,omitempty"`
	// RejectCode says why in a word a studio can translate (RejectBannedWord);
	// RejectWord is the banned word that failed the title. A code the studio
	// does not know leaves it RejectReason, the platform's own sentence.
	RejectCode string `json:"reject_code,omitempty"`
	RejectWord string `json:"reject_word,omitempty"`
	ViewerURL  string `json:"viewer_url,omitempty"`
	// TrialURL is the trial link (with its key), shown to the studio once a
	// trial has been started.
	TrialURL  string    `json:"trial_url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	StartedAt time.Time `json:"started_at,omitzero"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	// Bookings counts the viewers who booked the show from its preview page.
	Bookings int64 `json:"bookings"`
}

// RejectBannedWord is the audit's code for a title holding a banned word.
const RejectBannedWord = "banned_word"

// NewShow is the body of POST /api/shows.
type NewShow struct {
	Title       string    `json:"title"`
	CoverURL    string    `json:"cover_url,omitempty"`
	StartsAt    time.Time `json:"starts_at"`
	DurationMin int       `json:"duration_min"`
	ProductIDs  []string  `json:"product_ids"`
}

// Ingest is what starting a trial or the formal broadcast returns.
type Ingest struct {
	WHIPURL   string `json:"whip_url"`
	Token     string `json:"token"`
	ViewerURL string `json:"viewer_url"`
}

// Viewer is a person watching the show page.
type Viewer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Comment is a viewer's comment. Flagged comments carried a banned word: the
// platform held them back from viewers and shows them to the studio only.
type Comment struct {
	ID      string    `json:"id"`
	Viewer  Viewer    `json:"viewer"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
	Flagged bool      `json:"flagged,omitempty"`
	// FlagReason says why a comment was held: `banned word "…"` or "muted".
	FlagReason string `json:"flag_reason,omitempty"`
}

// Reply answers a comment; a private one reaches only that comment's viewer.
type Reply struct {
	CommentID string `json:"comment_id"`
	Text      string `json:"text"`
	Private   bool   `json:"private"`
	// ViewerID is the viewer a private reply goes to (filled in by the platform).
	ViewerID string `json:"viewer_id,omitempty"`
	// ViewerName and CommentText quote the answered comment so a page can show
	// the reply in context (filled in by the platform; no quote for a flagged comment).
	ViewerName  string `json:"viewer_name,omitempty"`
	CommentText string `json:"comment_text,omitempty"`
	// At is when the platform took the reply (filled in by the platform), so a
	// studio that reads the show's history again shows each reply at its time.
	At time.Time `json:"at,omitzero"`
}

// Order is a purchase made on the viewer page.
type Order struct {
	ID          string `json:"id"`
	ViewerID    string `json:"viewer_id"`
	ProductID   string `json:"product_id"`
	Qty         int    `json:"qty"`
	AmountCents int64  `json:"amount_cents"`
	Currency    string `json:"currency"`
	// FlashSaleID is set when the order paid a flash price.
	FlashSaleID string `json:"flash_sale_id,omitempty"`
	// CouponID and DiscountCents: the buyer's coupon the order used (amount is after the discount).
	CouponID      string `json:"coupon_id,omitempty"`
	DiscountCents int64  `json:"discount_cents,omitempty"`
}

// Product is a catalogue entry as the platform shows it on the buy card.
type Product struct {
	ID                 string   `json:"id"`
	LinkNo             int      `json:"link_no"`
	Title              string   `json:"title"`
	ImageURL           string   `json:"image_url,omitempty"`
	PriceCents         int64    `json:"price_cents"`
	OriginalPriceCents int64    `json:"original_price_cents,omitempty"`
	Currency           string   `json:"currency"`
	Coupon             string   `json:"coupon,omitempty"`
	Stock              int      `json:"stock"`
	SellingPoints      []string `json:"selling_points,omitempty"`
	SoldOut            bool     `json:"sold_out,omitempty"`
	// StockLeft is filled in by the platform in the cart: stock minus the
	// quantity ordered (absent when stock does not limit).
	StockLeft *int `json:"stock_left,omitempty"`
}

// Event types carried on the events WebSocket.
const (
	EventComment       = "comment"
	EventReply         = "reply"
	EventLike          = "like"
	EventOnline        = "online"
	EventOrder         = "order"
	EventProductPinned = "product_pinned"
	EventProductUnpin  = "product_unpinned"
	EventBulletin      = "bulletin"
	EventShowState     = "show_state"
	EventModeration    = "moderation"
	// EventBookings carries the running number of bookings in Count.
	EventBookings = "bookings"
)

// Event is one message of a show's event stream. Seq is per show and strictly
// increasing; the fields that do not belong to Type are empty.
type Event struct {
	Seq     int64     `json:"seq"`
	Type    string    `json:"type"`
	At      time.Time `json:"at"`
	Comment *Comment  `json:"comment,omitempty"`
	Reply   *Reply    `json:"reply,omitempty"`
	Count   int64     `json:"count,omitempty"`
	Order   *Order    `json:"order,omitempty"`
	Product *Product  `json:"product,omitempty"`
	Text    string    `json:"text,omitempty"`
	State   ShowState `json:"state,omitempty"`
	// Moderation events: the viewer and the action (mute, block, unblock).
	ViewerID string `json:"viewer_id,omitempty"`
	Action   string `json:"action,omitempty"`
	// Co-hosting events: the guest.
	Guest *Guest `json:"guest,omitempty"`

	// The selling toolkit (docs/platform-api.md): the object the event is about.
	Lottery     *Lottery     `json:"lottery,omitempty"`
	LotteryWon  *LotteryWon  `json:"lottery_won,omitempty"`
	Coupon      *Coupon      `json:"coupon,omitempty"`
	FlashSale   *FlashSale   `json:"flash_sale,omitempty"`
	RedEnvelope *RedEnvelope `json:"red_envelope,omitempty"`
	Gift        *Gift        `json:"gift,omitempty"`
	Products    []Product    `json:"products,omitempty"`
	// Viewer is who joined, followed, shared or sent a gift (viewer_joined,
	// follow, share, gift).
	Viewer *Viewer `json:"viewer,omitempty"`
	// Flat copies of the gift (kind, name; count is Count) and of the
	// lottery_won notice (lottery_id, prize, claim_by), as the contract
	// writes them.
	Kind      string     `json:"kind,omitempty"`
	Name      string     `json:"name,omitempty"`
	LotteryID string     `json:"lottery_id,omitempty"`
	Prize     string     `json:"prize,omitempty"`
	ClaimBy   *time.Time `json:"claim_by,omitempty"`
}

// MarshalJSON writes the event; `like` and `online` always carry their
// count, 0 included (the other types leave it out when empty).
func (e Event) MarshalJSON() ([]byte, error) {
	type plain Event
	if e.Type != EventLike && e.Type != EventOnline {
		return json.Marshal(plain(e))
	}
	return json.Marshal(struct {
		plain
		Count int64 `json:"count"`
	}{plain(e), e.Count})
}

// Report is the post-show summary of GET /api/shows/{id}/report.
type Report struct {
	ShowID       string `json:"show_id"`
	Viewers      int64  `json:"viewers"`
	PeakOnline   int64  `json:"peak_online"`
	Comments     int64  `json:"comments"`
	Likes        int64  `json:"likes"`
	Orders       int64  `json:"orders"`
	Buyers       int64  `json:"buyers"`
	RevenueCents int64  `json:"revenue_cents"`
	EffectiveMin int    `json:"effective_min"`
	// The selling toolkit: gifts sent (sum of counts), follows made during
	// the show, viewers who shared it, coupons claimed and used in orders,
	// lotteries drawn, red-envelope cents grabbed.
	Gifts            int64 `json:"gifts"`
	Follows          int64 `json:"follows"`
	Shares           int64 `json:"shares"`
	CouponsClaimed   int64 `json:"coupons_claimed"`
	CouponsUsed      int64 `json:"coupons_used"`
	Lotteries        int64 `json:"lotteries"`
	FlashOrders      int64 `json:"flash_orders"`
	RedEnvelopeCents int64 `json:"red_envelope_cents"`
	// Between shows: the exact seconds a publisher was on air during the
	// formal broadcast, bookings and the booked viewers who came to watch,
	// and the orders of each product, most revenue first.
	OnAirS        int64          `json:"on_air_s"`
	Bookings      int64          `json:"bookings"`
	BookedViewers int64          `json:"booked_viewers"`
	ByProduct     []ProductSales `json:"by_product,omitempty"`
	// ReplayURL plays the replay once the show has ended and it is written.
	ReplayURL string        `json:"replay_url,omitempty"`
	Series    []ReportPoint `json:"series,omitempty"`
}

// ProductSales is one product's orders in a report.
type ProductSales struct {
	ProductID    string `json:"product_id"`
	Title        string `json:"title"`
	Orders       int64  `json:"orders"`
	Qty          int64  `json:"qty"`
	RevenueCents int64  `json:"revenue_cents"`
}

// ReportPoint is one minute of the report's time series.
type ReportPoint struct {
	At       time.Time `json:"at"`
	Online   int64     `json:"online"`
	Comments int64     `json:"comments"`
	Likes    int64     `json:"likes"`
	Orders   int64     `json:"orders"`
	// RevenueCents is what this minute's orders paid.
	RevenueCents int64 `json:"revenue_cents"`
}

// Public states: what the audience sees of a show (GET /api/shows/{id}/public).
const (
	PublicNotStarted = "not_started"
	PublicTrial      = "trial"
	PublicLive       = "live"
	PublicEnded      = "ended"
)

// Public is what a viewer may see of a show.
type Public struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	CoverURL string    `json:"cover_url,omitempty"`
	StartsAt time.Time `json:"starts_at,omitzero"`
	// State is one of the Public… states: a trial without its key looks not started.
	State    string   `json:"state"`
	Pinned   *Product `json:"pinned"`
	Bulletin string   `json:"bulletin,omitempty"`
	Likes    int64    `json:"likes"`
	Online   int64    `json:"online"`
	Viewer   Viewer   `json:"viewer"`

	// Now is the platform's clock when it answered: pages count down against it.
	Now time.Time `json:"now"`
	// The selling toolkit, as this viewer sees it (absent before the show starts).
	// Products is the cart: every product of the show in link order.
	Products     []Product     `json:"products"`
	Followers    int64         `json:"followers"`
	Following    bool          `json:"following"`
	Shares       int64         `json:"shares"`
	Shared       bool          `json:"shared"`
	Lottery      *Lottery      `json:"lottery,omitempty"`
	Coupons      []Coupon      `json:"coupons,omitempty"`
	FlashSales   []FlashSale   `json:"flash_sales,omitempty"`
	RedEnvelopes []RedEnvelope `json:"red_envelopes,omitempty"`
	// Bookings counts the viewers who booked the show; Booked says whether this viewer did.
	Bookings int64 `json:"bookings"`
	Booked   bool  `json:"booked"`
	// ReplayURL plays the recorded broadcast once the show has ended and the replay is ready.
	ReplayURL string `json:"replay_url,omitempty"`
}

// Booking answers POST /api/shows/{id}/bookings.
type Booking struct {
	Booked   bool  `json:"booked"`
	Bookings int64 `json:"bookings"`
}

// Moderation actions of POST /api/shows/{id}/moderation. Each sets the
// viewer's standing in the show: mute holds their comments back, block also
// stops their likes and orders, and unmute or unblock lifts whatever was set
// (a block includes a mute, so lifting the mute lifts the block too).
const (
	ModerationMute    = "mute"
	ModerationBlock   = "block"
	ModerationUnmute  = "unmute"
	ModerationUnblock = "unblock"
)

// ModerationOutcome is the standing an action leaves the viewer in; ok is
// false for an unknown action.
func ModerationOutcome(action string) (muted, blocked, ok bool) {
	switch action {
	case ModerationMute:
		return true, false, true
	case ModerationBlock:
		return true, true, true
	case ModerationUnmute, ModerationUnblock:
		return false, false, true
	}
	return false, false, false
}

// Moderated answers POST /api/shows/{id}/moderation: the action and the
// standing it left the viewer in.
type Moderated struct {
	ViewerID string `json:"viewer_id"`
	Action   string `json:"action"`
	Muted    bool   `json:"muted"`
	Blocked  bool   `json:"blocked"`
}

// Anchor is the anchor's level and the way up (GET /api/anchor).
type Anchor = anchor.Standing

// Next and Need describe the way to the next anchor level.
type (
	Next = anchor.Next
	Need = anchor.Need
)

// Ranking is one show on the venue's popularity list (GET /api/rankings).
type Ranking struct {
	ShowID   string `json:"show_id"`
	Title    string `json:"title"`
	Score    int64  `json:"score"`
	Rank     int    `json:"rank"`
	Live     bool   `json:"live"`
	CoverURL string `json:"cover_url,omitempty"`
	WatchURL string `json:"watch_url"`
}
