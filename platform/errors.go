package platform

import (
	"errors"
	"fmt"
	"net/http"
)

// Kinds of failure the platform reports; an *APIError unwraps to one of them,
// so callers can test with errors.Is(err, platform.ErrWrongState).
var (
	ErrBadRequest   = errors.New("the platform rejected the request")
	ErrUnauthorized = errors.New("the platform refused the token")
	ErrForbidden    = errors.New("the platform does not allow this")
	ErrNotFound     = errors.New("not found on the platform")
	ErrWrongState   = errors.New("not allowed in the show's current state")
	ErrTooLarge     = errors.New("the request is too large")
	ErrRateLimited  = errors.New("too many requests")
	ErrServer       = errors.New("the platform failed")
	ErrUnreachable  = errors.New("the platform cannot be reached")
	ErrProtocol     = errors.New("the platform answered something unexpected")
)

// APIError is an error answer of the platform: its HTTP status, its code and
// its message (a sentence meant for the user).
type APIError struct {
	Status  int
	Code    string
	Message string
	// Op names the call, e.g. "go live".
	Op string
}

func (e *APIError) Error() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s: the platform refused the studio token: check Settings › Platform token", e.Op)
	case http.StatusTooManyRequests:
		return fmt.Sprintf("%s: the platform asks to slow down: %s", e.Op, e.Message)
	}
	if e.Status >= 500 {
		return fmt.Sprintf("%s: the platform failed (%d): %s; try again, and check the platform's log if it persists", e.Op, e.Status, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Message)
}

// Unwrap gives the kind of failure, from the status code.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Status == http.StatusConflict:
		return ErrWrongState
	case e.Status == http.StatusRequestEntityTooLarge:
		return ErrTooLarge
	case e.Status == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.Status >= 500:
		return ErrServer
	default:
		return ErrBadRequest
	}
}
