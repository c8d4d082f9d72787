"""Find doc-comment maths that Markdown mangles before KaTeX sees it.

Usage: python3 scripts/doc-maths.py [--fix] [PATH...]   (default: crates/)

rustdoc runs Markdown first, and Markdown drops the backslash before ASCII
punctuation: `$a\\,b$` reaches KaTeX as `a,b` (a comma instead of a thin
space), `\\{x\\}` as `{x}` (a group, no braces), `\\%` as `%` (a comment that
swallows the rest of the formula). This lists every `$...$` in a `///` or
`//!` comment with such an escape; `--fix` doubles the backslash (`\\\\,`),
which Markdown turns back into the one KaTeX needs. `\\[`, `\\]`, `\\_` and
`\\*` are left alone: there the escape is meant for Markdown (literal
brackets, no emphasis). Exit status 1 when something is found (and not fixed).
See docs/katex/README.md.
"""
import pathlib
import re
import sys

# Backslash + punctuation that KaTeX needs, not preceded by another backslash.
MANGLED = re.compile(r"(?<!\\)\\([,;:!{}%#|>])")
DOC = re.compile(r"^(\s*//[!/])(.*)$")
MATHS = re.compile(r"\$\$?[^$]+\$\$?")
CODE = re.compile(r"`[^`]*`")


def fix_line(text):
    """The doc text with mangled escapes in its maths doubled, and their count."""
    count = 0
    pieces = []
    last = 0
    code = [m.span() for m in CODE.finditer(text)]
    for span in MATHS.finditer(text):
        if any(a <= span.start() < b for a, b in code):
            continue
        found = len(MANGLED.findall(span.group()))
        if found:
            count += found
            pieces.append(text[last : span.start()])
            pieces.append(MANGLED.sub(r"\\\\\1", span.group()))
            last = span.end()
    pieces.append(text[last:])
    return "".join(pieces), count


def main(arguments):
    fix = "--fix" in arguments
    roots = [pathlib.Path(a) for a in arguments if a != "--fix"] or [pathlib.Path("crates")]
    files = sorted(p for root in roots for p in ([root] if root.is_file() else root.rglob("*.rs")))
    total = 0
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        changed = False
        for number, line in enumerate(lines, 1):
            doc = DOC.match(line.rstrip("\n"))
            if not doc:
                continue
            fixed, count = fix_line(doc.group(2))
            if count:
                total += count
                print(f"{path}:{number}: {doc.group(2).strip()}")
                if fix:
                    lines[number - 1] = doc.group(1) + fixed + line[len(line.rstrip("\n")) :]
                    changed = True
        if changed:
            path.write_text("".join(lines), encoding="utf-8")
    verb = "fixed" if fix else "found"
    print(f"{total} mangled escape(s) {verb} in doc-comment maths", file=sys.stderr)
    return 0 if fix or total == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
