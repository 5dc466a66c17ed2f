#!/usr/bin/env python3
"""Checks that every test named in docs/SECURITY-REPORT.md (`Namespace.Class.Method`) exists in tests/: a method
marked [Fact] or [Theory] (or an attribute deriving from them, named ...Fact or ...Theory) in that class or in a class it derives from. Exit 1 and a list of missing names otherwise."""
import os
import re
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
methods, bases = {}, {}
for folder, _, files in os.walk(os.path.join(root, "tests")):
    if "/bin" in folder or "/obj" in folder:
        continue
    for name in files:
        if not name.endswith(".cs"):
            continue
        namespace, current, pending = "", None, False
        for line in open(os.path.join(folder, name), encoding="utf-8"):
            if m := re.match(r"namespace ([\w.]+)", line):
                namespace = m.group(1)
            if m := re.search(r"\bclass (\w+)(?:\([^)]*\))?(?:\s*:\s*(\w+))?", line):
                if not line.strip().startswith("//"):
                    current = f"{namespace}.{m.group(1)}"
                    if m.group(2):
                        bases[current] = f"{namespace}.{m.group(2)}"
            if re.search(r"\[(\w*Fact|\w*Theory)\b", line):
                pending = True
            if pending and (m := re.search(r"public (?:async )?(?:Task|void) (\w+)\(", line)):
                methods.setdefault(current, set()).add(m.group(1))
                pending = False


def exists(full):
    cls, method = full.rsplit(".", 1)
    while cls:
        if method in methods.get(cls, ()):
            return True
        cls = bases.get(cls)
    return False


report = open(os.path.join(root, "docs", "SECURITY-REPORT.md"), encoding="utf-8").read()
named = sorted(set(re.findall(r"`(SecureDrop\.Net\.[\w.]+Tests\.[\w.]+)`", report)))
missing = [n for n in named if not exists(n)]
print(f"{len(named)} tests named in docs/SECURITY-REPORT.md, {len(missing)} missing")
for n in missing:
    print(f"  missing: {n}")
sys.exit(1 if missing else 0)
