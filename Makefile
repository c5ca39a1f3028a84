# Showcaster — build, run, test.
GO      ?= go
TAGS    ?= x11
# The Linux program is built without Fyne's bundled emoji font: Fyne parses
# it once for every text style the window uses (4.8 MB of heap each, and
# its 4.2 MB in the binary), before any emoji is shown. Without it Fyne
# draws an emoji from the system's emoji font (Noto Color Emoji on Debian
# and Ubuntu desktops), loaded once when the first one appears. Windows and
# macOS keep the bundled font (Apple Color Emoji is a 180 MB bitmap font).
# See docs/benchmarks.md, "What the idle window costs".
APP_TAGS := $(TAGS),no_emoji
BIN     := bin/showcaster
# Debian packages the build and the tests need: codecs (x264, vpx, opus),
# Fyne's X11/GL driver, Xvfb for a real window, Chromium for the viewer page,
# a CJK font, imagemagick for screenshots, ffmpeg for the CPU comparison,
# PulseAudio for the latency benchmark with a sound server, libopus(file) to
# decode co-hosting guests' sound.
# AAC (vo-aacenc) for RTMP, nginx with its RTMP module as the test RTMP server,
# and the MinGW-w64 cross compilers (with zip and file) for the Windows build.
DEB_PKGS := gcc pkg-config libx264-dev libvpx-dev libopus-dev libx11-dev libxext-dev \
	libgl1-mesa-dev xorg-dev libxkbcommon-dev libwayland-dev xvfb xauth xdotool x11-utils \
	chromium fonts-wqy-microhei imagemagick ffmpeg curl time pulseaudio pulseaudio-utils libopusfile-dev \
	libvo-aacenc-dev nginx libnginx-mod-rtmp nodejs \
	gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 zip file
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ENGINE_PKGS := ./internal/... ./capture/... ./scene/... ./encode/... ./publish/...
# Windows from Linux: cgo through MinGW-w64. No -tags x11 there: that tag
# only picks Fyne's X11 driver on Linux. H.264 is openh264 (linked from
# mediadevices' static library), see encode/h264_openh264.go. The C++
# runtime is linked in statically so the .exe needs no MinGW DLLs.
# -trimpath as Fyne's --release build uses it, so that vet-windows and
# package-windows share one compilation of the cgo packages (GLFW, GL,
# miniaudio, openh264's bridge), which is most of the cross build's time.
# AAC (encode/aac.go) links vo-aacenc, built from its sources as a static
# library by scripts/vo-aacenc.sh (Debian has no MinGW build of it) and found
# through pkg-config; PKG_CONFIG_LIBDIR so that no Linux .pc file is seen.
VOAAC_WIN := build/third_party/vo-aacenc-windows-amd64
VOAAC_DARWIN := build/third_party/vo-aacenc-darwin
WIN_CGO := CGO_ENABLED=1 GOFLAGS=-trimpath \
	CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	PKG_CONFIG_LIBDIR=$(CURDIR)/$(VOAAC_WIN)/lib/pkgconfig PKG_CONFIG_PATH= \
	CGO_LDFLAGS="-static-libgcc -static-libstdc++ -Wl,-Bstatic -lstdc++ -lwinpthread -lssp -Wl,-Bdynamic"
WIN_ENV := GOOS=windows GOARCH=amd64 $(WIN_CGO)
WIN_ZIP := dist/Showcaster-windows-amd64.zip
DARWIN_ARCH := $(shell uname -m | sed 's/x86_64/amd64/')

.PHONY: deps build run test vet vet-windows check-windows bench fuzz package package-windows package-darwin vo-aacenc-windows clean

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else echo "make deps: all Debian packages present"; fi
	@# obs-websocket-js for the remote-control tests, from the committed lock file (npm comes with
	@# nodejs from NodeSource; on plain Debian add the npm package).
	@[ -d internal/obsjs/testdata/node/node_modules/obs-websocket-js ] || (cd internal/obsjs/testdata/node && npm ci --no-audit --no-fund)

build:
	$(GO) build -tags $(APP_TAGS) -o $(BIN) .

run: deps build
	./$(BIN)

vet:
	$(GO) vet -tags $(TAGS) ./...

