#!/usr/bin/env python3
"""tests/e2e/book_snippets.py - compile the Rust code blocks of the bundled book.

Run by tests/e2e/book_snippets.sh (see there for the environment).  Every
fenced block whose info string starts with the word `rust` is one snippet.
Its class follows from the fence and from the paths it uses:

  rust,ignore        not compiled (fragments of a project, compiler
                     internals): counted and reported, never built
  #![feature(...)]   needs a nightly compiler: skipped with that reason
  std-only           every path root is std/core/alloc: compiled with the
                     installed rustc (edition 2021).  A block with `fn main`
                     is built and run and must exit 0 (so its assert!s are
                     checked); any other block is checked as a library with
                     --emit=metadata.  A failure is a FAIL.
  crate-dependent    uses external crates: checked with Cargo, offline,
                     against Debian's librust-*-dev sources in
                     /usr/share/cargo/registry when every crate is there in
                     a version compatible with what the book's Cargo.toml
                     blocks ask for; otherwise skipped with the reason.
  project code       uses crate::/super::/self:: or one of the book's own
                     crates (kvd_core, minirt, stats, xtools, ...):
                     skipped, because it only compiles inside that project.

Fence words after `rust` (`rust,ignore`, `rust,no_run`) follow the mdBook
convention; mdBook and folio highlight the block as Rust either way.
"""
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

BOOK = os.environ.get("BOOK", "book")
TMP = os.environ.get("TMP") or "/tmp"
CACHE = os.environ.get("SNIPPET_CACHE", "build/book-snippets")
REGISTRY = os.environ.get("DEBIAN_REGISTRY", "/usr/share/cargo/registry")
RUSTC = os.environ.get("RUSTC", "rustc")
CARGO = os.environ.get("CARGO", "cargo")
JOBS = int(os.environ.get("SNIPPET_JOBS", "2"))

STD_ROOTS = {"std", "core", "alloc"}
LOCAL_ROOTS = {"crate", "super", "self", "Self"}
# The book's own crates and compiler-internal crates: code using them only
# builds inside its project (or with a pinned nightly and rustc-dev).
PROJECT_ROOTS = {"kvd", "kvd_core", "minirt", "stats", "xtools", "xtools_macros",
                 "logstat", "beacon", "protocol", "clippy_utils", "dylint_linting",
                 "dylint_testing"}
# Crate name in paths -> (package name, version the book asks for).
CRATES = {
    "tokio": ("tokio", "1"), "tokio_util": ("tokio-util", "0.7"),
    "futures": ("futures", "0.3"), "pin_project_lite": ("pin-project-lite", "0.2"),
    "rayon": ("rayon", "1"), "mio": ("mio", "1"), "memchr": ("memchr", "2"),
    "syn": ("syn", "2"), "quote": ("quote", "1"), "proc_macro2": ("proc-macro2", "1"),
    "criterion": ("criterion", "0.5"), "flume": ("flume", "0.11"),
    "loom": ("loom", "0.7"), "tracing": ("tracing", "0.1"), "slab": ("slab", "0.4"),
    "bumpalo": ("bumpalo", "3"), "memmap2": ("memmap2", "0.9"),
    "trybuild": ("trybuild", "1"),
}
# Features the book's Cargo.toml blocks turn on.
FEATURES = {"tokio": ["full"], "tokio-util": ["codec"]}
# Lower-case names that start paths without being crates.
NOT_CRATES = {"u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
              "i128", "isize", "f32", "f64", "bool", "char", "str"}


def blocks(path):
    """Yield (first line number, info words, code) for each fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^( {0,3})(`{3,}|~{3,})\s*([^`]*)$", lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(2), m.group(3).strip()
        start, body = i + 1, []
        i += 1
        while i < len(lines):
            close = lines[i].strip()
            if close.startswith(fence[0] * len(fence)) and set(close) == {fence[0]}:
                break
            body.append(lines[i][len(m.group(1)):] if lines[i].startswith(m.group(1)) else lines[i])
            i += 1
        i += 1
        words = [w for w in re.split(r"[,\s]+", info) if w]
        yield start, words, "\n".join(body) + "\n"


def strip_comments_and_strings(code):
    code = re.sub(r"//[^\n]*", "", code)
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    code = re.sub(r'b?r#*"(?:[^"\\]|\\.)*"#*', '""', code)
    code = re.sub(r'b?"(?:[^"\\]|\\.)*"', '""', code)
    return code


def drop_cfg_loom(code):
    """Remove items under #[cfg(loom)]: they are not built by default."""
    while True:
        at = code.find("#[cfg(loom)]")
        if at < 0:
            return code
        brace = code.find("{", at)
        semi = code.find(";", at)
        if brace < 0 or (0 <= semi < brace):
            code = code[:at] + code[semi + 1:] if semi >= 0 else code[:at]
            continue
        depth, i = 0, brace
        while i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            if depth == 0:
                break
            i += 1
        code = code[:at] + code[i + 1:]


