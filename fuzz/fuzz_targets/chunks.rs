//! The JSON Lines chunk reader: for any bytes, read size and line limit,
//! every line comes out once, either held (with its offset and number) or
//! passed over as too long, and offsets point at the line's bytes.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use reprint::input::{Chunk, ChunkReader};

struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: (u8, u8, &[u8])| {
    let (step, max, data) = input;
    let step = usize::from(step).max(1);
    let max = usize::from(max).max(1);
    let mut r = ChunkReader::new(Trickle { data, step }).with_max_line(max);
    let mut c = Chunk::default();
    let mut seen = Vec::new();
    while r
        .next_chunk(&mut c, 17)
        .expect("in-memory reads do not fail")
    {
        for l in &c.lines {
            let o = l.offset as usize;
            assert_eq!(&data[o..o + (l.end - l.start)], &c.bytes[l.start..l.end]);
            assert!(l.end - l.start <= max);
            seen.push(l.line);
        }
        seen.extend(c.oversized.iter().map(|&(line, _)| line));
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "a line came out twice");
});
