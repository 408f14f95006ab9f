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
//! The same file-backed store holds, as [`Blobs`], byte strings read back
//! by offset: paragraph excerpts ([`Strings`]), findings past the findings
//! budget ([`crate::report::List`]) and parked signatures ([`Rows`]).
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

impl Fixed for u32 {
    const SIZE: usize = 4;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        u32::from_le_bytes(b.try_into().expect("4 bytes"))
    }
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
        self.0.put(out);
        self.1.put(out);
    }
    fn get(b: &[u8]) -> Self {
        let (x, y) = b.split_at(4);
        (u32::get(x), u32::get(y))
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

/// Where a string of a [`Strings`] store is: its offset (the high 48
/// bits) and length in bytes (the low 16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Loc(u64);

impl Loc {
    fn new(at: u64, len: usize) -> Self {
        debug_assert!(len <= usize::from(u16::MAX) && at < 1 << 48);
        Loc(at << 16 | len as u64)
    }
    fn at(self) -> u64 {
        self.0 >> 16
    }
    fn len(self) -> usize {
        (self.0 & 0xFFFF) as usize
    }
}

/// Byte strings written once, then read back one at a time, from any
/// thread, by the offset each push returned and their length. Like a
/// [`Spill`], it keeps a few MiB in memory and appends the rest to an
/// unnamed temporary file; where none can be made or written, the bytes
/// stay in memory. Reading one back from the file is one positioned read.
pub(crate) struct Blobs {
    file: Option<File>,
    /// Bytes in the file; offsets past it are in `tail`.
    written: u64,
    tail: Vec<u8>,
    writing: bool,
}

impl Blobs {
    /// An empty store; `spill` says whether to use a temporary file.
    pub fn new(spill: bool) -> Self {
        Blobs {
            file: (spill && cfg!(any(unix, windows)))
                .then(tempfile::tempfile)
                .and_then(Result::ok),
            written: 0,
            tail: Vec::new(),
            writing: spill && cfg!(any(unix, windows)),
        }
    }

    /// Stores `b`; returns its offset.
    pub fn push(&mut self, b: &[u8]) -> u64 {
        let at = self.written + self.tail.len() as u64;
        self.tail.extend_from_slice(b);
        if self.writing && self.tail.len() >= BUFFER_BYTES {
            self.flush();
        }
        at
    }

    /// Writes the bytes held in memory out. On a write error they stay
    /// in memory, and so do all later ones.
    pub fn flush(&mut self) {
        let Some(file) = self.file.as_mut().filter(|_| self.writing) else {
            return;
        };
        let at = self.written;
        let ok = file
            .seek(SeekFrom::Start(at))
            .and_then(|_| file.write_all(&self.tail))
            .is_ok();
        if ok {
            self.written += self.tail.len() as u64;
            self.tail.clear();
            self.tail.shrink_to(BUFFER_BYTES);
        } else {
            self.writing = false;
        }
    }

    /// The `len` bytes pushed at `at` (a push is never split between the
    /// file and memory: a flush writes whole pushes).
    pub fn get(&self, at: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; len];
        if at >= self.written {
            let from = (at - self.written) as usize;
            let held = self
                .tail
                .get(from..from + len)
                .ok_or(io::ErrorKind::UnexpectedEof)?;
            bytes.copy_from_slice(held);
        } else if let Some(file) = &self.file {
            read_at(file, &mut bytes, at)?;
        }
        Ok(bytes)
    }

    /// Whether pushes are still written out (tests).
    #[cfg(test)]
    fn spilling(&self) -> bool {
        self.file.is_some() && self.writing
    }
}

/// Short strings (at most 65,535 bytes each) in a [`Blobs`] store, each
/// found by an 8-byte [`Loc`]: the paragraph stage's excerpts of every
/// candidate paragraph, of which it needs only the clustered ones, and
/// those only once clusters are built.
pub(crate) struct Strings(Blobs);

impl Strings {
    /// An empty store; `spill` says whether to use a temporary file.
    pub fn new(spill: bool) -> Self {
        Strings(Blobs::new(spill))
    }

