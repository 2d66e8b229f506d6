#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the project into a temporary prefix, MOVES the installed tree to
# another folder (the package must be relocatable: cramp.pc is relative to its
# own folder, the CMake package to its own files), and builds a consumer
# against the moved files only: with find_package(cramp) + cramp::cramp, and
# with pkg-config. Both the default static library and a shared one are
# checked, the installed cramp command must run from the new place, and the
# shared libcramp.so must export only the public API (tests/package/exports.py).
# Usage: tests/package/install/run.sh SOURCE_DIR WORK_DIR [C_COMPILER]
# With CRAMP_INSTALL_SANITIZE set (e.g. address,undefined: the sanitizer build
# sets it), the library, the tool and both consumers are built with those
# sanitizers, so the moved-prefix consumers run under them too.
set -euo pipefail

SRC=$(cd "${1:?usage: run.sh SOURCE_DIR WORK_DIR [C_COMPILER]}" && pwd)
WORK=${2:?usage: run.sh SOURCE_DIR WORK_DIR [C_COMPILER]}
CC=${3:-${CC:-cc}}
JOBS=$(nproc || echo 2)
SAN=${CRAMP_INSTALL_SANITIZE:-}
san_cmake=()
san_flags=()
if [ -n "$SAN" ]; then
    san_cmake=(-DCRAMP_SANITIZE="$SAN")
    san_flags=(-fsanitize="$SAN" -fno-omit-frame-pointer)
fi

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# The consumer must not see the source tree or the build tree.
unset CPATH C_INCLUDE_PATH LIBRARY_PATH

check() { # check VARIANT CMAKE_ARGS...
    local variant=$1
    shift
    local build=$WORK/$variant/build installed=$WORK/$variant/prefix prefix=$WORK/$variant/moved/to/here
    echo "== $variant: build and install into $installed"
    cmake -S "$SRC" -B "$build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_TESTING=OFF -DCRAMP_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX="$installed" \
        ${san_cmake[@]+"${san_cmake[@]}"} "$@" >"$WORK/$variant.configure.log"
    cmake --build "$build" -j"$JOBS" >"$WORK/$variant.build.log"
    cmake --install "$build" >"$WORK/$variant.install.log"

    echo "== $variant: move $installed to $prefix"
    mkdir -p "$(dirname "$prefix")"
    mv "$installed" "$prefix"
    test ! -e "$installed"
    # No installed text file may name the old place (or the build tree).
    if grep -rlF -e "$installed" -e "$build" "$prefix" --include='*.pc' --include='*.cmake'; then
        echo "FAILED: the files above name $installed or $build" >&2
        exit 1
    fi

    local libdir
    libdir=$(dirname "$(find "$prefix" -name 'cramp.pc' -path '*/pkgconfig/*' | head -1)")
    libdir=$(dirname "$libdir")
    test -f "$prefix/include/cramp/cramp.h"
    test -f "$libdir/cmake/cramp/crampConfig.cmake"

    if [ "$variant" = shared ] && command -v python3 >"$WORK/python3.path"; then
        echo "== $variant: exports of the installed libcramp.so"
        python3 "$SRC/tests/package/exports.py" "$prefix/include" "$libdir/libcramp.so"
    fi

    echo "== $variant: installed cramp --version"
    # A shared libcramp must be found through the tool's RPATH, not the environment.
    env -u LD_LIBRARY_PATH "$prefix/bin/cramp" --version | tee "$WORK/$variant.version"
    grep -Eq '^cramp [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/$variant.version"
    env -u LD_LIBRARY_PATH "$prefix/bin/cramp" filter --quiet --synthetic 2 --notch 50 -o "$WORK/$variant.wav"
    test -s "$WORK/$variant.wav"

    echo "== $variant: consumer with find_package(cramp)"
    cmake -S "$SRC/tests/package/install" -B "$WORK/$variant/consumer-cmake" -DCMAKE_C_COMPILER="$CC" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="${san_flags[*]:-}" \
        -DCMAKE_EXE_LINKER_FLAGS="${san_flags[*]:-}" >"$WORK/$variant.consumer.log"
    cmake --build "$WORK/$variant/consumer-cmake" >>"$WORK/$variant.consumer.log"
    "$WORK/$variant/consumer-cmake/consumer" | tee "$WORK/$variant.cmake.out"
    tail -1 "$WORK/$variant.cmake.out" | grep -qx OK

    echo "== $variant: consumer with pkg-config"
    # cramp.pc names libcramp's dependencies in Requires for a static build
    # (so plain --libs links it, without --static pulling in every static
    # dependency of libsndfile) and in Requires.private for a shared one.
    local pc=(pkg-config)
    export PKG_CONFIG_PATH="$libdir/pkgconfig"
    echo "$CC consumer.c $("${pc[@]}" --cflags --libs cramp)"
    # shellcheck disable=SC2046
    "$CC" -std=c17 ${san_flags[@]+"${san_flags[@]}"} -o "$WORK/$variant/consumer-pc" \
        "$SRC/tests/package/install/consumer.c" $("${pc[@]}" --cflags --libs cramp)
    if [ "$variant" = shared ]; then
        LD_LIBRARY_PATH="$libdir" "$WORK/$variant/consumer-pc" | tee "$WORK/$variant.pc.out"
    else
        "$WORK/$variant/consumer-pc" | tee "$WORK/$variant.pc.out"
    fi
    tail -1 "$WORK/$variant.pc.out" | grep -qx OK
    unset PKG_CONFIG_PATH
}

check static
check shared -DBUILD_SHARED_LIBS=ON
echo "install: 2 passed, 0 failed"
