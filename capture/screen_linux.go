package capture

// ScreenLibrary says how this build captures screens: on Linux,
// mediadevices' X11 driver (MIT-SHM), so a Wayland-only session has none.
const ScreenLibrary = "X11 (mediadevices' X11 screen driver)"

// NoScreenAdvice is what to tell a person when no screen was found.
const NoScreenAdvice = "No screen to capture: screen sharing needs an X11 desktop (DISPLAY set). Start the app from your desktop session."
