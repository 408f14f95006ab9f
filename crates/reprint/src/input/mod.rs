//! Input: finding documents and reading their text.
//!
//! In: the PATHs of a [`Config`](crate::Config). Out: [`Source`]s (files, in
//! a deterministic order), then [`Document`]s read from them, each with a
//! [`Locator`] that can read its text again later.
//!
//! Text is read twice at most: once to sign every document, and again only
//! for the documents that LSH makes candidates. Nothing keeps the text of the
//! whole corpus in memory. Standard input is spooled to a temporary file so
//! it can be re-read like any other source.
//!
//! Problems with one input never stop the scan: they become [`Issue`]s that
//! name the file (and line), and the report counts them.

mod chunks;
pub mod compress;
mod corpus;
pub mod feed;
pub mod guard;
pub mod html;
mod jsonl;
pub mod read;
mod walk;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub use chunks::{Chunk, ChunkReader, LineSpan};
pub use compress::Compression;
pub use corpus::{Corpus, Held};
pub use jsonl::{parse_line, parse_line_into, parse_record, Record};
pub use read::{Document, Origin, Progress};
pub use walk::{discover, Discovered, StdinFormat};

use crate::config::InputConfig;

/// How a source file holds documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// The whole file is one document.
    Text,
    /// One JSON object per line, each a document.
    JsonLines,
    /// An HTML page: one document, its article text.
    Html,
    /// An RSS or Atom feed: one document per item.
    Feed,
}

impl SourceKind {
    /// Whether the file is read whole (every kind but JSON Lines).
    pub fn whole_file(self) -> bool {
        self != SourceKind::JsonLines
    }
}

/// What a source says about a document besides its text. Every field is
/// optional; dates are RFC 3339 in UTC (`2024-05-02T08:30:00Z`), so they
/// sort as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Meta {
    /// Where it was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When it was published (RFC 3339, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The outlet (a feed's title, a JSONL source field, a page's site name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Meta {
    /// Whether no field is known.
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.title.is_none() && self.date.is_none() && self.source.is_none()
    }
}

/// A date in RFC 3339 UTC, seconds precision.
pub(crate) fn format_date(d: &chrono::DateTime<chrono::Utc>) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Reads a date as RFC 3339 / ISO 8601 (`2024-05-02T08:30:00+02:00`, also
/// with `+0200` or a space for the `T`, `2024-05-02 08:30:00`, `2024-05-02`)
/// or RFC 2822 (`Thu, 02 May 2024 08:30:00 GMT`, also as feeds write it: a
/// long or wrong day name, `UTC` for the zone, a one-digit hour); `None`
/// when it is none of these. Times without a zone are taken as UTC.
pub fn normalize_date(s: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
    let s = s.trim();
    let utc = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc2822(s))
        .ok()
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"]
                .iter()
                .find_map(|f| DateTime::parse_from_str(s, f).ok())
        })
        .or_else(|| rfc2822_as_feeds_write_it(s))
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
                .or_else(|| {
                    NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                })
                .map(|n| n.and_utc())
        })?;
    Some(format_date(&utc))
}

/// RFC 2822 with the liberties feeds take: the day name (often long, or
/// not the date's) dropped, `UTC` read as `+0000`, one-digit hours padded.
fn rfc2822_as_feeds_write_it(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let rest = match s.split_once(", ") {
        Some((day, rest)) if day.chars().all(|c| c.is_ascii_alphabetic()) => rest,
        _ => s,
    };
    let fixed: Vec<String> = rest
        .split_whitespace()
        .map(|t| match t {
            "UTC" => "+0000".to_string(),
            t if t.as_bytes().get(1) == Some(&b':') => format!("0{t}"),
            t => t.to_string(),
        })
        .collect();
    chrono::DateTime::parse_from_rfc2822(&fixed.join(" ")).ok()
}

/// The date forms [`normalize_date`] reads, for messages.
pub(crate) const DATE_FORMS: &str =
    "RFC 3339/ISO 8601 like 2024-05-02T08:30:00Z, RFC 2822 like Thu, 02 May 2024 08:30:00 GMT";

