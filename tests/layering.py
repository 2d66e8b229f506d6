#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the library's layering (docs/architecture.md).

Each source under lib/<layer>/ may include internal headers only of its own
layer or of a layer below it, and public headers only from lib/include/cramp/;
public headers include only public headers; no two files (and no two layers)
include each other, directly or through a chain. Intrinsics headers
(immintrin.h, emmintrin.h, ...) and __attribute__((target(...))) appear only
in files under an x86/ folder, which lib/CMakeLists.txt compiles with their
own flags and core/simd.c chooses at run time.

With API_TESTS_DIR (tests/api), also checks that the tests of the public API
use it only: each of their files includes only public headers ("cramp/*.h"
that exist in LIB_DIR/include), the test utilities (tests/testutil.h and
headers beside the tests), the C library and POSIX headers, and the oracle
libraries named in ORACLES; and names no cramp__ internal. Before that, the
check is run on planted breaches in a temporary folder and must find each.
Exits 1 naming each breach.
Usage: layering.py LIB_DIR [API_TESTS_DIR]
"""
import os
import re
import sys
import tempfile

# Allowed dependencies, from docs/architecture.md: layer -> layers it may use.
BELOW = {
    "core": set(),
    "io": {"core"},
    "dsp": {"core"},
    "detect": {"dsp", "io", "core"},
    "synth": {"core"},
    "score": {"core"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# x86 intrinsics headers (mmintrin.h MMX ... immintrin.h, x86intrin.h) and
# function-level target attributes: only in an x86/ folder.
INTRINSICS = re.compile(r'^\s*#\s*include\s*<((?:[a-z0-9]*mmintrin|x86intrin|[a-z0-9]*intrin)\.h)>', re.M)
TARGET_ATTR = re.compile(r'__attribute__\s*\(\(\s*(?:__)?target(?:__)?\s*\(')
# Files that still hold intrinsics outside x86/ while a change moves them
# (empty since issue 11 item 1 was finished); each listed file must still hold
# them, so the list cannot go stale.
PENDING_INTRINSICS = set()


def main(lib):
    errors = []
    files = {}
    for root, _, names in os.walk(lib):
        for n in names:
            if n.endswith((".c", ".h", ".inc")):
                p = os.path.relpath(os.path.join(root, n), lib)
                with open(os.path.join(root, n), encoding="utf-8") as f:
                    text = f.read()
                files[p] = INCLUDE.findall(text)
                if "x86" in p.split("/")[:-1]:
                    continue
                found = [f"<{h}>" for h in INTRINSICS.findall(text)]
                if TARGET_ATTR.search(text):
                    found.append("__attribute__((target(...)))")
                if p in PENDING_INTRINSICS:
                    if not found:
                        errors.append(f"{p}: no intrinsics left: take it off PENDING_INTRINSICS")
                    continue
                for what in found:
                    errors.append(f"{p}: {what} outside an x86/ folder (intrinsics go into "
                                  "x86/ files with their own flags, chosen through core/simd.c)")
    graph = {}
    for p, incs in sorted(files.items()):
        top = p.split("/")[0]
        public = p.startswith("include/")
        if not public and top not in BELOW:
            errors.append(f"{p}: in no known layer (add it to docs/architecture.md and this check)")
            continue
        for inc in incs:
            if inc.startswith("cramp/"):
                target = "include/" + inc
            else:
                target = inc
                layer = inc.split("/")[0]
                if public:
                    errors.append(f"{p}: public header includes internal '{inc}'")
                elif "/" not in inc:
                    errors.append(f"{p}: includes '{inc}' without its layer path")
                elif layer != top and layer not in BELOW[top]:
                    errors.append(f"{p}: layer '{top}' includes '{inc}' of layer '{layer}' above or beside it")
            if target not in files:
                errors.append(f"{p}: includes '{inc}', which is not in the library")
                continue
            graph.setdefault(p, set()).add(target)
    # File-level circles (a header and its source are one unit: foo.h <- foo.c
    # is not a circle, foo.c <-> bar.c through their headers is).
    unit = lambda p: re.sub(r"\.(c|h|inc)$", "", p).replace("include/cramp/", "")
    ugraph = {}
    for p, ts in graph.items():
        for t in ts:
            if unit(t) != unit(p):
                ugraph.setdefault(unit(p), set()).add(unit(t))
    state = {}

    def visit(u, stack):
        state[u] = 1
        for v in sorted(ugraph.get(u, ())):
            if state.get(v) == 1:
                errors.append("include circle: " + " -> ".join(stack[stack.index(v):] + [v]))
            elif v not in state:
                visit(v, stack + [v])
        state[u] = 2

    for u in sorted(ugraph):
        if u not in state:
            visit(u, [u])
    for e in errors:
        print("layering:", e)
    print(f"layering: {len(files)} files checked, {len(errors)} breaches")
    return 1 if errors else 0


# What a test of the public API may include besides "cramp/*.h": the C17
# standard library, the POSIX headers the tests use (and any <sys/*.h>), and
# the independent libraries some tests compare with.
C_LIBRARY = {
    "assert.h", "complex.h", "ctype.h", "errno.h", "fenv.h", "float.h", "inttypes.h",
    "iso646.h", "limits.h", "locale.h", "math.h", "setjmp.h", "signal.h", "stdalign.h",
    "stdarg.h", "stdatomic.h", "stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h",
    "stdnoreturn.h", "string.h", "tgmath.h", "threads.h", "time.h", "uchar.h", "wchar.h",
    "wctype.h",
}
POSIX = {
    "dirent.h", "fcntl.h", "fnmatch.h", "glob.h", "libgen.h", "poll.h", "pthread.h",
    "sched.h", "semaphore.h", "spawn.h", "strings.h", "termios.h", "unistd.h",
}
ORACLES = {"sndfile.h": "libsndfile (tests/api/wav*.c)", "edflib.h": "EDFlib (tests/api/edf*.c)"}
TEST_UTILITIES = {"testutil.h"}
ANY_INCLUDE = re.compile(r'^\s*#\s*include\s*(.*?)\s*(?://.*|/\*.*)?$', re.M)
INTERNAL_NAME = re.compile(r'\bcramp__\w+')


def check_api_tests(api, lib):
    """Breaches of "public headers only" in the tests under api, one string each."""
    public = set(os.listdir(os.path.join(lib, "include", "cramp")))
    errors = []
    for root, _, names in os.walk(api):
        beside = {n for n in names if n.endswith(".h")}
        for n in sorted(names):
            if not n.endswith((".c", ".h")):
                continue
            path = os.path.join(root, n)
            rel = os.path.relpath(path, os.path.dirname(os.path.abspath(api)))
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for spec in ANY_INCLUDE.findall(text):
                m = re.fullmatch(r'"([^"]+)"|<([^>]+)>', spec)
                if not m:
                    errors.append(f"{rel}: #include {spec}: not a plain header name")
                    continue
                quoted, angled = m.group(1), m.group(2)
                name = quoted or angled
                if name.startswith("cramp/") and name[len("cramp/"):] in public \
                        and "/" not in name[len("cramp/"):]:
                    continue
                if quoted and (name in TEST_UTILITIES or name in beside):
                    continue
                if angled and (name in C_LIBRARY or name in POSIX or name in ORACLES
                               or re.fullmatch(r"sys/[a-z0-9_]+\.h", name)):
                    continue
                errors.append(f"{rel}: includes {spec}, not a public header (cramp/*.h), "
                              "a test utility or the C library: a test that needs internals "
                              "goes into tests/unit/<layer>/")
            for name in sorted(set(INTERNAL_NAME.findall(text))):
                errors.append(f"{rel}: names the internal '{name}': a test that needs internals "
                              "goes into tests/unit/<layer>/")
    return errors


# Planted breaches the check must find (each file: the text, how many breaches).
PLANTED = {
    "clean.c": ('#include <math.h>\n#include <sys/stat.h>\n#include <sndfile.h>\n'
                '#include "cramp/cramp.h"\n#include "testutil.h"\n#include "beside.h"\n', 0),
    "beside.h": ('#include "cramp/recording.h"\n', 0),
    "internal.c": ('#include "io/edf_internal.h"\n#include "cramp/cramp.h"\n', 1),
    "angled.c": ('#include <detect/detect_internal.h>\n', 1),
    "relative.c": ('#include "../../lib/dsp/internal.h"\n#include "cramp/../dsp/internal.h"\n', 2),
    "unknown.c": ('#include "cramp/no_such_header.h"\n#include <gsl/gsl_math.h>\n', 2),
    "by_hand.c": ('#include "cramp/cramp.h"\nint cramp__edf_probe(const char *path);\n', 1),
    "macro.c": ('#define H "io/recording_internal.h"\n#include H\n', 1),
}


def self_test(lib):
    """Runs check_api_tests on PLANTED; returns the ways it failed to see them."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        api = os.path.join(tmp, "api")
        os.mkdir(api)
        for name, (text, _) in PLANTED.items():
            with open(os.path.join(api, name), "w", encoding="utf-8") as f:
                f.write(text)
        found = check_api_tests(api, lib)
    for name, (_, want) in PLANTED.items():
        got = [e for e in found if e.startswith(f"api/{name}:")]
        if len(got) != want:
            problems.append(f"self-test: planted {name}: {len(got)} breaches found, {want} planted"
                            + "".join(f"\n  {e}" for e in got))
    return problems


def main_api(api, lib):
    errors = self_test(lib)
    if not errors:
        errors = check_api_tests(api, lib)
    for e in errors:
        print("layering: api tests:", e)
    n = sum(1 for _, _, names in os.walk(api) for x in names if x.endswith((".c", ".h")))
    print(f"layering: {n} api test files checked (after {len(PLANTED)} planted cases), "
          f"{len(errors)} breaches")
    return 1 if errors else 0


if __name__ == "__main__":
    lib_dir = sys.argv[1] if len(sys.argv) > 1 else "lib"
    status = main(lib_dir)
    if len(sys.argv) > 2:
        status |= main_api(sys.argv[2], lib_dir)
    sys.exit(status)
