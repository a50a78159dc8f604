#!/usr/bin/env bash
# Build a static aws-lc (libcrypto only) once and cache it outside the repository.
#
#   bash tools/build_awslc.sh [SOURCE]      prints the install prefix on stdout
#
# SOURCE is optional:
#   (none)            download the awscrt 0.38.1 source distribution from PyPI with
#                     pip, check its SHA-256 against the pin below and build the
#                     aws-lc 5.12.0 it carries (crt/aws-lc, Apache-2.0 OR ISC);
#   a .tar.gz path    an aws-lc release tarball (aws-lc-X.Y.Z.tar.gz) or an awscrt
#                     sdist obtained elsewhere: checked against AWSLC_SHA256 when set;
#   a directory       an aws-lc source tree.
#
# The result is a prefix holding include/openssl/*.h and lib*/libcrypto.a, built
# position-independent (it is linked into turbojwt's extension module) with
# neither Go nor Perl (aws-lc then uses its pre-generated sources) and without
# tests, libssl or the bssl tool. It lives in
#   ${TURBOJWT_AWSLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/turbojwt}/aws-lc-<version>-<sha12>
# and a later call with the same source only prints that path (no rebuild).
# Build parallelism: TURBOJWT_AWSLC_JOBS (default 2). Logs go to stderr.
set -euo pipefail

AWSCRT_VERSION=0.38.1
AWSCRT_SHA256=0dcebfaa70cf079133cd2352119e3d05e9b8ca1d1621736cfb54c03f3d5fef0f
PYTHON=${PYTHON:-python3}
JOBS=${TURBOJWT_AWSLC_JOBS:-2}
CACHE=${TURBOJWT_AWSLC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/turbojwt}

log() { echo "build_awslc: $*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

src=${1:-}
if [ -z "$src" ]; then
    tarball="$CACHE/awscrt-$AWSCRT_VERSION.tar.gz"
    if [ ! -f "$tarball" ]; then
        log "downloading awscrt $AWSCRT_VERSION (source distribution) with pip"
        "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: \
            "awscrt==$AWSCRT_VERSION" -d "$work/dl" >&2
        mv "$work/dl/awscrt-$AWSCRT_VERSION.tar.gz" "$tarball"
    fi
    src=$tarball
    want_sha=$AWSCRT_SHA256
else
    want_sha=${AWSLC_SHA256:-}
fi

if [ -f "$src" ]; then
    sha=$(sha256sum "$src" | cut -d' ' -f1)
    if [ -n "$want_sha" ] && [ "$sha" != "$want_sha" ]; then
        rm -f "$CACHE/awscrt-$AWSCRT_VERSION.tar.gz"
        die "$src: SHA-256 $sha, expected $want_sha"
    fi
    [ -n "$want_sha" ] || log "warning: $src is not checked against a pinned SHA-256 (set AWSLC_SHA256)"
else
    [ -d "$src" ] || die "$src: no such file or directory"
    sha=$(cd "$src" && find . -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' -o -name CMakeLists.txt \) \
          -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
fi

# A build of these exact sources is cached: done, without reading the version from the tarball.
for done in "$CACHE"/aws-lc-*-"${sha:0:12}"/.complete; do
    if [ -f "$done" ]; then
        log "cached: ${done%/.complete}"
        echo "${done%/.complete}"
        exit 0
    fi
done

# Find the version without unpacking twice: unpack once into $work.
unpack() {
    if [ -d "$src" ]; then
        echo "$src"
        return
    fi
    mkdir -p "$work/src"
    # an awscrt sdist carries aws-lc under awscrt-X/crt/aws-lc; a release tarball is aws-lc-X.Y.Z/
    local inner
    inner=$(tar tzf "$src" | grep -m1 -E '^[^/]+/(crt/aws-lc/)?include/openssl/base\.h$' || true)
    [ -n "$inner" ] || die "$src holds no aws-lc source tree"
    inner=${inner%include/openssl/base.h}
    tar xzf "$src" -C "$work/src" "$inner" >&2
    echo "$work/src/$inner"
}

# The cache key needs the version, which is in the sources: look it up from the tarball listing first.
if [ -f "$src" ]; then
    base_h=$(tar tzf "$src" | grep -m1 -E '^[^/]+/(crt/aws-lc/)?include/openssl/base\.h$' || true)
    [ -n "$base_h" ] || die "$src holds no aws-lc source tree"
    version=$(tar xzOf "$src" "$base_h" | sed -n 's/^#define AWSLC_VERSION_NUMBER_STRING "\(.*\)"/\1/p')
else
    version=$(sed -n 's/^#define AWSLC_VERSION_NUMBER_STRING "\(.*\)"/\1/p' "$src/include/openssl/base.h")
fi
[ -n "$version" ] || die "cannot read AWSLC_VERSION_NUMBER_STRING from $src"
prefix="$CACHE/aws-lc-$version-${sha:0:12}"

if [ -f "$prefix/.complete" ]; then
    log "cached: $prefix"
    echo "$prefix"
    exit 0
fi

command -v cmake >/dev/null || die "cmake is not installed (apt-get install cmake, or pip install cmake)"
tree=$(unpack)
log "building aws-lc $version from $src with -j$JOBS (a few minutes)"
start=$SECONDS
cmake -S "$tree" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$work/prefix" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
    -DBUILD_TESTING=OFF -DBUILD_LIBSSL=OFF -DBUILD_TOOL=OFF \
    -DDISABLE_GO=ON -DDISABLE_PERL=ON -DENABLE_SOURCE_MODIFICATION=OFF >&2
cmake --build "$work/build" -j "$JOBS" >&2
cmake --install "$work/build" >&2
[ -f "$work/prefix/lib/libcrypto.a" ] || die "the build left no lib/libcrypto.a in $work/prefix"
echo "aws-lc $version from $(basename "$src") sha256 $sha" >"$work/prefix/SOURCE"
rm -rf "$prefix"
mv "$work/prefix" "$prefix"
touch "$prefix/.complete"
log "built in $((SECONDS - start)) s: $prefix"
echo "$prefix"
