package app

import "errors"

var (
	ErrAlreadyPublishing = errors.New("already publishing: end the current broadcast first")
	ErrNoShow            = errors.New("no show selected: pick or create a show plan first")
	ErrNotApproved       = errors.New("the show is not approved yet: wait for the audit, or fix what it rejected")
	ErrNotOnAir          = errors.New("nothing is on air: start a trial or go live first")
	ErrBadFlag           = errors.New("bad flag")
)