/// `raw` read as [`normalize_date`]; a value in no form it reads is left
/// out, and a note naming it (`what`: where it was found) and saying how to
/// fix it (`fix`) is pushed to `notes`.
pub(crate) fn date_or_note(
    raw: Option<&str>,
    what: &str,
    fix: &str,
    notes: &mut Vec<String>,
) -> Option<String> {
    let raw = raw?;
    let date = normalize_date(raw);
    if date.is_none() {
        notes.push(format!(
            "{what} `{}` is not a date reprint reads ({DATE_FORMS}); read without a date. {fix}",
            shown(raw)
        ));
    }
    date
}

/// A value as quoted in a message: at most 80 characters.
pub(crate) fn shown(v: &str) -> String {
    match v.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_string(),
    }
}

/// The message for a document over `--max-record-mb`.
pub fn oversized_message(bytes: Option<u64>, max: usize) -> String {
    let what = match bytes {
        Some(b) => format!("is {b} bytes long"),
        None => "is too large".to_string(),
    };
    format!(
        "{what}, over the {} MiB limit for one document; skipped. Split it, or raise --max-record-mb",
        max >> 20
    )
}

/// A document of a file read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDoc {
    /// The id the file gives (a feed item's guid), if any.
    pub id: Option<String>,
    /// Its text.
    pub text: String,
    /// Its metadata.
    pub meta: Meta,
    /// Warnings about it (a guard's reduction, a date left out).
    pub notes: Vec<String>,
}

/// Reads a whole-file source ([`SourceKind::whole_file`]) into its
/// documents, and whether invalid UTF-8 had to be replaced. `Err` is the
/// skip message.
pub fn read_file_docs(src: &Source, cfg: &InputConfig) -> Result<(Vec<FileDoc>, bool), String> {
    let max = cfg.max_record_bytes;
    let bytes = compress::read_all(&src.path, src.compression, max)
        .map_err(unreadable_message)?
        .ok_or_else(|| oversized_message(None, max))?;
    if src.kind == SourceKind::Feed {
        guard::xml(&bytes)?;
        return Ok((feed::parse(&bytes)?, false));
    }
    let (text, lossy) = decode_text(bytes)?;
    let mut notes = Vec::new();
    let (text, meta) = match src.kind {
        SourceKind::Html => html::extract(&text, &mut notes),
        _ => (text, Meta::default()),
    };
    Ok((
        vec![FileDoc {
            id: None,
            text,
            meta,
            notes,
        }],
        lossy,
    ))
}

/// The message for a file that cannot be opened or read.
pub fn unreadable_message(e: std::io::Error) -> String {
    if compress::is_bomb(&e) {
        return format!("could not be read: {e}; skipped");
    }
    format!("could not be read ({e}); skipped. Check that it exists and is readable")
}

/// One file to read.
#[derive(Debug, Clone)]
pub struct Source {
    /// Where to read it (a temporary file for standard input).
    pub path: PathBuf,
    /// The name shown in ids and messages: the path as reached from the PATH
    /// given, or `-` for standard input.
    pub name: String,
    /// How it holds documents.
    pub kind: SourceKind,
    /// How its bytes are stored (offsets and lines count decompressed bytes).
    pub compression: Compression,
}

/// Where a document's text lives, so it can be read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locator {
    /// Index into the source list.
    pub source: u32,
    /// 1-based line of the record (1 for a text file).
    pub line: u64,
    /// Byte offset of the record in the file (0 for a text file).
    pub offset: u64,
    /// Byte length of the record (the whole file for a text file).
    pub len: u64,
}

/// How serious an input problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Read, with a caveat (for example invalid UTF-8 decoded lossily).
    Warning,
    /// A file or record was not read; it is counted in `skipped_inputs` or `skipped_records`.
    Skipped,
}

