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

/// A boxed reader that can cross threads.
pub type Stream = Box<dyn Read + Send>;

/// Opens `path` and reads it through the decoder `c` needs. Decoder errors
/// come back as `InvalidData` errors that say the stream is corrupt or cut
/// short.
pub fn open(path: &Path, c: Compression) -> io::Result<Stream> {
    let file = BufReader::with_capacity(1 << 16, File::open(path)?);
    Ok(match c {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(Labelled {
            inner: flate2::read::MultiGzDecoder::new(file),
            what: "gzip",
        }),
        Compression::Zstd => {
            let decoder = ruzstd::decoding::StreamingDecoder::new(file)
                .map_err(|e| corrupt("zstd", &e.to_string()))?;
            Box::new(Labelled {
                inner: decoder,
                what: "zstd",
            })
        }
    })
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
