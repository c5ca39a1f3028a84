//go:build !linux

package capture

// ScreenLibrary says how this build captures screens: on Windows and macOS,
// mediadevices' screen driver, which grabs whole displays through
// kbinani/screenshot (GDI BitBlt on Windows; ScreenCaptureKit on macOS 14.4
// and later, CoreGraphics before).
const ScreenLibrary = "kbinani/screenshot (mediadevices' screen driver)"

// NoScreenAdvice is what to tell a person when no screen was found.
const NoScreenAdvice = "No screen to capture: on macOS allow Showcaster under System Settings › Privacy & Security › Screen Recording, then start it again; on Windows start it from your desktop session, not a service."