/// A problem with one input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Issue {
    /// The file, as named in ids.
    pub path: String,
    /// The 1-based line, where it applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Warning or skip.
    pub kind: IssueKind,
    /// Whether a whole file (true) or a single record (false) was skipped.
    #[serde(skip)]
    pub whole_file: bool,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl Issue {
    pub(crate) fn skipped_file(path: &str, message: impl Into<String>) -> Self {
        Issue {
            path: path.to_string(),
            line: None,
            kind: IssueKind::Skipped,
            whole_file: true,
            message: message.into(),
        }
    }

    /// A skipped JSON Lines record: line `line` of `path`, and why.
    pub fn skipped_record(path: &str, line: u64, message: impl Into<String>) -> Self {
        Issue {
            path: path.to_string(),
            line: Some(line),
            kind: IssueKind::Skipped,
            whole_file: false,
            message: message.into(),
        }
    }

    pub(crate) fn warning(path: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        Issue {
            path: path.to_string(),
            line,
            kind: IssueKind::Warning,
            whole_file: false,
            message: message.into(),
        }
    }

    /// `path:line: message`, or `path: message`.
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{}", self.path, l),
            None => self.path.clone(),
        }
    }
}

/// Bytes looked at to decide whether a file is binary.
const BINARY_SNIFF: usize = 8192;

/// Decodes a text file's bytes: `Err` with a message when it looks binary,
/// else the text and whether invalid UTF-8 had to be replaced.
pub fn decode_text(bytes: Vec<u8>) -> Result<(String, bool), String> {
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return Err(
            "looks like a binary file (it contains NUL bytes); skipped. \
                    Remove it from the corpus or narrow the extensions with --ext"
                .into(),
        );
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, false)),
        Err(e) => Ok((String::from_utf8_lossy(e.as_bytes()).into_owned(), true)),
    }
}

/// Reads the text at `loc` again (one document; see [`reread_each`] for many).
pub fn reread(sources: &[Source], loc: &Locator, cfg: &InputConfig) -> Result<String, String> {
    reread_each(
        sources,
        cfg,
        std::slice::from_ref(loc),
        || (),
        |_, _, t| t.to_string(),
    )
    .pop()
    .expect("one locator, one result")
}

/// The text of item `loc.line` (1-based) of a whole file's documents.
fn pick<'d>(docs: &'d [FileDoc], loc: &Locator) -> Result<&'d str, String> {
    let i = (loc.line as usize).wrapping_sub(1);
    docs.get(i)
        .map(|d| d.text.as_str())
        .ok_or_else(|| format!("changed since it was first read: item {} is gone", loc.line))
}

/// Reads the records at `locs` of a compressed JSON Lines source again, in
/// one pass of its decoder (in file order), and maps each text with `map`
/// (given its index into `locs`); returns the results with those indices.
fn reread_stream<T>(
    src: &Source,
    locs: &[Locator],
    cfg: &InputConfig,
    mut map: impl FnMut(usize, &str) -> T,
) -> Vec<(usize, Result<T, String>)> {
    let mut order: Vec<usize> = (0..locs.len()).collect();
    order.sort_by_key(|&i| locs[i].offset);
    let mut stream = match compress::open(&src.path, src.compression) {
        Ok(s) => s,
        Err(e) => {
            let msg = read_again_error(e);
            return order.into_iter().map(|i| (i, Err(msg.clone()))).collect();
        }
    };
    let (mut at, mut buf, mut text) = (0u64, Vec::new(), String::new());
    let mut failed: Option<String> = None;
    let mut out = Vec::with_capacity(locs.len());
    for i in order {
        let loc = &locs[i];
        if let Some(msg) = &failed {
            out.push((i, Err(msg.clone())));
            continue;
        }
        let mut step = || -> std::io::Result<()> {
            if loc.offset < at {
                // The same record asked twice: it is still in `buf`.
                return Ok(());
            }
            std::io::copy(
                &mut (&mut stream).take(loc.offset - at),
                &mut std::io::sink(),
            )?;
            buf.clear();
            buf.resize(loc.len as usize, 0);
            stream.read_exact(&mut buf)?;
            at = loc.offset + loc.len;
            Ok(())
        };
        match step() {
            Ok(()) => {
                let r = record_text(&buf, cfg, &mut text).map(|()| map(i, &text));
                out.push((i, r));
            }
            Err(e) => {
                let msg = read_again_error(e);
                failed = Some(msg.clone());
                out.push((i, Err(msg)));
            }
        }
    }
    out
}

