package app

import (
	"fmt"
	"io"
)

func runDevices(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster devices: this build does not include it yet")
	return 1
}
