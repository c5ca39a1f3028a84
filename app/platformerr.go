package app

import (
	"errors"
	"net/http"

	"showcaster/platform"
)

// PlatformMessage is the platform's refusal in err as a sentence the window
// translates: it reads the code of the platform's answer (the page reads the
// same codes) and says what happened and what to do. The platform's own
// sentence, English, stays in err for the log. nil when err holds no
// platform answer or one whose code the studio does not know.
func PlatformMessage(err error) *Message {
	var ae *platform.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	if ae.Status == http.StatusUnauthorized {
		return Say(ae, "The platform refused the studio's token: check Settings › Platform token.")
	}
	switch ae.Code {
	case "wrong_state":
		return Say(ae, "The platform does not allow this in the show's current state: look at the show's state and try again.")
	case "not_found":
		return Say(ae, "The platform does not know this show or item: reload the show list.")
	case "ended":
		return Say(ae, "The show has ended on the platform: create a new show.")
	case "rate_limited":
		return Say(ae, "The platform asks to slow down: wait a few seconds and try again.")
	case "busy":
		return Say(ae, "The platform is at capacity: try again in a minute.")
	case "forbidden":
		return Say(ae, "The platform does not allow this.")
	case "too_large":
		return Say(ae, "That is too long for the platform: shorten it and try again.")
	case "sold_out":
		return Say(ae, "The product is sold out on the platform.")
	case "not_on_sale":
		return Say(ae, "The product is not in this show's cart on the platform: choose it for the show first.")
	case "amount_overflow":
		return Say(ae, "An amount is too large for the platform: check the price and the stock.")
	}
	if ae.Status >= 500 {
		return Say(ae, "The platform failed: try again, and look at the platform's log if it happens again.")
	}
	return nil
}