fn read_again_error(e: std::io::Error) -> String {
    format!("could not read it again: {e}")
}

/// The text of a record read again, into `text`.
fn record_text(raw: &[u8], cfg: &InputConfig, text: &mut String) -> Result<(), String> {
    match parse_line_into(raw, cfg, text, &mut Vec::new()) {
        Ok(_) => Ok(()),
        Err(m) => Err(format!("changed since it was first read: {m}")),
    }
}

/// Reads `len` bytes at `offset` of `path` into `buf` (reused between calls).
fn read_range(path: &Path, offset: u64, len: u64, buf: &mut Vec<u8>) -> Result<(), String> {
    let mut f = File::open(path).map_err(read_again_error)?;
    f.seek(SeekFrom::Start(offset)).map_err(read_again_error)?;
    buf.clear();
    buf.resize(len as usize, 0);
    f.read_exact(buf).map_err(read_again_error)
}

/// Records closer than this are read in one go (the bytes between are skipped).
const SPAN_GAP: u64 = 4 << 10;
/// The most bytes one read takes; bounds the memory of a re-read per thread.
const SPAN_MAX: u64 = 8 << 20;

/// Reads the texts at `locs` again, in parallel, and maps each with `map`
/// (given a per-thread state made by `init` and the locator's index in
/// `locs`); the results come back in the order of `locs`.
///
/// Records of one JSON Lines file are read in file order, nearby records in
/// one read of at most 8 MiB, so re-reading many candidates costs a few
/// large reads rather than one open and seek per document. The text is
/// dropped as soon as `map` returns.
pub fn reread_each<S, T, I, F>(
    sources: &[Source],
    cfg: &InputConfig,
    locs: &[Locator],
    init: I,
    map: F,
) -> Vec<Result<T, String>>
where
    T: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, usize, &str) -> T + Sync + Send,
{
    let mut order: Vec<usize> = (0..locs.len()).collect();
    order.sort_by_key(|&i| (locs[i].source, locs[i].offset));
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut begin = 0;
    for i in 1..=order.len() {
        let joins = i < order.len() && {
            let (first, prev, next) = (&locs[order[begin]], &locs[order[i - 1]], &locs[order[i]]);
            let src = &sources[next.source as usize];
            next.source == first.source
                && (src.kind.whole_file()
                    || src.compression != Compression::None
                    || (next.offset <= prev.offset + prev.len + SPAN_GAP
                        && next.offset + next.len <= first.offset + SPAN_MAX))
        };
        if !joins {
            spans.push(begin..i);
            begin = i;
        }
    }
    let done: Vec<(usize, Result<T, String>)> = spans
        .par_iter()
        .map_init(
            || (init(), Vec::new(), String::new()),
            |(state, buf, text), span| {
                let members = &order[span.clone()];
                let first = &locs[members[0]];
                let src = &sources[first.source as usize];
                if src.kind == SourceKind::JsonLines && src.compression != Compression::None {
                    // One decoder pass for all the records of the file.
                    let span_locs: Vec<Locator> = members.iter().map(|&i| locs[i]).collect();
                    return reread_stream(src, &span_locs, cfg, |k, t| map(state, members[k], t))
                        .into_iter()
                        .map(|(k, r)| (members[k], r))
                        .collect();
                }
                if src.kind.whole_file() {
                    // The file is read (and parsed) once for all its documents.
                    let docs = read_file_docs(src, cfg)
                        .map(|(d, _)| d)
                        .map_err(|m| format!("could not read it again: {m}"));
                    return members
                        .iter()
                        .map(|&i| {
                            let r = docs
                                .as_ref()
                                .map_err(Clone::clone)
                                .and_then(|d| pick(d, &locs[i]))
                                .map(|t| map(state, i, t));
                            (i, r)
                        })
                        .collect::<Vec<_>>();
                }
                let end = members
                    .iter()
                    .map(|&i| locs[i].offset + locs[i].len)
                    .max()
                    .unwrap_or(first.offset);
                match read_range(&src.path, first.offset, end - first.offset, buf) {
                    Ok(()) => members
                        .iter()
                        .map(|&i| {
                            let at = (locs[i].offset - first.offset) as usize;
                            let raw = &buf[at..at + locs[i].len as usize];
                            let r = record_text(raw, cfg, text).map(|()| map(state, i, text));
                            (i, r)
                        })
                        .collect(),
                    Err(e) => members.iter().map(|&i| (i, Err(e.clone()))).collect(),
                }
            },
        )
        .flatten_iter()
        .collect();
    let mut out: Vec<Option<Result<T, String>>> = (0..locs.len()).map(|_| None).collect();
    for (i, r) in done {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.expect("every locator is in one span"))
        .collect()
}

