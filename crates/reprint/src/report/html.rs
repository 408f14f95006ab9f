//! HTML: the scan report as one self-contained file (inline CSS and
//! JavaScript, no network) that lists every finding and, on demand, shows
//! two texts side by side with their matching paragraphs aligned and shared
//! word runs marked.
//!
//! In: a [`Report`] and the texts of its findings ([`DocText`]). Out: the
//! page, whose data block is [`PageData`]: the report, the texts, and the
//! parameters the script compares texts with ([`PageParams`]: paragraph
//! shingle size, the rule paragraphs match by, the shortest marked run,
//! the reuse stage's n-gram), so the script holds none of the engine's
//! constants.
//!
//! A reuse link (kind `reuse`) opens on the derived document beside its
//! source, each whole and in its own order, with the link's passages
//! numbered from 1 (the report's order) and the same number marked on both
//! sides: the lines of a passage are its `doc_lines` and `source_lines`,
//! and inside them the words in a shared n-gram of that passage are marked.
//!
//! Scraped text is untrusted. Everything the page shows travels as JSON in
//! a `<script type="application/json">` block, with `<`, `>` and `&`
//! written as `\u003c`, `\u003e` and `\u0026` so that no text can close the
//! block; the script puts it on the page with `textContent` and
//! `createElement` only (never `innerHTML`), and links are made only for
//! `http:` and `https:` URLs.

use std::io::Write;

use serde::Serialize;

use super::emitter::Emitter;
use super::model::page::{PageData, PageParams};
use super::model::{ParagraphCluster, Report};
use crate::error::{Error, Result};

pub use super::model::page::{DocText, MAX_MEMBERS, MAX_TEXT_BYTES, TEXT_BUDGET_BYTES};

/// Writes a scan report as one HTML page, with the texts of the documents
/// in its findings for the side-by-side views.
#[derive(Debug, Clone, Copy)]
pub struct HtmlEmitter<'a> {
    texts: &'a [DocText],
}

impl<'a> HtmlEmitter<'a> {
    /// A page that carries `texts` (none: the findings show no texts).
    pub fn new(texts: &'a [DocText]) -> Self {
        HtmlEmitter { texts }
    }
}

impl Emitter<Report> for HtmlEmitter<'_> {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> Result<()> {
        // The page holds every finding at once; members past MAX_MEMBERS
        // are left out of it. A report held in memory with none to leave
        // out is written as it is.
        let long = |c: Result<std::borrow::Cow<'_, ParagraphCluster>>| {
            c.map_or(true, |c| c.members.len() > MAX_MEMBERS)
        };
        let trimmed;
        let report =
            if report.paragraph_clusters.spilled() || report.paragraph_clusters.iter().any(long) {
                let mut clusters = report.paragraph_clusters.to_vec()?;
                for c in &mut clusters {
                    c.members.truncate(MAX_MEMBERS);
                }
                trimmed = Report {
                    paragraph_clusters: clusters.into(),
                    ..report.clone()
                };
                &trimmed
            } else {
                report
            };
        let data = script_json(&PageData {
            report,
            texts: self.texts,
            text_budget_mb: TEXT_BUDGET_BYTES >> 20,
            page: PageParams::of(&report.params),
        })?;
        let w = |e| Error::io("<output>", e);
        out.write_all(HEAD.as_bytes()).map_err(w)?;
        out.write_all(b"<script id=\"data\" type=\"application/json\">")
            .map_err(w)?;
        out.write_all(data.as_bytes()).map_err(w)?;
        out.write_all(b"</script>\n<script>").map_err(w)?;
        out.write_all(SCRIPT.as_bytes()).map_err(w)?;
        out.write_all(b"</script>\n</body>\n</html>\n").map_err(w)?;
        Ok(())
    }
}

/// Writes the report as one HTML page; `texts` are the texts of the
/// documents in its findings.
pub fn write_html(report: &Report, texts: &[DocText], out: &mut dyn Write) -> Result<()> {
    HtmlEmitter::new(texts).emit(report, out)
}

/// JSON that is safe inside a `<script>` element.
fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let json = serde_json::to_string(value)?;
    Ok(json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reprint report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 12px 20px; }
