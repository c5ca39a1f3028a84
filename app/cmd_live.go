package app

import (
	"fmt"
	"io"
)

func runLive(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster live: this build does not include it yet")
	return 1
}
