#!/usr/bin/env bash
# Builds VisualOn's AAC encoder, vo-aacenc 0.1.3 (Apache-2.0; the C sources
# Debian's libvo-aacenc is built from), as a static library for a build that
# has no system package of it: the Windows and macOS builds of Showcaster.
#
#   scripts/vo-aacenc.sh windows-amd64   # cross, with MinGW-w64 (make package-windows)
#   scripts/vo-aacenc.sh darwin          # on a Mac, with its clang (make package-darwin)
#   scripts/vo-aacenc.sh host            # this machine's cc (a check of the script on Linux)
#
# The tarball is Debian's orig.tar.gz, fetched once into build/third_party/
# and checked against the sha256 Debian's vo-aacenc_0.1.3-2.dsc lists. The
# library lands in build/third_party/vo-aacenc-TARGET/{lib,include}, with a
# pkg-config file that finds its own directory (${pcfiledir}), so the tree can
# move; encode/aac.go finds it through PKG_CONFIG_LIBDIR (see the Makefile).
# The tarball ships its configure script: no autotools needed.
set -euo pipefail

target=${1:?usage: scripts/vo-aacenc.sh windows-amd64|darwin|host}
version=0.1.3
sha256=e51a7477a359f18df7c4f82d195dab4e14e7414cbd48cf79cc195fc446850f36
tarball=vo-aacenc_${version}.orig.tar.gz
url=http://deb.debian.org/debian/pool/main/v/vo-aacenc/$tarball

cd "$(dirname "$0")/.."
third=$PWD/build/third_party
prefix=$third/vo-aacenc-$target
work=$third/work-vo-aacenc-$target
mkdir -p "$third"

sum() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

if [ ! -f "$third/$tarball" ] || [ "$(sum "$third/$tarball")" != "$sha256" ]; then
	echo "vo-aacenc: fetching $url"
	curl -fsSL -o "$third/$tarball.part" "$url"
	got=$(sum "$third/$tarball.part")
	if [ "$got" != "$sha256" ]; then
		echo "vo-aacenc: $url has sha256 $got, not the pinned $sha256; not building it" >&2
		rm -f "$third/$tarball.part"
		exit 1
	fi
	mv "$third/$tarball.part" "$third/$tarball"
fi

# configure's config.guess dates from 2012 and does not know Apple's arm64
# Macs, so the Mac build names its machine itself (config.sub knows aarch64).
case $target in
windows-amd64)
	hostflags=(--host=x86_64-w64-mingw32)
	command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "vo-aacenc: x86_64-w64-mingw32-gcc is missing (make deps installs gcc-mingw-w64-x86-64)" >&2; exit 1; }
	;;
darwin)
	[ "$(uname -s)" = Darwin ] || { echo "vo-aacenc: the darwin library is built on a Mac" >&2; exit 1; }
	machine=$(uname -m | sed 's/^arm64$/aarch64/')-apple-darwin
	hostflags=(--build="$machine" --host="$machine")
	;;
host) hostflags=() ;;
*) echo "vo-aacenc: unknown target $target (windows-amd64, darwin or host)" >&2; exit 1 ;;
esac

rm -rf "$work" "$prefix"
mkdir -p "$work"
tar -xzf "$third/$tarball" -C "$work"
cd "$work/vo-aacenc-$version"
echo "vo-aacenc: building $version for $target into $prefix"
./configure -q "${hostflags[@]}" --enable-static --disable-shared --disable-example --with-pic --prefix="$prefix" >"$work/configure.log" 2>&1 ||
	{ tail -n 30 "$work/configure.log" >&2; exit 1; }
jobs=$( (command -v nproc >/dev/null && nproc) || sysctl -n hw.ncpu 2>/dev/null || echo 2)
make -s -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log" >&2; exit 1; }
make -s install >>"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log" >&2; exit 1; }
# A relocatable pkg-config file, and no libtool archive (nothing reads it).
sed -i.orig 's|^prefix=.*|prefix=${pcfiledir}/../..|' "$prefix/lib/pkgconfig/vo-aacenc.pc"
rm -f "$prefix/lib/pkgconfig/vo-aacenc.pc.orig" "$prefix/lib/libvo-aacenc.la"
cp NOTICE COPYING "$prefix/"
cd "$third" && rm -rf "$work"
echo "vo-aacenc: $prefix/lib/libvo-aacenc.a"