def path_roots(code):
    """The crates a snippet names: roots of `use` paths, `extern crate`s, and
    lower-case roots of other paths (`tokio::spawn`, `#[tokio::main]`) that
    are not brought into scope by a `use` or defined in the snippet."""
    code = drop_cfg_loom(strip_comments_and_strings(code))
    local_mods = set(re.findall(r"\bmod\s+(\w+)", code))
    roots = set(re.findall(r"\buse\s+(?:::)?([A-Za-z_]\w*)", code)) - local_mods
    roots.update(re.findall(r"\bextern\s+crate\s+(\w+)", code))
    in_scope = set()
    for item in re.findall(r"\buse\s+[^;]*;", code, flags=re.S):
        in_scope.update(re.findall(r"\b(\w+)\b", item))
    in_scope.update(re.findall(r"\b(?:mod|fn|struct|enum|trait|type|const|static)\s+(\w+)", code))
    for root in re.findall(r"(?<![\w:.])([a-z_]\w*)::(?!<)", code):  # not `.cast::<T>`
        if root not in in_scope and root not in NOT_CRATES:
            roots.add(root)
    return roots


def debian_crates():
    found = {}
    if not os.path.isdir(REGISTRY):
        return found
    for name in os.listdir(REGISTRY):
        m = re.match(r"^(.+)-(\d+\.\d+\.\d+.*)$", name)
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    return found


def compatible(have, want):
    """Cargo's caret rule for versions like "1", "0.7", "0.11"."""
    h = have.split(".")
    w = want.split(".")
    if w[0] != "0":
        return h[0] == w[0]
    return h[0] == "0" and len(w) > 1 and h[1] == w[1]


def classify(words, code):
    if "ignore" in words:
        return "ignore", "marked rust,ignore"
    if "#![feature" in code:
        return "skip", "needs a nightly compiler (#![feature])"
    roots = path_roots(code)
    if roots & LOCAL_ROOTS or roots & PROJECT_ROOTS or any(r.startswith("rustc_") for r in roots):
        which = sorted((roots & (LOCAL_ROOTS | PROJECT_ROOTS)) | {r for r in roots if r.startswith("rustc_")})
        return "skip", "project code (uses %s)" % ", ".join(which)
    external = sorted(r for r in roots if r not in STD_ROOTS and r != "proc_macro")
    if "proc_macro" in roots:
        return "skip", "a proc-macro crate (needs its own crate type and syn 2)"
    if not external:
        return "std", ""
    return "crates", external


def run(cmd, cwd=None, env=None, timeout=120):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, "timed out after %d s" % timeout


def check_std(snip, workdir):
    path, line, code = snip
    name = "s%d" % abs(hash((path, line)))
    src = os.path.join(workdir, name + ".rs")
    with open(src, "w", encoding="utf-8") as f:
        f.write(code)
    where = "%s:%d" % (path, line)

    def book_lines(text):  # point rustc's messages at the book, not the copy
        return re.sub(re.escape(src) + r":(\d+)(:\d+)?",
                      lambda m: "%s:%d" % (path, line + int(m.group(1))), text)
    if re.search(r"^\s*(?:async\s+)?fn\s+main\s*\(", code, flags=re.M):
        exe = os.path.join(workdir, name)
        rc, out = run([RUSTC, "--edition", "2021", "--crate-type", "bin", "-C", "opt-level=0",
                       "-C", "debuginfo=0", "-o", exe, src])
        if rc != 0:
            return where, "does not compile:\n" + book_lines(out)
        rc, out = run([exe], cwd=workdir, timeout=30)
        if rc != 0:
            return where, "compiled, but running it exited with status %d:\n%s" % (rc, book_lines(out))
        return where, None
    rc, out = run([RUSTC, "--edition", "2021", "--crate-type", "lib", "--emit=metadata",
                   "--crate-name", name, "-o", os.path.join(workdir, "lib%s.rmeta" % name), src])
    if rc != 0:
        return where, "does not compile:\n" + book_lines(out)
    return where, None


