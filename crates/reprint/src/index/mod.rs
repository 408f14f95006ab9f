//! The persistent index: every document a `check --update` or `index add`
//! has seen, in one SQLite file, so that later checks find copies of it.
//!
//! Per document the index keeps its id, origin (path and line), metadata,
//! a hash of its normalized words, the first-seen time, its signature, its
//! text (deflated, so that a match can be verified exactly and shown), and
//! its LSH band keys in two lookup tables: the document's own bands, and
//! the first [`PARAGRAPH_BANDS`] bands of every paragraph. Keys are cut to
//! 32 bits: a false hit only costs a verification. A third lookup table
//! holds one in [`REUSE_KEY_SUBSAMPLE`] of its reuse fingerprints (sampled
//! word trigrams, [`crate::reuse::fingerprints`]), so that a check finds the
//! indexed documents a new one shares passages with.
//!
//! The file records its format version (`PRAGMA user_version`) and the
//! parameters that decide signatures and keys (table `meta`); opening it
//! with other parameters is an error that names both. Writes are SQLite
//! transactions in WAL mode, so a killed process loses only its open
//! transaction, and a second writer waits (busy timeout) or gets a clear
//! "locked" error.

mod record;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};
use crate::input::Meta;
pub use record::{
    content_hash, fingerprint, pack_text, short_key, unpack_text, Added, Record, Stats, Stored,
};
use record::{i64_of, sig_blob};

/// The index format this build writes and reads.
///
/// Format 2 added the reuse fingerprints (table `reuse_keys`, column
/// `docs.reuse_key_count`); a format-1 file is refused with the fix.
pub const FORMAT_VERSION: i64 = 2;
/// `PRAGMA application_id` of a reprint index ("RPRT").
const APPLICATION_ID: i64 = 0x5250_5254;
/// Paragraph bands kept for lookup: a paragraph is found again if one of
/// its first this-many bands matches (all bands are used once it is found).
pub const PARAGRAPH_BANDS: usize = 8;
/// Indexed documents taken per key, oldest first: a boilerplate paragraph
/// in 100,000 indexed pages brings back this many of them, not all.
pub const MATCHES_PER_KEY: usize = 64;
/// One in this many of a document's reuse fingerprints is indexed (by the
/// key's value, so the same ones in every document): at the default sample
/// of one trigram in 4, one word trigram in 16. The look-up only has to
/// bring a source back; the scan then aligns it with all its fingerprints.
pub const REUSE_KEY_SUBSAMPLE: u32 = 4;

/// Whether a reuse fingerprint is one the index keeps.
pub fn is_indexed_reuse_key(key: u32) -> bool {
    key % REUSE_KEY_SUBSAMPLE == 0
}

/// An open index.
pub struct Index {
    conn: Connection,
    path: PathBuf,
}

/// How an index is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Open it, creating it (and its directory) if it does not exist.
    Create,
    /// Open an existing index only.
    Existing,
}

