//! The first pass: every document read once and signed, in parallel,
//! through the one reader ([`crate::input::read`]). What it keeps per
//! document is small (id, origin, signature, paragraph units and their
//! band keys); text is dropped once signed.
//!
//! Two sinks: [`FirstPass`] keeps the scan's state (and, for `check`, the
//! index records of the documents read); [`RecordSink`] hands index
//! records to `index add` a batch at a time and keeps nothing.

use std::borrow::Cow;

use crate::doubled::Doubled;
use crate::error::{Error, Result};
use crate::index::Record;
use crate::input::read::{Absorb, Item, Reader};
use crate::input::{Corpus, Document, Held, Issue, Origin, Progress};
use crate::minhash::SignatureMatrix;
use crate::paragraph::Unit;
use crate::spill::{Rows, Spill};

use super::sign::{DocInfo, Scratch, Signed, Signer};
use super::HeldDocument;

/// What the first pass keeps.
pub(crate) struct FirstPass {
    pub docs: Vec<DocInfo>,
    pub sigs: SignatureMatrix,
    /// The signatures once [`FirstPass::park_signatures`] moved them to a
    /// temporary file.
    pub parked: Option<Rows>,
    pub issues: Vec<Issue>,
    pub bytes: u64,
    /// Paragraph units of all documents, in document order.
    pub paras: Vec<Unit>,
    /// Their band keys, a partition per band, in unit order (in a
    /// temporary file until paragraph LSH reads them).
    pub para_keys: Spill<u64>,
    /// Documents that hold their article twice.
    pub doubled: Vec<(u32, Doubled)>,
    /// Verification sets made while a document's text was at hand; empty
    /// for the others.
    pub sets: Vec<Vec<u64>>,
    /// Reuse fingerprints as (key, document) postings, a partition per
    /// [`crate::reuse::Postings`] bucket (in a temporary file until the
    /// reuse stage reads them).
    pub grams: Spill<(u32, u32)>,
    /// Fingerprints per document.
    pub gram_counts: Vec<u32>,
    /// The index records of the documents (kept when asked: `check`).
    pub records: Option<Vec<Record>>,
    /// Whether paragraph units and doubled findings are kept (the signer
    /// may make them for records alone).
    keep_paragraphs: bool,
}

impl FirstPass {
    /// `para_bands` is the paragraph LSH's band count (with paragraphs kept);
    /// `reuse` whether the reuse stage will read fingerprints.
    pub fn new(
        num_perm: usize,
        para_bands: Option<usize>,
        reuse: bool,
        keep_records: bool,
    ) -> Self {
        let keep_paragraphs = para_bands.is_some();
        FirstPass {
            docs: Vec::new(),
            sigs: SignatureMatrix::new(num_perm),
            parked: None,
            issues: Vec::new(),
            bytes: 0,
            paras: Vec::new(),
            para_keys: Spill::new(para_bands.unwrap_or(0), keep_paragraphs),
            doubled: Vec::new(),
            sets: Vec::new(),
            grams: Spill::new(crate::reuse::POSTING_BUCKETS, reuse),
            gram_counts: Vec::new(),
            records: keep_records.then(Vec::new),
            keep_paragraphs,
        }
    }

    pub fn absorb_one(&mut self, o: Signed) {
        let doc = self.docs.len() as u32;
        if self.keep_paragraphs {
            self.paras
                .extend(o.paras.into_iter().map(|u| Unit { doc, ..u }));
            let bands = self.para_keys.parts();
            for band in 0..bands {
                let keys = o.para_keys.iter().skip(band).step_by(bands).copied();
                self.para_keys.extend(band, keys);
            }
            if let Some(d) = o.doubled {
                self.doubled.push((doc, d));
            }
        }
        for &k in &o.grams {
            self.grams.push(crate::reuse::bucket_of(k), (k, doc));
        }
        self.gram_counts
            .push(u32::try_from(o.grams.len()).unwrap_or(u32::MAX));
        if let (Some(records), Some(r)) = (&mut self.records, o.record) {
            records.push(*r);
        }
        self.bytes += o.info.bytes;
        self.docs.push(o.info);
        self.sigs.extend_rows(&o.sig);
        self.sets.push(o.set);
    }

