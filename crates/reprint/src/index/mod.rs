//! The persistent index: every document a `check --update` or `index add`
//! has seen, in one SQLite file, so that later checks find copies of it.
//!
//! Per document the index keeps its id, origin (file and first-seen time,
//! numbered in table `origins`, and line), metadata, a hash of its
//! normalized words, and its text, packed with zstd and a dictionary
//! trained on the texts themselves ([`pack`]), or against the text of
//! another indexed document it reprints ([`bases`]), so that a match can be
//! verified exactly and shown. Its lookup keys ([`keys`]) are its LSH band
//! keys (the document's own bands, and the first [`PARAGRAPH_BANDS`] bands
//! of every paragraph) and one in [`REUSE_KEY_SUBSAMPLE`] of its reuse
//! fingerprints (sampled word trigrams, [`crate::reuse::fingerprints`]), so
//! that a check finds the indexed documents a new one shares passages
//! with. Keys are cut to 32 bits: a false hit only costs a verification.
//! They are stored as compact sorted runs, one per write, about 4 bytes a
//! key, appended rather than inserted into a b-tree, so adding to a large
//! index costs the same per document as adding to a small one.
//!
//! The file records its format version (`PRAGMA user_version`) and the
//! parameters that decide signatures and keys (table `meta`); opening it
//! with other parameters is an error that names both. Writes are SQLite
//! transactions in WAL mode, so a killed process loses only its open
//! transaction, and a second writer waits (busy timeout) or gets a clear
//! "locked" error.

mod bases;
mod keys;
mod pack;
mod record;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::error::{Error, Result};
use crate::input::Meta;
use bases::{Base, Bases};
use keys::{Keys, Kind};
pub use pack::{pack_against, pack_all, BaseScratch, PackScratch, Packer, DICT_MIN_SAMPLES, DRIFT};
use record::i64_of;
pub use record::{content_hash, fingerprint, short_key, Added, Record, Stats, Stored};

