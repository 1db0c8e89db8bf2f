#!/usr/bin/env python3
"""narrow.py - does an EPUB fit a phone?  Loads every content document of
the EPUB (in spine order) in headless Chromium at each given width and
reports each one in which something is wider than the screen
(scrollWidth > clientWidth of the document) or a box scrolls sideways
inside itself (a paginated reader cannot scroll it: it is cut), naming
the elements.

    python3 tools/narrow.py BOOK.epub [WIDTH ...]     (default 400 600)

Prints "ok N documents at W px" per width, or one line per document that
overflows; exit status 1 if any does, 2 if Chromium is missing or fails.
CHROMIUM names the browser (default: chromium, chromium-browser,
google-chrome on PATH).
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import xml.etree.ElementTree as ET

OPF = "{http://www.idpf.org/2007/opf}"

# Runs inside the harness page: each document in an iframe of the width,
# one after the other; the results go into <pre id="out"> as JSON.
HARNESS = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8"/></head><body style="margin:0">
<pre id="out"></pre>
<script>
const docs = DOCS, width = WIDTH;
const results = [];
function describe(el) {
  let s = el.tagName.toLowerCase();
  if (el.id) s += "#" + el.id;
  if (el.className && typeof el.className === "string")
    s += "." + el.className.trim().split(/\s+/).join(".");
  const t = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);
  return s + (t ? " \"" + t + "\"" : "");
}
function measure(doc) {
  const de = doc.documentElement, cw = de.clientWidth;
  const res = {scroll: de.scrollWidth, client: cw, wide: [], inner: []};
  const all = doc.body ? doc.body.getElementsByTagName("*") : [];
  // a box that scrolls sideways inside itself is cut in paginated readers
  for (const el of all) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 &&
        doc.defaultView.getComputedStyle(el).overflowX !== "visible") {
      res.inner.push(describe(el) + " scrolls " + el.scrollWidth + " in " + el.clientWidth);
      if (res.inner.length >= 3) break;
    }
  }
  if (de.scrollWidth <= cw) return res;
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.right > cw + 0.5 && r.width > 0) {
      // only the outermost offender of a subtree
      let p = el.parentElement, inner = false;
      while (p && p !== doc.body) {
        if (p.getBoundingClientRect().right > cw + 0.5) { inner = true; break; }
        p = p.parentElement;
      }
      if (!inner) res.wide.push(describe(el) + " right=" + Math.round(r.right));
      if (res.wide.length >= 3) break;
    }
  }
  return res;
}
function next(i) {
  if (i >= docs.length) {
    document.getElementById("out").textContent = "RESULT" + JSON.stringify(results) + "END";
    return;
  }
  const f = document.createElement("iframe");
  f.style.cssText = "border:0;width:" + width + "px;height:800px";
  f.onload = () => {
    let r;
    try { r = measure(f.contentDocument); }
    catch (e) { r = {error: String(e)}; }
    r.doc = docs[i];
    results.push(r);
    f.remove();
    next(i + 1);
  };
  f.src = docs[i];
  document.body.appendChild(f);
}
next(0);
</script></body></html>
"""


def chromium():
    env = os.environ.get("CHROMIUM")
    if env:
        return shutil.which(env) or (env if os.access(env, os.X_OK) else None)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def spine_docs(root):
    """The content documents in spine order, relative to OEBPS/."""
    container = ET.parse(os.path.join(root, "META-INF", "container.xml"))
    rootfile = next(e for e in container.iter() if e.tag.endswith("rootfile"))
    opf_path = os.path.join(root, rootfile.get("full-path"))
    opf = ET.parse(opf_path).getroot()
    items = {i.get("id"): i.get("href") for i in opf.iter(OPF + "item")}
    docs = [items[r.get("idref")] for r in opf.iter(OPF + "itemref")]
    return os.path.dirname(opf_path), docs


def run(browser, folder, docs, width):
    page = os.path.join(folder, "_narrow_%d.html" % width)
    with open(page, "w", encoding="utf-8") as f:
        f.write(HARNESS.replace("DOCS", json.dumps(docs)).replace("WIDTH", str(width)))
    budget = 20000 + 400 * len(docs)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
           "--allow-file-access-from-files", "--hide-scrollbars",
           "--window-size=%d,900" % (width + 40),
           "--virtual-time-budget=%d" % budget, "--dump-dom", "file://" + page]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         timeout=600).stdout.decode("utf-8", "replace")
    m = re.search(r"<pre id=\"out\">RESULT(.*?)END</pre>", out, re.S)
    if not m:
        return None
    return json.loads(html.unescape(m.group(1)))


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip())
        return 2
    epub = sys.argv[1]
    widths = [int(w) for w in sys.argv[2:]] or [400, 600]
    browser = chromium()
    if not browser:
        print("chromium not found")
        return 2
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        zipfile.ZipFile(epub).extractall(tmp)
        folder, docs = spine_docs(tmp)
        for w in widths:
            results = run(browser, folder, docs, w)
            if results is None or len(results) != len(docs):
                print("chromium gave no result at %d px (%s of %d documents)"
                      % (w, "none" if results is None else len(results), len(docs)))
                return 2
            wide = [r for r in results
                    if r.get("error") or r["scroll"] > r["client"] or r["inner"]]
            for r in wide:
                if r.get("error"):
                    why = r["error"]
                elif r["scroll"] > r["client"]:
                    why = "%d px wide in %d: %s" % (r["scroll"], r["client"],
                                                  "; ".join(r["wide"] + r["inner"]))
                else:
                    why = "; ".join(r["inner"])
                print("%d px: %s: %s" % (w, r["doc"], why))
            if not wide:
                print("ok %d documents at %d px" % (len(docs), w))
            bad += len(wide)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