    /// Stores `s` (cut to 65,535 bytes at a character boundary).
    pub fn push(&mut self, s: &str) -> Loc {
        let mut end = s.len().min(usize::from(u16::MAX));
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        Loc::new(self.0.push(&s.as_bytes()[..end]), end)
    }

    /// Writes the strings held in memory out.
    pub fn flush(&mut self) {
        self.0.flush();
    }

    /// The string at `loc` ("" for the default `Loc`).
    pub fn get(&self, loc: Loc) -> io::Result<String> {
        let bytes = self.0.get(loc.at(), loc.len())?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// Rows of `width` 32-bit values (document signatures once document LSH
/// is done), read back one at a time by number.
pub(crate) struct Rows {
    blobs: Blobs,
    width: usize,
    rows: usize,
}

impl Rows {
    /// `rows` rows of `width` values each, concatenated in `values`, moved
    /// to a temporary file (or kept in memory where none can be written).
    pub fn of(values: &[u32], width: usize) -> Self {
        let mut blobs = Blobs::new(true);
        let mut bytes = Vec::with_capacity(width * u32::SIZE);
        for row in values.chunks_exact(width.max(1)) {
            bytes.clear();
            row.iter().for_each(|v| v.put(&mut bytes));
            blobs.push(&bytes);
        }
        blobs.flush();
        Rows {
            blobs,
            width,
            rows: values.len().checked_div(width).unwrap_or(0),
        }
    }

    /// Row `i`.
    pub fn get(&self, i: usize) -> io::Result<Vec<u32>> {
        if i >= self.rows {
            return Err(io::ErrorKind::NotFound.into());
        }
        let row_bytes = self.width * u32::SIZE;
        let bytes = self.blobs.get((i * row_bytes) as u64, row_bytes)?;
        Ok(bytes.chunks_exact(u32::SIZE).map(u32::get).collect())
    }
}

/// Fills `buf` from `file` at `at`, without moving a shared cursor, so
/// that threads may read at once.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

/// Fills `buf` from `file` at `at` (Windows: each read says where).
#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// Elsewhere [`Strings`] keeps everything in memory and never reads a file.
#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
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
    fn strings_come_back_from_file_and_memory() {
        // Several flushes' worth, with multi-byte characters, and a tail.
        let texts: Vec<String> = (0..3 * BUFFER_BYTES / 40)
            .map(|i| format!("paragraph {i} — naïve café {}", "x".repeat(i % 17)))
            .collect();
        for spill in [true, false] {
            let mut s = Strings::new(spill);
            let locs: Vec<Loc> = texts.iter().map(|t| s.push(t)).collect();
            assert_eq!(s.0.spilling(), spill);
            if spill {
                assert!(s.0.written > 0 && !s.0.tail.is_empty(), "file and tail");
            }
            for (t, &l) in texts.iter().zip(&locs) {
                assert_eq!(&s.get(l).unwrap(), t);
            }
            s.flush();
            for (t, &l) in texts.iter().zip(&locs).rev().step_by(97) {
                assert_eq!(&s.get(l).unwrap(), t);
            }
            assert_eq!(s.get(Loc::default()).unwrap(), "");
        }
    }

    #[test]
    fn rows_come_back_by_number() {
        let width = 128;
        let n = 3 * BUFFER_BYTES / (width * 4) + 17;
        let values: Vec<u32> = (0..(n * width) as u32)
            .map(|v| v.wrapping_mul(2_654_435_761))
            .collect();
        let rows = Rows::of(&values, width);
        assert!(rows.blobs.spilling() && rows.blobs.written > 0);
        for i in [0, 1, n / 2, n - 1] {
            assert_eq!(rows.get(i).unwrap(), &values[i * width..(i + 1) * width]);
        }
        assert!(rows.get(n).is_err());
    }

    #[test]
    fn a_long_string_is_cut_at_a_character_boundary() {
        let mut s = Strings::new(false);
        let long = "é".repeat(40_000);
        let at = s.push(&long);
        let back = s.get(at).unwrap();
        assert!(back.len() <= usize::from(u16::MAX) && long.starts_with(&back));
        assert_eq!(back.len(), 65_534);
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
