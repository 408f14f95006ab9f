//! Partitioned tables of fixed-size values that live in a temporary file
//! between the pass that writes them and the stage that reads them.
//!
//! The first pass makes two tables that no stage needs until later: the
//! paragraphs' band keys (read a band at a time by paragraph LSH) and the
//! reuse fingerprints (read a bucket at a time by the reuse stage). Held in
//! memory they were over half of a scan's peak. A [`Spill`] keeps a few
//! MiB of values per table in memory and appends the rest to an unnamed
//! temporary file (removed by the system when it is closed) as segments of
//! one partition each; [`Spill::part`] reads a partition back, in the
//! order its values were pushed. The bytes are the same either way, so the
//! results are too.
//!
//! Where no temporary file can be made or written (a full or read-only
//! temporary directory), the values stay in memory: a scan needs more
//! memory then, never gives a different result.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Bytes of values buffered before they are written out.
const BUFFER_BYTES: usize = 4 << 20;

/// A value of fixed size, stored little-endian.
pub(crate) trait Fixed: Copy + Send + Sync {
    /// Its size in bytes.
    const SIZE: usize;
    /// Writes it into `out` (`SIZE` bytes).
    fn put(&self, out: &mut Vec<u8>);
    /// Reads it from `b` (`SIZE` bytes).
    fn get(b: &[u8]) -> Self;
}

impl Fixed for u64 {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        u64::from_le_bytes(b.try_into().expect("8 bytes"))
    }
}

impl Fixed for (u32, u32) {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
        out.extend_from_slice(&self.1.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let (x, y) = b.split_at(4);
        (
            u32::from_le_bytes(x.try_into().expect("4 bytes")),
            u32::from_le_bytes(y.try_into().expect("4 bytes")),
        )
    }
}

/// A table of `T` in `parts` partitions, appended to and read back by
/// partition (see the module docs).
pub(crate) struct Spill<T: Fixed> {
    /// Values not written out yet, per partition.
    buffers: Vec<Vec<T>>,
    buffered: usize,
    /// The temporary file (`None`: everything stays in memory).
    file: Option<Mutex<File>>,
    /// Bytes written to it.
    written: u64,
    /// Whether values are still written out (false after a write error).
    writing: bool,
    /// Per partition, its segments in the file: (offset, values).
    segments: Vec<Vec<(u64, usize)>>,
    /// Values per partition.
    lens: Vec<usize>,
}

impl<T: Fixed> Spill<T> {
    /// An empty table of `parts` partitions; `spill` says whether to use a
    /// temporary file at all.
    pub fn new(parts: usize, spill: bool) -> Self {
        Spill {
            buffers: vec![Vec::new(); parts],
            buffered: 0,
            file: spill
                .then(tempfile::tempfile)
                .and_then(Result::ok)
                .map(Mutex::new),
            written: 0,
            writing: true,
            segments: vec![Vec::new(); parts],
            lens: vec![0; parts],
        }
    }

    /// The number of partitions.
    pub fn parts(&self) -> usize {
        self.buffers.len()
    }

    /// Values in partition `part`.
    #[cfg(test)]
    pub fn len_of(&self, part: usize) -> usize {
        self.lens[part]
    }

    /// Appends `v` to partition `part`.
    pub fn push(&mut self, part: usize, v: T) {
        self.extend(part, std::iter::once(v));
    }

    /// Appends `values` to partition `part`, in order.
    pub fn extend(&mut self, part: usize, values: impl Iterator<Item = T>) {
        let buf = &mut self.buffers[part];
        let before = buf.len();
        buf.extend(values);
        let added = buf.len() - before;
        self.lens[part] += added;
        self.buffered += added;
        if self.writing && self.buffered * T::SIZE >= BUFFER_BYTES {
            self.flush();
        }
    }

    /// Writes every buffered value out, a segment per partition. On a
    /// write error the values stay in memory, and so do all later ones.
    fn flush(&mut self) {
        let Some(file) = self.file.as_ref().filter(|_| self.writing) else {
            return;
        };
        let mut bytes = Vec::with_capacity(self.buffered * T::SIZE);
        let mut segs = Vec::new();
        for (p, buf) in self.buffers.iter().enumerate() {
            if buf.is_empty() {
                continue;
            }
            segs.push((p, self.written + bytes.len() as u64, buf.len()));
            buf.iter().for_each(|v| v.put(&mut bytes));
        }
        let ok = {
            let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
            f.seek(SeekFrom::Start(self.written))
                .and_then(|_| f.write_all(&bytes))
                .is_ok()
        };
        if !ok {
            // What the file holds so far is still read back; the rest
            // stays here.
            self.file_full();
            return;
        }
        self.written += bytes.len() as u64;
        for (p, at, n) in segs {
            self.segments[p].push((at, n));
        }
        self.buffers.iter_mut().for_each(Vec::clear);
        self.buffered = 0;
    }

