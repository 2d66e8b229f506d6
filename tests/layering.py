#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the library's layering (docs/architecture.md).

Each source under lib/<layer>/ may include internal headers only of its own
layer or of a layer below it, and public headers only from lib/include/cramp/;
public headers include only public headers; no two files (and no two layers)
include each other, directly or through a chain. Intrinsics headers
(immintrin.h, emmintrin.h, ...) and __attribute__((target(...))) appear only
in files under an x86/ folder, which lib/CMakeLists.txt compiles with their
own flags and core/simd.c chooses at run time. Exits 1 naming each breach.
Usage: layering.py LIB_DIR
"""
import os
import re
import sys

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "lib"))