/// The index format this build writes and reads.
///
/// Format 2 added the reuse fingerprints; format 3 stores texts with zstd
/// and a trained dictionary, and the keys as compact runs ([`keys`]), and
/// no signatures; format 4 packs a text against another's (its base,
/// column `docs.base`: [`bases`]). A format 3 file is upgraded in place
/// when opened (one new column); an older one is refused with the fix.
pub const FORMAT_VERSION: i64 = 4;
/// The oldest format upgraded in place.
const UPGRADED_FROM: i64 = 3;
/// Pending key pairs (8 bytes each) above which [`Index::flush_if_full`]
/// writes them as a run and commits: `index add` commits about every
/// 120,000 documents of 600 words.
pub const FLUSH_PAIRS: usize = 1 << 24;
/// The index of the texts packed against a base (to repack them when
/// their base is removed).
const BASE_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS docs_base ON docs(base) WHERE base IS NOT NULL;";
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
    /// Packs and unpacks texts with the index's dictionary.
    packer: Packer,
    /// Key pairs of the documents inserted in the open write, not yet in
    /// a run ([`keys::pair`]).
    pending: Vec<u64>,
    /// Whether a write transaction is open ([`Index::begin`]).
    writing: bool,
    /// Row ids of table `origins` by (path, first seen), as written.
    origins: HashMap<(String, String), i64>,
    /// The texts written so far that new ones may be packed against.
    bases: Bases,
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
        let mut index = Index {
            conn,
            path: path.to_path_buf(),
            packer: Packer::default(),
            pending: Vec::new(),
            writing: false,
            origins: HashMap::new(),
            bases: Bases::default(),
        };
        index.setup(params, lock_timeout)?;
        index.packer = Packer::new(index.stored_dictionaries()?);
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
        if tables > 0 && version < UPGRADED_FROM {
            return Err(Error::Index {
                path: self.path.clone(),
                message: format!(
                    "has index format {version}, which this build cannot migrate (it reads \
                     format {FORMAT_VERSION}: zstd texts and compact key runs); rebuild it \
                     with `reprint index add` (into a new --index file, from the documents it \
                     was built from)"
                ),
            });
        }
        // WAL: readers do not block the writer, and a killed writer loses
        // only its open transaction. NORMAL sync is durable against process
        // crashes (not power loss), which is what a CI cache needs.
        if tables == 0 {
            // The largest pages: a document's row (its packed text) is 1-2
            // KB, and the room a page has left when the next row does not
            // fit, about half a row, is lost; the more rows a page holds,
            // the less that is per row (64 KiB: 4% of the documents
            // table, against 8% at 16 KiB). Only takes effect on a new,
            // empty file.
            when_free(lock_timeout, || c.pragma_update(None, "page_size", 65_536)).map_err(e)?;
        }
        // Switching to WAL takes the file's exclusive lock without waiting
        // on the busy timeout: a second process that opens a new index
        // while the first one switches waits here instead of failing.
        when_free(lock_timeout, || {
            c.pragma_update(None, "journal_mode", "WAL")
        })
        .map_err(e)?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(e)?;
        if tables > 0 && version < FORMAT_VERSION {
            self.upgrade()?;
        }
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
        if self.has_table("meta")? {
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
                 origin INTEGER NOT NULL,
                 line INTEGER NOT NULL,
                 url TEXT, title TEXT, date TEXT, source TEXT,
                 content_hash INTEGER NOT NULL,
                 reuse_key_count INTEGER NOT NULL,
                 text BLOB NOT NULL,
                 base INTEGER);
             CREATE TABLE IF NOT EXISTS origins (id INTEGER PRIMARY KEY, path TEXT NOT NULL,
                 first_seen TEXT NOT NULL, UNIQUE (path, first_seen));
             CREATE UNIQUE INDEX IF NOT EXISTS docs_content ON docs(content_hash);
             CREATE INDEX IF NOT EXISTS docs_id ON docs(id);
             CREATE INDEX IF NOT EXISTS docs_origin ON docs(origin);
             {BASE_INDEX}
             CREATE TABLE IF NOT EXISTS dictionary (id INTEGER PRIMARY KEY, dict BLOB NOT NULL);
             {}",
            Keys::SCHEMA
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

    /// Upgrades a format 3 file to format 4 in one write: the column of
    /// bases (empty: every text there is packed on its own) and its index.
    fn upgrade(&self) -> Result<()> {
        let c = &self.conn;
        let e = |e| self.err(e);
        c.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
        let done = (|| {
            // Another process may have upgraded it meanwhile.
            let version: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(e)?;
            if version == UPGRADED_FROM {
                c.execute_batch(&format!(
                    "ALTER TABLE docs ADD COLUMN base INTEGER;
                     {BASE_INDEX}
                     PRAGMA user_version = {FORMAT_VERSION};"
                ))
                .map_err(e)?;
            }
            c.execute_batch("COMMIT").map_err(e)
        })();
        if done.is_err() {
            let _ = c.execute_batch("ROLLBACK");
        }
        done
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

    fn key_error(&self, e: keys::KeyError) -> Error {
        match e {
            keys::KeyError::Sql(e) => self.err(e),
            keys::KeyError::Damaged(id) => Error::Index {
                path: self.path.clone(),
                message: format!(
                    "has a damaged key run (row {id} of key_runs); rebuild it with `reprint \
                     index add` into a new --index file"
                ),
            },
        }
    }

    fn keys(&self) -> Keys<'_> {
        Keys { conn: &self.conn }
    }

    /// Whether the file has this table (a file whose creator was killed
    /// before committing has none).
    fn has_table(&self, name: &str) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| self.err(e))
    }

    /// The dictionaries stored in the index (number, bytes).
    fn stored_dictionaries(&self) -> Result<Vec<(u32, Vec<u8>)>> {
        if !self.has_table("dictionary")? {
            return Ok(Vec::new());
        }
        let mut q = self
            .conn
            .prepare("SELECT id, dict FROM dictionary ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = q
            .query_map([], |r| Ok((r.get::<_, i64>(0)? as u32, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// The index's text packer (with its dictionaries).
    pub fn packer(&self) -> Packer {
        self.packer.clone()
    }

    /// Stores dictionary number `id` (texts packed with it follow); an
    /// error if another writer stored another one under that number
    /// meanwhile (the texts packed with `dict` could not be read).
    pub fn add_dictionary(&mut self, id: u32, dict: Vec<u8>) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO dictionary (id, dict) VALUES (?1, ?2)",
                params![i64::from(id), &dict],
            )
            .map_err(|e| self.err(e))?;
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT dict FROM dictionary WHERE id = ?1",
                [i64::from(id)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if stored.as_deref() != Some(dict.as_slice()) {
            return Err(Error::Index {
                path: self.path.clone(),
                message: "was given a text dictionary by another process at the same time; \
                          run this one again"
                    .into(),
            });
        }
        self.packer = self.packer.with(id, dict);
        Ok(())
    }

    /// Trains and stores a dictionary from the texts of `records` if the
    /// index has none and they are enough ([`DICT_MIN_SAMPLES`]),
    /// in a write of its own (another writer's dictionary, stored
    /// meanwhile, is taken instead).
    pub fn train_dictionary(&mut self, records: &[Record]) -> Result<()> {
        self.begin()?;
        let done = (|| {
            if self.packer.dictionary().is_none() {
                let texts = records.iter().filter(|r| !r.text.is_empty());
                let texts: Vec<&str> = texts.map(|r| r.text.as_str()).collect();
                if let Some(dict) = Packer::train(texts.into_iter()) {
                    self.add_dictionary(self.packer.next_id(), dict)?;
                }
            }
            self.commit()
        })();
        if done.is_err() {
            self.rollback();
        }
        done
    }

    /// Adds records in one transaction; a record whose content is already
    /// indexed is skipped.
    pub fn add(&mut self, records: &[Record], first_seen: &str) -> Result<Added> {
        self.begin()?;
        let added = self.insert(records, first_seen).and_then(|a| {
            self.commit()?;
            Ok(a)
        });
        if added.is_err() {
            self.rollback();
        }
        added
    }

    /// Opens a write transaction (waiting for another writer as long as
    /// the busy timeout says), and takes the dictionary as stored then
    /// (another writer may have stored one since this index was opened).
    pub fn begin(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))?;
        self.writing = true;
        self.pending.clear();
        let stored: i64 = self
            .conn
            .query_row("SELECT count(*) FROM dictionary", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if stored as usize != self.packer.dictionaries() {
            self.packer = Packer::new(self.stored_dictionaries()?);
        }
        Ok(())
    }

    /// Writes the pending keys as a run and commits the open write.
    pub fn commit(&mut self) -> Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        self.keys()
            .write_run(&mut pending)
            .map_err(|e| self.key_error(e))?;
        self.pending = pending;
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
        self.writing = false;
        Ok(())
    }

    fn rollback(&mut self) {
        if self.writing {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.writing = false;
        }
        self.pending.clear();
        self.origins.clear();
        self.bases.forget();
    }

    /// Commits and opens a new write when the pending keys are over
    /// [`FLUSH_PAIRS`], so that a long `index add` holds bounded memory.
    pub fn flush_if_full(&mut self) -> Result<()> {
        if self.pending.len() >= FLUSH_PAIRS {
            self.commit()?;
            self.begin()?;
        }
        Ok(())
    }

    /// The row of table `origins` for a file and first-seen time (made
    /// if new): each document names its origin by this number.
    fn origin(&mut self, path: &str, first_seen: &str) -> Result<i64> {
        let key = (path.to_string(), first_seen.to_string());
        if let Some(&id) = self.origins.get(&key) {
            return Ok(id);
        }
        let e = |e| sql_error(&self.path, e);
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO origins (path, first_seen) VALUES (?1, ?2)")
            .and_then(|mut q| q.execute(params![path, first_seen]))
            .map_err(e)?;
        let id: i64 = self
            .conn
            .prepare_cached("SELECT id FROM origins WHERE path = ?1 AND first_seen = ?2")
            .and_then(|mut q| q.query_row(params![path, first_seen], |r| r.get(0)))
            .map_err(e)?;
        self.origins.insert(key, id);
        Ok(id)
    }

    /// Inserts records into the open write ([`Index::begin`]); a record
    /// whose content is already indexed is skipped. Texts not packed yet
    /// are packed here; a text still held is also packed against the base
    /// [`Bases`] proposes, and stored so when that is smaller.
    pub fn insert(&mut self, records: &[Record], first_seen: &str) -> Result<Added> {
        let path = self.path.clone();
        let e = |e| sql_error(&path, e);
        let mut added = Added::default();
        let origins: Vec<i64> = records
            .iter()
            .map(|r| self.origin(&r.path, first_seen))
            .collect::<Result<_>>()?;
        let against = self.pack_against_bases(records)?;
        let mut scratch = self.packer.scratch();
        let mut doc = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO docs (id, origin, line, url, title, date, source, \
                 content_hash, text, reuse_key_count, base) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(e)?;
        let mut packed: Vec<u8>;
        let mut rows = vec![0i64; records.len()];
        for (i, (r, origin)) in records.iter().zip(origins).enumerate() {
            let m = &r.meta;
            let base_row = match against[i].as_ref().map(|(b, _)| *b) {
                Some(Base::Row(row)) => Some(row),
                Some(Base::InBatch(j)) => Some(rows[j]).filter(|&row| row > 0),
                None => None,
            };
            let text = match (base_row, &against[i]) {
                (Some(_), Some((_, t))) => t,
                _ if r.packed_text.is_empty() => {
                    packed = self.packer.pack(&r.text, &mut scratch);
                    &packed
                }
                _ => &r.packed_text,
            };
            let n = doc
                .execute(params![
                    r.id,
                    origin,
                    i64_of(r.line),
                    m.url,
                    m.title,
                    m.date,
                    m.source,
                    i64_of(r.content_hash),
                    text,
                    r.reuse_keys.len() as i64,
                    base_row,
                ])
                .map_err(e)?;
            if n == 0 {
                added.known += 1;
                continue;
            }
            added.added += 1;
            let rowid = self.conn.last_insert_rowid();
            rows[i] = rowid;
            if rowid > keys::MAX_DOC {
                return Err(Error::Index {
                    path: self.path.clone(),
                    message: format!(
                        "holds more rows than an index can key ({}); start a new --index",
                        keys::MAX_DOC
                    ),
                });
            }
            for (kind, ks) in [
                (Kind::Doc, &r.doc_keys),
                (Kind::Paragraph, &r.paragraph_keys),
                (Kind::Reuse, &r.reuse_keys),
            ] {
                self.pending
                    .extend(ks.iter().map(|&k| keys::pair(kind, k, rowid)));
            }
        }
        self.bases.written(&rows);
        Ok(added)
    }

    /// For each record whose text is still held and has a base proposed
    /// ([`Bases::propose`]): the base and the text packed against it, when
    /// that is smaller than the text packed on its own. The bases' texts
    /// are read first, one at a time; the packing is done in parallel.
    fn pack_against_bases(&mut self, records: &[Record]) -> Result<Vec<Option<Against>>> {
        use rayon::prelude::*;
        let proposed = self.bases.propose(records);
        let mut q = self
            .conn
            .prepare_cached("SELECT text FROM docs WHERE rowid = ?1 AND base IS NULL")
            .map_err(|e| sql_error(&self.path, e))?;
        // Each proposed base's text: as stored (packed), or as held.
        enum Text<'a> {
            Packed(Vec<u8>),
            Held(&'a str),
        }
        let mut stored: Vec<Option<(Base, Text)>> = Vec::with_capacity(records.len());
        for (r, p) in records.iter().zip(&proposed) {
            let base = match *p {
                _ if r.text.is_empty() => None,
                Some(b @ Base::Row(row)) => q
                    .query_row([row], |r| r.get::<_, Vec<u8>>(0))
                    .optional()
                    .map_err(|e| sql_error(&self.path, e))?
                    .map(|t| (b, Text::Packed(t))),
                Some(b @ Base::InBatch(j)) if !records[j].text.is_empty() => {
                    Some((b, Text::Held(&records[j].text)))
                }
                Some(b @ Base::InBatch(j)) => Some(&records[j].packed_text)
                    .filter(|t| !t.is_empty())
                    .map(|t| (b, Text::Packed(t.clone()))),
                None => None,
            };
            stored.push(base);
        }
        let packer = &self.packer;
        Ok(records
            .par_iter()
            .zip(stored)
            .map_init(BaseScratch::default, |scratch, (r, base)| {
                let (b, base) = base?;
                let unpacked;
                let base_text = match base {
                    Text::Held(t) => t,
                    Text::Packed(p) => {
                        unpacked = packer.unpack_alone(&p, scratch).ok()?;
                        &unpacked
                    }
                };
                let t = pack_against(&r.text, base_text, scratch);
                let alone = if r.packed_text.is_empty() {
                    packer.pack(&r.text, &mut packer.scratch()).len()
                } else {
                    r.packed_text.len()
                };
                (t.len() < alone).then_some((b, t))
            })
            .collect())
    }

    /// Indexed documents sharing a key with the records: at most
    /// [`MATCHES_PER_KEY`] per key, oldest first; row ids, sorted.
    pub fn candidates(&self, records: &[Record]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for kind in [Kind::Doc, Kind::Paragraph] {
            let mut keys: Vec<u32> = records
                .iter()
                .flat_map(|r| match kind {
                    Kind::Doc => r.doc_keys.iter(),
                    _ => r.paragraph_keys.iter(),
                })
                .copied()
                .collect();
            keys.sort_unstable();
            keys.dedup();
            let pairs = self
                .keys()
                .lookup(kind, &keys)
                .map_err(|e| self.key_error(e))?;
            for held in pairs.chunk_by(|a, b| a.0 == b.0) {
                out.extend(
                    held.iter()
                        .take(MATCHES_PER_KEY)
                        .map(|&(_, d)| i64::from(d)),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The indexed documents holding each of `keys` (in that order):
    /// `each(i, rows)` gets the ascending row ids holding `keys[i]`, for
    /// each key held by 1 to `max_df` documents. A key held by more (a
    /// stock phrase, boilerplate) is skipped: it pairs nothing.
    pub fn reuse_holders(
        &self,
        keys: &[u32],
        max_df: usize,
        mut each: impl FnMut(usize, &[i64]),
    ) -> Result<()> {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let pairs = self
            .keys()
            .lookup(Kind::Reuse, &sorted)
            .map_err(|e| self.key_error(e))?;
        let held: Vec<&[(u32, u32)]> = pairs.chunk_by(|a, b| a.0 == b.0).collect();
        let mut rows_of: Vec<i64> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let Ok(at) = held.binary_search_by_key(k, |h| h[0].0) else {
                continue;
            };
            if held[at].len() <= max_df {
                rows_of.clear();
                rows_of.extend(held[at].iter().map(|&(_, d)| i64::from(d)));
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
                "SELECT d.id, o.path, d.line, d.url, d.title, d.date, d.source, d.content_hash, \
                 o.first_seen, d.text, b.text FROM docs d JOIN origins o ON o.id = d.origin \
                 LEFT JOIN docs b ON b.rowid = d.base WHERE d.rowid = ?1",
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
                        r.get::<_, Option<Vec<u8>>>(10)?,
                    ))
                })
                .optional()
                .map_err(|e| self.err(e))?;
            if let Some((mut doc, packed, base)) = row {
                doc.text =
                    self.packer
                        .unpack(&packed, base.as_deref())
                        .map_err(|e| Error::Index {
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
            Selection::SeenBefore(t) => (
                "SELECT rowid FROM docs WHERE origin IN \
                 (SELECT id FROM origins WHERE first_seen < ?1)",
                t.clone(),
            ),
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
        rowids
            .iter()
            .map(|&rowid| Ok(self.text(rowid)?.and_then(|t| t.ok()).unwrap_or_default()))
            .collect()
    }

    /// The text of a row (`None`: no such row; an error inside: damaged).
    fn text(&self, rowid: i64) -> Result<Option<std::io::Result<String>>> {
        let mut q = self
            .conn
            .prepare_cached(
                "SELECT d.text, b.text FROM docs d LEFT JOIN docs b ON b.rowid = d.base \
                 WHERE d.rowid = ?1",
            )
            .map_err(|e| self.err(e))?;
        let packed: Option<(Vec<u8>, Option<Vec<u8>>)> = q
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(packed.map(|(p, base)| self.packer.unpack(&p, base.as_deref())))
    }

    /// Removes documents and their keys in one transaction (one pass over
    /// the key runs); returns how many went.
    pub fn remove(&mut self, rowids: &[i64]) -> Result<u64> {
        self.begin()?;
        let n = self.remove_in(rowids).and_then(|n| {
            self.commit()?;
            Ok(n)
        });
        if n.is_err() {
            self.rollback();
        }
        n
    }

    fn remove_in(&mut self, rowids: &[i64]) -> Result<u64> {
        let mut n = 0;
        let mut gone: HashSet<u32> = HashSet::new();
        self.repack_dependents(rowids)?;
        {
            let mut del = self
                .conn
                .prepare_cached("DELETE FROM docs WHERE rowid = ?1")
                .map_err(|e| self.err(e))?;
            for &rowid in rowids {
                if del.execute([rowid]).map_err(|e| self.err(e))? > 0 {
                    n += 1;
                    gone.insert(rowid as u32);
                }
            }
        }
        self.keys()
            .remove_docs(&gone)
            .map_err(|e| self.key_error(e))?;
        Ok(n)
    }

    /// Packs on their own the texts packed against one of `rowids` (about
    /// to be removed) that are not removed with them.
    fn repack_dependents(&self, rowids: &[i64]) -> Result<()> {
        let removed: HashSet<i64> = rowids.iter().copied().collect();
        let mut dependents: Vec<i64> = Vec::new();
        {
            let mut q = self
                .conn
                .prepare_cached("SELECT rowid FROM docs WHERE base = ?1")
                .map_err(|e| self.err(e))?;
            for &rowid in rowids {
                let rows = q
                    .query_map([rowid], |r| r.get::<_, i64>(0))
                    .map_err(|e| self.err(e))?;
                for d in rows {
                    let d = d.map_err(|e| self.err(e))?;
                    if !removed.contains(&d) {
                        dependents.push(d);
                    }
                }
            }
        }
        let mut scratch = self.packer.scratch();
        let mut put = self
            .conn
            .prepare_cached("UPDATE docs SET text = ?1, base = NULL WHERE rowid = ?2")
            .map_err(|e| self.err(e))?;
        for d in dependents {
            let text = self.text(d)?.transpose().map_err(|e| Error::Index {
                path: self.path.clone(),
                message: format!(
                    "row {d} has a damaged text ({e}) and its base is being removed; remove \
                     it too"
                ),
            })?;
            let packed = self.packer.pack(&text.unwrap_or_default(), &mut scratch);
            put.execute(params![packed, d]).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// Counts and parameters.
    pub fn stats(&self) -> Result<Stats> {
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(|e| self.err(e))
        };
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        if !self.has_table("docs")? {
            // A file whose creator was killed before its tables were
            // committed: an empty index.
            return Ok(Stats {
                path: self.path.display().to_string(),
                format_version: FORMAT_VERSION,
                documents: 0,
                packed_against_base: 0,
                document_keys: 0,
                paragraph_keys: 0,
                reuse_keys: 0,
                first_seen_min: None,
                first_seen_max: None,
                bytes_on_disk: size(&self.path) + size(&wal),
                params: Vec::new(),
            });
        }
        let (min, max): (Option<String>, Option<String>) = self
            .conn
            .query_row(
                "SELECT min(o.first_seen), max(o.first_seen) FROM origins o \
                 WHERE EXISTS (SELECT 1 FROM docs WHERE origin = o.id)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let [document_keys, paragraph_keys, reuse_keys] =
            self.keys().counts().map_err(|e| self.key_error(e))?;
        Ok(Stats {
            path: self.path.display().to_string(),
            format_version: FORMAT_VERSION,
            documents: count("SELECT count(*) FROM docs")?,
            packed_against_base: count("SELECT count(*) FROM docs WHERE base IS NOT NULL")?,
            document_keys,
            paragraph_keys,
            reuse_keys,
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

/// A text packed against its base, and where the base is.
type Against = (Base, Vec<u8>);

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

/// Runs `f` again while it fails with "busy" or "locked", for up to
/// `timeout`: for the statements SQLite does not wait on by itself.
fn when_free<T>(
    timeout: Duration,
    mut f: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let start = std::time::Instant::now();
    loop {
        match f() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) && start.elapsed() < timeout =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => return r,
        }
    }
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

    /// Opens (or creates) an index at `path` with [`params`].
    fn create(path: &Path) -> Result<Index> {
        Index::open(path, Some(&params()), Mode::Create, Duration::from_secs(1))
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
            doc_keys: keys.to_vec(),
            paragraph_keys: vec![7],
            reuse_keys: vec![40, 44],
            paragraphs: Vec::new(),
            text: "the text of the story".into(),
            packed_text: Vec::new(),
            base_hint: None,
        }
    }

    #[test]
    fn add_lookup_fetch_remove() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/index.sqlite");
        let mut ix = create(&path).unwrap();
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
        let gone = ix.remove(&[sel[0]]).unwrap();
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
        let rest = ix.select(&Selection::Id("b".into())).unwrap();
        ix.remove(&rest).unwrap();
        let s = ix.stats().unwrap();
        assert_eq!(
            (s.documents, s.document_keys, s.paragraph_keys, s.reuse_keys),
            (0, 0, 0, 0)
        );
        ix.integrity_check().unwrap();
    }

    /// A story of `n` sentences, sentence `i` varied by `seed`.
    fn story(n: usize, seed: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "The council met on day {} and voted {} to {} on the harbour plan, item {i}.",
                    (i * 7 + seed) % 31,
                    (i * 3 + seed) % 11,
                    i % 5
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn bases(ix: &Index) -> Vec<(String, Option<i64>)> {
        let mut q = ix
            .conn
            .prepare("SELECT id, base FROM docs ORDER BY rowid")
            .unwrap();
        q.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn reprints_are_packed_against_their_source_and_survive_its_removal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        let mut ix = create(&path).unwrap();
        let with_text = |id: &str, hash: u64, text: String| Record {
            text,
            ..record(id, hash, &[4, 8, 12, 16])
        };
        let source = story(60, 0);
        let trimmed = format!("{} A line of its own.", &source[..source.len() * 3 / 4]);
        let unrelated = (0..60)
            .map(|i| format!("Word{i} zz{} qq{}", i * 13 % 17, i * 5))
            .collect::<Vec<_>>()
            .join(" ");
        let first = [
            with_text("source", 1, source.clone()),
            with_text("trimmed", 2, trimmed.clone()),
            with_text("unrelated", 3, unrelated.clone()),
        ];
        ix.add(&first, "2026-11-21T00:00:00Z").unwrap();
        // A later write: the source is found in the index.
        let reworded = source.replace("harbour", "harbor");
        ix.add(
            &[with_text("reworded", 4, reworded.clone())],
            "2026-11-22T00:00:00Z",
        )
        .unwrap();
        let src = ix.select(&Selection::Id("source".into())).unwrap()[0];
        assert_eq!(
            bases(&ix),
            [
                ("source".to_string(), None),
                ("trimmed".to_string(), Some(src)),
                ("unrelated".to_string(), None),
                ("reworded".to_string(), Some(src)),
            ]
        );
        let texts = [source, trimmed, unrelated, reworded];
        let all: Vec<i64> = (1..=4).collect();
        let fetched: Vec<String> = ix
            .fetch(&all)
            .unwrap()
            .into_iter()
            .map(|d| d.text)
            .collect();
        assert_eq!(fetched, texts);
        assert_eq!(ix.texts(&all).unwrap(), texts);
        // Removing the source packs its reprints on their own.
        ix.remove(&[src]).unwrap();
        assert!(bases(&ix).iter().all(|(_, b)| b.is_none()));
        assert_eq!(ix.texts(&all[1..]).unwrap(), texts[1..]);
        ix.integrity_check().unwrap();
    }

    #[test]
    fn an_index_of_format_3_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("three.sqlite");
        let mut ix = create(&path).unwrap();
        ix.add(&[record("a", 1, &[4])], "2026-11-21T00:00:00Z")
            .unwrap();
        drop(ix);
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP INDEX docs_base; ALTER TABLE docs DROP COLUMN base; PRAGMA user_version = 3;",
        )
        .unwrap();
        drop(c);
        let mut ix = Index::open(
            &path,
            Some(&params()),
            Mode::Existing,
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(ix.stats().unwrap().format_version, FORMAT_VERSION);
        let long = |id: &str, hash| Record {
            text: story(40, 1),
            ..record(id, hash, &[4])
        };
        ix.add(&[long("b", 2), long("c", 3)], "2026-11-22T00:00:00Z")
            .unwrap();
        assert_eq!(
            ix.texts(&[1, 2, 3]).unwrap(),
            [
                "the text of the story".to_string(),
                story(40, 1),
                story(40, 1)
            ]
        );
        // Against b: a was written by another process (bases are found
        // among the documents one writer wrote).
        assert_eq!(bases(&ix)[2].1, Some(2));
        ix.integrity_check().unwrap();
        let version: i64 = ix
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, FORMAT_VERSION);
    }

    #[test]
    fn an_index_of_the_previous_format_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        drop(create(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 2;").unwrap();
        drop(c);
        let e = create(&path).err().unwrap().to_string();
        assert!(
            e.contains("has index format 2") && e.contains("rebuild it with `reprint index add`"),
            "{e}"
        );
    }

    #[test]
    fn other_parameters_are_refused_with_both_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        drop(create(&path).unwrap());
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
    fn texts_round_trip_through_the_index_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.sqlite");
        let mut ix = create(&path).unwrap();
        let story = |i: u64| {
            format!("Story {i}: the harbor bridge will close for repairs, the council said. ")
                .repeat(4)
        };
        let records: Vec<Record> = (0..300)
            .map(|i| Record {
                text: story(i),
                ..record(&format!("d{i}"), i + 1, &[i as u32])
            })
            .collect();
        // Too few texts: packed without a dictionary.
        ix.train_dictionary(&records[..10]).unwrap();
        assert!(ix.packer().dictionary().is_none());
        ix.add(&records[..10], "2026-11-21T00:00:00Z").unwrap();
        ix.train_dictionary(&records).unwrap();
        let dict = ix.packer().dictionary().unwrap().to_vec();
        let mut packed = records[10..].to_vec();
        let ratio = pack_all(&ix.packer(), &mut packed);
        assert!(ratio < 0.2, "{ratio}");
        packed.iter_mut().for_each(Record::drop_text);
        assert!(packed
            .iter()
            .all(|r| r.text.is_empty() && !r.packed_text.is_empty()));
        ix.add(&packed, "2026-11-21T00:00:00Z").unwrap();
        drop(ix);
        // Reopened: the dictionary is the stored one; every text comes back.
        let ix = create(&path).unwrap();
        assert_eq!(ix.packer().dictionary(), Some(dict.as_slice()));
        let rows: Vec<i64> = (1..=300).collect();
        let docs = ix.fetch(&rows).unwrap();
        assert_eq!(docs.len(), 300);
        for (d, i) in docs.iter().zip(0..) {
            assert_eq!(d.text, story(i), "{}", d.id);
        }
        // Another dictionary under a number taken is refused: texts packed
        // with it could not be read.
        let mut ix = ix;
        assert!(ix.add_dictionary(1, b"another".to_vec()).is_err());
    }
}
