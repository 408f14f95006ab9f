//! The Arrow kernels for engines (a Spark executor's `mapInArrow`): sign a
//! column of texts into band keys, content hashes and signatures, and
//! verify candidate groups given their texts. Both are pure functions of
//! their inputs and the options (seed included).
//!
//! The text column comes through the Arrow PyCapsule interface
//! (`__arrow_c_array__`: an `ArrowSchema` and an `ArrowArray` of the Arrow
//! C data interface), read in place; `string` (`u`, 32-bit offsets) and
//! `large_string` (`U`, 64-bit offsets) are accepted, and a null text is
//! signed as an empty one. What comes back is plain buffers, which the
//! Python side (`reprint.arrow`) wraps into pyarrow arrays.

use std::ffi::{c_char, c_void, CStr};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use rayon::prelude::*;

use reprint::input::{Document, Meta};
use reprint::pipeline::{self, Scratch, Signer};
use reprint::verify::{self, Rule};
use reprint::Config;

/// `struct ArrowSchema` of the Arrow C data interface.
#[repr(C)]
struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

/// `struct ArrowArray` of the Arrow C data interface.
#[repr(C)]
struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

fn bad(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// The pointer a capsule holds, checked against the capsule name the
/// interface gives it.
fn capsule_ptr<T>(capsule: &Bound<'_, PyCapsule>, name: &str) -> PyResult<*const T> {
    let named = capsule.name()?.map(CStr::to_bytes) == Some(name.as_bytes());
    let ptr = capsule.pointer() as *const T;
    if !named || ptr.is_null() {
        return Err(bad(format!(
            "expected an `{name}` capsule (from `__arrow_c_array__`)"
        )));
    }
    Ok(ptr)
}

/// The texts of a `string` or `large_string` array, borrowed from the
/// array's buffers: valid while the capsules are.
///
/// # Safety
///
/// As [`values`].
pub unsafe fn texts<'a>(
    schema: &'a Bound<'_, PyCapsule>,
    array: &'a Bound<'_, PyCapsule>,
) -> PyResult<Vec<&'a str>> {
    let (values, strings) = values(schema, array)?;
    if !strings {
        return Err(bad(
            "the text column must be of type string or large_string, not binary; cast it with `.cast(pyarrow.string())`",
        ));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            std::str::from_utf8(v).map_err(|e| {
                bad(format!(
                    "text {i} is not valid UTF-8 ({e}); Arrow strings must be"
                ))
            })
        })
        .collect()
}

/// The values of a `string`, `large_string`, `binary` or `large_binary`
/// array as bytes, borrowed from the array's buffers (valid while the
/// capsules are; a null is empty), and whether the array is of a string
/// type.
///
/// # Safety
///
/// The capsules must hold a live `ArrowSchema` and `ArrowArray` that
/// follow the C data interface (buffers as long as the format says);
/// pyarrow's `__arrow_c_array__` gives such.
pub unsafe fn values<'a>(
    schema: &'a Bound<'_, PyCapsule>,
    array: &'a Bound<'_, PyCapsule>,
) -> PyResult<(Vec<&'a [u8]>, bool)> {
    let schema = &*capsule_ptr::<ArrowSchema>(schema, "arrow_schema")?;
    let array = &*capsule_ptr::<ArrowArray>(array, "arrow_array")?;
    if schema.release.is_none() || array.release.is_none() {
        return Err(bad("the Arrow array was already released"));
    }
    if schema.format.is_null() || array.buffers.is_null() {
        return Err(bad("the text column is not a well-formed Arrow array"));
    }
    let format = CStr::from_ptr(schema.format).to_bytes();
    let (wide, strings) = match format {
        b"u" => (false, true),
        b"U" => (true, true),
        b"z" => (false, false),
        b"Z" => (true, false),
        other => {
            return Err(bad(format!(
                "the text column must be of type string or large_string, not Arrow format `{}`; cast it with `.cast(pyarrow.string())`",
                String::from_utf8_lossy(other)
            )))
        }
    };
    let (len, offset) = (array.length, array.offset);
    if len < 0 || offset < 0 || array.n_buffers != 3 {
        return Err(bad(
            "the text column is not a well-formed Arrow string array",
        ));
    }
    let (len, offset) = (len as usize, offset as usize);
    if len == 0 {
        return Ok((Vec::new(), strings));
    }
    let buffers = std::slice::from_raw_parts(array.buffers, 3);
    let validity = (array.null_count != 0 && !buffers[0].is_null())
        .then(|| std::slice::from_raw_parts(buffers[0] as *const u8, (offset + len).div_ceil(8)));
    if buffers[1].is_null() {
        return Err(bad("the text column has no offsets buffer"));
    }
    let ends: Vec<usize> = if wide {
        let o = std::slice::from_raw_parts(buffers[1] as *const i64, offset + len + 1);
        o[offset..]
            .iter()
            .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
            .collect()
    } else {
        let o = std::slice::from_raw_parts(buffers[1] as *const i32, offset + len + 1);
        o[offset..]
            .iter()
            .map(|&x| usize::try_from(x).unwrap_or(usize::MAX))
            .collect()
    };
    if ends.windows(2).any(|w| w[0] > w[1]) || ends[len] == usize::MAX {
        return Err(bad("the text column's offsets are negative or decreasing"));
    }
    let data: &[u8] = if ends[len] == 0 {
        &[]
    } else if buffers[2].is_null() {
        return Err(bad("the text column has no data buffer"));
    } else {
        std::slice::from_raw_parts(buffers[2] as *const u8, ends[len])
    };
    let valid =
        |i: usize| validity.is_none_or(|v| v[(offset + i) / 8] & (1 << ((offset + i) % 8)) != 0);
    let values = (0..len)
        .map(|i| {
            if valid(i) {
                &data[ends[i]..ends[i + 1]]
            } else {
                &[][..]
            }
        })
        .collect();
    Ok((values, strings))
}

