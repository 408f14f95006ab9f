//! What the index stores per document ([`Record`] in, [`Stored`] out),
//! and the pure functions that make its keys, hashes and packed text.

use crate::input::Meta;

use super::pack::{PackScratch, Packer};

/// What the index keeps of one document (made by
/// [`crate::pipeline::index_records`]).
#[derive(Debug, Clone)]
pub struct Record {
    /// Document id.
    pub id: String,
    /// The name of its file.
    pub path: String,
    /// Its line (JSON Lines), item (feeds) or 1.
    pub line: u64,
    /// Its metadata.
    pub meta: Meta,
    /// Hash of its normalized words ([`content_hash`]).
    pub content_hash: u64,
    /// Its document band keys, cut to 32 bits, sorted, distinct.
    pub doc_keys: Vec<u32>,
    /// Its paragraphs' first band keys, cut to 32 bits, sorted, distinct.
    pub paragraph_keys: Vec<u32>,
    /// Its reuse look-up keys: the reuse fingerprints
    /// ([`crate::reuse::fingerprints`]) that [`super::is_indexed_reuse_key`]
    /// keeps, sorted, distinct.
    pub reuse_keys: Vec<u32>,
    /// Its paragraph units: first line, last line, content hash.
    pub paragraphs: Vec<(u32, u32, u64)>,
    /// Its text (empty once packed and dropped: [`Record::drop_text`]).
    pub text: String,
    /// Its packed text (empty until packed: [`super::Index::add`] packs
    /// what its caller has not).
    pub packed_text: Vec<u8>,
    /// The row of an indexed document it was found to copy or derive
    /// from (by `check`), to pack its text against.
    pub base_hint: Option<i64>,
}

impl Record {
    /// Packs the text for storage (again, if it was packed already).
    pub fn pack<'p>(&mut self, packer: &'p Packer, scratch: &mut PackScratch<'p>) {
        self.packed_text = packer.pack(&self.text, scratch);
    }

    /// Drops the text once packed (the index stores only the packed one).
    pub fn drop_text(&mut self) {
        if !self.packed_text.is_empty() {
            self.text = String::new();
        }
    }
}

/// An indexed document brought back for a check.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Row id in the index.
    pub rowid: i64,
    /// Document id.
    pub id: String,
    /// The file it was read from when added.
    pub path: String,
    /// Its line there.
    pub line: u64,
    /// Its metadata.
    pub meta: Meta,
    /// Hash of its normalized words.
    pub content_hash: u64,
    /// When it was added (RFC 3339, UTC).
    pub first_seen: String,
    /// Its text.
    pub text: String,
}

/// Counts and parameters of an index.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stats {
    /// The index file.
    pub path: String,
    /// Format version.
    pub format_version: i64,
    /// Documents held.
    pub documents: u64,
    /// Of them, those whose text is packed against another's (its base:
    /// a reprint against its source).
    pub packed_against_base: u64,
    /// Document band-key rows.
    pub document_keys: u64,
    /// Paragraph band-key rows.
    pub paragraph_keys: u64,
    /// Reuse-fingerprint rows.
    pub reuse_keys: u64,
    /// Earliest first-seen time.
    pub first_seen_min: Option<String>,
    /// Latest first-seen time.
    pub first_seen_max: Option<String>,
    /// Bytes on disk (database plus write-ahead log).
    pub bytes_on_disk: u64,
    /// The parameters it was built with.
    pub params: Vec<(String, String)>,
}

/// What adding documents did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Added {
    /// Documents that were new.
    pub added: u64,
    /// Documents whose content was already indexed.
    pub known: u64,
}

/// The 32-bit lookup key of a band key, as SQLite stores it compactly.
pub fn short_key(k: u64) -> u32 {
    (k >> 32) as u32
}

/// Hash of a sequence of normalized word hashes: equal for texts that
/// differ only in case, spacing, punctuation and Unicode form.
pub fn content_hash(words: &[u64]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for w in words {
        h.update(&w.to_le_bytes());
    }
    h.digest()
}

/// A stable 16-hex-digit fingerprint of parts (see [`crate::check`]).
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    format!("{:016x}", h.digest())
}

pub(super) fn i64_of(x: u64) -> i64 {
    x as i64
}
