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

Besides, Module 1's server (kvd) is assembled from its blocks (protocol.rs,
db.rs, Milestone 3's `run`, Milestone 4's `handle`) and an end-to-end test
sends it an over-long line, pipelined commands and extra arguments.  The
crate snippets (as examples) and kvd share one Cargo package in
SNIPPET_CACHE, so Debian's crates are compiled once and then reused.

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

# The book's stated minimum (module1/index.md, "Toolchain for the Whole Level").
MIN_RUST = (1, 85)
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


def usable_snippets(snips, registry):
    """Split crate snippets into those Debian can build and skipped ones."""
    usable, skipped, deps = [], [], {}
    for path, line, crates, code in snips:
        where = "%s:%d" % (path, line)
        missing = []
        for c in crates:
            if c not in CRATES:
                missing.append("%s (not a crate this test knows)" % c)
                continue
            pkg, want = CRATES[c]
            if any(compatible(v, want) for v in registry.get(pkg, [])):
                deps[pkg] = want
            else:
                have = registry.get(pkg)
                missing.append("%s %s (Debian has %s)" % (pkg, want, ", ".join(have) if have else "none"))
        if missing:
            skipped.append((where, "needs " + "; ".join(missing)))
        else:
            usable.append((where, code))
    return usable, skipped, deps


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


KVD_DEPS = {"tokio": "1", "tokio-util": "0.7", "futures": "0.3", "bytes": "1", "tracing": "0.1"}


def kvd_sources():
    """Module 1's kvd assembled from the book's blocks: protocol.rs, db.rs,
    and server.rs from Milestone 3's `run` and Milestone 4's `handle`.
    Returns ({file: text}, None) or (None, what is missing)."""
    path = os.path.join(BOOK, "module1", "async-server", "README.md")
    if not os.path.isfile(path):
        return None, "%s is missing" % path
    code = [c for _, w, c in blocks(path) if w and w[0] == "rust"]
    def one(marker):
        found = [c for c in code if marker in c]
        return found[0] if len(found) == 1 else None
    protocol, db, m3 = one("pub fn parse("), one("pub struct Db"), one("pub async fn run(")
    handles = [c for c in code if "async fn handle(" in c]
    m4 = handles[-1] if len(handles) == 2 else None
    if None in (protocol, db, m3, m4):
        return None, "could not find the protocol, db, run and Milestone 4 handle blocks"
    run_fn = m3[m3.index("pub async fn run("):m3.index("async fn handle(")]
    server = m4.replace("use tokio::net::TcpStream;",
                        "use tokio::net::{TcpListener, TcpStream};\nuse tokio::task::JoinSet;")
    return {"src/lib.rs": "pub mod db;\npub mod protocol;\npub mod server;\n",
            "src/protocol.rs": protocol, "src/db.rs": db,
            "src/server.rs": server + "\n" + run_fn, "tests/e2e.rs": KVD_TEST}, None


