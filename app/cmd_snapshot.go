package app

import (
	"fmt"
	"io"
)

func runSnapshot(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster snapshot: this build does not include it yet")
	return 1
}
