//! Reading a JSON Lines file in large chunks of whole lines.
//!
//! The first pass reads JSON Lines in chunks of about 16 MiB that end at a
//! line boundary, and signs one chunk while the next is being read. Each
//! line comes with its 1-based number and byte offset, so any record can be
//! found again and every message can name its line.

use std::io::{self, Read};

/// One line of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    /// 1-based line number in the file.
    pub line: u64,
    /// Byte offset of the line in the file.
    pub offset: u64,
    /// The line's bytes are `chunk.bytes[start..end]` (no newline, no `\r`).
    pub start: usize,
    /// End of the line's bytes in the chunk.
    pub end: usize,
}

/// Whole lines of a file and where each one is.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The bytes of the lines, newlines included.
    pub bytes: Vec<u8>,
    /// The lines that are not blank, in order.
    pub lines: Vec<LineSpan>,
    /// Lines longer than the reader's limit, passed over: `(line number,
    /// bytes)`, in line order. A line is never held beyond the limit plus
    /// one read.
    pub oversized: Vec<(u64, u64)>,
}

/// Reads a file chunk by chunk; each chunk ends at a newline (or the end of
/// the file).
#[derive(Debug)]
pub struct ChunkReader<R> {
    inner: R,
    /// Bytes read past the last newline of the previous chunk.
    carry: Vec<u8>,
    /// Lines handed out so far.
    lines: u64,
    /// File offset of the first byte of `carry`.
    offset: u64,
    eof: bool,
    /// A read error met after some whole lines: those are handed out first,
    /// the error on the next call.
    failed: Option<io::Error>,
    /// Longest line held; longer ones are skipped (`carry` holds the start
    /// of one while `skipping`).
    max_line: usize,
    skipping: bool,
}

/// Bytes asked of the operating system per read.
const READ_SIZE: usize = 1 << 20;

impl<R: Read> ChunkReader<R> {
    /// Reads from `inner`.
    pub fn new(inner: R) -> Self {
        ChunkReader {
            inner,
            carry: Vec::new(),
            lines: 0,
            offset: 0,
            eof: false,
            failed: None,
            max_line: usize::MAX,
            skipping: false,
        }
    }

    /// Passes over lines longer than `max` bytes instead of holding them
    /// (they are listed in [`Chunk::oversized`]), so memory stays bounded
    /// whatever the input.
    pub fn with_max_line(mut self, max: usize) -> Self {
        self.max_line = max.max(1);
        self
    }

    /// When the line being read (after the last newline of `chunk`) is over
    /// the limit, moves it to `carry` to be passed over and returns whether
    /// nothing is left to hand out before it (then the caller starts over).
    fn split_if_too_long(&mut self, chunk: &mut Chunk, last_newline: Option<usize>) -> bool {
        let keep = last_newline.map_or(0, |i| i + 1);
        if chunk.bytes.len() - keep <= self.max_line {
            return false;
        }
        self.carry = chunk.bytes.split_off(keep);
        self.skipping = true;
        chunk.bytes.is_empty()
    }

