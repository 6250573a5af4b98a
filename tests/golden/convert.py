#!/usr/bin/env python3
"""Copies the framework golden curves into tests/golden/ in a compact, lossless form.

Usage (from the repository root, with the shared golden folder beside it):

    python3 tests/golden/convert.py [../shared/golden]

For every dialect folder it copies `manifest.json` and each `<case>.error.txt` verbatim, and
turns each `<case>.csv` (header `iteration,lr`, row i = iteration i) into `<case>.runs`: one
line `first_iteration,count,lr_text` per run of identical consecutive lr texts. The lr text is
kept exactly as the framework printed it (Python repr).

tests/golden_curves.rs expands each `.runs` file back into the CSV text and checks its sha256
against the manifest, so a conversion bug cannot go unnoticed. This script is not run by CI:
run it again only when the shared golden files change.
"""

import hashlib
import pathlib
import shutil
import sys

HEADER = "iteration,lr\n"


def expand(runs_text):
    """The CSV text a .runs file stands for (the same rule as the Rust test helper)."""
    out = [HEADER]
    for line in runs_text.splitlines():
        first, count, lr = line.split(",", 2)
        for i in range(int(first), int(first) + int(count)):
            out.append(f"{i},{lr}\n")
    return "".join(out)


def compact(csv_text, source):
    if not csv_text.startswith(HEADER):
        sys.exit(f"{source}: expected the header {HEADER!r}")
    runs = []  # [first, count, lr]
    for index, line in enumerate(csv_text[len(HEADER):].splitlines()):
        iteration, lr = line.split(",")
        if int(iteration) != index:
            sys.exit(f"{source}: row {index} is iteration {iteration}")
        if runs and runs[-1][2] == lr:
            runs[-1][1] += 1
        else:
            runs.append([index, 1, lr])
    text = "".join(f"{first},{count},{lr}\n" for first, count, lr in runs)
    if expand(text) != csv_text:
        sys.exit(f"{source}: the compact form does not expand back to the same text")
    return text


def main():
    source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/golden")
    target = pathlib.Path(__file__).resolve().parent
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        out = target / folder.name
        out.mkdir(exist_ok=True)
        shutil.copyfile(folder / "manifest.json", out / "manifest.json")
        for path in sorted(folder.iterdir()):
            if path.name.endswith(".error.txt"):
                shutil.copyfile(path, out / path.name)
            elif path.suffix == ".csv":
                text = path.read_text()
                runs = compact(text, path)
                digest = hashlib.sha256(text.encode()).hexdigest()
                (out / (path.stem + ".runs")).write_text(runs)
                print(f"{folder.name}/{path.stem}: {len(text)} -> {len(runs)} bytes, sha256 {digest[:12]}")


if __name__ == "__main__":
    main()
