//! Turning the PATHs given into an ordered list of sources.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{display_name, Compression, Issue, Source, SourceKind};
use crate::config::InputConfig;
use crate::error::{Error, Result};

/// Extensions read as one text document per file.
const TEXT_EXTS: &[&str] = &["txt", "md"];
/// Extensions read as JSON Lines.
const JSONL_EXTS: &[&str] = &["jsonl", "ndjson"];
/// Extensions read as HTML pages.
const HTML_EXTS: &[&str] = &["html", "htm", "xhtml"];
/// Extensions read as RSS or Atom feeds.
const FEED_EXTS: &[&str] = &["xml", "rss", "atom"];

/// What standard input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StdinFormat {
    /// JSON Lines, one record per line (the default).
    #[default]
    JsonLines,
    /// Plain text: one document.
    Text,
}

/// The sources found, the problems met while walking, and the temporary
/// file that holds standard input (kept alive as long as the sources are).
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to read, in order.
    pub sources: Vec<Source>,
    /// Directories or files that could not be walked.
    pub issues: Vec<Issue>,
    /// Files present but not read because of their extension.
    pub ignored_files: u64,
    /// Keeps standard input's spool file alive.
    pub stdin_spool: Option<tempfile::NamedTempFile>,
}

/// How a file is read, from its extension: `.gz` and `.zst` name the
/// compression, the extension before them the format (`a.jsonl.gz`).
fn format_by_ext(path: &Path, cfg: &InputConfig) -> Option<(SourceKind, Compression)> {
    let ext = path.extension().and_then(|e| e.to_str());
    let c = ext.and_then(Compression::from_ext);
    let inner = match c {
        Some(_) => Path::new(path.file_stem()?),
        None => path,
    };
    let kind = match cfg.format {
        Some(forced) => Some(forced),
        None => kind_by_ext(inner, cfg),
    };
    kind.map(|k| (k, c.unwrap_or_default()))
}

/// A feed or an HTML page told by its first bytes, for files whose
/// extension says nothing: `<rss`, `<feed`, `<rdf:RDF` (after an optional
/// `<?xml ...?>` and comments) make a feed; `<!doctype html` or `<html` a
/// page.
fn kind_by_content(path: &Path) -> Option<SourceKind> {
    use std::io::Read;
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .ok()?
        .take(1024)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?xml") {
            rest = r.split_once("?>")?.1.trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->")?.1.trim_start();
        } else {
            break;
        }
    }
    if ["<rss", "<feed", "<rdf:rdf"]
        .iter()
        .any(|t| rest.starts_with(t))
    {
        Some(SourceKind::Feed)
    } else if rest.starts_with("<!doctype html") || rest.starts_with("<html") {
        Some(SourceKind::Html)
    } else {
        None
    }
}

fn kind_by_ext(path: &Path, cfg: &InputConfig) -> Option<SourceKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if JSONL_EXTS.contains(&ext.as_str()) {
        Some(SourceKind::JsonLines)
    } else if HTML_EXTS.contains(&ext.as_str()) {
        Some(SourceKind::Html)
    } else if FEED_EXTS.contains(&ext.as_str()) {
        Some(SourceKind::Feed)
    } else if TEXT_EXTS.contains(&ext.as_str())
        || cfg
            .extra_text_exts
            .iter()
            .any(|e| e.trim_start_matches('.').eq_ignore_ascii_case(&ext))
    {
        Some(SourceKind::Text)
    } else {
        None
    }
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'))
}