    /// Discards the line whose start is in `carry`, up to and including its
    /// newline; returns its length.
    fn skip_line(&mut self) -> io::Result<u64> {
        let mut skipped = 0u64;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.carry) {
                skipped += i as u64;
                self.carry.drain(..=i);
                self.offset += skipped + 1;
                return Ok(skipped);
            }
            skipped += self.carry.len() as u64;
            self.carry.clear();
            if self.eof {
                self.offset += skipped;
                return Ok(skipped);
            }
            let n = (&mut self.inner)
                .take(READ_SIZE as u64)
                .read_to_end(&mut self.carry)?;
            self.eof = n < READ_SIZE;
        }
    }

    /// Lines handed out so far (also the last line number of the last chunk).
    pub fn lines_read(&self) -> u64 {
        self.lines
    }

    /// Fills `chunk` with the next whole lines, at least `target` bytes of
    /// them unless the file ends first (a single longer line is kept whole).
    /// Returns `Ok(false)` when the file has no more bytes. After an error
    /// the chunk holds nothing; lines before it were handed out already.
    pub fn next_chunk(&mut self, chunk: &mut Chunk, target: usize) -> io::Result<bool> {
        chunk.bytes.clear();
        chunk.lines.clear();
        chunk.oversized.clear();
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let (base, last_newline) = loop {
            if self.skipping {
                self.skipping = false;
                match self.skip_line() {
                    Ok(len) => {
                        self.lines += 1;
                        chunk.oversized.push((self.lines, len));
                    }
                    Err(e) if chunk.oversized.is_empty() => return Err(e),
                    Err(e) => {
                        // Report the lines passed over first.
                        self.failed = Some(e);
                        return Ok(true);
                    }
                }
            }
            std::mem::swap(&mut chunk.bytes, &mut self.carry);
            let base = self.offset;
            let mut last_newline = memchr::memrchr(b'\n', &chunk.bytes);
            let mut restart = self.split_if_too_long(chunk, last_newline);
            while !restart
                && !self.skipping
                && !self.eof
                && (chunk.bytes.len() < target || last_newline.is_none())
            {
                let old = chunk.bytes.len();
                // `read_to_end` fills spare capacity without zeroing it
                // first, and keeps what it read before an error.
                chunk.bytes.reserve(READ_SIZE);
                let read = (&mut self.inner)
                    .take(READ_SIZE as u64)
                    .read_to_end(&mut chunk.bytes);
                if let Some(i) = memchr::memrchr(b'\n', &chunk.bytes[old..]) {
                    last_newline = Some(old + i);
                }
                match read {
                    // Less than asked for: the source is exhausted.
                    Ok(n) => self.eof = n < READ_SIZE,
                    Err(e) => {
                        match last_newline {
                            // Hand out the whole lines read so far; the cut
                            // line after them is lost with the error.
                            Some(i) => chunk.bytes.truncate(i + 1),
                            None => chunk.bytes.clear(),
                        }
                        if chunk.bytes.is_empty() && chunk.oversized.is_empty() {
                            return Err(e);
                        }
                        self.failed = Some(e);
                        break;
                    }
                }
                restart = self.split_if_too_long(chunk, last_newline);
            }
            if !restart {
                break (base, last_newline);
            }
        };
        if chunk.bytes.is_empty() {
            return Ok(!chunk.oversized.is_empty() || self.failed.is_some());
        }
        let whole = match last_newline {
            Some(i) if !self.eof || self.failed.is_some() || self.skipping => i + 1,
            _ => chunk.bytes.len(),
        };
        if !self.skipping {
            self.carry.extend_from_slice(&chunk.bytes[whole..]);
        }
        chunk.bytes.truncate(whole);
        self.offset = base + whole as u64;

        let mut start = 0;
        while start < whole {
            let next = memchr::memchr(b'\n', &chunk.bytes[start..]).map_or(whole, |i| start + i);
            self.lines += 1;
            let mut end = next;
            if end > start && chunk.bytes[end - 1] == b'\r' {
                end -= 1;
            }
            if next - start > self.max_line {
                // Arrived whole in one read: still over the limit.
                chunk.oversized.push((self.lines, (next - start) as u64));
            } else if !chunk.bytes[start..end].iter().all(u8::is_ascii_whitespace) {
                chunk.lines.push(LineSpan {
                    line: self.lines,
                    offset: base + start as u64,
                    start,
                    end,
                });
            }
            start = next + 1;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `data`, then fails.
    struct Broken<'a> {
        data: &'a [u8],
    }

    impl Read for Broken<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "cut"));
            }
            let n = buf.len().min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn whole_lines_before_a_read_error_are_handed_out_first() {
        let mut r = ChunkReader::new(Broken {
            data: b"one\ntwo\nthr",
        });
        let mut c = Chunk::default();
        assert!(r.next_chunk(&mut c, 1 << 20).unwrap());
        let lines: Vec<&[u8]> = c.lines.iter().map(|l| &c.bytes[l.start..l.end]).collect();
        assert_eq!(lines, [&b"one"[..], b"two"]);
        assert_eq!(r.lines_read(), 2);
        let e = r.next_chunk(&mut c, 1 << 20).unwrap_err();
        assert_eq!(e.to_string(), "cut");
        // Nothing before the first newline: the error comes at once.
        let mut r = ChunkReader::new(Broken { data: b"partial" });
        assert!(r.next_chunk(&mut c, 1 << 20).is_err());
    }

    /// A reader that hands out at most `step` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn all_lines(data: &[u8], step: usize, target: usize) -> Vec<(u64, u64, Vec<u8>)> {
        let mut r = ChunkReader::new(Trickle { data, step });
        let mut chunk = Chunk::default();
        let mut out = Vec::new();
        while r.next_chunk(&mut chunk, target).unwrap() {
            assert!(
                chunk.bytes.ends_with(b"\n") || r.eof,
                "chunks end at a newline"
            );
            for l in &chunk.lines {
                out.push((l.line, l.offset, chunk.bytes[l.start..l.end].to_vec()));
            }
        }
        out
    }

    #[test]
    fn lines_offsets_and_numbers_survive_any_chunking() {
        let data = b"{\"a\":1}\r\n\n  \n{\"b\":22}\n{\"c\":333}";
        let want = vec![
            (1, 0, b"{\"a\":1}".to_vec()),
            (4, 13, b"{\"b\":22}".to_vec()),
            (5, 22, b"{\"c\":333}".to_vec()),
        ];
        for step in [1, 2, 3, 7, 100] {
            for target in [1, 5, 16, 1000] {
                assert_eq!(
                    all_lines(data, step, target),
                    want,
                    "step {step} target {target}"
                );
            }
        }
        for (_, offset, line) in &want {
            let o = *offset as usize;
            assert_eq!(&data[o..o + line.len()], &line[..]);
        }
    }

    #[test]
    fn over_long_lines_are_passed_over_and_listed() {
        // Lines 2, 4 and 5 are over the 10-byte limit; 6 too, at the end.
        let data = b"short 1\nthis one is far too long\nshort 3\n0123456789ABC\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nok 6\nfinal line that is long";
        for step in [1, 3, 7, 100] {
            for target in [1, 8, 1000] {
                let mut r = ChunkReader::new(Trickle { data, step }).with_max_line(10);
                let (mut lines, mut over) = (Vec::new(), Vec::new());
                let mut c = Chunk::default();
                while r.next_chunk(&mut c, target).unwrap() {
                    over.extend(c.oversized.iter().copied());
                    for l in &c.lines {
                        lines.push((l.line, l.offset, c.bytes[l.start..l.end].to_vec()));
                    }
                }
                let tag = format!("step {step} target {target}");
                assert_eq!(over, [(2, 24), (4, 13), (5, 38), (7, 23)], "{tag}");
                assert_eq!(
                    lines,
                    [
                        (1, 0, b"short 1".to_vec()),
                        (3, 33, b"short 3".to_vec()),
                        (6, 94, b"ok 6".to_vec()),
                    ],
                    "{tag}"
                );
                for (_, offset, line) in &lines {
                    let o = *offset as usize;
                    assert_eq!(&data[o..o + line.len()], &line[..], "{tag}");
                }
            }
        }
    }

    #[test]
    fn empty_input_has_no_chunks() {
        assert!(all_lines(b"", 4, 10).is_empty());
        assert!(all_lines(b"\n\n", 4, 10).is_empty());
    }
}