def cargo_home():
    home = os.path.abspath(os.path.join(CACHE, "cargo-home"))
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "config.toml"), "w") as f:
        f.write('[source.crates-io]\nreplace-with = "debian"\n\n'
                '[source.debian]\ndirectory = "%s"\n\n[net]\noffline = true\n' % REGISTRY)
    return home


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def check_cargo(snips, registry):
    """One Cargo package, so the Debian crates are built once: the usable
    crate snippets as examples, and kvd as its library with an end-to-end
    test.  Prints PASS/FAIL/SKIP lines; returns False on a failure."""
    usable, skipped, deps = usable_snippets(snips, registry)
    for where, why in skipped:
        print("SKIP: book_snippets: crate snippet %s: %s" % (where, why))
    kvd, kvd_why = kvd_sources()
    kvd_missing = [p for p, w in KVD_DEPS.items()
                   if not any(compatible(v, w) for v in registry.get(p, []))]
    if kvd and kvd_missing:
        kvd, kvd_why = None, "needs %s from Debian" % ", ".join(kvd_missing)
    if kvd:
        deps.update(KVD_DEPS)
    if not usable and not kvd:
        if kvd_why:
            print("SKIP: book_snippets: Module 1 kvd project: %s" % kvd_why)
        return True
    if shutil.which(CARGO) is None:
        print("SKIP: book_snippets: %d crate snippets and kvd: cargo not installed" % len(usable))
        return True
    pkg_dir = os.path.abspath(os.path.join(CACHE, "pkg"))
    shutil.rmtree(os.path.join(pkg_dir, "src"), ignore_errors=True)
    shutil.rmtree(os.path.join(pkg_dir, "tests"), ignore_errors=True)
    shutil.rmtree(os.path.join(pkg_dir, "examples"), ignore_errors=True)
    names = {}
    for n, (where, code) in enumerate(usable):
        if not re.search(r"^\s*(?:async\s+)?fn\s+main\s*\(", code, flags=re.M):
            code += "\nfn main() {}\n"
        names["snippet%d" % n] = where
        write_if_changed(os.path.join(pkg_dir, "examples", "snippet%d.rs" % n),
                         "#![allow(dead_code, unused)]\n" + code)
    for name, text in (kvd or {"src/lib.rs": ""}).items():
        write_if_changed(os.path.join(pkg_dir, name), text)
    toml = ["[package]", 'name = "book-snippets"', 'version = "0.0.0"', 'edition = "2021"',
            "publish = false", "", "[lib]", 'name = "kvd"', "",
            "[profile.dev]", "debug = 0", "", "[dependencies]"]
    for pkg, want in sorted(deps.items()):
        feats = FEATURES.get(pkg)
        toml.append('%s = { version = "%s", features = [%s] }'
                    % (pkg, want, ", ".join('"%s"' % f for f in feats)) if feats
                    else '%s = "%s"' % (pkg, want))
    write_if_changed(os.path.join(pkg_dir, "Cargo.toml"), "\n".join(toml) + "\n")
    env = dict(os.environ, CARGO_HOME=cargo_home(), CARGO_TARGET_DIR=os.path.join(pkg_dir, "target"),
               CARGO_TERM_COLOR="never")
    # Examples, not binaries: `cargo test --test e2e` below builds every
    # binary of the package, so a broken snippet would mask the kvd result.
    rc, out = run([CARGO, "build", "--offline", "--keep-going", "--examples", "--tests", "-j", str(JOBS),
                   "--message-format", "short"], cwd=pkg_dir, env=env, timeout=900)
    if rc != 0 and not re.search(r"(src|tests|examples)/[\w/]+\.rs:\d+:\d+: error", out):
        # Cargo itself failed (resolution, a dependency): not the book's fault.
        print("SKIP: book_snippets: crate snippets and kvd: Cargo could not build the Debian "
              "crates: %s" % first_error(out, 3))
        return True
    ok = True
    bad = {}
    for m in re.finditer(r"examples/(snippet\d+)\.rs:(\d+):\d+: (error[^\n]*)", out):
        path, start = names[m.group(1)].rsplit(":", 1)
        # line 1 of the file is the #![allow]; line 2 is the block's first line
        bad.setdefault(m.group(1), []).append(
            "%s:%d: %s" % (path, int(start) + int(m.group(2)) - 1, m.group(3)))
    for name, where in names.items():
        if name in bad:
            ok = False
            print("FAIL: book_snippets: crate snippet %s: %s" % (where, "; ".join(bad[name][:3])))
    good = [w for n, w in names.items() if n not in bad]
    if good and len(good) == len(names):
        print("PASS: book_snippets: %d crate-dependent snippets compile against Debian's crates (%s)"
              % (len(good), ", ".join(good)))
    if not kvd:
        print("SKIP: book_snippets: Module 1 kvd project: %s" % kvd_why)
        return ok
    kvd_errors = re.findall(r"(?:src|tests)/[\w/]+\.rs:\d+:\d+: error[^\n]*", out)
    if kvd_errors:
        print("FAIL: book_snippets: Module 1 kvd project does not compile from the book's blocks: %s"
              % "; ".join(kvd_errors[:3]))
        return False
    rc, out = run([CARGO, "test", "--offline", "--test", "e2e", "-j", str(JOBS)],
                  cwd=pkg_dir, env=env, timeout=300)
    if rc != 0:
        panic = re.search(r"panicked at[^\n]*\n(?:[^\n]*\n){0,3}", out)
        print("FAIL: book_snippets: Module 1 kvd project: %s"
              % (panic.group(0).replace("\n", " | ") if panic else first_error(out, 10)))
        return False
    print("PASS: book_snippets: Module 1 kvd project builds from the book's blocks and passes "
          "its pipelined malformed-input test")
    return ok


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
    version = run([RUSTC, "--version"])[1].strip() if shutil.which(RUSTC) else ""
    m = re.match(r"rustc (\d+)\.(\d+)", version)
    if shutil.which(RUSTC) is None:
        print("SKIP: book_snippets: std-only snippets: rustc not installed")
    elif not m or (int(m.group(1)), int(m.group(2))) < MIN_RUST:
        print("SKIP: book_snippets: all snippets: %s is older than the book's floor, Rust %d.%d "
              "(install a current stable with rustup)" % (version or RUSTC, *MIN_RUST))
        return status
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
            if not check_cargo(crates, registry):
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
