package platform

import (
	"context"
	"net/http"
	"net/url"
)

// Guest is a co-host (连麦嘉宾) invited to a show: URL is the guest's link, a
// page of the platform; it is a secret that stops working when the guest is
// removed or the show ends.
type Guest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Co-hosting events (studio only).
const (
	EventGuestJoined = "guest_joined"
	EventGuestLeft   = "guest_left"
)

// InviteGuest issues a guest link for the show (POST /api/shows/{id}/guests).
func (c *Client) InviteGuest(ctx context.Context, showID, name string) (Guest, error) {
	var g Guest
	err := c.do(ctx, "invite the guest", http.MethodPost, showPath(showID, "/guests"), struct {
		Name string `json:"name"`
	}{name}, &g)
	return g, err
}

// RemoveGuest disconnects a guest and ends their link.
func (c *Client) RemoveGuest(ctx context.Context, showID, guestID string) error {
	return c.do(ctx, "remove the guest", http.MethodDelete, showPath(showID, "/guests/"+url.PathEscape(guestID)), nil, nil)
}

// GuestWHEPURL is where the studio receives a guest's picture and sound
// (WHEP with the studio token).
func (c *Client) GuestWHEPURL(showID, guestID string) string {
	return c.base + "/whep/" + url.PathEscape(showID) + "/guests/" + url.PathEscape(guestID)
}