# The engine packages run under the race detector; the rest (window, platform,
# browser end-to-end, and bin/showcaster in a real window under Xvfb) without
# it, to stay inside CI's time. The encoders run once more as the Windows and
# macOS builds have them (openh264 beside vo-aacenc), since those builds cannot
# run here, and the AAC stand-in of a build without AAC (-tags noaac).
test: vet build
	$(GO) test -tags $(TAGS) -race -count=1 -timeout 15m $(ENGINE_PKGS)
	$(GO) test -tags openh264 -count=1 -timeout 5m -run 'H264|AAC' ./encode
	$(GO) test -tags noaac -count=1 -timeout 5m -run AAC ./encode
	$(GO) test -tags $(TAGS) -count=1 -timeout 20m $$($(GO) list -tags $(TAGS) ./... | grep -v -E '/(internal|capture|scene|encode|publish)(/|$$)')

bench: build
	scripts/bench.sh

# Each fuzz target for a minute (FUZZTIME=5m make fuzz for longer); `make bench`
# runs them too (its fuzz section). `make test` runs only their seed corpora.
fuzz:
	scripts/fuzz.sh

# The desktop package (dist/Showcaster.tar.xz: binary, icon, .desktop entry).
# Fyne's tool bumps the build number in FyneApp.toml on release builds; the
# number is kept in the repository, so the file is restored afterwards.
package:
	cp FyneApp.toml .FyneApp.toml.keep
	$(GO) tool fyne package -os linux --tags $(APP_TAGS) --release; rc=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$rc
	mkdir -p dist && mv Showcaster.tar.xz dist/

# vo-aacenc 0.1.3 for Windows (about 30 s; the tarball is fetched once, its
# sha256 checked, and kept in build/third_party, which git ignores).
vo-aacenc-windows: $(VOAAC_WIN)/lib/libvo-aacenc.a
$(VOAAC_WIN)/lib/libvo-aacenc.a: scripts/vo-aacenc.sh
	scripts/vo-aacenc.sh windows-amd64
$(VOAAC_DARWIN)/lib/libvo-aacenc.a: scripts/vo-aacenc.sh
	scripts/vo-aacenc.sh darwin

# Windows: vet every package as the Windows build sees it, except any that
# needs C libraries Debian has no MinGW build of (WIN_BLOCKED: libvpx and
# libopusfile; the guests' codecs stand in for them on Windows, see
# guest/codecs_windows.go). The list is worked out from the imports, so a
# package that starts to need one of them drops out, and is named.
# WIN_SKIP is left out too: e2e, whose tests drive Xvfb, PulseAudio and
# Chromium on Linux.
WIN_BLOCKED := github.com/pion/mediadevices/pkg/codec/vpx gopkg.in/hraban/opus.v2
WIN_SKIP := showcaster/e2e
vet-windows: $(VOAAC_WIN)/lib/libvo-aacenc.a
	@$(WIN_ENV) $(GO) list -test -f '{{.ImportPath}} {{join .Deps " "}}' ./... | \
	awk -v blocked="$(WIN_BLOCKED)" -v skip="$(WIN_SKIP)" 'BEGIN { n = split(blocked, b, " "); for (i = 1; i <= n; i++) B[b[i]] = 1; \
			n = split(skip, l, " "); for (i = 1; i <= n; i++) L[l[i]] = 1 } \
		{ p = $$1; sub(/(_test|\.test)$$/, "", p); all[p] = 1; for (i = 2; i <= NF; i++) if ($$i in B) bad[p] = 1 } \
		END { for (p in all) if (p ~ /^showcaster/ && !(p in L)) print ((p in bad) ? "blocked " : "vet ") p }' | sort > .vet-windows.list
	@echo "vet-windows: left out: $(WIN_SKIP)" $$(sed -n 's/^blocked \(.*\)/\1 (needs MinGW libvpx or libopusfile)/p' .vet-windows.list)
	$(WIN_ENV) $(GO) vet $$(sed -n 's/^vet //p' .vet-windows.list); rc=$$?; rm -f .vet-windows.list; exit $$rc

