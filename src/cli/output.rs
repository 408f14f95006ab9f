//! The one writer every command's output goes through: standard output, or
//! the file of `-o FILE`, buffered.
//!
//! A closed pipe is not an error. When the reader goes away (`reprint scan
//! corpus/ | head`), the rest of the output is dropped silently and the
//! command ends as it would have with the output read: exit 0, or 1 for
//! findings in `check` and `scan --check`. The exit status is the verdict
//! on the corpus, and a reader that stopped reading does not change it.

use std::fs::File;
use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use reprint::Error;

/// Buffered output to standard output or a file, where a closed pipe
/// swallows what is written after it.
pub struct Output {
    inner: BufWriter<PipeSafe>,
    name: PathBuf,
}

/// Where the bytes go. Standard output is not held locked, so that an
/// `Output` can be handed to the worker thread that drives a streamed
/// command (`extract`); the buffer makes its writes large and few.
enum Sink {
    Stdout(Stdout),
    File(File),
}

/// A [`Sink`] that reports a broken pipe as success, once, and then
/// discards everything.
struct PipeSafe {
    sink: Sink,
    closed: bool,
}

impl Output {
    /// Standard output.
    pub fn stdout() -> Self {
        Output::new(Sink::Stdout(io::stdout()), "<stdout>".into(), 8 << 10)
    }

    /// The file `path` (created or truncated), or standard output when `None`.
    pub fn create(path: Option<&Path>) -> Result<Self, Error> {
        match path {
            None => Ok(Output::stdout()),
            Some(path) => {
                let file = File::create(path).map_err(|e| Error::io(path, e))?;
                // A large report streams to disk in big writes.
                Ok(Output::new(Sink::File(file), path.into(), 1 << 20))
            }
        }
    }

    fn new(sink: Sink, name: PathBuf, capacity: usize) -> Self {
        let sink = PipeSafe {
            sink,
            closed: false,
        };
        Output {
            inner: BufWriter::with_capacity(capacity, sink),
            name,
        }
    }

    /// Writes everything still buffered; call once at the end (dropping
    /// the writer flushes too, but cannot report an error).
    pub fn finish(mut self) -> Result<(), Error> {
        self.inner.flush().map_err(|e| Error::io(&self.name, e))
    }

    /// An I/O error on this output, with its name.
    pub fn error(&self, e: io::Error) -> Error {
        Error::io(&self.name, e)
    }

    /// Writes `value` as pretty JSON and a newline.
    pub fn json(&mut self, value: &impl serde::Serialize) -> Result<(), Error> {
        serde_json::to_writer_pretty(&mut *self, value)?;
        writeln!(self).map_err(|e| self.error(e))
    }

    /// Writes one line of text.
    pub fn line(&mut self, line: std::fmt::Arguments<'_>) -> Result<(), Error> {
        writeln!(self, "{line}").map_err(|e| self.error(e))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl PipeSafe {
    fn pass(&mut self, r: io::Result<usize>, len: usize) -> io::Result<usize> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(len)
            }
            r => r,
        }
    }
}

impl Write for PipeSafe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = match &mut self.sink {
            Sink::Stdout(s) => s.write(buf),
            Sink::File(f) => f.write(buf),
        };
        self.pass(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = match &mut self.sink {
            Sink::Stdout(s) => s.flush(),
            Sink::File(f) => f.flush(),
        };
        self.pass(r.map(|()| 0), 0).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_broken_pipe_is_swallowed_and_later_writes_are_dropped() {
        let mut closed = Closed;
        let mut safe = PipeSafe {
            sink: Sink::File(tempfile::tempfile().unwrap()),
            closed: false,
        };
        let r = closed.write(b"x");
        assert_eq!(safe.pass(r, 1).unwrap(), 1);
        assert!(safe.closed);
        assert_eq!(safe.write(b"more").unwrap(), 4);
        safe.flush().unwrap();
    }

    #[test]
    fn other_errors_are_errors() {
        let mut safe = PipeSafe {
            sink: Sink::File(tempfile::tempfile().unwrap()),
            closed: false,
        };
        let r = Err(io::ErrorKind::PermissionDenied.into());
        assert!(safe.pass(r, 1).is_err());
        assert!(!safe.closed);
    }
}
