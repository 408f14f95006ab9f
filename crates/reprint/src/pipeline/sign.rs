//! The sign phase: a [`Document`] in; its MinHash signature, LSH band
//! keys, content hash, paragraph units with their band keys, and the
//! doubled-article finding out.
//!
//! With paragraphs on, the text is tokenized once, paragraph by paragraph
//! (the paragraphs hold all its words), and the document, its paragraphs,
//! the doubled detector and the content hash share those word hashes.
//! Everything here is a pure function of the text and the configuration:
//! the same document gives the same sketch on any machine and thread count.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::{Config, MatchConfig, ParagraphConfig};
use crate::doubled::{self, Doubled, DoubledScratch};
use crate::index;
use crate::input::{Document, Meta, Origin};
use crate::lsh::{self, LshParams, SeenKeys};
use crate::minhash::MinHasher;
use crate::normalize::WordScratch;
use crate::paragraph::{self, ParagraphWords, Unit};
use crate::segment;
use crate::shingle::{shingle_set, shingles, shingles_of_words, to_set, ShingleScratch};

use super::{lsh_params, paragraph_lsh_params};

/// Per-document facts kept after the first pass.
#[derive(Debug, Clone)]
pub struct DocInfo {
    /// The document id.
    pub id: String,
    /// Where it came from (and where its text can be read again).
    pub origin: Origin,
    /// Whether it has no words at all.
    pub empty: bool,
    /// Bytes of text.
    pub bytes: u64,
    /// What its source says about it (none for most text files).
    pub meta: Option<Box<Meta>>,
}

/// What an outside driver gets for one document ([`Signer::sketch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSketch {
    /// The MinHash signature, `num_perm` values.
    pub signature: Vec<u32>,
    /// One LSH band key per band (empty for a document without words).
    pub band_keys: Vec<u64>,
    /// Hash of the normalized words ([`index::content_hash`]): equal for
    /// texts that differ only in case, punctuation and spacing.
    pub content_hash: u64,
    /// Whether the text has no words (it matches nothing).
    pub empty: bool,
}

/// What signing one document gives inside a scan.
pub(crate) struct Signed {
    pub info: DocInfo,
    pub sig: Vec<u32>,
    /// Its verification set, if it already shares an LSH bucket (else empty).
    pub set: Vec<u64>,
    /// What the index keeps of it (records mode, documents with words).
    pub record: Option<Box<index::Record>>,
    pub paras: Vec<Unit>,
    pub para_keys: Vec<u64>,
    pub doubled: Option<Doubled>,
    /// Reuse fingerprints ([`crate::reuse::fingerprints`]; empty when the
    /// reuse stage is off).
    pub grams: Vec<u32>,
}

/// Paragraph signing parameters.
struct ParagraphSigner<'c> {
    cfg: &'c ParagraphConfig,
    hasher: MinHasher,
    p: LshParams,
}

/// Signs documents under one configuration.
pub struct Signer<'c> {
    /// Whether to make an index record of every document.
    records: bool,
    /// Whether to look for doubled articles (a scan's signer; `index add`
    /// needs none).
    doubled: bool,
    /// Document LSH parameters (chosen once: choosing costs a search).
    doc_p: LshParams,
    m: &'c MatchConfig,
    hasher: MinHasher,
    paragraphs: Option<ParagraphSigner<'c>>,
    /// Reuse fingerprints: one n-gram in this many (the scan's and the
    /// index's; [`crate::reuse::ReuseConfig::sample`]).
    reuse_sample: u32,
    /// Whether the scan's reuse stage runs (it needs the fingerprints of
    /// every document, held ones too).
    reuse_scan: bool,
    /// Document LSH as documents arrive: a document one of whose keys was
    /// seen before gets its verification set while its text is at hand.
    online: Option<SeenKeys>,
    /// Bytes of such sets made so far, and the most to make: past it a
    /// document's set is made when verification needs it, by reading it
    /// again. Which sets are made early never changes a result.
    online_bytes: AtomicUsize,
    online_budget: usize,
}

/// Per-thread buffers of the sign phase.
#[derive(Default)]
pub struct Scratch {
    shingles: ShingleScratch,
    /// Paragraph mode: the words of the paragraphs, and shingle buffers.
    para_words: ParagraphWords,
    doc_shingles: Vec<u64>,
    para_shingles: Vec<u64>,
    doubled: DoubledScratch,
    band_keys: Vec<u64>,
    counts: Vec<u32>,
    words: WordScratch,
    /// The reuse n-gram hashes of the document being signed.
    gram_hashes: Vec<u64>,
}

/// What signing one text gives.
struct Sketch {
    sig: Vec<u32>,
    set: Vec<u64>,
    empty: bool,
    units: Vec<Unit>,
    keys: Vec<u64>,
    doubled: Option<Doubled>,
    /// Reuse fingerprints (when the scan or the index record needs them).
    grams: Vec<u32>,
    /// Content hashes (records mode).
    content: Option<Content>,
}

