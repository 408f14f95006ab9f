//! The one document reader: every command that needs documents (scan,
//! check, explain, eval, index add) reads them here, with the same
//! keep-going rules.
//!
//! In: the [`Source`]s of a run. Out: every [`Document`] they hold, handed
//! to a caller's function in parallel, and the results handed to an
//! [`Absorb`] sink a batch at a time, **in input order**; problems become
//! [`Issue`]s (file and line), never errors.
//!
//! JSON Lines files are read in chunks of whole lines ([`ChunkReader`]),
//! the next chunk read while the current one is handled, so at most two
//! chunks are in memory; a record over `--max-record-mb` is skipped and
//! reported, never held. Files read whole (text, HTML, feeds) are handled a
//! batch of 512 at a time.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use rayon::prelude::*;

use super::{
    compress, oversized_message, parse_line_into, read_file_docs, unreadable_message, Chunk,
    ChunkReader, Issue, LineSpan, Locator, Meta, Source, SourceKind,
};
use crate::config::InputConfig;
use crate::normalize::has_words;

/// What an empty document's warning goes on to say.
const EMPTY: &str = "counted in stats.empty_documents and never matched. \
                     Check that it holds an article (and --text-field), or remove it";

/// One JSON Lines record (`raw`, line `line` of the file named `name`, no
/// newline) as every reader of reprint takes it: the text written into
/// `text` (cleared first), and the id and metadata, or `None` when the
/// record is skipped. Its issues (a skipped record, invalid UTF-8, an
/// unreadable date, a text without words) are pushed to `issues`.
pub fn jsonl_record(
    name: &str,
    line: u64,
    raw: &[u8],
    input: &InputConfig,
    text: &mut String,
    issues: &mut Vec<Issue>,
) -> Option<(Option<String>, Meta)> {
    let mut notes = Vec::new();
    let parsed = parse_line_into(raw, input, text, &mut notes);
    for note in notes {
        issues.push(Issue::warning(name, Some(line), note));
    }
    let (id, meta) = match parsed {
        Ok((id, meta, lossy)) => {
            if lossy {
                issues.push(Issue::warning(
                    name,
                    Some(line),
                    "is not valid UTF-8; invalid bytes were replaced with U+FFFD",
                ));
            }
            (id, meta)
        }
        Err(msg) => {
            issues.push(Issue::skipped_record(name, line, msg));
            return None;
        }
    };
    if !has_words(text) {
        issues.push(Issue::warning(
            name,
            Some(line),
            format!("field `{}` holds no words; {EMPTY}", input.text_field),
        ));
    }
    Some((id, meta))
}

/// Bytes of JSON Lines read before a batch is handled in parallel.
const BATCH_BYTES: usize = 16 << 20;
/// Files read whole per parallel batch.
const BATCH_FILES: usize = 512;

/// Where a document came from: a place in the run's inputs, or a document
/// held in memory (an indexed document that `check` compares with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A record or file of the inputs; its text can be read again there.
    Input(Locator),
    /// The `n`-th held document of the run's [`Corpus`](super::Corpus).
    Held(u32),
}

/// A document as read: identity, origin, metadata and text.
#[derive(Debug, Clone)]
pub struct Document {
    /// The document's id: a JSONL record's id field, else `PATH:LINE`, or a
    /// text file's name.
    pub id: String,
    /// Where it came from.
    pub origin: Origin,
    /// What its source says about it.
    pub meta: Meta,
    /// The text.
    pub text: String,
}

impl Document {
    /// A document held in memory, as an outside driver (or `check`) hands
    /// it to the engine.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            origin: Origin::Held(0),
            meta: Meta::default(),
            text: text.into(),
        }
    }
}

/// Counters a run updates as it reads, for a progress display (the library
/// draws nothing itself).
#[derive(Debug, Default)]
pub struct Progress {
    /// Files to read.
    pub files_total: AtomicU64,
    /// Files taken up so far.
    pub files: AtomicU64,
    /// Documents handled so far.
    pub documents: AtomicU64,
    /// Bytes of text handled so far.
    pub bytes: AtomicU64,
}

/// What reading one work item (a JSON Lines record, or a whole file) gave:
/// the handler's results for its documents, and its problems.
pub struct Item<T> {
    /// One result per document, in order.
    pub got: Got<T>,
    /// Problems with the item (a skipped record or file, lossy UTF-8).
    pub issues: Vec<Issue>,
}

/// The results of one work item.
// `One` stays unboxed: it is the outcome of every JSON Lines record, and a
// box would cost an allocation each.
#[allow(clippy::large_enum_variant)]
pub enum Got<T> {
    /// A JSON Lines record: one document, or none when it was skipped.
    One(Option<T>),
    /// A file read whole: its documents.
    Many(Vec<T>),
}

impl<T> Got<T> {
    /// Calls `f` on each result, in order (no allocation for `One`).
    pub fn for_each(self, mut f: impl FnMut(T)) {
        match self {
            Got::One(t) => t.into_iter().for_each(f),
            Got::Many(v) => v.into_iter().for_each(&mut f),
        }
    }
}

