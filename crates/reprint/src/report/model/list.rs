//! A report's list of findings, held in memory up to a budget and past it
//! in a temporary file.
//!
//! A scan of a large corpus finds millions of repeated paragraphs and
//! derived documents; held as report structures until the report is
//! written, they were most of its peak memory. A [`ListBuilder`] keeps
//! findings in memory while their estimated size fits the scan's findings
//! budget; past it, each one is written to a temporary file as JSON as it
//! is made ([`Blobs`]), and only its place in the file and its sort key stay
//! in memory. [`List::iter`] reads them back one at a time, in report
//! order, so writing a report holds one finding at a time. Either way the
//! list holds the same findings in the same order: the report's bytes do
//! not depend on the budget.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::spill::Blobs;

/// A finding a [`List`] can hold: it goes to a temporary file as JSON and
/// comes back the same.
pub trait Listed: Serialize + DeserializeOwned + Clone {
    /// About the bytes it takes in memory, with what it points to.
    fn weight(&self) -> usize;
    /// Sets what depends on its position in the list (0-based) once the
    /// list is sorted: a cluster's 1-based id.
    fn place(&mut self, _position: usize) {}
}

/// Where a finding is: in memory, or at a span of the list's file.
#[derive(Clone)]
enum Slot<T> {
    Held(Box<T>),
    At { at: u64, len: usize },
}

/// Findings in report order, in memory or (some or all of them) in a
/// temporary file.
#[derive(Clone)]
pub struct List<T> {
    slots: Vec<Slot<T>>,
    file: Option<Arc<Blobs>>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            slots: Vec::new(),
            file: None,
        }
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List {
            slots: items.into_iter().map(|t| Slot::Held(Box::new(t))).collect(),
            file: None,
        }
    }
}

impl<T: Listed> List<T> {
    /// How many findings it holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether some of its findings are in a temporary file.
    pub fn spilled(&self) -> bool {
        self.slots.iter().any(|s| matches!(s, Slot::At { .. }))
    }

    /// The findings in order, each read back from the file if it is there
    /// (an error if the temporary file cannot be read).
    pub fn iter(&self) -> impl Iterator<Item = Result<Cow<'_, T>>> + '_ {
        (0..self.slots.len()).map(move |i| self.get(i))
    }

    /// The finding at `position` (from any thread), read back from the
    /// file if it is there. Panics past the end.
    pub fn get(&self, position: usize) -> Result<Cow<'_, T>> {
        match &self.slots[position] {
            Slot::Held(t) => Ok(Cow::Borrowed(&**t)),
            &Slot::At { at, len } => self
                .read(position, at, len)
                .map(Cow::Owned)
                .map_err(Error::Findings),
        }
    }

    /// Every finding, in memory.
    pub fn to_vec(&self) -> Result<Vec<T>> {
        self.iter().map(|t| t.map(Cow::into_owned)).collect()
    }

    /// Appends `item` (in memory).
    pub fn push(&mut self, item: T) {
        self.slots.push(Slot::Held(Box::new(item)));
    }

    fn read(&self, position: usize, at: u64, len: usize) -> io::Result<T> {
        let file = self.file.as_ref().ok_or(io::ErrorKind::NotFound)?;
        let mut t: T = serde_json::from_slice(&file.get(at, len)?)?;
        t.place(position);
        Ok(t)
    }
}

impl<T: Listed> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for t in self.iter() {
            let t = t.map_err(S::Error::custom)?;
            seq.serialize_element(&*t)?;
        }
        seq.end()
    }
}

impl<T: Listed + fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for slot in &self.slots {
            match slot {
                Slot::Held(t) => list.entry(t),
                Slot::At { at, len } => list.entry(&format_args!("<{len} bytes at {at}>")),
            };
        }
        list.finish()
    }
}

impl<T: Listed + PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.iter().zip(other.iter()).all(|(a, b)| match (a, b) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            })
    }
}

/// Builds a [`List`] from findings made in any order, each with its sort
/// key: in memory while `budget` bytes last, then in a temporary file.
pub(crate) struct ListBuilder<K, T> {
    slots: Vec<(K, Slot<T>)>,
    file: Option<Blobs>,
    left: usize,
    spill: bool,
}

impl<K: Ord, T: Listed> ListBuilder<K, T> {
    /// An empty list that holds findings of up to `budget` bytes in memory
    /// (all of them with `spill` false).
    pub fn new(budget: usize, spill: bool) -> Self {
        ListBuilder {
            slots: Vec::new(),
            file: None,
            left: budget,
            spill,
        }
    }

