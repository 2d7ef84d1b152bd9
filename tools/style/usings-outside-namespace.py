#!/usr/bin/env python3
"""Moves the using directives that follow a file-scoped namespace above it (IDE0065, outside_namespace).

`dotnet format style --diagnostics IDE0065` does the same but leaves a blank first line and glues the namespace
to the type below it; this keeps the layout: usings, blank line, namespace, blank line, code. Idempotent; run
from anywhere: tools/style/usings-outside-namespace.py
"""
import pathlib
import re
import subprocess

root = pathlib.Path(__file__).resolve().parents[2]
files = subprocess.run(["git", "ls-files", "*.cs"], cwd=root, check=True, capture_output=True, text=True).stdout.split()
namespace = re.compile(r"^namespace [\w.]+;\s*$")
changed = 0
for name in files:
    path = root / name
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if namespace.match(line)), None)
    if at is None:
        continue
    i = at + 1
    moved = []
    while i < len(lines) and (lines[i].strip() == "" or lines[i].startswith("using ")):
        if lines[i].strip():
            moved.append(lines[i])
        i += 1
    if not moved:
        continue
    header = lines[:at]
    while header and header[-1].strip() == "":
        header.pop()
    out = header + moved + ["", lines[at], ""] + lines[i:]
    path.write_text("\n".join(out), encoding="utf-8")
    changed += 1
print(f"moved the using directives of {changed} files above their namespace")
