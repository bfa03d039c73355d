#!/usr/bin/env python3
"""Writes every fenced code block of one language in the given Markdown files to its own file, so that
the test suites compile and run what the documentation shows.

    extract_snippets.py LANG OUTDIR FILE.md...

Each ```LANG block must be a whole program (C++: it defines main; Go: it is package main): a block that
is not fails the extraction, so the documentation cannot show code that is never run. Files are named
after the Markdown file and the block's number: README_1.cpp, cpp_2.cpp (Go: README_1/main.go).
"""
import pathlib
import re
import sys

PROGRAM = {"cpp": re.compile(r"\bint\s+main\s*\("), "go": re.compile(r"^package main\b", re.M)}


def blocks(text, lang):
    fence = re.compile(r"^```" + re.escape(lang) + r"[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
    return [m.group(1) for m in fence.finditer(text)]


def main(argv):
    if len(argv) < 4 or argv[1] not in PROGRAM:
        sys.exit(__doc__)
    lang, out = argv[1], pathlib.Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for md in map(pathlib.Path, argv[3:]):
        for i, code in enumerate(blocks(md.read_text(encoding="utf-8"), lang), 1):
            name = f"{md.stem}_{i}"
            if not PROGRAM[lang].search(code):
                sys.exit(f"{md}: ```{lang} block {i} is not a whole program; every such block is compiled and run")
            if lang == "go":
                (out / name).mkdir(exist_ok=True)
                (out / name / "main.go").write_text(code, encoding="utf-8")
            else:
                (out / f"{name}.{lang}").write_text(code, encoding="utf-8")
            count += 1
    if count == 0:
        sys.exit(f"no ```{lang} blocks in {' '.join(argv[3:])}")
    print(f"extract_snippets: {count} {lang} programs in {out}")


if __name__ == "__main__":
    main(sys.argv)
