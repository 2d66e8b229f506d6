#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The export surface of a shared libcramp.

    tests/package/exports.py INCLUDE_DIR LIBCRAMP_SO [NM]

Reads every header in INCLUDE_DIR/cramp, collects its file-scope function
declarations and checks that
  1. each one carries CRAMP_API (cramp/export.h), so -fvisibility=hidden keeps
     it exported;
  2. `nm -D --defined-only LIBCRAMP_SO` lists only names that start with
     cramp_ (never cramp__, the internals) and that a public header declares;
  3. every declared function is exported (a declaration without a definition,
     or one the library hides, is a broken promise to consumers).
Symbols the toolchain itself puts in every shared object (_init, _fini, and a
sanitizer build's __asan_* / __ubsan_* / __odr_asan* helpers) are ignored.
Exits 0 when all hold, 1 (listing each violation) otherwise.
"""
import pathlib
import re
import subprocess
import sys

TOOLCHAIN = re.compile(r"^(_init|_fini|_edata|_end|__bss_start|__(asan|ubsan|odr_asan|tsan|sancov)[\w.]*|"
                       r"___asan\w*)$")


def strip(text):
    """The header without comments, string literals and preprocessor lines."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    text = re.sub(r"\\\n", " ", text)
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("#"))


def statements(text):
    """File-scope statements: text up to each ';' or '{...}' at brace depth 0,
    with the contents of braces dropped (struct and enum bodies)."""
    out, cur, depth = [], [], 0
    for ch in text:
        if ch == "{":
            depth += 1
            if depth == 1:
                cur.append("{}")
            continue
        if ch == "}":
            depth -= 1
            continue
        if depth > 0:
            continue
        if ch == ";":
            out.append(" ".join("".join(cur).split()))
            cur = []
        else:
            cur.append(ch)
    return out


def declarations(include_dir):
    """{name: (header, has CRAMP_API)} for every function declared at file scope."""
    found = {}
    for header in sorted(pathlib.Path(include_dir, "cramp").glob("*.h")):
        text = strip(header.read_text(encoding="utf-8"))
        # extern "C" { ... } wraps whole headers: its body is file scope.
        for st in statements(unwrap(text)):
            if st.startswith("typedef") or re.search(r"\bstatic\b", st):
                continue
            m = re.search(r"\b([A-Za-z_]\w*)\s*\(", st)
            if not m or "{}" in st[: m.start()]:
                continue
            found[m.group(1)] = (header.name, "CRAMP_API" in st.split())
    return found


def unwrap(text):
    """Drops the braces of extern "C" blocks (their bodies are file scope)."""
    out, depth_stack, i = [], [], 0
    pat = re.compile(r'extern\s*""\s*\{')
    while i < len(text):
        m = pat.match(text, i)
        if m:
            depth_stack.append(0)
            i = m.end()
            continue
        ch = text[i]
        if depth_stack:
            if ch == "{":
                depth_stack[-1] += 1
            elif ch == "}":
                if depth_stack[-1] == 0:
                    depth_stack.pop()
                    i += 1
                    continue
                depth_stack[-1] -= 1
        out.append(ch)
        i += 1
    return "".join(out)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    include_dir, lib = argv[1], argv[2]
    nm = argv[3] if len(argv) == 4 else "nm"
    decl = declarations(include_dir)
    if not decl:
        print(f"exports: no function declarations found in {include_dir}/cramp")
        return 1
    res = subprocess.run([nm, "-D", "--defined-only", lib], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(f"exports: {nm} -D --defined-only {lib} failed: {res.stderr.strip()}")
        return 1
    exported = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not TOOLCHAIN.match(parts[-1]):
            exported.add(parts[-1].split("@")[0])

    problems = []
    for name, (header, has_api) in sorted(decl.items()):
        if not has_api:
            problems.append(f"{header}: {name} is declared without CRAMP_API")
    for name in sorted(exported):
        if name.startswith("cramp__"):
            problems.append(f"{lib}: exports the internal {name}")
        elif not name.startswith("cramp_"):
            problems.append(f"{lib}: exports {name}, which is not a cramp_ name")
        elif name not in decl:
            problems.append(f"{lib}: exports {name}, which no public header declares")
    for name, (header, _) in sorted(decl.items()):
        if name not in exported:
            problems.append(f"{header}: {name} is declared but {lib} does not export it")
    for p in problems:
        print(p)
    print(f"exports: {len(decl)} public functions declared, {len(exported)} symbols exported, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
