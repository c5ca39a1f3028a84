package server

import (
	"errors"
	"fmt"
	"net/http"
)

// The kinds of failure a request can meet. Handlers wrap them (see fail) with a
// sentence that names the show, the field or the word at fault; the kind picks
// the HTTP status and the error code of the JSON answer.
var (
	ErrBadJSON      = errors.New("the request body is not valid JSON")
	ErrBadRequest   = errors.New("the request is not valid")
	ErrUnauthorized = errors.New("the request lacks valid credentials")
	ErrForbidden    = errors.New("the request is not allowed")
	ErrNotFound     = errors.New("not found")
	ErrNotStarted   = errors.New("the show has not started")
	ErrEnded        = errors.New("the show has ended")
	ErrWrongState   = errors.New("not allowed in the show's current state")
	ErrSoldOut      = errors.New("the product is sold out")
	ErrNotOnSale    = errors.New("the product is not on sale in this show")
	ErrTooLarge     = errors.New("the request body is too large")
	ErrContentType  = errors.New("wrong content type")
	ErrRateLimited  = errors.New("too many requests")
	ErrMethod       = errors.New("method not allowed")
	ErrStorage      = errors.New("the platform's storage failed")
	ErrMedia        = errors.New("the media session could not be set up")
	ErrClosed       = errors.New("the platform server is closed")
	ErrBadFragment  = errors.New("the trickle ICE fragment is not valid")
	ErrPrecondition = errors.New("the session changed since the given ETag")
	ErrSeqAhead     = errors.New("after is beyond the newest event")
	ErrUpgrade      = errors.New("this route needs a WebSocket upgrade")
	ErrKeyReused    = errors.New("the idempotency key was used for another call")
	ErrBusy         = errors.New("the platform is at capacity")
	ErrDataInUse    = errors.New("the data directory is in use by another platform")
	ErrOverflow     = errors.New("an amount is too large")

	// The selling toolkit's refusals (all 409).
	ErrNotEligible    = errors.New("the viewer may not enter this lottery yet")
	ErrAlreadyClaimed = errors.New("the coupon was claimed already")
	ErrOfferEnded     = errors.New("the offer has ended")
	ErrEmpty          = errors.New("the red envelope is empty")
	ErrAlreadyGrabbed = errors.New("the red envelope was grabbed already")
	ErrNotOpen        = errors.New("the red envelope has not opened yet")
	// ErrNoPicture: a broadcast sent no keyframe, so it has no replay.
	ErrNoPicture = errors.New("the broadcast sent no picture to record")
	ErrBadToken  = errors.New("the studio token is too weak")
)

// kinds maps each kind to its status and JSON code, in the order errors.Is tries them.
var kinds = []struct {
	err    error
	status int
	code   string
}{
	{ErrBadJSON, http.StatusBadRequest, "bad_json"},
	{ErrBadRequest, http.StatusBadRequest, "bad_request"},
	{ErrUnauthorized, http.StatusUnauthorized, "unauthorized"},
	{ErrForbidden, http.StatusForbidden, "forbidden"},
	{ErrNotFound, http.StatusNotFound, "not_found"},
	{ErrNotStarted, http.StatusNotFound, "not_started"},
	{ErrEnded, http.StatusNotFound, "ended"},
	{ErrWrongState, http.StatusConflict, "wrong_state"},
	{ErrSoldOut, http.StatusConflict, "sold_out"},
	{ErrNotOnSale, http.StatusConflict, "not_on_sale"},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrContentType, http.StatusUnsupportedMediaType, "bad_content_type"},
	{ErrRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{ErrMethod, http.StatusMethodNotAllowed, "method_not_allowed"},
	{ErrMedia, http.StatusBadRequest, "bad_sdp"},
	{ErrBadFragment, http.StatusBadRequest, "bad_fragment"},
	{ErrPrecondition, http.StatusPreconditionFailed, "precondition_failed"},
	{ErrSeqAhead, http.StatusConflict, "seq_ahead"},
	{ErrUpgrade, http.StatusUpgradeRequired, "upgrade_required"},
	{ErrKeyReused, http.StatusUnprocessableEntity, "idempotency_key_reused"},
	{ErrBusy, http.StatusServiceUnavailable, "busy"},
	{ErrOverflow, http.StatusBadRequest, "amount_overflow"},
	{ErrNotEligible, http.StatusConflict, "not_eligible"},
	{ErrAlreadyClaimed, http.StatusConflict, "already_claimed"},
	{ErrOfferEnded, http.StatusConflict, "ended"},
	{ErrEmpty, http.StatusConflict, "empty"},
	{ErrAlreadyGrabbed, http.StatusConflict, "already_grabbed"},
	{ErrNotOpen, http.StatusConflict, "not_open"},
}

// requestError carries the sentence for the user while unwrapping to its kind.
type requestError struct {
	kind error
	msg  string
}

func (e *requestError) Error() string { return e.msg }
func (e *requestError) Unwrap() error { return e.kind }

// fail makes an error of the given kind whose message is the formatted sentence.
func fail(kind error, format string, args ...any) error {
	return &requestError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// statusOf finds the HTTP status and code for err; unknown errors are internal.
func statusOf(err error) (int, string) {
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return k.status, k.code
		}
	}
	return http.StatusInternalServerError, "internal"
}
