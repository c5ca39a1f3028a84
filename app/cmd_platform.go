package app

import (
	"fmt"
	"io"
)

func runPlatform(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster platform: this build does not include it yet")
	return 1
}