    /// Adds `item`, to be placed by `key` (equal keys keep push order).
    pub fn push(&mut self, key: K, item: T) {
        let weight = item.weight();
        if self.spill && (self.file.is_some() || weight > self.left) {
            if self.file.is_none() {
                self.start_file();
            }
            let slot = self.write(item);
            self.slots.push((key, slot));
        } else {
            self.left = self.left.saturating_sub(weight);
            self.slots.push((key, Slot::Held(Box::new(item))));
        }
    }

    /// The budget not used.
    pub fn left(&self) -> usize {
        if self.file.is_some() {
            0
        } else {
            self.left
        }
    }

    /// Moves what is held so far to the file.
    fn start_file(&mut self) {
        self.file = Some(Blobs::new(true));
        self.left = 0;
        for i in 0..self.slots.len() {
            let slot = std::mem::replace(&mut self.slots[i].1, Slot::At { at: 0, len: 0 });
            self.slots[i].1 = match slot {
                Slot::Held(t) => self.write(*t),
                at => at,
            };
        }
    }

    /// Writes `item` to the file (it stays in memory if it cannot be
    /// encoded, which our findings always can).
    fn write(&mut self, item: T) -> Slot<T> {
        let file = self.file.as_mut().expect("the file is started first");
        match serde_json::to_vec(&item) {
            Ok(bytes) => Slot::At {
                at: file.push(&bytes),
                len: bytes.len(),
            },
            Err(_) => Slot::Held(Box::new(item)),
        }
    }

    /// The list, sorted by key, and each finding placed.
    pub fn finish(mut self) -> List<T> {
        self.slots.sort_by(|a, b| a.0.cmp(&b.0));
        let mut slots: Vec<Slot<T>> = self.slots.into_iter().map(|(_, s)| s).collect();
        for (i, slot) in slots.iter_mut().enumerate() {
            if let Slot::Held(t) = slot {
                t.place(i);
            }
        }
        let file = self.file.map(|mut f| {
            f.flush();
            Arc::new(f)
        });
        List { slots, file }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
    struct Item {
        id: usize,
        name: String,
        score: f64,
    }

    impl Listed for Item {
        fn weight(&self) -> usize {
            std::mem::size_of::<Self>() + self.name.len()
        }
        fn place(&mut self, position: usize) {
            self.id = position + 1;
        }
    }

    fn items(n: usize) -> Vec<(u64, Item)> {
        let mut next = crate::test_rng::xorshift(7);
        (0..n)
            .map(|i| {
                let key = next() % 50;
                let item = Item {
                    id: 0,
                    name: format!("finding {i} — naïve {}", "x".repeat(i % 13)),
                    score: (next() % 10_000) as f64 / 7919.0,
                };
                (key, item)
            })
            .collect()
    }

    fn build(all: &[(u64, Item)], budget: usize, spill: bool) -> List<Item> {
        let mut b = ListBuilder::new(budget, spill);
        for (k, t) in all {
            b.push(*k, t.clone());
        }
        b.finish()
    }

    #[test]
    fn a_list_is_the_same_in_memory_and_in_a_file() {
        let all = items(20_000);
        let memory = build(&all, usize::MAX, true);
        assert!(!memory.spilled());
        let mut sorted = all.clone();
        sorted.sort_by_key(|(k, _)| *k);
        let expected: Vec<Item> = sorted
            .into_iter()
            .enumerate()
            .map(|(i, (_, t))| Item { id: i + 1, ..t })
            .collect();
        assert_eq!(memory.to_vec().unwrap(), expected);
        // Spilled from the start, part way, and never (no spill allowed).
        for (budget, spill) in [(0, true), (100_000, true), (0, false)] {
            let list = build(&all, budget, spill);
            assert_eq!(list.spilled(), spill, "budget {budget}");
            assert_eq!(list, memory);
            assert_eq!(
                serde_json::to_string(&list).unwrap(),
                serde_json::to_string(&expected).unwrap()
            );
        }
    }

    #[test]
    fn a_budget_keeps_the_first_findings_in_memory_until_it_runs_out() {
        let all = items(100);
        let mut b = ListBuilder::new(all[0].1.weight() + 1, true);
        b.push(all[0].0, all[0].1.clone());
        assert!(b.file.is_none() && b.left() == 1);
        b.push(all[1].0, all[1].1.clone());
        assert!(b.file.is_some() && b.left() == 0);
        let list = b.finish();
        assert!(list.slots.iter().all(|s| matches!(s, Slot::At { .. })));
        assert_eq!(list.len(), 2);
    }
}