    /// After document LSH, which is all that reads every signature: they
    /// are dropped when no paragraph stage follows (`needed` false), or
    /// go to a temporary file when they take more than `max_bytes`, for
    /// paragraph classification to read a few at a time.
    pub fn park_signatures(&mut self, needed: bool, max_bytes: usize) {
        let width = self.sigs.num_perm();
        if !needed {
            self.sigs = SignatureMatrix::new(width);
        } else if self.sigs.len() * width * 4 > max_bytes {
            self.parked = Some(Rows::of(self.sigs.as_slice(), width));
            self.sigs = SignatureMatrix::new(width);
        }
    }

    /// Document `d`'s signature, from memory or the temporary file.
    pub fn signature(&self, d: u32) -> std::io::Result<Cow<'_, [u32]>> {
        match &self.parked {
            Some(rows) => rows.get(d as usize).map(Cow::Owned),
            None if (d as usize) < self.sigs.len() => Ok(Cow::Borrowed(self.sigs.row(d as usize))),
            None => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    /// Gives back the spare capacity of what the later stages hold (the
    /// tables grew by doubling while the inputs were read: a quarter of
    /// the signatures' bytes on average).
    pub fn shrink(&mut self) {
        self.docs.shrink_to_fit();
        self.sigs.shrink_to_fit();
        self.paras.shrink_to_fit();
        self.sets.shrink_to_fit();
        self.gram_counts.shrink_to_fit();
    }
}

impl Absorb<Signed> for FirstPass {
    fn absorb(&mut self, items: Vec<Item<Signed>>) {
        for i in items {
            self.issues.extend(i.issues);
            i.got.for_each(|s| self.absorb_one(s));
        }
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
}

/// Reads every input of `corpus` and signs its documents into `sink`.
pub(crate) fn read_inputs(
    corpus: &Corpus,
    input: &crate::config::InputConfig,
    signer: &Signer,
    progress: Option<&Progress>,
    sink: &mut (impl Absorb<Signed> + Send),
) {
    let sources = &corpus.sources;
    Reader::new(
        sources,
        input,
        progress,
        Scratch::default,
        |scratch: &mut Scratch, doc: &mut Document| {
            let name = match doc.origin {
                Origin::Input(loc) => sources[loc.source as usize].name.as_str(),
                Origin::Held(_) => "",
            };
            signer.sign_doc(doc, name, true, scratch)
        },
    )
    .read_all(sink);
}

/// Signs documents to hold, in parallel, numbering them `Origin::Held`
/// from `first` on; returns each signed with its `Held` (the text moved
/// through the signer, not copied), in order.
pub(crate) fn sign_held(
    docs: Vec<HeldDocument>,
    first: usize,
    signer: &Signer,
) -> Vec<(Signed, Held)> {
    use rayon::prelude::*;
    docs.into_par_iter()
        .enumerate()
        .map_init(Scratch::default, |scratch, (i, d)| {
            let HeldDocument { id, meta, mut held } = d;
            let mut doc = Document {
                id,
                origin: Origin::Held((first + i) as u32),
                meta,
                text: std::mem::take(&mut held.text),
            };
            let signed = signer.sign_doc(&mut doc, &held.path, false, scratch);
            held.text = doc.text;
            (signed, held)
        })
        .collect()
}

/// The first pass's output for `index add`: records to a sink, a batch at
/// a time; only counts are kept.
pub(crate) struct RecordSink<'s> {
    pub sink: &'s mut (dyn FnMut(Vec<Record>) -> Result<()> + Send),
    pub error: Option<Error>,
    pub documents: u64,
    pub empty: u64,
    pub issues: Vec<Issue>,
}

impl Absorb<Signed> for RecordSink<'_> {
    fn absorb(&mut self, items: Vec<Item<Signed>>) {
        let mut batch = Vec::new();
        for i in items {
            self.issues.extend(i.issues);
            i.got.for_each(|s| {
                self.documents += 1;
                self.empty += u64::from(s.info.empty);
                if let Some(r) = s.record {
                    batch.push(*r);
                }
            });
        }
        if self.error.is_none() && !batch.is_empty() {
            if let Err(e) = (self.sink)(batch) {
                self.error = Some(e);
            }
        }
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn stopped(&self) -> bool {
        self.error.is_some()
    }
}