def first_error(text, limit=6):
    lines = [l for l in text.splitlines() if l.strip()]
    for i, l in enumerate(lines):
        if l.startswith("error"):
            return " | ".join(lines[i:i + limit])
    return " | ".join(lines[:limit])


def check_crates(snips, registry):
    """Check crate snippets as binaries of one Cargo package; returns
    (passed, failed, skipped) lists of (where, why)."""
    passed, failed, skipped = [], [], []
    usable, deps = [], {}
    for path, line, crates, code in snips:
        where = "%s:%d" % (path, line)
        missing = []
        for c in crates:
            if c not in CRATES:
                missing.append("%s (not a crate this test knows)" % c)
                continue
            pkg, want = CRATES[c]
            versions = [v for v in registry.get(pkg, []) if compatible(v, want)]
            if not versions:
                have = registry.get(pkg)
                missing.append("%s %s (Debian has %s)" % (pkg, want, ", ".join(have) if have else "none"))
            else:
                deps[pkg] = want
        if missing:
            skipped.append((where, "needs " + "; ".join(missing)))
        else:
            usable.append((where, code))
    if not usable:
        return passed, failed, skipped
    if shutil.which(CARGO) is None:
        skipped += [(w, "cargo not installed") for w, _ in usable]
        return passed, failed, skipped
    pkg_dir = os.path.abspath(os.path.join(CACHE, "pkg"))
    bin_dir = os.path.join(pkg_dir, "src", "bin")
    shutil.rmtree(bin_dir, ignore_errors=True)
    os.makedirs(bin_dir)
    names = {}
    for n, (where, code) in enumerate(usable):
        body = code
        if not re.search(r"^\s*(?:async\s+)?fn\s+main\s*\(", code, flags=re.M):
            body = code + "\nfn main() {}\n"
        names["snippet%d" % n] = where
        with open(os.path.join(bin_dir, "snippet%d.rs" % n), "w", encoding="utf-8") as f:
            f.write("#![allow(dead_code, unused)]\n" + body)
    toml = ["[package]", 'name = "book-snippets"', 'version = "0.0.0"', 'edition = "2021"',
            "publish = false", "", "[dependencies]"]
    for pkg, want in sorted(deps.items()):
        feats = FEATURES.get(pkg)
        if feats:
            toml.append('%s = { version = "%s", features = [%s] }'
                        % (pkg, want, ", ".join('"%s"' % f for f in feats)))
        else:
            toml.append('%s = "%s"' % (pkg, want))
    toml_text = "\n".join(toml) + "\n"
    manifest = os.path.join(pkg_dir, "Cargo.toml")
    old = open(manifest).read() if os.path.exists(manifest) else None
    if old != toml_text:
        with open(manifest, "w") as f:
            f.write(toml_text)
        try:
            os.remove(os.path.join(pkg_dir, "Cargo.lock"))
        except FileNotFoundError:
            pass
    env = dict(os.environ, CARGO_HOME=cargo_home(), CARGO_TARGET_DIR=os.path.join(pkg_dir, "target"),
               CARGO_TERM_COLOR="never")
    rc, out = run([CARGO, "check", "--offline", "--keep-going", "--bins", "-j", str(JOBS),
                   "--message-format", "short"], cwd=pkg_dir, env=env, timeout=600)
    if rc != 0 and not re.search(r"src/bin/snippet\d+\.rs:\d+:\d+: error", out):
        # Cargo itself failed (resolution, a dependency): not the book's fault.
        skipped += [(w, "Cargo could not build the Debian crates: " + first_error(out, 3))
                    for w, _ in usable]
        return passed, failed, skipped
    bad = {}
    for m in re.finditer(r"src/bin/(snippet\d+)\.rs:(\d+):\d+: (error[^\n]*)", out):
        path, start = names[m.group(1)].rsplit(":", 1)
        # line 1 of the file is the #![allow]; line 2 is the block's first line
        bad.setdefault(m.group(1), []).append(
            "%s:%d: %s" % (path, int(start) + int(m.group(2)) - 1, m.group(3)))
    for name, where in names.items():
        if name in bad:
            failed.append((where, "; ".join(bad[name][:3])))
        else:
            passed.append((where, None))
    return passed, failed, skipped


