#!/usr/bin/env python3
"""check_layers.py — compares the project's include graph with the layer rules written in README.md.

The rules are the fenced block under the README's "### Layers" heading: one layer per line, its folders or files,
then the layers it may include. A file belongs to the layer whose path matches it most specifically. Every
`#include "module/…"` in a non-test source must point at a file that exists and at its own layer or one the rules
allow; a relative `#include "../…"` that climbs out of its folder is refused outright, since it would go round
the build's per-module include paths.
Usage: check_layers.py [ROOT]   (exit 0: the graph obeys the rules; 1: it does not, each breach printed).
"""
import fnmatch
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}
SKIP_TOP = {"tests", "build", "build-asan", "build-fuzz", "build-tsan", "image", "node_modules", ".git"}


def read_rules():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^### Layers\s*$.*?^```text\n(.*?)^```", text, re.S | re.M)
    if not m:
        sys.exit("check_layers: README.md has no '### Layers' section with a ```text block")
    layers = {}
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, rest = line.split(":", 1)
        paths, _, allowed = rest.partition("->")
        layers[name.strip()] = {"paths": paths.split(), "allowed": set(allowed.split()) - {"-"}}
    for name, layer in layers.items():
        unknown = layer["allowed"] - set(layers)
        if unknown:
            sys.exit(f"check_layers: layer {name} may include unknown layer(s) {sorted(unknown)}")
    return layers


def specificity(pattern, rel):
    """How specifically pattern names rel (longer = more specific), or -1 when it does not match."""
    if pattern.endswith("/"):
        return len(pattern) if rel.startswith(pattern) else -1
    return len(pattern) + 1000 if fnmatch.fnmatch(rel, pattern) else -1


def layer_of(layers, rel):
    best, best_score = None, -1
    for name, layer in layers.items():
        for p in layer["paths"]:
            score = specificity(p, rel)
            if score > best_score:
                best, best_score = name, score
    return best


def main():
    layers = read_rules()
    modules = {p.rstrip("/").split("/")[0] for layer in layers.values() for p in layer["paths"]}
    include_re = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
    breaches, files, edges = [], 0, 0
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix not in SOURCE_SUFFIXES or rel.split("/")[0] in SKIP_TOP or not path.is_file():
            continue
        if rel.split("/")[0] not in modules:
            continue
        files += 1
        mine = layer_of(layers, rel)
        if mine is None:
            breaches.append(f"{rel}: belongs to no layer in README.md's rules")
            continue
        for target in include_re.findall(path.read_text(encoding="utf-8", errors="replace")):
            if target.startswith("../"):
                breaches.append(f"{rel}: includes {target} (climbs out of its folder past the include paths)")
                continue
            if target.split("/")[0] not in modules:
                continue  # a system or same-folder header
            edges += 1
            if not (ROOT / target).is_file():
                breaches.append(f"{rel}: includes {target}, which does not exist")
                continue
            theirs = layer_of(layers, target)
            if theirs != mine and theirs not in layers[mine]["allowed"]:
                breaches.append(f"{rel} ({mine}) includes {target} ({theirs}): not allowed by the layer rules")
    for b in breaches:
        print(b)
    print(f"check_layers: {files} files, {edges} project includes, {len(breaches)} breach(es)")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
