#!/usr/bin/env bash
# Article extraction, scored on real pages with known article bodies.
#
#   scripts/bench-extract.sh [OUTDIR]
#
# The pages: Mozilla Readability's test pages (source.html, and
# expected.html: the article body Readability's maintainers accept), as
# the `readabilityrs` crate 0.1.4 ships them on crates.io (Apache-2.0). The
# script downloads that crate (sha256-checked) into OUTDIR; no page text is
# kept in this repository.
#
# 1. Token F1: `reprint extract --format jsonl` on every source.html; each
#    page's words (lowercased \w+ tokens, as a bag) against the words of its
#    expected.html; precision, recall and F1 per page, averaged over the
#    pages (the article-extraction benchmarks' measure). Reported for all
#    pages and for the real-site pages (source of 20 KB or more; the
#    smaller ones are Readability's unit tests of one feature).
# 2. Chrome in findings: `reprint scan` of the pages of every site with two
#    or more pages (nytimes-1..5, yahoo-1..4, ...): unrelated articles, so
#    a paragraph finding whose text is in none of its pages' articles is
#    site chrome reported as reprinted text. BASELINE=path/to/reprint runs
#    the same scan with another build for comparison.
#
# Needs python3 and network access to static.crates.io on the first run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/bench-out/extract}
mkdir -p "$out"
crate=$out/readabilityrs-0.1.4.crate
sha=7c42603b08707aa2d44baa0ff2ec8fb89d66fbce4bc8eb5eec894009b6d18159
if [ ! -f "$crate" ]; then
  curl -sSfL -o "$crate.part" https://static.crates.io/crates/readabilityrs/readabilityrs-0.1.4.crate
  mv "$crate.part" "$crate"
fi
echo "$sha  $crate" | sha256sum -c --quiet
pages=$out/readabilityrs-0.1.4/tests/test-pages
[ -d "$pages" ] || tar xzf "$crate" -C "$out"

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/reprint

# 1. Token F1.
(cd "$pages" && "$bin" extract --format jsonl -q ./*/source.html) > "$out/extracted.jsonl"
python3 - "$pages" "$out/extracted.jsonl" <<'PY'
import collections, html.parser, json, os, re, sys
pages, extracted = sys.argv[1], sys.argv[2]

class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.parts.append(" ")
    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")
        self.parts.append(" ")
    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

def html_text(path):
    t = Text()
    t.feed(open(path, encoding="utf-8", errors="replace").read())
    return "".join(t.parts)

tokens = lambda s: collections.Counter(re.findall(r"\w+", s.lower()))

def prf(got, want):
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else float(not want)
    r = common / sum(want.values()) if want else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

rows = []
for line in open(extracted):
    d = json.loads(line)
    page = os.path.dirname(os.path.join(pages, d["path"]))
    real = os.path.getsize(os.path.join(page, "source.html")) >= 20_000
    rows.append((real, prf(tokens(d["text"]), tokens(html_text(os.path.join(page, "expected.html"))))))
for name, keep in (("all pages", lambda r: True), ("real-site pages (>= 20 KB)", lambda r: r)):
    sel = [s for real, s in rows if keep(real)]
    n = len(sel)
    p, r, f = (sum(s[i] for s in sel) / n for i in range(3))
    print(f"extraction, {name}: {n} pages  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
PY

# 2. Chrome in paragraph findings, on the sites with two or more pages.
folder=$out/sites
rm -rf "$folder" && mkdir -p "$folder"
for d in "$pages"/*/; do
  name=$(basename "$d")
  site=${name%-[0-9]}
  if [ "$(ls -d "$pages/$site"-[0-9] 2>/dev/null | wc -l)" -ge 2 ]; then
    cp "$d/source.html" "$folder/$name.html"
    cp "$d/expected.html" "$folder/$name.expected"
  fi
done
count_chrome() {
  "$1" scan "$folder" --format json -q > "$out/sites-report.json" || true
  python3 - "$folder" "$out/sites-report.json" "$2" <<'PY'
import html, json, os, re, sys
folder, report, label = sys.argv[1:]
words = lambda s: re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", s)).lower())
article = {f[:-len(".expected")]: " ".join(words(open(os.path.join(folder, f), encoding="utf-8", errors="replace").read()))
           for f in os.listdir(folder) if f.endswith(".expected")}
r = json.load(open(report))
found = chrome = 0
for c in r.get("paragraph_clusters", []):
    found += 1
    members = c.get("members", [])
    excerpt = words((members[0].get("excerpt") or "").rstrip("…")) if members else []
    probe = " ".join(excerpt[:-1] or excerpt)  # the last word may be cut
    pages = {os.path.basename(m["doc"])[: -len(".html")] for m in members}
    if not any(probe and probe in article.get(p, "") for p in pages):
        chrome += 1
print(f"{label}: {len(article)} pages, {found} paragraph findings, {chrome} made of text in none of their pages' articles")
PY
}
count_chrome "$bin" "this build"
if [ -n "${BASELINE:-}" ]; then count_chrome "$BASELINE" "baseline $BASELINE"; fi