KVD_TEST = """use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

// Malformed input keeps the connection open (issue 24, errors 1 and 11),
// even when the client pipelines its next commands behind an over-long line.
#[tokio::test]
async fn malformed_input_keeps_the_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let token = CancellationToken::new();
    let server = tokio::spawn(kvd::server::run(listener, kvd::db::Db::default(), token.clone()));
    let (r, mut w) = TcpStream::connect(addr).await.unwrap().into_split();
    let mut lines = BufReader::new(r).lines();
    let mut input = vec![b'x'; 70_000];
    input.extend_from_slice(b"\nPING\nGET a b c\nSET k v w\nGET k\r\nDEL k\nGET k\n");
    w.write_all(&input).await.unwrap();
    for want in ["ERR max line length exceeded", "PONG", "ERR too many arguments for GET",
                 "OK", "VALUE v w", "DELETED 1", "NIL"] {
        let got = tokio::time::timeout(std::time::Duration::from_secs(10), lines.next_line())
            .await.expect("no reply within 10 s").unwrap();
        assert_eq!(got.as_deref(), Some(want));
    }
    token.cancel();
    server.await.unwrap();
}
"""


def check_kvd(registry):
    """Assemble Module 1's kvd from the book's blocks (protocol.rs, db.rs, and
    server.rs from Milestones 3 and 4), build it and run an end-to-end test.
    Returns (ok, message) or (None, reason to skip)."""
    path = os.path.join(BOOK, "module1", "async-server", "README.md")
    if not os.path.isfile(path):
        return None, "%s is missing" % path
    for pkg, want in (("tokio", "1"), ("tokio-util", "0.7"), ("futures", "0.3"), ("bytes", "1"),
                      ("tracing", "0.1")):
        if not any(compatible(v, want) for v in registry.get(pkg, [])):
            return None, "needs %s %s from Debian" % (pkg, want)
    if shutil.which(CARGO) is None:
        return None, "cargo not installed"
    code = [c for _, w, c in blocks(path) if w and w[0] == "rust"]
    def one(marker):
        found = [c for c in code if marker in c]
        return found[0] if len(found) == 1 else None
    protocol, db, m3, m4 = one("pub fn parse("), one("pub struct Db"), \
        one("pub async fn run("), one("async fn handle(")
    if m4 is None:   # Milestone 3 also has a `handle`; take the later one
        handles = [c for c in code if "async fn handle(" in c]
        m4 = handles[-1] if len(handles) == 2 else None
    if None in (protocol, db, m3, m4):
        return False, "could not find the protocol, db, run and Milestone 4 handle blocks"
    run_fn = m3[m3.index("pub async fn run("):m3.index("async fn handle(")]
    server = m4.replace("use tokio::net::TcpStream;",
                        "use tokio::net::{TcpListener, TcpStream};\nuse tokio::task::JoinSet;")
    pkg_dir = os.path.abspath(os.path.join(CACHE, "kvd"))
    os.makedirs(os.path.join(pkg_dir, "src"), exist_ok=True)
    os.makedirs(os.path.join(pkg_dir, "tests"), exist_ok=True)
    files = {
        "Cargo.toml": "[package]\nname = \"kvd\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
                      "[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n"
                      "tokio-util = { version = \"0.7\", features = [\"codec\"] }\n"
                      "bytes = \"1\"\nfutures = \"0.3\"\ntracing = \"0.1\"\n",
        "src/lib.rs": "pub mod db;\npub mod protocol;\npub mod server;\n",
        "src/protocol.rs": protocol, "src/db.rs": db, "src/server.rs": server + "\n" + run_fn,
        "tests/e2e.rs": KVD_TEST,
    }
    for name, text in files.items():
        dest = os.path.join(pkg_dir, name)
        if not os.path.exists(dest) or open(dest).read() != text:
            with open(dest, "w") as f:
                f.write(text)
    env = dict(os.environ, CARGO_HOME=cargo_home(), CARGO_TARGET_DIR=os.path.join(
        os.path.abspath(CACHE), "pkg", "target"), CARGO_TERM_COLOR="never")
    rc, out = run([CARGO, "test", "--offline", "-j", str(JOBS), "--message-format", "short"],
                  cwd=pkg_dir, env=env, timeout=600)
    if rc != 0:
        panic = re.search(r"panicked at[^\n]*\n(?:[^\n]*\n){0,3}", out)
        return False, (panic.group(0).replace("\n", " | ") if panic else first_error(out, 10))
    return True, "builds from the book's blocks and passes its pipelined malformed-input test"


