#!/usr/bin/env python3
"""tools/check_paths.py - every repository path a comment or doc cites must exist.

    tools/check_paths.py          (make test runs it as test lint/paths)

Reads every tracked text file (C, C++, headers, assembly, linker
scripts, Python, shell, Markdown, gdb scripts, makefiles, .conf) and
finds the tokens that look like a path in this repository, DIR/FILE.EXT
or DIR/SUB/FILE.EXT, in comments, docstrings, strings and prose alike.
Each must name a file or directory that exists, from the repository root
or from the citing file's own directory.  Left alone: build products
(build/...), paths outside the repository (starting with ../ or /), URLs,
and placeholders (a component in capitals such as NAME or X, or any of
* ? $ % < > { } [ ] ...), which stand for many files or none.

Prints FILE:LINE: cites PATH, which does not exist, for each, and exits
1 if there was any.  Host tools only: Python 3's standard library and git.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTENSIONS = (".c", ".h", ".cc", ".asm", ".ld", ".py", ".sh", ".md", ".gdb", ".mk", ".conf")
NAMES = ("Makefile",)

# DIR/FILE.EXT: one or more directory components (none ending in a dot:
# "e.g./i.e." is no path), then a file name with an extension that starts
# with a letter (so 2.22^(1/8) or 1/2.5 is no path either).
# It must not continue a longer token to its left: "/usr/x/y.h" is absolute,
# "$(B)/x/y.o" a placeholder, "https://host/x/y.c" a URL.
PATH_RE = re.compile(r"(?<![\w./\-$)}>*%:~@\\])"
                     r"((?:\.\.?/)*(?:[\w.\-]*[\w\-]/)+[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]\w*)")
# A path followed by one of these is a pattern: dir/file.c*, dir/x.$(EXT).
PLACEHOLDER_NEXT = set("*?$%<>{}[]")


def tracked_files():
    """The repository's text files to read, relative to ROOT: git's list if
    this is a checkout, else every file outside build/ and .git/."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True,
                             check=True).stdout.decode("utf-8", "replace")
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, subdirs, names in os.walk(ROOT):
            subdirs[:] = [s for s in subdirs if s not in (".git", "build")]
            files += [os.path.relpath(os.path.join(d, n), ROOT) for n in names]
    return sorted(f for f in files
                  if f.endswith(EXTENSIONS) or os.path.basename(f) in NAMES)


def ignored(path, line, start, end):
    """Is PATH, found at LINE[START:END], one this check leaves alone: a
    build product, a path outside the repository, part of a URL, or a
    placeholder (a component in capitals, NAME or X; "..."; <...>; or a
    pattern such as dir/file.c* or dir/x.$(EXT) going on after it)?"""
    word = re.split(r"\s", line[:start])[-1] + path      # the word it is in, up to its end
    if path.startswith(("build/", "../", "./build/")) or "..." in path:
        return True
    if "://" in word or word.startswith(("www.", "http")):
        return True
    if (line[start - 1:start] == "<" or line[end:end + 1] in PLACEHOLDER_NEXT
            or line[end:end + 2] == ".."):
        return True
    return any(p.isupper() and p.isalpha() for p in re.split(r"[/._\-]", path))


def exists(path, citer):
    """Does PATH, cited in file CITER, name something in the repository?"""
    here = os.path.dirname(os.path.join(ROOT, citer))
    return any(os.path.exists(os.path.normpath(os.path.join(base, path)))
               for base in (ROOT, here))


def check(citer):
    """The (line number, path) of every path file CITER cites that does not exist."""
    try:
        with open(os.path.join(ROOT, citer), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except OSError:
        return []
    bad = []
    for n, line in enumerate(lines, 1):
        for m in PATH_RE.finditer(line):
            path = m.group(1)
            if not ignored(path, line, m.start(1), m.end(1)) and not exists(path, citer):
                bad.append((n, path))
    return bad


def main():
    found = 0
    for citer in tracked_files():
        for n, path in check(citer):
            print("%s:%d: cites %s, which does not exist" % (citer, n, path))
            found += 1
    if found:
        print("check_paths: %d citation%s of missing paths" % (found, "" if found == 1 else "s"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
