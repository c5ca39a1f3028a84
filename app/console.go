package app

// wantsConsole says whether a run with these arguments is a command-line
// subcommand, whose output belongs in the terminal it was started from,
// rather than the studio window. The Windows build is a GUI-subsystem
// program with no console of its own, so there it attaches to the parent's
// (console_windows.go); elsewhere a program always has its terminal.
func wantsConsole(args []string) bool {
	return len(args) > 0 && args[0] != "studio"
}