/// Lists the sources under `paths`, in the order given and, inside a
/// directory, in file-name order at every level. A path that does not exist
/// is an error; everything else that goes wrong is an issue. Standard
/// input (`-`) is copied to a spool file once, so it can be read again.
pub fn discover(paths: &[PathBuf], cfg: &InputConfig, stdin: StdinFormat) -> Result<Discovered> {
    for p in paths {
        if p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err() {
            return Err(Error::MissingPath(p.clone()));
        }
    }
    let mut out = Discovered::default();
    for p in paths {
        if p.as_os_str() == "-" {
            if out.stdin_spool.is_some() || out.sources.iter().any(|s| s.name == "-") {
                continue; // standard input can be read once
            }
            let mut spool = tempfile::NamedTempFile::new().map_err(|e| Error::io("-", e))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                .map_err(|e| Error::io("-", e))?;
            out.sources.push(Source {
                path: spool.path().to_path_buf(),
                name: "-".into(),
                kind: match stdin {
                    StdinFormat::JsonLines => SourceKind::JsonLines,
                    StdinFormat::Text => SourceKind::Text,
                },
                compression: Compression::None,
            });
            out.stdin_spool = Some(spool);
            continue;
        }
        if !p.is_dir() {
            // A file named explicitly is read whatever its extension: a feed
            // or page by its content, else as text.
            let (kind, compression) = format_by_ext(p, cfg).unwrap_or_else(|| {
                let c = p
                    .extension()
                    .and_then(|e| Compression::from_ext(e.to_str()?));
                match c {
                    Some(c) => (SourceKind::Text, c),
                    None => (
                        kind_by_content(p).unwrap_or(SourceKind::Text),
                        Compression::None,
                    ),
                }
            });
            out.sources.push(Source {
                path: p.clone(),
                name: display_name(p),
                kind,
                compression,
            });
            continue;
        }
        let walker = WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| cfg.hidden || !is_hidden(e));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e
                        .path()
                        .map(display_name)
                        .unwrap_or_else(|| display_name(p));
                    let why = if e.loop_ancestor().is_some() {
                        "symbolic link loop; skipped".to_string()
                    } else {
                        format!(
                            "could not be read ({}); skipped. Check its permissions",
                            e.io_error()
                                .map_or_else(|| e.to_string(), |io| io.to_string())
                        )
                    };
                    out.issues.push(Issue::skipped_file(&at, why));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let format = format_by_ext(entry.path(), cfg)
                .or_else(|| kind_by_content(entry.path()).map(|k| (k, Compression::None)));
            match format {
                Some((kind, compression)) => out.sources.push(Source {
                    path: entry.path().to_path_buf(),
                    name: display_name(entry.path()),
                    kind,
                    compression,
                }),
                None => out.ignored_files += 1,
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_decide_the_kind() {
        let cfg = InputConfig {
            extra_text_exts: vec![".text".into()],
            ..Default::default()
        };
        let k = |p: &str| kind_by_ext(Path::new(p), &cfg);
        assert_eq!(k("a.txt"), Some(SourceKind::Text));
        assert_eq!(k("a.MD"), Some(SourceKind::Text));
        assert_eq!(k("a.text"), Some(SourceKind::Text));
        assert_eq!(k("a.jsonl"), Some(SourceKind::JsonLines));
        assert_eq!(k("a.ndjson"), Some(SourceKind::JsonLines));
        assert_eq!(k("a.png"), None);
        assert_eq!(k("Makefile"), None);
        let f = |p: &str| format_by_ext(Path::new(p), &cfg);
        assert_eq!(
            f("feed.jsonl.gz"),
            Some((SourceKind::JsonLines, Compression::Gzip))
        );
        assert_eq!(
            f("a.NDJSON.zst"),
            Some((SourceKind::JsonLines, Compression::Zstd))
        );
        assert_eq!(f("a.txt.gz"), Some((SourceKind::Text, Compression::Gzip)));
        assert_eq!(f("a.txt"), Some((SourceKind::Text, Compression::None)));
        assert_eq!(f("backup.tar.gz"), None);
        assert_eq!(f("a.gz"), None);
        assert_eq!(f("page.HTM"), Some((SourceKind::Html, Compression::None)));
        assert_eq!(f("news.rss"), Some((SourceKind::Feed, Compression::None)));
        assert_eq!(
            f("news.atom.gz"),
            Some((SourceKind::Feed, Compression::Gzip))
        );
        let forced = InputConfig {
            format: Some(SourceKind::JsonLines),
            ..Default::default()
        };
        let g = |p: &str| format_by_ext(Path::new(p), &forced);
        assert_eq!(
            g("dump.json"),
            Some((SourceKind::JsonLines, Compression::None))
        );
        assert_eq!(
            g("dump.json.zst"),
            Some((SourceKind::JsonLines, Compression::Zstd))
        );
    }

    #[test]
    fn feeds_and_pages_are_told_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "a",
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<rss version=\"2.0\">",
                Some(SourceKind::Feed),
            ),
            (
                "b",
                "\u{feff}<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                Some(SourceKind::Feed),
            ),
            ("c", "<!DOCTYPE html><html>", Some(SourceKind::Html)),
            ("d", "  <HTML lang=en>", Some(SourceKind::Html)),
            ("e", "Plain words about <rss> feeds.", None),
            ("f", "<?xml unterminated", None),
        ];
        for (name, head, want) in cases {
            let p = dir.path().join(name);
            std::fs::write(&p, head).unwrap();
            assert_eq!(kind_by_content(&p), want, "{head}");
        }
    }

    #[test]
    fn missing_path_is_an_error() {
        let e = discover(
            &[PathBuf::from("/definitely/not/here")],
            &InputConfig::default(),
            StdinFormat::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no such file"));
    }
}