/// What signing a batch gives, as little-endian buffers.
pub struct Signed {
    /// Every document's band keys, one after another (`u64`).
    pub band_keys: Vec<u8>,
    /// Where each document's band keys start and end (`i32`, n + 1 values):
    /// a document without words has none.
    pub key_offsets: Vec<u8>,
    /// Content hashes (`u64`).
    pub content_hashes: Vec<u8>,
    /// Signatures (`u32`, `num_perm` per document).
    pub signatures: Vec<u8>,
    /// Whether each text has no words.
    pub empty: Vec<bool>,
    /// Values per signature.
    pub num_perm: usize,
}

/// Signs `texts` in `cfg`'s thread pool, in input order.
pub fn sign(cfg: &Config, texts: &[&str]) -> reprint::Result<Signed> {
    let bands = pipeline::lsh_params(&cfg.matching).bands;
    if texts.len().saturating_mul(bands) > i32::MAX as usize {
        return Err(reprint::Error::InvalidParam(format!(
            "a batch of {} texts has more band keys than one Arrow list column holds; sign it in smaller batches",
            texts.len()
        )));
    }
    let signer = Signer::new(cfg);
    let sketches: Vec<_> = pipeline::thread_pool(cfg)?.install(|| {
        texts
            .par_iter()
            .map_init(Scratch::default, |scratch, &text| {
                signer.sketch(&Document::new(String::new(), text), scratch)
            })
            .collect()
    });
    let mut out = Signed {
        band_keys: Vec::new(),
        key_offsets: Vec::with_capacity((texts.len() + 1) * 4),
        content_hashes: Vec::with_capacity(texts.len() * 8),
        signatures: Vec::with_capacity(texts.len() * cfg.matching.num_perm * 4),
        empty: Vec::with_capacity(texts.len()),
        num_perm: cfg.matching.num_perm,
    };
    let mut keys = 0i32;
    out.key_offsets.extend(keys.to_le_bytes());
    for s in &sketches {
        out.band_keys
            .extend(s.band_keys.iter().flat_map(|k| k.to_le_bytes()));
        keys += s.band_keys.len() as i32;
        out.key_offsets.extend(keys.to_le_bytes());
        out.content_hashes.extend(s.content_hash.to_le_bytes());
        out.signatures
            .extend(s.signature.iter().flat_map(|v| v.to_le_bytes()));
        out.empty.push(s.empty);
    }
    Ok(out)
}

/// Verified pairs, as columns: row indices (`a` < `b`) and exact scores.
#[derive(Default)]
pub struct Verified {
    /// The first row of each pair.
    pub a: Vec<u32>,
    /// The second row.
    pub b: Vec<u32>,
    /// Exact Jaccard of their shingle sets.
    pub jaccard: Vec<f64>,
    /// Exact containment of the smaller set in the larger.
    pub containment: Vec<f64>,
    /// Pairs whose exact scores were computed.
    pub compared: u64,
}

/// Checks `groups` (lists of row indices into `n` texts): each index in
/// range; each group sorted and without repeats.
pub fn groups(groups: Vec<Vec<i64>>, n: usize) -> PyResult<Vec<Vec<u32>>> {
    groups
        .into_iter()
        .enumerate()
        .map(|(g, group)| {
            let mut rows = group
                .into_iter()
                .map(|r| {
                    u32::try_from(r)
                        .ok()
                        .filter(|&r| (r as usize) < n)
                        .ok_or_else(|| {
                            bad(format!(
                                "group {g} names row {r}, but the batch has {n} rows (rows count from 0)"
                            ))
                        })
                })
                .collect::<PyResult<Vec<u32>>>()?;
            rows.sort_unstable();
            rows.dedup();
            Ok(rows)
        })
        .collect()
}

/// Verifies `groups` of `texts` exactly with `cfg`'s rule (threshold and
/// containment), in `cfg`'s thread pool: the pairs that are duplicates,
/// sorted and unique. With `meta` (each row's metadata), pairs that
/// `--same-source skip` or `--window` keep apart are never compared.
pub fn verify(
    cfg: &Config,
    texts: &[&str],
    groups: &[Vec<u32>],
    meta: Option<&[Meta]>,
) -> reprint::Result<Verified> {
    let signer = Signer::new(cfg);
    let mut wanted = vec![false; texts.len()];
    for &d in groups.iter().filter(|g| g.len() > 1).flatten() {
        wanted[d as usize] = true;
    }
    let rule = Rule {
        threshold: cfg.matching.threshold,
        containment: cfg.matching.containment,
    };
    let edges = pipeline::thread_pool(cfg)?.install(|| {
        let sets: Vec<Vec<u64>> = texts
            .par_iter()
            .zip(&wanted)
            .map_init(Scratch::default, |scratch, (text, &want)| {
                if want {
                    signer.shingle_set(text, scratch)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let allowed =
            pipeline::pair_filter_by(texts.len(), |d| meta.map(|m| &m[d as usize]), &cfg.matching);
        verify::verify_groups(groups, |d| &sets[d as usize], allowed, rule)
    });
    let (edges, stats) = edges;
    let mut out = Verified {
        compared: stats.compared,
        ..Verified::default()
    };
    for e in edges {
        out.a.push(e.a);
        out.b.push(e.b);
        out.jaccard.push(e.scores.jaccard);
        out.containment.push(e.scores.containment);
    }
    Ok(out)
}