# dist/Showcaster-windows-amd64.zip: Showcaster.exe, a GUI-subsystem PE32+
# with the icon, version and manifest from FyneApp.toml, and the NOTICE of
# vo-aacenc (Apache-2.0, linked in for AAC), cross-built here
# with Fyne's packaging tool (8.5 min from a clean clone: docs/platforms.md).
# The tool itself is built for this machine first (with GOOS or the MinGW
# CC set, go tool fyne would build the tool for Windows); -os windows sets
# GOOS for the build it starts.
package-windows: $(VOAAC_WIN)/lib/libvo-aacenc.a
	cp FyneApp.toml .FyneApp.toml.keep
	$(GO) build -o bin/fyne fyne.io/tools/cmd/fyne
	$(WIN_CGO) bin/fyne package -os windows --release; rc=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$rc
	cp $(VOAAC_WIN)/NOTICE vo-aacenc-NOTICE.txt
	mkdir -p dist bin && rm -f $(WIN_ZIP) && zip -q -9 $(WIN_ZIP) Showcaster.exe vo-aacenc-NOTICE.txt && rm vo-aacenc-NOTICE.txt && mv -f Showcaster.exe bin/
	file bin/Showcaster.exe

# The check .ci/run makes: a 64-bit GUI executable that imports only
# Windows' own DLLs (WIN_DLLS, the ones it imports today), so that it needs
# no MinGW runtime DLL (libstdc++, libgcc, libwinpthread, libssp) nor any
# other library beside it. A new import from Windows itself goes in WIN_DLLS.
# And it carries the AAC encoder RTMP needs (the cgo bridge of encode/aac.go;
# Go keeps function names in a stripped binary).
WIN_DLLS := advapi32 gdi32 kernel32 oleaut32 opengl32 quartz shell32 user32 msvcrt ole32
check-windows: vet-windows package-windows
	@file bin/Showcaster.exe | grep -q 'PE32+ executable (GUI) x86-64' || { file bin/Showcaster.exe; echo "check-windows: not a 64-bit Windows GUI executable"; exit 1; }
	@dlls=$$(x86_64-w64-mingw32-objdump -p bin/Showcaster.exe | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sed 's/\.dll$$//' | sort -u); \
	[ -n "$$dlls" ] || { echo "check-windows: objdump found no imported DLLs"; exit 1; }; \
	for d in $$dlls; do case " $(WIN_DLLS) " in *" $$d "*) ;; *) echo "check-windows: the .exe imports $$d.dll, which is not one of Windows' own (WIN_DLLS: $(WIN_DLLS))"; exit 1;; esac; done; \
	grep -q -a 'showcaster/encode._Cfunc_sc_aac_open' bin/Showcaster.exe || { echo "check-windows: the .exe has no AAC encoder (encode/aac.go's vo-aacenc bridge is missing), so RTMP would not work"; exit 1; }; \
	echo "check-windows: bin/Showcaster.exe is a PE32+ GUI executable for x86-64 with the AAC encoder, importing only" $$dlls "($(WIN_ZIP): $$(du -h $(WIN_ZIP) | cut -f1))"

# macOS, on a Mac only (it needs Apple's SDK and the Xcode command line
# tools): dist/Showcaster-darwin-ARCH.zip holding Showcaster.app. vo-aacenc
# is built first with the Mac's clang (scripts/vo-aacenc.sh darwin) and put
# ahead of Homebrew's pkg-config files (opus, libvpx, opusfile).
package-darwin:
	@[ "$$(uname -s)" = Darwin ] || { echo "make package-darwin: run this on a Mac (it needs the macOS SDK: xcode-select --install)"; exit 1; }
	$(MAKE) $(VOAAC_DARWIN)/lib/libvo-aacenc.a
	cp FyneApp.toml .FyneApp.toml.keep
	PKG_CONFIG_PATH=$(CURDIR)/$(VOAAC_DARWIN)/lib/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH} \
		$(GO) tool fyne package -os darwin --release; rc=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$rc
	cp $(VOAAC_DARWIN)/NOTICE Showcaster.app/Contents/Resources/vo-aacenc-NOTICE.txt
	mkdir -p dist && rm -f dist/Showcaster-darwin-$(DARWIN_ARCH).zip && ditto -c -k --keepParent Showcaster.app dist/Showcaster-darwin-$(DARWIN_ARCH).zip

clean:
	rm -rf bin dist