def cargo_home():
    home = os.path.abspath(os.path.join(CACHE, "cargo-home"))
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write('[source.crates-io]\nreplace-with = "debian"\n\n'
                '[source.debian]\ndirectory = "%s"\n\n[net]\noffline = true\n' % REGISTRY)
    return home



def main():
    status = 0
    snippets = []
    for root, _, files in os.walk(BOOK):
        for name in sorted(files):
            if name.endswith(".md"):
                path = os.path.join(root, name)
                for line, words, code in blocks(path):
                    if words and words[0] == "rust":
                        snippets.append((path, line, words, code))
    snippets.sort()
    std, crates, ignored, skipped = [], [], [], []
    for path, line, words, code in snippets:
        kind, why = classify(words, code)
        if kind == "std":
            std.append((path, line, code))
        elif kind == "crates":
            crates.append((path, line, why, code))
        elif kind == "ignore":
            ignored.append("%s:%d" % (path, line))
        else:
            skipped.append(("%s:%d" % (path, line), why))
    print("INFO: %d Rust blocks: %d std-only, %d crate-dependent, %d rust,ignore, %d other"
          % (len(snippets), len(std), len(crates), len(ignored), len(skipped)), file=sys.stderr)
    if len(std) < 5:
        print("FAIL: book_snippets: std-only snippets found: only %d (extraction broken?)" % len(std))
        status = 1

    # ---- std-only: rustc ----
    if shutil.which(RUSTC) is None:
        print("SKIP: book_snippets: std-only snippets: rustc not installed")
    else:
        workdir = os.path.join(TMP, "book-snippets-std")
        os.makedirs(workdir, exist_ok=True)
        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            results = list(pool.map(lambda s: check_std(s, workdir), std))
        bad = [(w, why) for w, why in results if why]
        for where, why in bad:
            print("FAIL: book_snippets: std-only snippet %s: %s" % (where, first_error(why, 8)))
        if not bad:
            runs = sum(1 for _, _, c in std if re.search(r"^\s*(?:async\s+)?fn\s+main\s*\(", c, flags=re.M))
            print("PASS: book_snippets: all %d std-only snippets compile with %s (%d also run and exit 0)"
                  % (len(std), run([RUSTC, "--version"])[1].strip(), runs))
        else:
            status = 1

    # ---- crate-dependent: Cargo against Debian's crates ----
    if not crates:
        print("SKIP: book_snippets: crate-dependent snippets: none found")
    else:
        registry = debian_crates()
        if not registry:
            print("SKIP: book_snippets: %d crate-dependent snippets: %s is absent "
                  "(apt-get install librust-tokio-dev librust-tokio-util-dev librust-futures-dev "
                  "librust-pin-project-lite-dev librust-rayon-dev)" % (len(crates), REGISTRY))
        else:
            passed, failed, skip_c = check_crates(crates, registry)
            for where, why in failed:
                print("FAIL: book_snippets: crate snippet %s: %s" % (where, why))
            if failed:
                status = 1
            if passed and not failed:
                print("PASS: book_snippets: %d crate-dependent snippets compile against Debian's crates (%s)"
                      % (len(passed), ", ".join(w for w, _ in passed)))
            for where, why in skip_c:
                print("SKIP: book_snippets: crate snippet %s: %s" % (where, why))
            ok, why = check_kvd(registry)
            if ok is None:
                print("SKIP: book_snippets: Module 1 kvd project: %s" % why)
            elif ok:
                print("PASS: book_snippets: Module 1 kvd project %s" % why)
            else:
                print("FAIL: book_snippets: Module 1 kvd project: %s" % why)
                status = 1
    by_reason = {}
    for where, why in skipped:
        by_reason.setdefault(re.sub(r" \(uses .*\)$", "", why), []).append(where)
    for why, wheres in sorted(by_reason.items()):
        print("SKIP: book_snippets: %d block(s), %s: %s" % (len(wheres), why, ", ".join(wheres)))
    if ignored:
        print("INFO: rust,ignore blocks (not compiled): %s" % ", ".join(ignored), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
