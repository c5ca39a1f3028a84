package server

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"encoding/json"
)

// ReadJSON decodes a request's JSON body into v: Content-Type must be
// application/json (so a page on another origin cannot send it as a simple
// form post), the body at most 64 KiB, one JSON value with nothing after it.
// Every handler that takes JSON calls it.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	body := http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if err == nil {
		// One value only: trailing garbage means the body is not what it seems.
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("there is data after the JSON value")
			if terr != nil && !errors.Is(terr, io.EOF) && isTooLarge(terr) {
				err = terr
			}
		}
	}
	if err != nil {
		if isTooLarge(err) {
			return fail(ErrTooLarge, "the request body is larger than %d KiB", maxBody>>10)
		}
		return fail(ErrBadJSON, "the request body is not valid JSON: %v", err)
	}
	return nil
}

// readJSON is ReadJSON (the name the handlers of this package grew up with).
func readJSON(w http.ResponseWriter, r *http.Request, v any) error { return ReadJSON(w, r, v) }

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// requireJSON refuses a body sent as anything but application/json.
func requireJSON(r *http.Request) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" {
		return fail(ErrContentType, "send the body as JSON with Content-Type: application/json")
	}
	return nil
}

// sameOrigin refuses a viewer call that a page of another origin made with
// the viewer's cookie (the browser names that page in Origin). Calls without
// Origin (the studio, curl) pass: they cannot carry a browser's cookie by accident.
func sameOrigin(r *http.Request) error {
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || !strings.EqualFold(u.Host, r.Host) {
		return fail(ErrForbidden, "viewer calls are taken only from the platform's own viewer page, not from %s", o)
	}
	return nil
}