/// The display name of `path`, with `/` separators.
pub(crate) fn display_name(path: &Path) -> String {
    let s = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_feeds_and_pages_write() {
        let utc = |s: &str| normalize_date(s);
        let at = Some("2024-05-02T08:30:00Z".to_string());
        for s in [
            "2024-05-02T08:30:00Z",
            "2024-05-02T10:30:00+02:00",
            "2024-05-02T10:30:00+0200",
            "2024-05-02 08:30:00.000+0000",
            "2024-05-02T08:30:00.123Z",
            "2024-05-02 08:30:00",
            "Thu, 02 May 2024 08:30:00 GMT",
            "Thu, 02 May 2024 08:30:00 UTC",
            "Thursday, 02 May 2024 08:30:00 +0000",
            "Mon, 2 May 2024 8:30:00 +0000",
            "02 May 2024 08:30:00 -0000",
        ] {
            assert_eq!(utc(s), at, "{s}");
        }
        assert_eq!(utc("2024-05-02"), Some("2024-05-02T00:00:00Z".into()));
        for s in [
            "last Tuesday",
            "31/02/2024",
            "",
            "Thu, 02 May 2024 25:30:00 UTC",
        ] {
            assert_eq!(utc(s), None, "{s}");
        }
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(decode_text(b"abc\0def".to_vec()).is_err());
        assert_eq!(decode_text(b"abc".to_vec()).unwrap(), ("abc".into(), false));
    }

    /// A file that disappears, or changes, between the first read and the
    /// re-read: every record asked for gets a message, none a panic.
    #[test]
    fn a_file_gone_or_changed_before_the_re_read_is_an_error_per_record() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = InputConfig::default();
        let mk = |name: &str, kind, compression| Source {
            path: dir.path().join(name),
            name: name.into(),
            kind,
            compression,
        };
        let sources = vec![
            mk("gone.jsonl", SourceKind::JsonLines, Compression::None),
            mk("gone.jsonl.gz", SourceKind::JsonLines, Compression::Gzip),
            mk("gone.rss", SourceKind::Feed, Compression::None),
            mk("changed.jsonl", SourceKind::JsonLines, Compression::None),
        ];
        std::fs::write(&sources[3].path, "{\"text\": \"now shorter\"}\n").unwrap();
        let loc = |source, line, offset, len| Locator {
            source,
            line,
            offset,
            len,
        };
        let locs = [
            loc(0, 1, 0, 10),
            loc(1, 3, 40, 10),
            loc(2, 2, 1, 0),
            loc(3, 1, 0, 12),
        ];
        let out = reread_each(&sources, &cfg, &locs, || (), |_, _, t| t.to_string());
        assert_eq!(out.len(), 4);
        for r in &out[..3] {
            let e = r.as_ref().unwrap_err();
            assert!(e.starts_with("could not read it again"), "{e}");
        }
        let e = out[3].as_ref().unwrap_err();
        assert!(e.contains("changed since it was first read"), "{e}");
        assert!(reread(&sources, &locs[0], &cfg).is_err());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_flagged() {
        let (t, lossy) = decode_text(b"caf\xe9 au lait".to_vec()).unwrap();
        assert!(lossy);
        assert_eq!(t, "caf\u{fffd} au lait");
    }
}
