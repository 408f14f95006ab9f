//! Bases: the stored text a new text is packed against.
//!
//! A reprint's text is mostly its source's. Packed with zstd against the
//! source's text (as a prefix, [`super::pack::pack_against`]) it takes a
//! fraction of what the trained dictionary alone leaves. While an index is
//! written, [`Bases`] remembers one in [`KEY_SAMPLE`] of the document band
//! keys of every text written so far that is packed on its own, and
//! proposes for each new document the one sharing most of its sampled
//! keys (the oldest on a tie). The writer keeps the packing against the
//! base only when it is smaller, so a poor proposal costs time, never
//! bytes; and a document that had a proposal is never proposed itself, so
//! every base is packed on its own.
//!
//! A document `check` found to copy or derive from an indexed one
//! ([`Record::base_hint`]) is proposed that one instead: how a day's
//! reprints added by `check --update` are packed against their sources.
//!
//! Memory: a hash map of the sampled keys, at most [`MAX_KEYS`] of them
//! (about 36 MB, 54 MB while it grows; at the default 26 bands, one key in
//! 4 is about 540,000 documents). Past that the bases are forgotten and
//! the next batches start afresh: a long `index add` finds the sources of
//! its reprints among the half million documents before them.

use std::collections::HashMap;

use super::Record;

/// One in this many document band keys is remembered (by value: the
/// same keys in every document).
pub const KEY_SAMPLE: u32 = 4;
/// Sampled keys remembered at most: a hash map of 4M buckets.
pub const MAX_KEYS: usize = 3_500_000;

/// Where a proposed base is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// A document written before this batch: its row.
    Row(i64),
    /// A document earlier in this batch: its position.
    InBatch(usize),
}

/// The documents a writer has packed on its own, by sampled key.
#[derive(Debug, Default)]
pub struct Bases {
    /// Sampled key → slot of the oldest document holding it.
    by_key: HashMap<u32, u32>,
    /// Slot → row of the document (0: not written; below 0: position
    /// `-row - 1` in the batch being written).
    rows: Vec<i64>,
    /// First slot of the batch being written.
    batch_start: usize,
}

fn sampled(r: &Record) -> impl Iterator<Item = u32> + '_ {
    r.doc_keys.iter().copied().filter(|k| k % KEY_SAMPLE == 0)
}

impl Bases {
    /// Proposes a base for each of `records` (a batch, in the order it is
    /// written), and remembers those without one as bases for what
    /// follows; [`Bases::written`] then gives their rows.
    pub fn propose(&mut self, records: &[Record]) -> Vec<Option<Base>> {
        if self.by_key.len() > MAX_KEYS || self.rows.len() >= u32::MAX as usize - records.len() {
            self.forget();
        }
        self.batch_start = self.rows.len();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if let Some(row) = r.base_hint {
                    return Some(Base::Row(row));
                }
                counts.clear();
                for k in sampled(r) {
                    if let Some(&slot) = self.by_key.get(&k) {
                        match counts.iter_mut().find(|(s, _)| *s == slot) {
                            Some((_, n)) => *n += 1,
                            None => counts.push((slot, 1)),
                        }
                    }
                }
                let best = counts
                    .iter()
                    .max_by_key(|&&(slot, n)| (n, std::cmp::Reverse(slot)))
                    .map(|&(slot, _)| self.rows[slot as usize]);
                match best {
                    Some(row) if row > 0 => Some(Base::Row(row)),
                    Some(row) if row < 0 => Some(Base::InBatch((-row - 1) as usize)),
                    Some(_) => None,
                    None => {
                        let slot = self.rows.len() as u32;
                        self.rows.push(-(i as i64) - 1);
                        for k in sampled(r) {
                            self.by_key.entry(k).or_insert(slot);
                        }
                        None
                    }
                }
            })
            .collect()
    }

    /// The rows the batch's documents were written to (0: not written,
    /// its content was indexed already).
    pub fn written(&mut self, rows: &[i64]) {
        for r in &mut self.rows[self.batch_start..] {
            if *r < 0 {
                *r = rows.get((-*r - 1) as usize).copied().unwrap_or(0);
            }
        }
        self.batch_start = self.rows.len();
    }

    /// Forgets every base (a rolled-back write; or too many keys).
    pub fn forget(&mut self) {
        *self = Bases::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(keys: &[u32]) -> Record {
        Record {
            id: String::new(),
            path: String::new(),
            line: 1,
            meta: Default::default(),
            content_hash: 0,
            doc_keys: keys.iter().map(|k| k * KEY_SAMPLE).collect(),
            paragraph_keys: Vec::new(),
            reuse_keys: Vec::new(),
            paragraphs: Vec::new(),
            text: String::new(),
            packed_text: Vec::new(),
            base_hint: None,
        }
    }

    #[test]
    fn the_oldest_document_sharing_most_keys_is_proposed() {
        let mut b = Bases::default();
        let first = [rec(&[1, 2, 3]), rec(&[4, 5, 6, 7]), rec(&[1, 2, 9])];
        // The third shares 2 keys with the first: proposed in the batch.
        assert_eq!(
            b.propose(&first),
            [None, None, Some(Base::InBatch(0))].to_vec()
        );
        b.written(&[10, 11, 12]);
        // Keys off the sample are not looked at.
        let mut off = rec(&[]);
        off.doc_keys = vec![1, 2, 3];
        let second = [rec(&[4, 5, 1]), rec(&[3, 7]), off, rec(&[20]), rec(&[30])];
        assert_eq!(
            b.propose(&second),
            [Some(Base::Row(11)), Some(Base::Row(10)), None, None, None].to_vec()
        );
        // The last of this batch was not written (its content was indexed
        // already): never proposed.
        b.written(&[21, 22, 23, 24, 0]);
        let third = [rec(&[20]), rec(&[3]), rec(&[30])];
        assert_eq!(
            b.propose(&third),
            [Some(Base::Row(24)), Some(Base::Row(10)), None].to_vec()
        );
        // A hint (from a check) wins.
        let mut hinted = rec(&[20]);
        hinted.base_hint = Some(7);
        assert_eq!(b.propose(&[hinted]), [Some(Base::Row(7))].to_vec());
        b.forget();
        assert_eq!(
            b.propose(&[rec(&[20]), rec(&[20, 3])]),
            [None, Some(Base::InBatch(0))].to_vec()
        );
    }
}