    /// Stops writing (keeps the file for the segments already in it).
    fn file_full(&mut self) {
        self.writing = false;
    }

    /// Partition `part`'s values, in the order they were pushed.
    pub fn part(&self, part: usize) -> io::Result<Vec<T>> {
        let mut out = Vec::with_capacity(self.lens[part]);
        if let (Some(file), false) = (&self.file, self.segments[part].is_empty()) {
            let mut bytes = Vec::new();
            let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
            for &(at, n) in &self.segments[part] {
                bytes.resize(n * T::SIZE, 0);
                f.seek(SeekFrom::Start(at))?;
                f.read_exact(&mut bytes)?;
                out.extend(bytes.chunks_exact(T::SIZE).map(T::get));
            }
        }
        out.extend_from_slice(&self.buffers[part]);
        Ok(out)
    }
}

/// The report's issue for a table that could not be read back: `what`
/// names it, `lost` the findings that may be missing.
pub(crate) fn spill_issue(what: &str, lost: &str, e: &io::Error) -> crate::input::Issue {
    crate::input::Issue {
        path: "(temporary file)".into(),
        line: None,
        kind: crate::input::IssueKind::Warning,
        whole_file: false,
        message: format!(
            "the {what} could not be read back from the temporary file ({e}), so some {lost} \
             may be missing: make room in the temporary directory (TMPDIR) and scan again"
        ),
    }
}

impl<T: Fixed> Spill<T> {
    /// Whether new values are still written out (tests).
    #[cfg(test)]
    fn spilling(&self) -> bool {
        self.file.is_some() && self.writing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(spill: bool, n: u64) -> Spill<u64> {
        let mut s = Spill::new(7, spill);
        for i in 0..n {
            s.push(
                (i * 2654435761 % 7) as usize,
                i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
        }
        s
    }

    #[test]
    fn parts_come_back_in_push_order_from_file_and_memory() {
        // Enough values for several flushes and a buffered tail.
        let n = (3 * BUFFER_BYTES / 8 + 1234) as u64;
        let (file, memory) = (fill(true, n), fill(false, n));
        assert!(file.spilling());
        assert!(file.segments.iter().any(|s| s.len() >= 3), "written out");
        assert!(memory.segments.iter().all(Vec::is_empty), "kept in memory");
        let mut total = 0;
        for p in 0..7 {
            let (a, b) = (file.part(p).unwrap(), memory.part(p).unwrap());
            assert_eq!(a, b);
            assert_eq!(a.len(), file.len_of(p));
            let expected: Vec<u64> = (0..n)
                .filter(|i| (i * 2654435761 % 7) as usize == p)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect();
            assert_eq!(a, expected);
            total += a.len();
        }
        assert_eq!(total as u64, n);
    }

    #[test]
    fn pairs_round_trip() {
        let mut s: Spill<(u32, u32)> = Spill::new(2, true);
        let vals: Vec<(u32, u32)> = (0..1000).map(|i| (u32::MAX - i, i)).collect();
        for &v in &vals {
            s.push((v.1 % 2) as usize, v);
        }
        s.flush();
        s.push(0, (7, 7));
        let mut evens: Vec<_> = vals.iter().copied().filter(|v| v.1 % 2 == 0).collect();
        evens.push((7, 7));
        assert_eq!(s.part(0).unwrap(), evens);
        assert_eq!(s.part(1).unwrap().len(), 500);
    }

    #[test]
    fn a_failed_write_keeps_the_values_in_memory() {
        let mut s = fill(true, 1000);
        s.flush();
        // What a write error leaves: the file's segments, then memory.
        s.file_full();
        for i in 0..100u64 {
            s.push(3, i);
        }
        let back = s.part(3).unwrap();
        assert_eq!(&back[back.len() - 100..], &(0..100).collect::<Vec<_>>()[..]);
        assert_eq!(back.len(), s.len_of(3));
    }
}
