//go:build windows

package app

import (
	"os"

	"golang.org/x/sys/windows"
)

// The Windows .exe is linked as a GUI program (-H=windowsgui) so that the
// studio opens without a black console window; the price is that
// `Showcaster.exe devices` in a terminal would print nowhere. Before main
// reads os.Stdout, a subcommand run borrows the console of the terminal
// that started it. Output already redirected to a file or pipe is left as
// it is, and a double-click from Explorer has no console to borrow.
func init() {
	if !wantsConsole(os.Args[1:]) {
		return
	}
	if h, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); err == nil && h != 0 && h != windows.InvalidHandle {
		return
	}
	const attachParentProcess = uintptr(^uint32(0)) // ATTACH_PARENT_PROCESS, (DWORD)-1
	if r, _, _ := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess); r == 0 {
		return
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = f, f
	}
}
