//! Compressed inputs: gzip and zstd, decompressed as a stream.
//!
//! A compressed file is never loaded whole: the first pass reads it through
//! a decoder chunk by chunk, and offsets and line numbers refer to the
//! decompressed bytes. Re-reading a record means decoding the file again up
//! to it, so all the records wanted from one compressed file are re-read in
//! one sequential pass ([`super::reread_each`]).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

/// How a file's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// As they are.
    #[default]
    None,
    /// gzip (`.gz`); concatenated members are read as one stream.
    Gzip,
    /// Zstandard (`.zst`).
    Zstd,
}

impl Compression {
    /// The compression a file extension names, if any.
    pub fn from_ext(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "gz" | "gzip" => Some(Compression::Gzip),
            "zst" | "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }
}

/// Most decompressed bytes per compressed byte read, once
/// [`RATIO_FLOOR`] bytes are out. Text compresses 3–10× in gzip (about
/// 100× at best, for the same article over and over); a gzip bomb of zeros
/// or newlines 1,000×, a zstd one 30,000×.
pub const MAX_RATIO: u64 = 200;

/// Decompressed bytes before [`MAX_RATIO`] is checked.
pub const RATIO_FLOOR: u64 = 64 << 20;

/// A boxed reader that can cross threads.
pub type Stream = Box<dyn Read + Send>;

/// Opens `path` and reads it through the decoder `c` needs. Decoder errors
/// come back as `InvalidData` errors that say the stream is corrupt or cut
/// short.
///
/// A stream that decompresses to more than [`MAX_RATIO`] times the bytes
/// read from the file (past the first [`RATIO_FLOOR`] bytes) ends in an
/// error ([`is_bomb`]): a decompression bomb is stopped within a second,
/// whatever size it claims.
pub fn open(path: &Path, c: Compression) -> io::Result<Stream> {
    let file = File::open(path)?;
    if c == Compression::None {
        return Ok(Box::new(BufReader::with_capacity(1 << 16, file)));
    }
    let read = Arc::new(AtomicU64::new(0));
    let file = BufReader::with_capacity(
        1 << 16,
        Counted {
            inner: file,
            read: Arc::clone(&read),
        },
    );
    let (inner, what): (Stream, _) = match c {
        Compression::Gzip => (
            Box::new(Labelled {
                inner: flate2::read::MultiGzDecoder::new(file),
                what: "gzip",
            }),
            "gzip",
        ),
        _ => {
            let decoder = ruzstd::decoding::StreamingDecoder::new(file)
                .map_err(|e| corrupt("zstd", &e.to_string()))?;
            (
                Box::new(Labelled {
                    inner: decoder,
                    what: "zstd",
                }),
                "zstd",
            )
        }
    };
    Ok(Box::new(Bounded {
        inner,
        what,
        read,
        out: 0,
    }))
}

/// Counts the bytes read from a file.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Relaxed);
        Ok(n)
    }
}

/// A decoder that stops past [`MAX_RATIO`].
struct Bounded {
    inner: Stream,
    what: &'static str,
    read: Arc<AtomicU64>,
    out: u64,
}

/// The error of a stream past [`MAX_RATIO`].
#[derive(Debug)]
struct Bomb(String);

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Bomb {}

/// Whether `e` is a stream stopped past [`MAX_RATIO`] (its message says
/// what to do).
pub fn is_bomb(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<Bomb>())
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let read = self.read.load(Relaxed).max(1);
        if self.out > RATIO_FLOOR && self.out > MAX_RATIO * read {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                Bomb(format!(
                    "{} stream decompresses to over {MAX_RATIO} times its size ({} MiB out of \
                     {} KiB read), so it looks like a decompression bomb. If the file is \
                     genuine, decompress it and scan the plain file",
                    self.what,
                    self.out >> 20,
                    read >> 10
                )),
            ));
        }
        Ok(n)
    }
}

/// Reads the whole of `path`, decompressed; `Ok(None)` when that is more
/// than `max` bytes (nothing beyond `max + 1` bytes is held).
pub fn read_all(path: &Path, c: Compression, max: usize) -> io::Result<Option<Vec<u8>>> {
    if c == Compression::None && std::fs::metadata(path)?.len() > max as u64 {
        return Ok(None);
    }
    let mut out = Vec::new();
    open(path, c)?.take(max as u64 + 1).read_to_end(&mut out)?;
    Ok((out.len() <= max).then_some(out))
}

fn corrupt(what: &str, detail: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("corrupt or truncated {what} stream: {detail}"),
    )
}

/// Names the format in the decoder's errors.
struct Labelled<R> {
    inner: R,
    what: &'static str,
}

impl<R: Read> Read for Labelled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                e
            } else {
                corrupt(self.what, &e.to_string())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_round_trip_and_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"{\"text\": \"one\"}\n{\"text\": \"two\"}\n".repeat(500);
        let packed = gzip(&text);
        let whole = dir.path().join("a.jsonl.gz");
        std::fs::write(&whole, &packed).unwrap();
        assert_eq!(
            read_all(&whole, Compression::Gzip, 1 << 20).unwrap(),
            Some(text)
        );
        assert_eq!(read_all(&whole, Compression::Gzip, 100).unwrap(), None);
        let cut = dir.path().join("b.jsonl.gz");
        std::fs::write(&cut, &packed[..packed.len() / 2]).unwrap();
        let e = read_all(&cut, Compression::Gzip, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("truncated gzip"), "{e}");
    }

    #[test]
    fn a_gzip_bomb_stops_past_the_ratio() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bomb.jsonl.gz");
        // 80 MiB of newlines: 80 gzip members of 1 MiB each, 1 KiB packed.
        std::fs::write(&p, gzip(&vec![b'\n'; 1 << 20]).repeat(80)).unwrap();
        let mut sink = Vec::new();
        let err = open(&p, Compression::Gzip)
            .unwrap()
            .read_to_end(&mut sink)
            .unwrap_err();
        assert!(is_bomb(&err), "{err}");
        assert!(err.to_string().contains("decompression bomb"), "{err}");
        assert!(
            sink.len() as u64 <= RATIO_FLOOR + (1 << 20),
            "{}",
            sink.len()
        );
    }

    #[test]
    fn zstd_that_is_not_zstd_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl.zst");
        std::fs::write(&p, b"plain text, not a frame").unwrap();
        let e = read_all(&p, Compression::Zstd, 1 << 20).unwrap_err();
        assert!(e.to_string().contains("zstd"), "{e}");
    }

    #[test]
    fn extensions() {
        assert_eq!(Compression::from_ext("GZ"), Some(Compression::Gzip));
        assert_eq!(Compression::from_ext("zst"), Some(Compression::Zstd));
        assert_eq!(Compression::from_ext("jsonl"), None);
    }
}
