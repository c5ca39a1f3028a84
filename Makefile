# Showcaster — build, run, test.
GO      ?= go
TAGS    ?= x11
BIN     := bin/showcaster
# Debian packages the build and the tests need: codecs (x264, vpx, opus),
# Fyne's X11/GL driver, Xvfb for a real window, Chromium for the viewer page,
# a CJK font, imagemagick for screenshots, ffmpeg for the CPU comparison,
# PulseAudio for the latency benchmark with a sound server, libopus(file) to
# decode co-hosting guests' sound.
# AAC (vo-aacenc) for RTMP, nginx with its RTMP module as the test RTMP server.
DEB_PKGS := gcc pkg-config libx264-dev libvpx-dev libopus-dev libx11-dev libxext-dev \
	libgl1-mesa-dev xorg-dev libxkbcommon-dev libwayland-dev xvfb xauth xdotool \
	chromium fonts-wqy-microhei imagemagick ffmpeg curl time pulseaudio libopusfile-dev \
	libvo-aacenc-dev nginx libnginx-mod-rtmp nodejs
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ENGINE_PKGS := ./internal/... ./capture/... ./scene/... ./encode/... ./publish/...

.PHONY: deps build run test vet bench fuzz package clean

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
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: deps build
	./$(BIN)

vet:
	$(GO) vet -tags $(TAGS) ./...

# The engine packages run under the race detector; the rest (window, platform,
# browser end-to-end, and bin/showcaster in a real window under Xvfb) without
# it, to stay inside CI's time.
test: vet build
	$(GO) test -tags $(TAGS) -race -count=1 -timeout 15m $(ENGINE_PKGS)
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
	$(GO) tool fyne package -os linux --tags $(TAGS) --release; rc=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$rc
	mkdir -p dist && mv Showcaster.tar.xz dist/

clean:
	rm -rf bin dist
