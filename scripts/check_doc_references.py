#!/usr/bin/env python3
"""Checks that the documentation references in the repository lead somewhere.

(a) Every section reference such as `protocol.md §12.8` (also `files.md §4.2–§4.3`,
    `protocol.md §4, §10`, `protocol.md §12.4–12.6`) in code comments, READMEs, scripts and
    the docs themselves must name a section that exists: docs/<file>.md needs a heading whose
    number is exactly the one cited (`### 12.8 ...`, `## 12. ...`).
(b) Every relative markdown link `[text](path)` in the READMEs and in docs/ must lead to an
    existing file or folder (http(s):, mailto: and pure #anchors are not checked).

Run from anywhere; paths are relative to the repository root. Exits 1 and lists the problems
when anything does not resolve.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DOC_FILES = ("protocol", "files", "auth", "http")
SCAN_ROOTS = ("src", "tests", "testing", "bench", "fuzz", "docs", "README.md")
SCAN_EXTENSIONS = (".cs", ".md", ".js", ".sh")
SKIP_DIRS = {"bin", "obj", "node_modules", ".git"}

NUMBER = r"\d+(?:\.\d+)*"
# The first number, then further ones: ", §N" (a list) or "–N" / "–§N" (a range).
REFERENCE = re.compile(
    r"\b(" + "|".join(DOC_FILES) + r")\.md §(" + NUMBER + r")"
    r"((?:\s*,\s*§" + NUMBER + r"|\s*(?:–|-|—)\s*§?" + NUMBER + r")*)")
FOLLOWING = re.compile(r"§?(" + NUMBER + r")")

HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?(?:\s|$)")

LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`+[^`\n]*`+")


def files_under(*roots, extensions):
    for root in roots:
        path = os.path.join(ROOT, root)
        if os.path.isfile(path):
            if path.endswith(extensions):
                yield path
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in sorted(names):
                if name.endswith(extensions):
                    yield os.path.join(folder, name)


def relative(path):
    return os.path.relpath(path, ROOT)


def read_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def section_numbers(doc):
    """The numbers of the headings of docs/<doc>.md, or None when the file is missing."""
    path = os.path.join(ROOT, "docs", doc + ".md")
    if not os.path.isfile(path):
        return None
    numbers = set()
    in_fence = False
    for line in read_lines(path):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else HEADING.match(line)
        if match:
            numbers.add(match.group(1))
    return numbers


def check_references():
    sections = {doc: section_numbers(doc) for doc in DOC_FILES}
    found, problems = [], []
    for path in files_under(*SCAN_ROOTS, extensions=SCAN_EXTENSIONS):
        for number, line in enumerate(read_lines(path), 1):
            for match in REFERENCE.finditer(line):
                doc = match.group(1)
                cited = [match.group(2)] + FOLLOWING.findall(match.group(3))
                for section in cited:
                    where = f"{relative(path)}:{number}: {doc}.md §{section}"
                    found.append((doc, section))
                    if sections[doc] is None:
                        problems.append(f"{where} (docs/{doc}.md does not exist)")
                    elif section not in sections[doc]:
                        problems.append(f"{where} (no heading numbered {section} in docs/{doc}.md)")
    return found, problems


def markdown_files():
    yield os.path.join(ROOT, "README.md")
    yield from files_under("docs", extensions=(".md",))
    for root in ("src", "bench"):
        for path in files_under(root, extensions=(".md",)):
            if os.path.basename(path) == "README.md":
                yield path
    yield os.path.join(ROOT, "fuzz", "README.md")


def check_links():
    checked, problems = 0, []
    for path in markdown_files():
        if not os.path.isfile(path):
            continue
        in_fence = False
        for number, line in enumerate(read_lines(path), 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for match in LINK.finditer(INLINE_CODE.sub("", line)):
                target = match.group(1)
                if re.match(r"^(https?:|mailto:|#)", target, re.IGNORECASE):
                    continue
                checked += 1
                file_part = target.split("#", 1)[0].split("?", 1)[0]
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
                if not os.path.exists(resolved):
                    problems.append(f"{relative(path)}:{number}: link to {target} leads nowhere")
    return checked, problems


def main():
    references, reference_problems = check_references()
    links, link_problems = check_links()
    for problem in reference_problems + link_problems:
        print(problem, file=sys.stderr)
    if reference_problems or link_problems:
        print(f"check-doc-references: {len(reference_problems)} section reference(s) and "
              f"{len(link_problems)} link(s) do not resolve", file=sys.stderr)
        return 1
    distinct = len(set(references))
    print(f"check-doc-references: {len(references)} section references ({distinct} distinct sections) "
          f"and {links} relative links resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
