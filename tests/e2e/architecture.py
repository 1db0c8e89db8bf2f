#!/usr/bin/env python3
"""architecture.py OBJDIR - checks that src/ keeps the shape README.md's
"Architecture" section describes (issue 16), printing PASS/FAIL lines:

- stages in one direction: a file includes headers only from its own
  folder or an earlier stage (base < model < load < resolve < print <
  pdf, epub < app); pdf/ and epub/ never include each other, and epub/
  nothing of print/;
- no cycle between files, by #include (file to header) or by call
  (between a .c file and another, from the symbols the object files in
  OBJDIR define and use, when OBJDIR is given);
- each library behind one adapter;
- no mutable static state; no file over 1,500 lines; no function over
  120 lines.
"""
import collections, glob, os, re, subprocess, sys

ORDER = ["base", "model", "load", "resolve", "print", "pdf", "epub", "app"]
# Library headers and the only files that may include them.
ADAPTERS = {
    "cmark-gfm": ["load/parse.c"],
    "hpdf": ["pdf/pdf.c"],
    "minizip/": ["epub/zipw.c"],
    "zlib.h": ["base/deflate.c", "epub/zipw.c"],
    "png.h": ["print/images.c"],
    "librsvg/": ["print/images.c"],
    "cairo.h": ["print/images.c"],
    "hyphen.h": ["print/linebreak.c"],
    "ini.h": ["load/meta.c", "print/style.c"],
    "json-c/": ["load/renderctx.c"],
    "libxml/": ["load/html.c", "load/svg.c"],
}
MAX_FILE, MAX_FUNC = 1500, 120


def result(name, bad):
    if bad:
        print("FAIL: architecture: %s: %s" % (name, "; ".join(bad[:6])))
    else:
        print("PASS: architecture: %s" % name)


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(100000)

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


files = sorted(glob.glob("src/*/*.[ch]"))
unit = lambda p: p[len("src/"):-2]
text = {p: open(p, encoding="utf-8").read() for p in files}

# Every source file in a stage folder.
result("every source file is in a stage folder",
       ["%s" % p for p in glob.glob("src/*.[ch]")] +
       ["%s: unknown stage" % p for p in files if p.split("/")[1] not in ORDER])

# Includes: direction and cycles.
inc = collections.defaultdict(set)
bad = []
for p in files:
    for m in re.finditer(r'^\s*#\s*include\s+"([a-z]+)/([a-z_]+)\.h"', text[p], re.M):
        target = m.group(1) + "/" + m.group(2)
        if target == unit(p):
            continue
        inc[p[len("src/"):]].add(target + ".h")
        a, b = p.split("/")[1], m.group(1)
        if b not in ORDER:
            bad.append("%s includes %s.h (no such stage)" % (p, target))
        elif ORDER.index(b) > ORDER.index(a) or (a == "epub" and b in ("print", "pdf")) \
                or (a == "pdf" and b == "epub"):
            bad.append("%s includes %s.h" % (p, target))
result("stages include only earlier stages", bad)
result("no include cycle between files", ["cycle " + " ".join(c) for c in cycles(inc)])

# Calls: from the object files.
objdir = sys.argv[1] if len(sys.argv) > 1 else ""
objs = glob.glob(os.path.join(objdir, "*", "*.o")) if objdir else []
if not objs:
    print("SKIP: architecture: no call cycle: no object files in %r" % objdir)
else:
    defs, uses = {}, collections.defaultdict(set)
    for o in objs:
        u = os.path.relpath(o, objdir)[:-2]
        for line in subprocess.run(["nm", o], capture_output=True, text=True).stdout.splitlines():
            f = line.split()
            if len(f) == 3 and f[1] in "TDBR":
                defs[f[2]] = u
            elif len(f) == 2 and f[0] == "U":
                uses[u].add(f[1])
    calls = {u: {defs[s] for s in syms if s in defs and defs[s] != u} for u, syms in uses.items()}
    result("no call cycle between files", ["cycle " + " ".join(c) for c in cycles(calls)])

# Libraries behind their adapters.
bad = []
for p in files:
    for m in re.finditer(r'^\s*#\s*include\s+<([^>]+)>', text[p], re.M):
        for lib, allowed in ADAPTERS.items():
            if m.group(1).startswith(lib) and unit(p) + p[-2:] not in allowed:
                bad.append("%s includes <%s>" % (p, m.group(1)))
result("each library behind its one adapter", bad)

# No mutable static state: a static object that is not const all the way.
bad = []
for p in files:
    for i, line in enumerate(text[p].split("\n"), 1):
        s = line.strip()
        if not s.startswith("static ") or s.startswith("static inline") or "(" in s.split("=")[0]:
            continue
        decl = s.split("=")[0]
        pointer_array = re.search(r"\*\s*\w+\s*\[", decl)
        if "_Thread_local" in decl or not decl.startswith("static const") or \
                (pointer_array and "*const" not in decl.replace("* const", "*const")):
            bad.append("%s:%d: %s" % (p, i, s[:60]))
result("no mutable static state", bad)

# Sizes.
result("no source file over %d lines" % MAX_FILE,
       ["%s: %d lines" % (p, text[p].count("\n")) for p in files if text[p].count("\n") > MAX_FILE])
bad = []
for p in files:
    if not p.endswith(".c"):
        continue
    start = name = None
    for i, line in enumerate(text[p].split("\n"), 1):
        if re.match(r"^[a-z].*\(.*[^;]$", line):
            start, name = i, line
        elif line.startswith("}") and start:
            if i - start > MAX_FUNC:
                bad.append("%s:%d: %d lines" % (p, start, i - start))
            start = None
result("no function over %d lines" % MAX_FUNC, bad)