/// Where the reader puts what it handled.
pub trait Absorb<T> {
    /// Takes a batch of handled work items, in input order.
    fn absorb(&mut self, items: Vec<Item<T>>);
    /// Takes a problem with an input.
    fn issue(&mut self, issue: Issue);
    /// Whether reading should stop (a sink failed).
    fn stopped(&self) -> bool {
        false
    }
}

/// A sink that keeps everything: results in input order, issues as met.
#[derive(Debug)]
pub struct Collect<T> {
    /// The handler's results.
    pub items: Vec<T>,
    /// Problems with the inputs, unsorted.
    pub issues: Vec<Issue>,
}

impl<T> Default for Collect<T> {
    fn default() -> Self {
        Collect {
            items: Vec::new(),
            issues: Vec::new(),
        }
    }
}

impl<T> Absorb<T> for Collect<T> {
    fn absorb(&mut self, items: Vec<Item<T>>) {
        for i in items {
            self.issues.extend(i.issues);
            i.got.for_each(|t| self.items.push(t));
        }
    }
    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
}

/// The handler of a run: per-thread state, and the function of a document.
/// The function may take the document's id, metadata and text (`mem::take`);
/// the reader reuses the text buffer it leaves behind.
pub struct Reader<'a, S, I, F> {
    sources: &'a [Source],
    input: &'a InputConfig,
    progress: Option<&'a Progress>,
    init: I,
    handle: F,
    state: std::marker::PhantomData<fn() -> S>,
}

/// Per-thread state of the reader: the caller's, and a text buffer.
struct Scratch<S> {
    user: S,
    text: String,
}

/// One unit of work.
enum Work {
    File { source: u32 },
    Line { source: u32, span: LineSpan },
}

