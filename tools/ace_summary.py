#!/usr/bin/env python3
"""ace_summary.py - sums up a DAISY Ace report (report.json).

    python3 tools/ace_summary.py REPORT.json

Prints "N critical, N serious, N moderate, N minor" and, for each rule that
failed with a critical or serious impact, how often and one example (the
document, the element and Ace's description).  Exit status 1 if there is
any critical or serious violation, 2 if the report cannot be read.
"""
import collections
import json
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        print("cannot read the Ace report: %s" % e)
        return 2
    impacts = collections.Counter()
    rules = collections.Counter()
    example = {}
    for doc in report.get("assertions", []):
        url = doc.get("earl:testSubject", {}).get("url", "?")
        for a in doc.get("assertions", []):
            test = a.get("earl:test", {})
            impact = test.get("earl:impact", "unknown")
            rule = test.get("dct:title", "?")
            impacts[impact] += 1
            if impact in ("critical", "serious"):
                rules[(impact, rule)] += 1
                res = a.get("earl:result", {})
                css = res.get("earl:pointer", {}).get("css", [""])
                desc = " ".join(res.get("dct:description", "").split())[:200]
                example.setdefault((impact, rule), "%s %s: %s" % (url, css[0] if css else "", desc))
    print(", ".join("%d %s" % (impacts[k], k)
                    for k in ("critical", "serious", "moderate", "minor")))
    for (impact, rule), n in sorted(rules.items()):
        print("  %s %s x%d, e.g. %s" % (impact, rule, n, example[(impact, rule)]))
    return 1 if rules else 0


if __name__ == "__main__":
    sys.exit(main())
