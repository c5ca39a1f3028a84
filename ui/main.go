// Package ui is the studio's Fyne front end: windows, panels and widgets.
// It talks to the engine only through package app.
package ui

import (
	"fmt"
	"os"
)

// Main opens the studio window and returns the exit code when it closes.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "showcaster: the studio window is not in this build yet")
	return 1
}
