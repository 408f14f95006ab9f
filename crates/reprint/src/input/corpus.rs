//! A run's documents as a whole: the input files, and the documents held
//! in memory (indexed documents brought back by `check`), so that any
//! document can be named and read again by its [`Origin`].

use rayon::prelude::*;

use super::{reread_each, Issue, IssueKind, Locator, Source, SourceKind};
use crate::config::InputConfig;
use crate::input::Origin;

/// A document held in memory rather than read from an input file.
#[derive(Debug, Clone)]
pub struct Held {
    /// The file it was read from originally (shown in reports).
    pub path: String,
    /// Its line there.
    pub line: u64,
    /// When it was first seen (indexed documents), RFC 3339.
    pub first_seen: Option<String>,
    /// Its text.
    pub text: String,
}

/// The sources of a run and its held documents.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Input files, in order (`Locator::source` indexes them).
    pub sources: Vec<Source>,
    /// Held documents (`Origin::Held` indexes them).
    pub held: Vec<Held>,
    /// Keeps standard input's spool file alive as long as the corpus, so
    /// its documents can be read again (for example for the HTML report).
    pub stdin_spool: Option<tempfile::NamedTempFile>,
}

impl From<super::Discovered> for Corpus {
    /// The corpus of what a walk found (its issues are the caller's).
    fn from(d: super::Discovered) -> Self {
        Corpus {
            sources: d.sources,
            held: Vec::new(),
            stdin_spool: d.stdin_spool,
        }
    }
}

impl Corpus {
    /// The file and line a document is shown with.
    pub fn place(&self, origin: Origin) -> (&str, u64) {
        match origin {
            Origin::Input(loc) => (self.sources[loc.source as usize].name.as_str(), loc.line),
            Origin::Held(i) => {
                let h = &self.held[i as usize];
                (h.path.as_str(), h.line)
            }
        }
    }

    /// When a held document was first seen; `None` for inputs.
    pub fn first_seen(&self, origin: Origin) -> Option<&str> {
        match origin {
            Origin::Input(_) => None,
            Origin::Held(i) => self.held[i as usize].first_seen.as_deref(),
        }
    }

    /// The kind of the source a document comes from (`None` when held).
    pub fn kind(&self, origin: Origin) -> Option<SourceKind> {
        match origin {
            Origin::Input(loc) => Some(self.sources[loc.source as usize].kind),
            Origin::Held(_) => None,
        }
    }

    /// Reads the texts of `origins` again, in parallel, and maps each with
    /// `map` (given a per-thread state from `init` and the origin's index
    /// in `origins`); results in the order of `origins`. Inputs are read
    /// with [`reread_each`]; held texts are at hand.
    pub fn texts<S, T, I, F>(
        &self,
        input: &InputConfig,
        origins: &[Origin],
        init: I,
        map: F,
    ) -> Vec<Result<T, String>>
    where
        T: Send,
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, usize, &str) -> T + Sync + Send,
    {
        let mut at: Vec<usize> = Vec::new();
        let mut locs: Vec<Locator> = Vec::new();
        for (i, o) in origins.iter().enumerate() {
            if let Origin::Input(loc) = o {
                at.push(i);
                locs.push(*loc);
            }
        }
        let mut out: Vec<Option<Result<T, String>>> = if locs.len() == origins.len() {
            // The common case: no held documents.
            return reread_each(&self.sources, input, &locs, init, map);
        } else {
            (0..origins.len()).map(|_| None).collect()
        };
        let read = reread_each(&self.sources, input, &locs, &init, |s, k, t| {
            map(s, at[k], t)
        });
        for (k, r) in read.into_iter().enumerate() {
            out[at[k]] = Some(r);
        }
        let held: Vec<(usize, T)> = origins
            .par_iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                Origin::Held(h) => Some((i, *h)),
                Origin::Input(_) => None,
            })
            .map_init(&init, |s, (i, h)| {
                (i, map(s, i, &self.held[h as usize].text))
            })
            .collect();
        for (i, t) in held {
            out[i] = Some(Ok(t));
        }
        out.into_iter()
            .map(|r| r.expect("every origin is read"))
            .collect()
    }

    /// The issue for a document that could not be read again.
    pub fn reread_issue(&self, origin: Origin, message: String) -> Issue {
        let (path, line) = self.place(origin);
        let line = (self.kind(origin) == Some(SourceKind::JsonLines)).then_some(line);
        Issue {
            path: path.to_string(),
            line,
            kind: IssueKind::Skipped,
            whole_file: line.is_none(),
            message,
        }
    }
}