impl<'a, S, T, I, F> Reader<'a, S, I, F>
where
    S: Send,
    T: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, &mut Document) -> T + Sync + Send,
{
    /// A reader of `sources` that hands every document to `handle`.
    pub fn new(
        sources: &'a [Source],
        input: &'a InputConfig,
        progress: Option<&'a Progress>,
        init: I,
        handle: F,
    ) -> Self {
        Reader {
            sources,
            input,
            progress,
            init,
            handle,
            state: std::marker::PhantomData,
        }
    }

    /// Reads every source in order and feeds `sink`.
    pub fn read_all(&self, sink: &mut (impl Absorb<T> + Send)) {
        if let Some(p) = self.progress {
            p.files_total.store(self.sources.len() as u64, Relaxed);
        }
        let mut items = Vec::new();
        // Files too: a batch's results are absorbed while the next batch
        // is handled.
        let mut pending: Vec<Item<T>> = Vec::new();
        for (si, src) in self.sources.iter().enumerate() {
            if sink.stopped() {
                return;
            }
            if let Some(p) = self.progress {
                p.files.fetch_add(1, Relaxed);
            }
            let source = si as u32;
            match src.kind {
                SourceKind::Text | SourceKind::Html | SourceKind::Feed => {
                    items.push(Work::File { source });
                    if items.len() >= BATCH_FILES {
                        let done = std::mem::take(&mut pending);
                        let ((), handled) =
                            rayon::join(|| sink.absorb(done), || self.batch(&items, &[]));
                        pending = handled;
                        items.clear();
                    }
                }
                SourceKind::JsonLines => {
                    sink.absorb(std::mem::take(&mut pending));
                    sink.absorb(self.batch(&items, &[]));
                    items.clear();
                    self.read_jsonl(source, sink);
                }
            }
        }
        sink.absorb(pending);
        sink.absorb(self.batch(&items, &[]));
    }

    fn batch(&self, items: &[Work], chunk: &[u8]) -> Vec<Item<T>> {
        if items.is_empty() {
            return Vec::new();
        }
        items
            .par_iter()
            .map_init(
                || Scratch {
                    user: (self.init)(),
                    text: String::new(),
                },
                |scratch, item| match *item {
                    Work::File { source } => self.file(source, scratch),
                    Work::Line { source, span } => self.line(source, span, chunk, scratch),
                },
            )
            .collect()
    }

    fn handle(&self, mut doc: Document, scratch: &mut Scratch<S>) -> T {
        if let Some(p) = self.progress {
            p.documents.fetch_add(1, Relaxed);
            p.bytes.fetch_add(doc.text.len() as u64, Relaxed);
        }
        let out = (self.handle)(&mut scratch.user, &mut doc);
        // Give the buffer back for the next record.
        scratch.text = doc.text;
        out
    }

    fn file(&self, source: u32, scratch: &mut Scratch<S>) -> Item<T> {
        let src = &self.sources[source as usize];
        let (docs, lossy) = match read_file_docs(src, self.input) {
            Ok(d) => d,
            Err(msg) => {
                return Item {
                    got: Got::Many(Vec::new()),
                    issues: vec![Issue::skipped_file(&src.name, msg)],
                }
            }
        };
        let mut issues = Vec::new();
        if lossy {
            issues.push(Issue::warning(
                &src.name,
                None,
                "is not valid UTF-8; invalid bytes were replaced with U+FFFD",
            ));
        }
        let many = src.kind == SourceKind::Feed;
        let got = docs
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                // A feed's warnings name the item.
                let item = match (&d.id, many) {
                    (_, false) => String::new(),
                    (Some(id), true) => format!("item {} (`{}`): ", i + 1, super::shown(id)),
                    (None, true) => format!("item {}: ", i + 1),
                };
                for note in &d.notes {
                    issues.push(Issue::warning(&src.name, None, format!("{item}{note}")));
                }
                if !has_words(&d.text) {
                    let what = match src.kind {
                        SourceKind::Html | SourceKind::Feed => {
                            "yields no text (no words outside markup and page chrome)"
                        }
                        _ => "holds no words",
                    };
                    issues.push(Issue::warning(
                        &src.name,
                        None,
                        format!("{item}{what}; {EMPTY}"),
                    ));
                }
                let loc = Locator {
                    source,
                    line: i as u64 + 1,
                    offset: i as u64,
                    len: 0,
                };
                let id = match d.id {
                    Some(id) => id,
                    None if many => format!("{}:{}", src.name, i + 1),
                    None => src.name.clone(),
                };
                let doc = Document {
                    id,
                    origin: Origin::Input(loc),
                    meta: d.meta,
                    text: d.text,
                };
                self.handle(doc, scratch)
            })
            .collect();
        Item {
            got: Got::Many(got),
            issues,
        }
    }

    fn line(&self, source: u32, span: LineSpan, chunk: &[u8], scratch: &mut Scratch<S>) -> Item<T> {
        let mut issues = Vec::new();
        let LineSpan {
            line,
            offset,
            start,
            end,
        } = span;
        let src = &self.sources[source as usize];
        let raw = &chunk[start..end];
        let mut text = std::mem::take(&mut scratch.text);
        let Some((id, meta)) =
            jsonl_record(&src.name, line, raw, self.input, &mut text, &mut issues)
        else {
            scratch.text = text;
            return Item {
                got: Got::One(None),
                issues,
            };
        };
        let loc = Locator {
            source,
            line,
            offset,
            len: raw.len() as u64,
        };
        let doc = Document {
            id: id.unwrap_or_else(|| format!("{}:{}", src.name, line)),
            origin: Origin::Input(loc),
            meta,
            text,
        };
        Item {
            got: Got::One(Some(self.handle(doc, scratch))),
            issues,
        }
    }

    /// Handles the records of one JSON Lines file, reading the next chunk
    /// and absorbing the last one's results while the current one is
    /// handled.
    fn read_jsonl(&self, source: u32, sink: &mut (impl Absorb<T> + Send)) {
        let src = &self.sources[source as usize];
        let max = self.input.max_record_bytes;
        let mut reader = match compress::open(&src.path, src.compression) {
            Ok(stream) => ChunkReader::new(stream).with_max_line(max),
            Err(e) => {
                sink.issue(Issue::skipped_file(&src.name, unreadable_message(e)));
                return;
            }
        };
        let stopped = |sink: &mut dyn FnMut(Issue), lines: u64, e: std::io::Error| {
            sink(Issue::skipped_file(
                &src.name,
                format!(
                    "reading stopped after line {lines} ({e}); the records before it were kept"
                ),
            ));
        };
        let (mut cur, mut next) = (Chunk::default(), Chunk::default());
        let mut more = match reader.next_chunk(&mut cur, BATCH_BYTES) {
            Ok(more) => more,
            Err(e) => return stopped(&mut |i| sink.issue(i), reader.lines_read(), e),
        };
        let mut items = Vec::new();
        // A batch is absorbed while the next one is handled: the sink's
        // serial work overlaps the parallel signing (one more batch's
        // results are held meanwhile).
        let mut pending: Vec<Item<T>> = Vec::new();
        while more && !sink.stopped() {
            items.clear();
            items.extend(cur.lines.iter().map(|&span| Work::Line { source, span }));
            let lines_before = reader.lines_read();
            let done = std::mem::take(&mut pending);
            let (read, handled) = rayon::join(
                || {
                    sink.absorb(done);
                    for &(line, bytes) in &cur.oversized {
                        sink.issue(Issue::skipped_record(
                            &src.name,
                            line,
                            oversized_message(Some(bytes), max),
                        ));
                    }
                    reader.next_chunk(&mut next, BATCH_BYTES)
                },
                || self.batch(&items, &cur.bytes),
            );
            pending = handled;
            more = match read {
                Ok(more) => more,
                Err(e) => {
                    sink.absorb(std::mem::take(&mut pending));
                    stopped(&mut |i| sink.issue(i), lines_before, e);
                    false
                }
            };
            std::mem::swap(&mut cur, &mut next);
        }
        sink.absorb(pending);
    }
}
