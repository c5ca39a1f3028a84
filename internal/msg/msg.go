// Package msg carries sentences for the user from packages below the front
// ends: the English with fmt verbs and its arguments, so the window can
// show them in the user's language and the CLI in English.
package msg

import (
	"errors"
	"fmt"
)

// Text is a sentence: Key is the English with fmt verbs, Args fill them in.
// An argument may itself be a Text (translated too). The zero Text is no
// sentence.
type Text struct {
	Key  string
	Args []any
}

// New makes a Text.
func New(key string, args ...any) Text { return Text{Key: key, Args: args} }

// String is the English sentence.
func (t Text) String() string { return fmt.Sprintf(t.Key, t.Args...) }

// Error makes a Text an error whose words can be translated.
func (t Text) Error() string { return t.String() }

// Empty reports whether there is no sentence.
func (t Text) Empty() bool { return t.Key == "" }

// Of finds the Text in an error's chain.
func Of(err error) (Text, bool) {
	var t Text
	if errors.As(err, &t) {
		return t, true
	}
	return Text{}, false
}

// Translate renders t with tr giving each key's translation (nested Texts too).
func (t Text) Translate(tr func(string) string) string {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		if n, ok := a.(Text); ok {
			a = n.Translate(tr)
		}
		args[i] = a
	}
	return fmt.Sprintf(tr(t.Key), args...)
}