/// What signing makes besides the signature (and, online, the set).
#[derive(Debug, Clone, Copy)]
struct Make {
    /// Paragraph units with their band keys, and the doubled finding.
    units: bool,
    /// Content hashes (of the paragraph units too, with `units`).
    content: bool,
    /// Reuse fingerprints for an index record (the scan's own are made
    /// with `units` when its reuse stage runs).
    reuse_keys: bool,
}

/// Hashes of a document's normalized words, whole and per paragraph unit.
struct Content {
    hash: u64,
    paragraphs: Vec<u64>,
}

impl<'c> Signer<'c> {
    /// The signer of an outside driver: documents and paragraphs, and the
    /// content hash, whatever the granularity ([`Signer::sketch`]).
    pub fn new(cfg: &'c Config) -> Self {
        Self::with(cfg, true, true, false, false)
    }

    /// The signer of a scan: paragraphs as the granularity says, an index
    /// record per document when `records`.
    pub(crate) fn for_scan(cfg: &'c Config, records: bool) -> Self {
        let paragraphs = records || cfg.granularity.paragraphs();
        Self::with(cfg, paragraphs, records, cfg.granularity.documents(), true)
    }

    fn with(cfg: &'c Config, paragraphs: bool, records: bool, online: bool, doubled: bool) -> Self {
        let m = &cfg.matching;
        Signer {
            records,
            doubled,
            doc_p: lsh_params(m),
            m,
            hasher: MinHasher::with_sketch(m.sketch, m.num_perm, m.seed),
            paragraphs: paragraphs.then(|| ParagraphSigner {
                cfg: &cfg.paragraphs,
                hasher: MinHasher::new(cfg.paragraphs.num_perm, m.seed ^ 0x9A4A_6A4A),
                p: paragraph_lsh_params(m, &cfg.paragraphs),
            }),
            online: online.then(SeenKeys::default),
            online_bytes: AtomicUsize::new(0),
            online_budget: usize::MAX,
            reuse_sample: cfg.reuse.sample,
            reuse_scan: online && paragraphs && super::assemble::reuse_on(cfg),
        }
    }

    /// Makes verification sets while documents are read (see
    /// [`Signer::sign`]) only until they take `bytes`.
    pub(crate) fn with_online_budget(mut self, bytes: usize) -> Self {
        self.online_budget = bytes;
        self
    }

    /// Forgets the band keys seen so far (16 MiB), once no more documents
    /// will be signed.
    pub(crate) fn forget_seen_keys(&mut self) {
        self.online = None;
    }

    /// The paragraph LSH parameters, when paragraphs are signed.
    pub(crate) fn paragraph_params(&self) -> Option<LshParams> {
        self.paragraphs.as_ref().map(|p| p.p)
    }

    /// The sketch of one document: signature, band keys, content hash.
    ///
    /// ```
    /// # use reprint::{Config, input::Document, pipeline::Signer};
    /// let cfg = Config::new(Vec::new());
    /// let signer = Signer::new(&cfg);
    /// let a = signer.sketch(&Document::new("a", "The harbor bridge will close."), &mut Default::default());
    /// let b = signer.sketch(&Document::new("b", "THE HARBOR BRIDGE, will close!"), &mut Default::default());
    /// assert_eq!(a.content_hash, b.content_hash);
    /// assert_eq!(a.band_keys, b.band_keys);
    /// ```
    pub fn sketch(&self, doc: &Document, scratch: &mut Scratch) -> DocSketch {
        let make = Make {
            units: false,
            content: true,
            reuse_keys: false,
        };
        let s = self.sign(&doc.text, make, scratch);
        let mut band_keys = Vec::new();
        if !s.empty {
            lsh::band_keys(&s.sig, self.doc_p, &mut band_keys);
        }
        DocSketch {
            content_hash: s.content.map_or(0, |c| c.hash),
            signature: s.sig,
            band_keys,
            empty: s.empty,
        }
    }

    /// The sorted, distinct shingle hashes of a text: what verification
    /// compares exactly.
    pub fn shingle_set(&self, text: &str, scratch: &mut Scratch) -> Vec<u64> {
        shingle_set(text, self.m.shingle_size, &mut scratch.shingles)
    }

