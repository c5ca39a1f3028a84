package app

import (
	"fmt"
	"io"
)

func runProducts(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "showcaster products: this build does not include it yet")
	return 1
}