impl Index {
    /// Opens (or creates) the index at `path` for `params`; waits up to
    /// `lock_timeout` for another writer.
    pub fn open(
        path: &Path,
        params: Option<&[(String, String)]>,
        mode: Mode,
        lock_timeout: Duration,
    ) -> Result<Index> {
        let exists = path.exists();
        if !exists && mode == Mode::Existing {
            return Err(Error::Index {
                path: path.to_path_buf(),
                message: "no index here; create one with `reprint index add PATH...` \
                          (or `reprint check --update`), or pass --index with the right file"
                    .into(),
            });
        }
        if !exists {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
        }
        if exists && path.is_dir() {
            return Err(Error::Index {
                path: path.to_path_buf(),
                message:
                    "is a directory; --index takes the index file (such as .reprint/index.sqlite)"
                        .into(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
        let index = Index {
            conn,
            path: path.to_path_buf(),
        };
        index.setup(params, lock_timeout)?;
        Ok(index)
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        sql_error(&self.path, e)
    }

    fn setup(&self, params: Option<&[(String, String)]>, lock_timeout: Duration) -> Result<()> {
        let c = &self.conn;
        let e = |e| self.err(e);
        c.busy_timeout(lock_timeout).map_err(e)?;
        let (app, version, tables) = self.header()?;
        if tables > 0 && app != APPLICATION_ID {
            return Err(Error::Index {
                path: self.path.clone(),
                message: "is an SQLite database, but not a reprint index; pass --index with \
                          another file name"
                    .into(),
            });
        }
        if version > FORMAT_VERSION {
            return Err(Error::Index {
                path: self.path.clone(),
                message: format!(
                    "was written by a newer reprint (index format {version}; this build reads \
                     format {FORMAT_VERSION}); upgrade reprint, or use another --index"
                ),
            });
        }
        if tables > 0 && version < FORMAT_VERSION {
            return Err(Error::Index {
                path: self.path.clone(),
                message: format!(
                    "has index format {version}, which this build cannot migrate (it reads \
                     format {FORMAT_VERSION}, which also keeps reuse fingerprints); rebuild it \
                     with `reprint index add` (into a new --index file, from the documents it \
                     was built from)"
                ),
            });
        }
        // WAL: readers do not block the writer, and a killed writer loses
        // only its open transaction. NORMAL sync is durable against process
        // crashes (not power loss), which is what a CI cache needs.
        if tables == 0 {
            // Large pages: a document's row (text, signature) is a few KB,
            // and on 4 KiB pages much of it would go to half-empty overflow
            // pages. Only takes effect on a new, empty file.
            c.pragma_update(None, "page_size", 16_384).map_err(e)?;
        }
        c.pragma_update(None, "journal_mode", "WAL").map_err(e)?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(e)?;
        // 32 MiB of page cache for look-ups; writers raise it (`set_cache_mib`).
        c.pragma_update(None, "cache_size", -32_768).map_err(e)?;
        match params {
            Some(params) => {
                if tables == 0 {
                    self.create(params)?;
                }
                self.check_params(params)
            }
            None => Ok(()),
        }
    }

    /// Sets SQLite's page cache: bulk writes insert keys all over the
    /// lookup tables and go faster with more of them cached.
    pub fn set_cache_mib(&self, mib: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))
            .map_err(|e| self.err(e))
    }

    /// Documents held.
    pub fn len(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Whether a document with this id and content is indexed.
    pub fn contains(&self, id: &str, content_hash: u64) -> Result<bool> {
        Ok(self
            .content_row(content_hash)?
            .is_some_and(|(_, found)| found == id))
    }

    /// The row id and document id of the indexed document with this
    /// content, if any (content is stored once).
    pub fn content_row(&self, content_hash: u64) -> Result<Option<(i64, String)>> {
        let mut q = self
            .conn
            .prepare_cached("SELECT rowid, id FROM docs WHERE content_hash = ?1")
            .map_err(|e| self.err(e))?;
        q.query_row([i64_of(content_hash)], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Application id, format version and table count, read in one
    /// snapshot (another process may be creating the index right now).
    fn header(&self) -> Result<(i64, i64, i64)> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let one = |sql: &str| -> Result<i64> {
            tx.query_row(sql, [], |r| r.get(0)).map_err(|e| self.err(e))
        };
        let h = (
            one("PRAGMA application_id")?,
            one("PRAGMA user_version")?,
            one("SELECT count(*) FROM sqlite_master")?,
        );
        tx.commit().map_err(|e| self.err(e))?;
        Ok(h)
    }

    fn create(&self, params: &[(String, String)]) -> Result<()> {
        // IMMEDIATE: one creator at a time; a second one finds the tables
        // there and only checks the parameters.
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        let tables: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'meta'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if tables > 0 {
            return self.conn.execute_batch("COMMIT").map_err(|e| self.err(e));
        }
        let tx = &self.conn;
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID};
             PRAGMA user_version = {FORMAT_VERSION};
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE IF NOT EXISTS docs (
                 rowid INTEGER PRIMARY KEY,
                 id TEXT NOT NULL,
                 path TEXT NOT NULL,
                 line INTEGER NOT NULL,
                 url TEXT, title TEXT, date TEXT, source TEXT,
                 content_hash INTEGER NOT NULL,
                 first_seen TEXT NOT NULL,
                 reuse_key_count INTEGER NOT NULL,
                 signature BLOB NOT NULL,
                 text BLOB NOT NULL);
             CREATE UNIQUE INDEX IF NOT EXISTS docs_content ON docs(content_hash);
             CREATE INDEX IF NOT EXISTS docs_id ON docs(id);
             CREATE INDEX IF NOT EXISTS docs_first_seen ON docs(first_seen);
             CREATE TABLE IF NOT EXISTS doc_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL,
                 PRIMARY KEY (key, doc)) WITHOUT ROWID;
             CREATE TABLE IF NOT EXISTS paragraph_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL,
                 PRIMARY KEY (key, doc)) WITHOUT ROWID;
             CREATE TABLE IF NOT EXISTS reuse_keys (key INTEGER NOT NULL, doc INTEGER NOT NULL,
                 PRIMARY KEY (key, doc)) WITHOUT ROWID;"
        ))
        .map_err(|e| self.err(e))?;
        {
            let mut put = tx
                .prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)")
                .map_err(|e| self.err(e))?;
            for (k, v) in params {
                put.execute(params![format!("param.{k}"), v])
                    .map_err(|e| self.err(e))?;
            }
            put.execute(params!["created", now()])
                .map_err(|e| self.err(e))?;
        }
        tx.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    /// The parameters the index was built with.
    pub fn params(&self) -> Result<Vec<(String, String)>> {
        let mut q = self
            .conn
            .prepare("SELECT key, value FROM meta WHERE key LIKE 'param.%' ORDER BY key")
            .map_err(|e| self.err(e))?;
        let rows = q
            .query_map([], |r| {
                let k: String = r.get(0)?;
                Ok((k.trim_start_matches("param.").to_string(), r.get(1)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    fn check_params(&self, params: &[(String, String)]) -> Result<()> {
        let stored = self.params()?;
        let get = |list: &[(String, String)], k: &str| {
            list.iter()
                .find(|(x, _)| x == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "(unset)".into())
        };
        let mut keys: Vec<&str> = stored
            .iter()
            .chain(params)
            .map(|(k, _)| k.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let differ: Vec<String> = keys
            .into_iter()
            .filter(|k| get(&stored, k) != get(params, k))
            .map(|k| {
                format!(
                    "{k}: index {} vs this run {}",
                    get(&stored, k),
                    get(params, k)
                )
            })
            .collect();
        if differ.is_empty() {
            return Ok(());
        }
        Err(Error::Index {
            path: self.path.clone(),
            message: format!(
                "was built with other matching parameters ({}); run with the index's \
                 parameters (see `reprint index stats`), or give this run its own --index",
                differ.join("; ")
            ),
        })
    }

    /// Adds records in one transaction; a record whose content is already
    /// indexed is skipped.
    pub fn add(&mut self, records: &[Record], first_seen: &str) -> Result<Added> {
        let path = self.path.clone();
        let e = |e| sql_error(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut added = Added::default();
        {
            let mut doc = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO docs (id, path, line, url, title, date, source, \
                     content_hash, first_seen, signature, text, reuse_key_count) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(e)?;
            let mut dk = tx
                .prepare_cached("INSERT OR IGNORE INTO doc_keys (key, doc) VALUES (?1, ?2)")
                .map_err(e)?;
            let mut pk = tx
                .prepare_cached("INSERT OR IGNORE INTO paragraph_keys (key, doc) VALUES (?1, ?2)")
                .map_err(e)?;
            let mut rk = tx
                .prepare_cached("INSERT OR IGNORE INTO reuse_keys (key, doc) VALUES (?1, ?2)")
                .map_err(e)?;
            // Keys go in sorted, so the b-tree is written in order, not at random.
            let mut doc_rows: Vec<(u32, i64)> = Vec::new();
            let mut para_rows: Vec<(u32, i64)> = Vec::new();
            let mut reuse_rows: Vec<(u32, i64)> = Vec::new();
            for r in records {
                let m = &r.meta;
                let n = doc
                    .execute(params![
                        r.id,
                        r.path,
                        i64_of(r.line),
                        m.url,
                        m.title,
                        m.date,
                        m.source,
                        i64_of(r.content_hash),
                        first_seen,
                        sig_blob(&r.signature),
                        r.packed_text,
                        r.reuse_keys.len() as i64,
                    ])
                    .map_err(e)?;
                if n == 0 {
                    added.known += 1;
                    continue;
                }
                added.added += 1;
                let rowid = tx.last_insert_rowid();
                doc_rows.extend(r.doc_keys.iter().map(|&k| (k, rowid)));
                para_rows.extend(r.paragraph_keys.iter().map(|&k| (k, rowid)));
                reuse_rows.extend(r.reuse_keys.iter().map(|&k| (k, rowid)));
            }
            for (rows, stmt) in [
                (&mut doc_rows, &mut dk),
                (&mut para_rows, &mut pk),
                (&mut reuse_rows, &mut rk),
            ] {
                rows.sort_unstable_by_key(|&(k, d)| (k as i32, d));
                for &(k, d) in rows.iter() {
                    stmt.execute(params![k as i32, d]).map_err(e)?;
                }
            }
        }
        tx.commit().map_err(e)?;
        Ok(added)
    }

    /// Indexed documents sharing a key with the records: at most
    /// [`MATCHES_PER_KEY`] per key, oldest first; row ids, sorted.
    pub fn candidates(&self, records: &[Record]) -> Result<Vec<i64>> {
        let mut doc_keys: Vec<u32> = records
            .iter()
            .flat_map(|r| r.doc_keys.iter().copied())
            .collect();
        let mut para_keys: Vec<u32> = records
            .iter()
            .flat_map(|r| r.paragraph_keys.iter().copied())
            .collect();
        let mut out = Vec::new();
        for (table, keys) in [
            ("doc_keys", &mut doc_keys),
            ("paragraph_keys", &mut para_keys),
        ] {
            keys.sort_unstable();
            keys.dedup();
            let mut q = self
                .conn
                .prepare(&format!(
                    "SELECT doc FROM {table} WHERE key = ?1 ORDER BY doc LIMIT {MATCHES_PER_KEY}"
                ))
                .map_err(|e| self.err(e))?;
            for &k in keys.iter() {
                let rows = q
                    .query_map([k as i32], |r| r.get::<_, i64>(0))
                    .map_err(|e| self.err(e))?;
                for r in rows {
                    out.push(r.map_err(|e| self.err(e))?);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The indexed documents holding each of `keys` (in that order; sorted
    /// keys read the table in order): `each(i, rows)` gets the ascending row
    /// ids holding `keys[i]`, for each key held by 1 to `max_df` documents.
    /// A key held by more (a stock phrase, boilerplate) is skipped: it pairs
    /// nothing, and at most `max_df + 1` of its rows are read.
    pub fn reuse_holders(
        &self,
        keys: &[u32],
        max_df: usize,
        mut each: impl FnMut(usize, &[i64]),
    ) -> Result<()> {
        let mut q = self
            .conn
            .prepare("SELECT doc FROM reuse_keys WHERE key = ?1 ORDER BY doc LIMIT ?2")
            .map_err(|e| self.err(e))?;
        let limit = max_df as i64 + 1;
        let mut rows_of: Vec<i64> = Vec::new();
        for (i, &k) in keys.iter().enumerate() {
            rows_of.clear();
            let mut rows = q.query(params![k as i32, limit]).map_err(|e| self.err(e))?;
            while let Some(r) = rows.next().map_err(|e| self.err(e))? {
                rows_of.push(r.get(0).map_err(|e| self.err(e))?);
            }
            if !rows_of.is_empty() && rows_of.len() <= max_df {
                each(i, &rows_of);
            }
        }
        Ok(())
    }

    /// How many reuse keys the document in row `rowid` holds (0 when the
    /// row is gone).
    pub fn reuse_key_count(&self, rowid: i64) -> Result<usize> {
        let mut q = self
            .conn
            .prepare_cached("SELECT reuse_key_count FROM docs WHERE rowid = ?1")
            .map_err(|e| self.err(e))?;
        let n: Option<i64> = q
            .query_row([rowid], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(n.unwrap_or(0) as usize)
    }

    /// The stored documents with these row ids (those still there).
    pub fn fetch(&self, rowids: &[i64]) -> Result<Vec<Stored>> {
        let mut q = self
            .conn
            .prepare_cached(
                "SELECT id, path, line, url, title, date, source, content_hash, first_seen, text \
                 FROM docs WHERE rowid = ?1",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(rowids.len());
        for &rowid in rowids {
            let row = q
                .query_row([rowid], |r| {
                    Ok((
                        Stored {
                            rowid,
                            id: r.get(0)?,
                            path: r.get(1)?,
                            line: r.get::<_, i64>(2)? as u64,
                            meta: Meta {
                                url: r.get(3)?,
                                title: r.get(4)?,
                                date: r.get(5)?,
                                source: r.get(6)?,
                            },
                            content_hash: r.get::<_, i64>(7)? as u64,
                            first_seen: r.get(8)?,
                            text: String::new(),
                        },
                        r.get::<_, Vec<u8>>(9)?,
                    ))
                })
                .optional()
                .map_err(|e| self.err(e))?;
            if let Some((mut doc, packed)) = row {
                doc.text = unpack_text(&packed).map_err(|e| Error::Index {
                    path: self.path.clone(),
                    message: format!(
                        "document {} (row {rowid}) has a damaged text ({e}); remove it with \
                         `reprint index remove --id {}`",
                        doc.id, doc.id
                    ),
                })?;
                out.push(doc);
            }
        }
        Ok(out)
    }

    /// Row ids of the documents a removal selects, ascending.
    pub fn select(&self, sel: &Selection) -> Result<Vec<i64>> {
        let (sql, arg): (&str, String) = match sel {
            Selection::Id(id) => ("SELECT rowid FROM docs WHERE id = ?1", id.clone()),
            Selection::SeenBefore(t) => ("SELECT rowid FROM docs WHERE first_seen < ?1", t.clone()),
            Selection::PublishedBefore(t) => (
                "SELECT rowid FROM docs WHERE date IS NOT NULL AND date < ?1",
                t.clone(),
            ),
        };
        let mut q = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = q
            .query_map([arg], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?;
        let mut out = rows
            .collect::<rusqlite::Result<Vec<i64>>>()
            .map_err(|e| self.err(e))?;
        out.sort_unstable();
        Ok(out)
    }

    /// The texts of these rows (empty for a damaged or missing one).
    pub fn texts(&self, rowids: &[i64]) -> Result<Vec<String>> {
        let mut q = self
            .conn
            .prepare_cached("SELECT text FROM docs WHERE rowid = ?1")
            .map_err(|e| self.err(e))?;
        rowids
            .iter()
            .map(|&rowid| {
                let packed: Option<Vec<u8>> = q
                    .query_row([rowid], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                Ok(packed
                    .and_then(|p| unpack_text(&p).ok())
                    .unwrap_or_default())
            })
            .collect()
    }

    /// Removes documents and their keys (`keys` as their records give
    /// them) in one transaction; returns how many went.
    pub fn remove(&mut self, docs: &[(i64, Option<Record>)]) -> Result<u64> {
        let path = self.path.clone();
        let e = |e| sql_error(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut n = 0;
        {
            let mut del = tx
                .prepare_cached("DELETE FROM docs WHERE rowid = ?1")
                .map_err(e)?;
            let mut dk = tx
                .prepare_cached("DELETE FROM doc_keys WHERE key = ?1 AND doc = ?2")
                .map_err(e)?;
            let mut pk = tx
                .prepare_cached("DELETE FROM paragraph_keys WHERE key = ?1 AND doc = ?2")
                .map_err(e)?;
            let mut rk = tx
                .prepare_cached("DELETE FROM reuse_keys WHERE key = ?1 AND doc = ?2")
                .map_err(e)?;
            for (rowid, record) in docs {
                n += del.execute([rowid]).map_err(e)? as u64;
                match record {
                    Some(r) => {
                        for &k in &r.doc_keys {
                            dk.execute(params![k as i32, rowid]).map_err(e)?;
                        }
                        for &k in &r.paragraph_keys {
                            pk.execute(params![k as i32, rowid]).map_err(e)?;
                        }
                        for &k in &r.reuse_keys {
                            rk.execute(params![k as i32, rowid]).map_err(e)?;
                        }
                    }
                    None => {
                        // No record (a damaged text): scan for its keys.
                        for table in ["doc_keys", "paragraph_keys", "reuse_keys"] {
                            tx.execute(&format!("DELETE FROM {table} WHERE doc = ?1"), [rowid])
                                .map_err(e)?;
                        }
                    }
                }
            }
        }
        tx.commit().map_err(e)?;
        Ok(n)
    }

    /// Counts and parameters.
    pub fn stats(&self) -> Result<Stats> {
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(|e| self.err(e))
        };
        let (min, max): (Option<String>, Option<String>) = self
            .conn
            .query_row(
                "SELECT min(first_seen), max(first_seen) FROM docs",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        Ok(Stats {
            path: self.path.display().to_string(),
            format_version: FORMAT_VERSION,
            documents: count("SELECT count(*) FROM docs")?,
            document_keys: count("SELECT count(*) FROM doc_keys")?,
            paragraph_keys: count("SELECT count(*) FROM paragraph_keys")?,
            reuse_keys: count("SELECT count(*) FROM reuse_keys")?,
            first_seen_min: min,
            first_seen_max: max,
            bytes_on_disk: size(&self.path) + size(&wal),
            params: self.params()?,
        })
    }

    /// Runs SQLite's `PRAGMA integrity_check`; `Ok(())` when it says "ok".
    pub fn integrity_check(&self) -> Result<()> {
        let msg: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if msg == "ok" {
            Ok(())
        } else {
            Err(Error::Index {
                path: self.path.clone(),
                message: format!(
                    "is damaged ({msg}); restore it from a backup, or delete it and rebuild it"
                ),
            })
        }
    }
}

/// Which documents `index remove` takes out.
#[derive(Debug, Clone)]
pub enum Selection {
    /// The documents with this id.
    Id(String),
    /// Documents first seen before this RFC 3339 time.
    SeenBefore(String),
    /// Documents published before this RFC 3339 time (undated ones stay).
    PublishedBefore(String),
}

/// The current time, RFC 3339 UTC, whole seconds.
pub fn now() -> String {
    crate::input::format_date(&chrono::Utc::now())
}

/// An SQLite error as a message that names the file and the fix.
fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    let code = e.sqlite_error_code();
    let message = match code {
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => format!(
            "index is locked by another process ({e}); run the jobs one after the other, \
             or raise --lock-timeout"
        ),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => format!(
            "is damaged or not an index ({e}); restore it from a backup, or delete it and \
             rebuild it with `reprint index add`"
        ),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => {
            format!("cannot be written ({e}); check the file's permissions")
        }
        Some(ErrorCode::DiskFull) => format!("disk full ({e}); free space and retry"),
        Some(ErrorCode::CannotOpen) => {
            format!("cannot be opened ({e}); check that its directory exists and is writable")
        }
        _ => format!("index error: {e}"),
    };
    Error::Index {
        path: path.to_path_buf(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<(String, String)> {
        vec![("bands".into(), "26".into()), ("rows".into(), "3".into())]
    }

    fn record(id: &str, hash: u64, keys: &[u32]) -> Record {
        Record {
            id: id.into(),
            path: "day1.jsonl".into(),
            line: 3,
            meta: Meta {
                date: Some("2026-11-20T00:00:00Z".into()),
                ..Meta::default()
            },
            content_hash: hash,
            signature: vec![1, 2, 3],
            doc_keys: keys.to_vec(),
            paragraph_keys: vec![7],
            reuse_keys: vec![40, 44],
            paragraphs: Vec::new(),
            packed_text: pack_text("the text of the story"),
        }
    }

    #[test]
    fn add_lookup_fetch_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/index.sqlite");
        let mut ix =
            Index::open(&path, Some(&params()), Mode::Create, Duration::from_secs(1)).unwrap();
        let a = ix
            .add(
                &[record("a", 1, &[10, 20]), record("b", 2, &[20, 30])],
                "2026-11-21T00:00:00Z",
            )
            .unwrap();
        assert_eq!((a.added, a.known), (2, 0));
        let again = ix
            .add(&[record("a2", 1, &[10])], "2026-11-22T00:00:00Z")
            .unwrap();
        assert_eq!(
            (again.added, again.known),
            (0, 1),
            "same content is skipped"
        );
        let probe = record("new", 9, &[20]);
        let hits = ix.candidates(&[probe]).unwrap();
        assert_eq!(hits.len(), 2);
        let docs = ix.fetch(&hits).unwrap();
        assert_eq!(docs[0].id, "a");
        assert_eq!(docs[0].text, "the text of the story");
        assert_eq!(docs[0].meta.date.as_deref(), Some("2026-11-20T00:00:00Z"));
        let sel = ix.select(&Selection::Id("a".into())).unwrap();
        assert_eq!(ix.texts(&sel).unwrap(), vec!["the text of the story"]);
        // Reuse keys: both documents hold 40 and 44, with their counts.
        let holders = |ix: &Index, max_df| {
            let mut out = Vec::new();
            ix.reuse_holders(&[40, 41, 44], max_df, |i, rows| {
                out.push((i, rows.to_vec()))
            })
            .unwrap();
            out
        };
        assert_eq!(holders(&ix, 2), vec![(0, hits.clone()), (2, hits.clone())]);
        assert!(holders(&ix, 1).is_empty(), "over max_df: no holder listed");
        assert_eq!(ix.reuse_key_count(sel[0]).unwrap(), 2);
        let gone = ix
            .remove(&[(sel[0], Some(record("a", 1, &[10, 20])))])
            .unwrap();
        assert_eq!(gone, 1);
        let s = ix.stats().unwrap();
        assert_eq!(
            (s.documents, s.document_keys, s.paragraph_keys, s.reuse_keys),
            (1, 2, 1, 2)
        );
        assert_eq!(
            holders(&ix, 100),
            vec![(0, vec![hits[1]]), (2, vec![hits[1]])],
            "a removed document's reuse keys go"
        );
        assert_eq!(ix.reuse_key_count(sel[0]).unwrap(), 0);
        // Without its record (a damaged text), its keys are found by scanning.
        let rest = ix.select(&Selection::Id("b".into())).unwrap();
        ix.remove(&[(rest[0], None)]).unwrap();
        let s = ix.stats().unwrap();
        assert_eq!(
            (s.documents, s.document_keys, s.paragraph_keys, s.reuse_keys),
            (0, 0, 0, 0)
        );
        ix.integrity_check().unwrap();
    }

    #[test]
    fn an_index_of_the_previous_format_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        drop(Index::open(&path, Some(&params()), Mode::Create, Duration::from_secs(1)).unwrap());
        let c = Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 1;").unwrap();
        drop(c);
        let e = Index::open(&path, Some(&params()), Mode::Create, Duration::from_secs(1))
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("has index format 1") && e.contains("rebuild it with `reprint index add`"),
            "{e}"
        );
    }

    #[test]
    fn other_parameters_are_refused_with_both_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        drop(Index::open(&path, Some(&params()), Mode::Create, Duration::from_secs(1)).unwrap());
        let other = vec![("bands".into(), "20".into()), ("rows".into(), "3".into())];
        let e = Index::open(&path, Some(&other), Mode::Create, Duration::from_secs(1))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("bands: index 26 vs this run 20"), "{e}");
    }

    #[test]
    fn garbage_and_foreign_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, vec![0x5Au8; 8192]).unwrap();
        let e = Index::open(&junk, Some(&params()), Mode::Create, Duration::from_secs(1))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("junk.sqlite") && e.contains("damaged"), "{e}");
        let foreign = dir.path().join("other.sqlite");
        let c = Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
        drop(c);
        let e = Index::open(
            &foreign,
            Some(&params()),
            Mode::Create,
            Duration::from_secs(1),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("not a reprint index"), "{e}");
        let newer = dir.path().join("newer.sqlite");
        drop(
            Index::open(
                &newer,
                Some(&params()),
                Mode::Create,
                Duration::from_secs(1),
            )
            .unwrap(),
        );
        let c = Connection::open(&newer).unwrap();
        c.execute_batch("PRAGMA user_version = 99;").unwrap();
        drop(c);
        let e = Index::open(
            &newer,
            Some(&params()),
            Mode::Create,
            Duration::from_secs(1),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("newer reprint (index format 99"), "{e}");
        let missing = dir.path().join("missing.sqlite");
        let e = Index::open(
            &missing,
            Some(&params()),
            Mode::Existing,
            Duration::from_secs(1),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("no index here"), "{e}");
    }

    #[test]
    fn packed_text_round_trips() {
        let t = "Ünïcode text, repeated. ".repeat(50);
        let p = pack_text(&t);
        assert!(p.len() < t.len() / 4);
        assert_eq!(unpack_text(&p).unwrap(), t);
        assert!(unpack_text(b"not deflate at all \xff\xff").is_err());
    }
}
