package app

import "showcaster/internal/money"

// The money forms the front ends show; internal/money is their one home.

// FormatMoney is the shop form viewers see on cards ("¥99.9").
func FormatMoney(cents int64, currency string) string { return money.Format(cents, currency) }

// MoneyFigure is the accounting form ("¥891.00") for totals and lists.
func MoneyFigure(cents int64, currency string) string { return money.Figure(cents, currency) }

// PlainMoney is the plain decimal ("99.00") an edit field holds.
func PlainMoney(cents int64) string { return money.Plain(cents) }

// ParseMoney reads a price as people write it ("¥99.9", "1,299", "99元").
func ParseMoney(s string) (cents int64, currency string, err error) { return money.Parse(s) }
