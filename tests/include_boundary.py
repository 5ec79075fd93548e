#!/usr/bin/env python3
"""The layer description knows nothing of Vulkan: no file under engine/src/graph, engine/src/import
or engine/src/cpu may include, directly or through the project's own headers, a header from
engine/src/vulkan, engine/src/ops or engine/src/runtime, or <vulkan/...>.
  include_boundary.py REPO_ROOT"""
import os
import re
import sys

root = sys.argv[1]
src = os.path.join(root, "engine", "src")
public = os.path.join(root, "engine", "include")
forbidden_dirs = [os.path.join(src, d) + os.sep for d in ("vulkan", "ops", "runtime")]
include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def resolve(name, here):
    for base in (os.path.dirname(here), src, public):
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(path):
            return path
    return None  # a system or generated header


def violations(path, chain, seen):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for kind, name in include.findall(text):
        if name.startswith("vulkan/"):
            yield chain + [f"<{name}>"]
            continue
        if kind == "<" and not name.startswith("mobilevk/"):
            continue
        target = resolve(name, path)
        if target is None:
            continue
        if any(target.startswith(d) for d in forbidden_dirs):
            yield chain + [os.path.relpath(target, root)]
            continue
        if target not in seen:
            seen.add(target)
            yield from violations(target, chain + [os.path.relpath(target, root)], seen)


failed = 0
checked = 0
for folder in ("graph", "import", "cpu"):
    for dirpath, _, files in os.walk(os.path.join(src, folder)):
        for name in sorted(files):
            if not name.endswith((".h", ".cpp")):
                continue
            path = os.path.join(dirpath, name)
            checked += 1
            for chain in violations(path, [os.path.relpath(path, root)], set()):
                print("FAILED: " + " -> ".join(chain))
                failed += 1
print(f"{checked} files checked, {failed} forbidden include chains")
sys.exit(1 if failed or checked == 0 else 0)
