package platform

import (
	"context"
	"net/http"
	"net/url"
)

// SetProducts publishes the show's product list (the viewers' cart) and
// answers it as stored, with what is left in stock.
func (c *Client) SetProducts(ctx context.Context, showID string, products []Product) ([]Product, error) {
	if products == nil {
		products = []Product{}
	}
	var out []Product
	err := c.do(ctx, "publish the show's products", http.MethodPut, showPath(showID, "/products"), products, &out)
	return out, err
}

// StartLottery opens a lucky bag; the platform draws it by itself at draws_at.
func (c *Client) StartLottery(ctx context.Context, showID string, l NewLottery) (Lottery, error) {
	var out Lottery
	err := c.do(ctx, "start the lottery", http.MethodPost, showPath(showID, "/lotteries"), l, &out)
	return out, err
}

// Lotteries lists the show's lotteries, newest first, with the winners and
// the delivery details they sent.
func (c *Client) Lotteries(ctx context.Context, showID string) ([]Lottery, error) {
	var out []Lottery
	err := c.do(ctx, "read the lotteries", http.MethodGet, showPath(showID, "/lotteries"), nil, &out)
	return out, err
}

// CancelLottery cancels an open lottery (nobody wins).
func (c *Client) CancelLottery(ctx context.Context, showID, lotteryID string) (Lottery, error) {
	var out Lottery
	err := c.do(ctx, "cancel the lottery", http.MethodDelete, showPath(showID, "/lotteries/"+url.PathEscape(lotteryID)), nil, &out)
	return out, err
}

// PushCoupon offers a show-only coupon to the viewers.
func (c *Client) PushCoupon(ctx context.Context, showID string, cp NewCoupon) (Coupon, error) {
	var out Coupon
	err := c.do(ctx, "push the coupon", http.MethodPost, showPath(showID, "/coupons"), cp, &out)
	return out, err
}

// Coupons lists the show's coupons with their claimed and used counts.
func (c *Client) Coupons(ctx context.Context, showID string) ([]Coupon, error) {
	var out []Coupon
	err := c.do(ctx, "read the coupons", http.MethodGet, showPath(showID, "/coupons"), nil, &out)
	return out, err
}

// StartFlashSale puts a flash price on a product for a number of units and seconds.
func (c *Client) StartFlashSale(ctx context.Context, showID string, f NewFlashSale) (FlashSale, error) {
	var out FlashSale
	err := c.do(ctx, "start the flash sale", http.MethodPost, showPath(showID, "/flash-sales"), f, &out)
	return out, err
}

// StopFlashSale ends a running flash sale early.
func (c *Client) StopFlashSale(ctx context.Context, showID, flashID string) (FlashSale, error) {
	var out FlashSale
	err := c.do(ctx, "stop the flash sale", http.MethodDelete, showPath(showID, "/flash-sales/"+url.PathEscape(flashID)), nil, &out)
	return out, err
}

// FlashSales lists the show's flash sales, newest first.
func (c *Client) FlashSales(ctx context.Context, showID string) ([]FlashSale, error) {
	var out []FlashSale
	err := c.do(ctx, "read the flash sales", http.MethodGet, showPath(showID, "/flash-sales"), nil, &out)
	return out, err
}

// SendRedEnvelope sends a pot to be split among its first grabbers.
func (c *Client) SendRedEnvelope(ctx context.Context, showID string, e NewRedEnvelope) (RedEnvelope, error) {
	var out RedEnvelope
	err := c.do(ctx, "send the red envelope", http.MethodPost, showPath(showID, "/red-envelopes"), e, &out)
	return out, err
}

// RedEnvelopes lists the show's red envelopes with who grabbed what.
func (c *Client) RedEnvelopes(ctx context.Context, showID string) ([]RedEnvelope, error) {
	var out []RedEnvelope
	err := c.do(ctx, "read the red envelopes", http.MethodGet, showPath(showID, "/red-envelopes"), nil, &out)
	return out, err
}

// Gifts lists the kinds of gift viewers can send.
func (c *Client) Gifts(ctx context.Context) ([]GiftKind, error) {
	var out []GiftKind
	err := c.do(ctx, "read the gifts", http.MethodGet, "/api/gifts", nil, &out)
	return out, err
}