header h1 { font-size: 18px; margin: 0 0 4px; }
#summary { font-size: 13px; opacity: .85; }
#controls { padding: 10px 20px; display: flex; gap: 10px; align-items: center; background: #fff; border-bottom: 1px solid #dde1e7; position: sticky; top: 0; }
#controls input { flex: 1; padding: 5px 8px; }
main { padding: 10px 20px; }
.finding { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 8px 0; }
.finding > .head { padding: 8px 12px; cursor: pointer; display: flex; gap: 10px; align-items: baseline; }
.finding > .head:hover { background: #f0f3f8; }
.kind { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px; border-radius: 3px; background: #e3e8f0; white-space: nowrap; }
.kind.document { background: #ffe1c2; } .kind.boilerplate { background: #dfe6ee; } .kind.reprinted { background: #d7f0dc; }
.kind.within_document { background: #eadff5; } .kind.doubled { background: #f7d4d4; }
.kind.reuse { background: #cfe9f1; }
.title { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.meta { color: #5b6473; font-size: 12px; }
.detail { padding: 8px 12px 12px; border-top: 1px solid #eef0f3; }
.members { width: 100%; border-collapse: collapse; font-size: 12.5px; margin-bottom: 8px; }
.members td, .members th { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
.members tr.pick { cursor: pointer; } .members tr.pick:hover { background: #f0f3f8; }
.members tr.on { background: #fff7d6; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.pair .col h3 { font-size: 13px; margin: 4px 0; }
.row { display: contents; }
.para { white-space: pre-wrap; background: #fbfbfc; border: 1px solid #eef0f3; border-radius: 4px; padding: 6px 8px; margin: 0 0 6px; font-size: 13px; }
.para.matched { border-color: #9cc5a1; }
.para .ln { color: #8a93a3; font-size: 11px; display: block; }
mark { background: #fff0a6; padding: 0; }
.empty { color: #8a93a3; font-style: italic; }
.reuse-view { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.reuse-view .col h3 { font-size: 13px; margin: 4px 0; }
.reuse-view .text { position: relative; max-height: 75vh; overflow: auto; border: 1px solid #eef0f3; border-radius: 4px; background: #fbfbfc; }
.block { white-space: pre-wrap; font-size: 13px; padding: 2px 8px; border-left: 3px solid transparent; }
.block.passage { background: #eaf5f9; border-left-color: #4f9fb8; margin: 2px 0; }
.block.passage.on { background: #fff7d6; border-left-color: #d9a400; }
.block .ln { color: #8a93a3; font-size: 11px; display: block; }
.pnum { display: inline-block; min-width: 1.4em; text-align: center; font-size: 11px; font-weight: 600; color: #fff; background: #4f9fb8; border-radius: 8px; padding: 0 5px; margin-right: 4px; cursor: pointer; }
button.more { margin: 10px 0; }
</style>
</head>
<body>
<header><h1>reprint report</h1><div id="summary"></div></header>
<div id="controls">
<label>Kind <select id="kind">
<option value="">all</option><option value="document">document clusters</option>
<option value="boilerplate">boilerplate paragraphs</option><option value="reprinted">reprinted paragraphs</option>
<option value="within_document">within-document paragraphs</option><option value="doubled">doubled documents</option>
<option value="reuse">reuse (derived documents)</option>
</select></label>
<input id="q" type="search" placeholder="filter by text, id, title, path…">
<span id="count" class="meta"></span>
</div>
<main id="list"></main>
"#;

const SCRIPT: &str = r##"
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const R = DATA.report;
const TEXTS = new Map(DATA.texts.map(t => [t.path + "\u0000" + t.line, t.text]));
const textOf = (path, line) => TEXTS.get(path + "\u0000" + line);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function safeUrl(u) {
  try { const x = new URL(u); return (x.protocol === "http:" || x.protocol === "https:") ? x.href : null; }
  catch (_) { return null; }
}

// Every finding as one entry: kind, title, searchable text, detail builder.
const FINDINGS = [];
for (const c of R.document_clusters) {
  const m0 = c.members[0];
  FINDINGS.push({
    kind: "document",
    title: (m0.title || c.representative) + " — " + c.size + " documents",
    meta: "cluster " + c.id + (c.earliest ? ", earliest " + c.earliest : ""),
    search: c.members.map(m => [m.doc, m.path, m.title || "", m.source || "", m.url || ""].join(" ")).join(" "),
    detail: box => documentCluster(box, c),
  });
}
for (const c of R.paragraph_clusters) {
  FINDINGS.push({
    kind: c.kind,
    title: c.excerpt,
    meta: c.documents + " documents, " + c.occurrences + " occurrences",
    search: c.excerpt + " " + c.members.map(m => m.doc + " " + m.path).join(" "),
    detail: box => paragraphCluster(box, c),
  });
}
for (const d of R.doubled_documents) {
  FINDINGS.push({
    kind: "doubled",
    title: d.doc + " prints its article twice",
    meta: d.path + ":" + d.line + ", second copy from line " + d.split_line + ", score " + d.score,
    search: d.doc + " " + d.path + " " + d.shared_phrases.join(" "),
    detail: box => doubledDocument(box, d),
  });
}
const pct = x => (100 * x).toFixed(1) + "%";
for (const r of R.reuse) {
  FINDINGS.push({
    kind: "reuse",
    title: r.doc + " ← " + r.source,
    meta: r.grade + " derived, coverage " + pct(r.coverage) + ", source coverage " + pct(r.source_coverage) +
      ", " + r.passages.length + (r.passages.length === 1 ? " passage" : " passages"),
    search: [r.doc, r.path, r.source, r.source_path, r.grade].concat(r.passages.map(p => p.excerpt)).join(" "),
    detail: box => reuseLink(box, r),
  });
}

const s = R.stats;
document.getElementById("summary").textContent =
  s.documents + " documents in " + s.inputs + " inputs; " + s.clusters + " document clusters, " +
  s.paragraph_clusters + " paragraph clusters, " + s.doubled_documents + " doubled documents, " +
  s.reuse_links + " reuse links; " +
  R.issues.length + " input problems. reprint " + R.tool.version + ", threshold " + R.params.threshold +
  ", containment " + (R.params.containment === null ? "off" : R.params.containment) + ", " + R.params.shingle_size + "-word shingles.";

// ---- text matching (for marks and alignment) ----
function tokens(text) {
  const out = [];
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
  let m;
  while ((m = re.exec(text)) !== null) out.push({ w: m[0].toLowerCase(), s: m.index, e: m.index + m[0].length });
  return out;
}
// How texts are compared: the engine's values, from the data (see
// PageParams in the Rust source), never copies of them here.
const P = DATA.page;
// The k-word shingles of `toks`; a run of fewer than k words is one
// shingle, as in the engine.
function shingles(toks, k) {
  const set = new Set();
  const n = Math.min(k, toks.length);
  for (let i = 0; n > 0 && i + n <= toks.length; i++) set.add(toks.slice(i, i + n).map(t => t.w).join(" "));
  return set;
}
// Jaccard and containment (shared over the smaller set) of two shingle sets.
function scores(a, b) {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  const union = a.size + b.size - n, smaller = Math.min(a.size, b.size);
  return { jaccard: union ? n / union : 0, containment: smaller ? n / smaller : 0 };
}
// The matching rule, as the engine applies it to paragraphs, or the
// page's looser alignment (P.align_jaccard), so reworded paragraphs line up.
function accepts(s) {
  return s.jaccard >= P.paragraph_threshold || s.jaccard >= P.align_jaccard ||
    (P.paragraph_containment !== null && s.containment >= P.paragraph_containment);
}
// Character ranges of `toks` covered by a run of `run` words (by default
// P.run_words) that `other` holds (its shingles of that size): the covered
// runs of the engine's passage module.
function sharedRanges(toks, other, run) {
  const ranges = [];
  const RUN = run || P.run_words;
  for (let i = 0; i + RUN <= toks.length; i++) {
    if (other.has(toks.slice(i, i + RUN).map(t => t.w).join(" "))) {
      const s = toks[i].s, e = toks[i + RUN - 1].e;
      const last = ranges[ranges.length - 1];
      if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e); else ranges.push([s, e]);
    }
  }
  return ranges;
}
function marked(text, other, run) {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [s, e] of sharedRanges(tokens(text), other, run)) {
    if (s > at) frag.append(document.createTextNode(text.slice(at, s)));
    frag.append(el("mark", null, text.slice(s, e)));
    at = e;
  }
  if (at < text.length) frag.append(document.createTextNode(text.slice(at)));
  return frag;
}
function paragraphs(text) {
  const out = [];
  const lines = text.split("\n");
  let cur = null;
  lines.forEach((l, i) => {
    if (l.trim() === "") { cur = null; return; }
    if (!cur) { cur = { line: i + 1, text: l }; out.push(cur); } else cur.text += "\n" + l;
  });
  return out;
}

// Two texts side by side: A's paragraphs in order, each beside the B
// paragraph that matches it best (both at least P.min_paragraph_words words,
// the matching rule or the page's alignment met, the highest Jaccard, the
// first on a tie), then B's paragraphs that matched none.
function pairView(box, a, b) {
  box.querySelectorAll(".pair").forEach(x => x.remove());
  const grid = el("div", "pair");
  const head = (side, t) => {
    const h = el("div", "col");
    h.append(el("h3", null, side + ": " + t.label));
    if (t.url) { const u = safeUrl(t.url); if (u) { const l = el("a", null, t.url); l.href = u; l.rel = "noopener noreferrer"; h.append(l); } else h.append(el("div", "meta", t.url)); }
    return h;
  };
  grid.append(head("A", a), head("B", b));
  if (a.text === undefined || b.text === undefined) {
    const why = "text not in this page (the page carries at most " + DATA.text_budget_mb + " MB of text; use reprint explain)";
    grid.append(el("div", "empty", a.text === undefined ? why : ""), el("div", "empty", b.text === undefined ? why : ""));
    box.append(grid);
    return;
  }
  const pa = paragraphs(a.text), pb = paragraphs(b.text);
  const ta = pa.map(p => tokens(p.text)), tb = pb.map(p => tokens(p.text));
  const k = P.paragraph_shingle_size, min = P.min_paragraph_words;
  const sa = ta.map(t => t.length >= min ? shingles(t, k) : null);
  const sb = tb.map(t => t.length >= min ? shingles(t, k) : null);
  const allA = shingles(tokens(a.text), P.run_words), allB = shingles(tokens(b.text), P.run_words);
  const used = new Set();
  const para = (p, other, matched) => {
    const d = el("div", "para" + (matched ? " matched" : ""));
    d.append(el("span", "ln", "line " + p.line), marked(p.text, other));
    return d;
  };
  pa.forEach((p, i) => {
    let best = -1, score = -1;
    if (sa[i]) sb.forEach((s, j) => {
      if (!s) return;
      const x = scores(sa[i], s);
      if (accepts(x) && x.jaccard > score) { score = x.jaccard; best = j; }
    });
    grid.append(para(p, allB, best >= 0));
    if (best >= 0) { used.add(best); grid.append(para(pb[best], allA, true)); }
    else grid.append(el("div"));
  });
  pb.forEach((p, j) => { if (!used.has(j)) { grid.append(el("div")); grid.append(para(p, allA, false)); } });
  box.append(grid);
}

function docRef(m) {
  return { label: m.doc + " (" + m.path + ":" + m.line + ")", url: m.url, text: textOf(m.path, m.line) };
}

function membersTable(box, header, rows, onPick) {
  const t = el("table", "members");
  const tr = el("tr");
  header.forEach(h => tr.append(el("th", null, h)));
  t.append(tr);
  rows.forEach((cells, i) => {
    const r = el("tr", onPick ? "pick" : null);
    cells.forEach(c => r.append(el("td", null, c)));
    if (onPick) r.addEventListener("click", () => {
      t.querySelectorAll("tr.on").forEach(x => x.classList.remove("on"));
      r.classList.add("on");
      onPick(i);
    });
    t.append(r);
  });
  box.append(t);
  return t;
}

function documentCluster(box, c) {
  const rows = c.members.map(m => [m.doc, m.path + ":" + m.line, m.date || "", m.source || "", m.title || "",
    "Jaccard " + m.jaccard + ", containment " + m.containment]);
  box.append(el("div", "meta", "Click a member to compare it with " + c.members[0].doc + ". Verified pairs: " +
    c.pairs.map(p => p.a + " ~ " + p.b + " (J " + p.jaccard + ", C " + p.containment + ")").join("; ")));
  const first = docRef(c.members[0]);
  const t = membersTable(box, ["id", "file:line", "date", "source", "title", "against the representative"], rows,
    i => pairView(box, first, docRef(c.members[i === 0 ? Math.min(1, c.members.length - 1) : i])));
  t.rows[Math.min(2, c.members.length)].classList.add("on");
  pairView(box, first, docRef(c.members[Math.min(1, c.members.length - 1)]));
}

function paragraphCluster(box, c) {
  const slice = (m) => {
    const t = textOf(m.path, m.line);
    if (t === undefined) return undefined;
    return t.split("\n").slice(m.start_line - 1, m.end_line).join("\n");
  };
  const ref = (m) => ({ label: m.doc + " (" + m.path + ":" + m.line + ", lines " + m.start_line + "-" + m.end_line + ")", text: slice(m) });
  if (c.occurrences > c.members.length)
    box.append(el("div", "meta", "Showing " + c.members.length + " of " + c.occurrences + " occurrences (the JSON report lists all)."));
  const rows = c.members.map(m => [m.doc, m.path + ":" + m.line, "lines " + m.start_line + "-" + m.end_line, m.excerpt]);
  const t = membersTable(box, ["id", "file:line", "paragraph", "starts"], rows,
    i => pairView(box, ref(c.members[0]), ref(c.members[i === 0 ? 1 : i])));
  t.rows[2].classList.add("on");
  pairView(box, ref(c.members[0]), ref(c.members[1]));
}

function doubledDocument(box, d) {
  box.append(el("div", "meta", "Shared phrases: " + d.shared_phrases.join(" · ")));
  const t = textOf(d.path, d.line);
  const lines = t === undefined ? undefined : t.split("\n");
  pairView(box,
    { label: "first copy (lines 1-" + (d.split_line - 1) + ")", text: lines && lines.slice(0, d.split_line - 1).join("\n") },
    { label: "second copy (from line " + d.split_line + ")", text: lines && lines.slice(d.split_line - 1).join("\n") });
}

// ---- reuse links: derived document and source, passages numbered ----
const DIRECTION = {
  date: "the source was published on an earlier date",
  coverage: "undated, or published the same day: the source is the document whose own words the passages cover less",
  input_order: "dates and coverage tie: the source is the document that comes first in the input",
};
const lineSpan = r => r[0] === r[1] ? "line " + r[0] : "lines " + r[0] + "-" + r[1];

function reuseLink(box, r) {
  const q = R.params;
  const why = r.grade === "wholly" ? "at least --reuse-wholly " + q.reuse_wholly
    : "at least --reuse-min-coverage " + q.reuse_min_coverage + ", under --reuse-wholly " + q.reuse_wholly;
  box.append(
    el("div", "meta", "Derived: " + r.doc + " (" + r.path + ":" + r.line + ") ← source: " + r.source +
      " (" + r.source_path + ":" + r.source_line + ")"),
    el("div", "meta", r.grade + " derived: the aligned passages hold " + pct(r.coverage) +
      " of the derived document's words (" + why + ") and " + pct(r.source_coverage) + " of the source's."),
    el("div", "meta", "Direction, by " + r.direction_rule.replace("_", " ") + ": " + DIRECTION[r.direction_rule] + "."));
  const view = el("div", "reuse-view");
  const rows = r.passages.map((p, i) => [String(i + 1), lineSpan(p.doc_lines), lineSpan(p.source_lines),
    p.words + " / " + p.source_words, String(p.similarity), p.excerpt]);
  membersTable(box, ["#", "derived", "source", "words (derived / source)", "similarity", "passage"], rows,
    i => showPassage(view, i + 1));
  box.append(view);
  reuseView(view, r);
}

// The two texts whole, side by side, each in its own order, with the
// passages' lines numbered on both sides.
function reuseView(view, r) {
  const col = (cls, side, doc, path, line) => {
    const c = el("div", "col " + cls);
    c.append(el("h3", null, side + ": " + doc + " (" + path + ":" + line + ")"));
    return c;
  };
  const cd = col("derived", "derived", r.doc, r.path, r.line);
  const cs = col("source", "source", r.source, r.source_path, r.source_line);
  view.append(cd, cs);
  const d = textOf(r.path, r.line), s = textOf(r.source_path, r.source_line);
  if (d === undefined || s === undefined) {
    const why = "text not in this page (the page carries at most " + DATA.text_budget_mb + " MB of text; use reprint explain)";
    cd.append(el("div", "empty", d === undefined ? why : ""));
    cs.append(el("div", "empty", s === undefined ? why : ""));
    return;
  }
  const dl = d.split("\n"), sl = s.split("\n");
  const dr = r.passages.map(p => p.doc_lines), sr = r.passages.map(p => p.source_lines);
  const pick = n => showPassage(view, n);
  const td = el("div", "text"), ts = el("div", "text");
  td.append(...reuseBlocks(dl, dr, sl, sr, pick));
  ts.append(...reuseBlocks(sl, sr, dl, dr, pick));
  cd.append(td);
  cs.append(ts);
}

// `lines` as blocks: runs of lines inside the same passages (`ranges[i]`
// are passage i+1's first and last lines) and runs outside every passage.
// In a passage, the words in a P.reuse_ngram-word n-gram that the other
// side's lines of the same passages hold are marked.
function reuseBlocks(lines, ranges, other, otherRanges, pick) {
  const blocks = [];
  let cur = null;
  lines.forEach((l, i) => {
    const n = i + 1;
    const ids = [];
    ranges.forEach((r, j) => { if (r[0] <= n && n <= r[1]) ids.push(j + 1); });
    const key = ids.join(" ");
    if (cur && cur.key === key) { cur.lines.push(l); cur.last = n; }
    else { cur = { key: key, ids: ids, first: n, last: n, lines: [l] }; blocks.push(cur); }
  });
  return blocks.map(b => {
    if (!b.ids.length) return el("div", "block", b.lines.join("\n"));
    // A passage's block ends on its last line with words.
    while (b.lines.length > 1 && b.lines[b.lines.length - 1].trim() === "") { b.lines.pop(); b.last--; }
    const text = b.lines.join("\n");
    const div = el("div", "block passage");
    div.dataset.passages = b.key;
    const head = el("span", "ln");
    b.ids.forEach(id => {
      const n = el("span", "pnum", id);
      n.title = "passage " + id;
      n.addEventListener("click", () => pick(id));
      head.append(n);
    });
    head.append(document.createTextNode(lineSpan([b.first, b.last])));
    const there = b.ids.map(id => other.slice(otherRanges[id - 1][0] - 1, otherRanges[id - 1][1]).join("\n")).join("\n");
    div.append(head, marked(text, shingles(tokens(there), P.reuse_ngram), P.reuse_ngram));
    return div;
  });
}

// Passage `n` highlighted on both sides, and scrolled to.
function showPassage(view, n) {
  view.querySelectorAll(".block.on").forEach(x => x.classList.remove("on"));
  view.querySelectorAll(".block.passage").forEach(b => {
    if (b.dataset.passages.split(" ").includes(String(n))) b.classList.add("on");
  });
  view.querySelectorAll(".text").forEach(t => {
    const b = t.querySelector(".block.on");
    if (b) t.scrollTop = b.offsetTop;
  });
}

// ---- the list: filtered, rendered in pages, details on demand ----
const PAGE = 200;
let shown = [];
function render() {
  const kind = document.getElementById("kind").value;
  const q = document.getElementById("q").value.trim().toLowerCase();
  shown = FINDINGS.filter(f => (!kind || f.kind === kind) &&
    (!q || (f.title + " " + f.meta + " " + f.search).toLowerCase().includes(q)));
  document.getElementById("count").textContent = shown.length + " of " + FINDINGS.length + " findings";
  const list = document.getElementById("list");
  list.replaceChildren();
  more(list, 0);
}
function more(list, from) {
  list.querySelectorAll("button.more").forEach(b => b.remove());
  shown.slice(from, from + PAGE).forEach(f => {
    const box = el("section", "finding");
    box.dataset.kind = f.kind;
    const head = el("div", "head");
    head.append(el("span", "kind " + f.kind, f.kind.replace("_", " ")), el("span", "title", f.title), el("span", "meta", f.meta));
    let detail = null;
    head.addEventListener("click", () => {
      if (detail) { detail.remove(); detail = null; return; }
      detail = el("div", "detail");
      box.append(detail);
      f.detail(detail);
    });
    box.append(head);
    list.append(box);
  });
  if (from + PAGE < shown.length) {
    const b = el("button", "more", "show " + Math.min(PAGE, shown.length - from - PAGE) + " more");
    b.addEventListener("click", () => more(list, from + PAGE));
    list.append(b);
  }
  if (!shown.length) list.append(el("p", "empty", "No findings match."));
}
document.getElementById("kind").addEventListener("change", render);
document.getElementById("q").addEventListener("input", render);
render();
// #open=N opens the N-th finding shown, and &pair=K then compares its K-th
// member (for links and headless checks).
const open = /open=(\d+)/.exec(location.hash);
if (open) { const h = document.querySelectorAll(".finding > .head")[Number(open[1]) - 1]; if (h) h.click(); }
const pick = /pair=(\d+)/.exec(location.hash);
if (pick) { const r = document.querySelectorAll(".detail table.members tr.pick")[Number(pick[1]) - 1]; if (r) r.click(); }
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_block() {
        let s = script_json(&vec!["</script><script>alert(1)</script>", "a & b", "<!--"]).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }
}