    /// Signs one document's text, and makes what `make` asks for.
    fn sign(&self, text: &str, make: Make, scratch: &mut Scratch) -> Sketch {
        let paras = self.paragraphs.as_ref().map(|_| segment::paragraphs(text));
        let sh = match &paras {
            Some(paras) => {
                scratch.para_words.fill(text, paras, &mut scratch.words);
                shingles_of_words(
                    &scratch.para_words.hashes,
                    self.m.shingle_size,
                    &mut scratch.doc_shingles,
                )
            }
            None => shingles(text, self.m.shingle_size, &mut scratch.shingles),
        };
        let empty = sh.is_empty();
        let mut sig = vec![0u32; self.m.num_perm];
        self.hasher.sign_into(sh, &mut sig);
        let mut set = Vec::new();
        if let (Some(seen), false) = (&self.online, empty) {
            let keys = &mut scratch.band_keys;
            keys.clear();
            lsh::band_keys(&sig, self.doc_p, keys);
            if seen.insert_all(keys)
                && self.online_bytes.load(Ordering::Relaxed) < self.online_budget
            {
                set = to_set(sh, &mut scratch.counts);
                self.online_bytes
                    .fetch_add(set.len() * size_of::<u64>(), Ordering::Relaxed);
            }
        }
        let mut keys = Vec::new();
        let (mut units, mut doubled, mut content) = (Vec::new(), None, None);
        let mut grams = Vec::new();
        if let (Some(ps), Some(paras), false) = (&self.paragraphs, &paras, empty) {
            let words = &scratch.para_words;
            if make.units {
                units = paragraph::sign_paragraphs(
                    paras,
                    words,
                    ps.cfg.shingle_size,
                    ps.cfg.min_words,
                    &ps.hasher,
                    ps.p,
                    &mut scratch.para_shingles,
                    &mut keys,
                );
                if self.doubled {
                    doubled = doubled::detect(text, paras, words, &mut scratch.doubled);
                }
            }
            if (make.units && self.reuse_scan) || make.reuse_keys {
                crate::reuse::fingerprints(
                    &words.hashes,
                    self.reuse_sample,
                    &mut scratch.gram_hashes,
                    &mut grams,
                );
            }
            if make.content {
                // Per paragraph unit only when there are units to go with.
                let min = ps.cfg.min_words.max(1);
                content = Some(Content {
                    hash: index::content_hash(&words.hashes),
                    paragraphs: (0..paras.len())
                        .filter(|_| make.units)
                        .map(|i| words.of(i))
                        .filter(|w| w.len() >= min)
                        .map(index::content_hash)
                        .collect(),
                });
            }
        }
        Sketch {
            sig,
            set,
            empty,
            units,
            keys,
            doubled,
            grams,
            content,
        }
    }

    /// Signs one document of a scan, with its index record in records mode
    /// when `record` (held documents are indexed already: they need none).
    /// Takes its id and metadata; leaves the text.
    pub(crate) fn sign_doc(
        &self,
        doc: &mut Document,
        source_name: &str,
        record: bool,
        scratch: &mut Scratch,
    ) -> Signed {
        let Sketch {
            sig,
            set,
            empty,
            units: paras,
            keys: para_keys,
            doubled,
            grams,
            content,
        } = self.sign(
            &doc.text,
            Make {
                units: true,
                content: self.records && record,
                reuse_keys: self.records && record,
            },
            scratch,
        );
        let meta = std::mem::take(&mut doc.meta);
        let record = content.map(|c| {
            let reuse_keys = grams
                .iter()
                .copied()
                .filter(|&k| index::is_indexed_reuse_key(k))
                .collect();
            Box::new(self.record(
                doc,
                source_name,
                &meta,
                c,
                &sig,
                (&paras, &para_keys),
                reuse_keys,
            ))
        });
        // The scan's postings only when its reuse stage runs.
        let grams = if self.reuse_scan { grams } else { Vec::new() };
        Signed {
            info: DocInfo {
                id: std::mem::take(&mut doc.id),
                origin: doc.origin,
                empty,
                bytes: doc.text.len() as u64,
                meta: (!meta.is_empty()).then(|| Box::new(meta)),
            },
            sig,
            set,
            record,
            paras,
            para_keys,
            doubled,
            grams,
        }
    }

    /// What the index keeps of a document: its keys (cut to 32 bits; the
    /// first [`index::PARAGRAPH_BANDS`] bands of each paragraph; the reuse
    /// fingerprints the index keeps), hashes and text (packed by the
    /// index, with its dictionary).
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        doc: &Document,
        source_name: &str,
        meta: &Meta,
        content: Content,
        sig: &[u32],
        (units, para_keys): (&[Unit], &[u64]),
        reuse_keys: Vec<u32>,
    ) -> index::Record {
        let mut doc_keys = Vec::new();
        lsh::band_keys(sig, self.doc_p, &mut doc_keys);
        let pb = self.paragraphs.as_ref().map_or(1, |ps| ps.p.bands);
        let keep = pb.min(index::PARAGRAPH_BANDS);
        let mut paragraph_keys: Vec<u32> = para_keys
            .chunks(pb)
            .flat_map(|k| k[..keep].iter().map(|&k| index::short_key(k)))
            .collect();
        paragraph_keys.sort_unstable();
        paragraph_keys.dedup();
        let mut keys: Vec<u32> = doc_keys.iter().map(|&k| index::short_key(k)).collect();
        keys.sort_unstable();
        keys.dedup();
        let line = match doc.origin {
            Origin::Input(loc) => loc.line,
            Origin::Held(_) => 1,
        };
        index::Record {
            id: doc.id.clone(),
            line,
            meta: meta.clone(),
            path: source_name.to_string(),
            content_hash: content.hash,
            doc_keys: keys,
            paragraph_keys,
            reuse_keys,
            paragraphs: units
                .iter()
                .zip(content.paragraphs)
                .map(|(u, h)| (u.start_line, u.end_line, h))
                .collect(),
            text: doc.text.clone(),
            packed_text: Vec::new(),
            base_hint: None,
        }
    }
}
