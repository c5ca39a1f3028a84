package app

import (
	"fmt"
	"io"
)

func runShows(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster shows: this build does not include it yet")
	return 1
}
