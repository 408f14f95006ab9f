//! Stored texts: zstd, with dictionaries trained on batches of the texts
//! themselves and kept in the index (table `dictionary`).
//!
//! News texts are short (a few KB) and share most of their vocabulary and
//! phrasing, which a per-text compressor cannot exploit; a dictionary
//! trained on a sample of them can. A dictionary never changes once
//! stored (the texts packed with it need it); `index add` trains a new one
//! when a batch packs markedly worse than the batch the current one was
//! trained on ([`DRIFT`]: the texts changed). Each packed text starts with
//! a tag byte saying how it was packed (and then its dictionary's number),
//! so that texts packed before the index had a dictionary stay readable.
//!
//! A text can also be packed against another stored text, its *base*
//! ([`pack_against`], tag [`TAG_BASE`]): zstd with the base's text as a
//! prefix. A reprint packed against its source takes a fraction of what
//! the dictionary alone leaves (the index's writer chooses bases:
//! [`super::bases`]). A base is always a text packed on its own, so
//! reading any text unpacks at most two.
//!
//! Invariant: `unpack(pack(t)) == t` for every text, with or without a
//! dictionary, and `unpack(pack_against(t, b), Some(pack(b))) == t`
//! (tested); a damaged text is an error, never a panic.

use std::io::Read;
use std::sync::Arc;

/// zstd level: fast enough to keep up with signing on one core.
const LEVEL: i32 = 3;
/// Dictionary size (zstd's own default for training).
pub const DICT_BYTES: usize = 112_640;
/// Fewest texts a dictionary is trained on; a smaller first batch is
/// packed without one (and a later, larger one trains it).
pub const DICT_MIN_SAMPLES: usize = 256;
/// Most sample bytes a dictionary is trained on (training time grows
/// with it; more brings little).
const DICT_MAX_SAMPLE_BYTES: usize = 8 << 20;

/// A batch packing this much worse (packed / plain bytes) than the batch
/// the current dictionary was trained on gets a dictionary of its own.
pub const DRIFT: f64 = 1.2;

/// Largest text unpacked in one shot (into a buffer of the size its
/// frame states); a larger one is streamed.
const ONE_SHOT_MAX: u64 = 64 << 20;
/// Tag of a text packed with zstd and no dictionary.
const TAG_PLAIN: u8 = 1;
/// Tag of a text packed with zstd and a dictionary (its number follows).
const TAG_DICT: u8 = 2;
/// Tag of a text packed with zstd against its base's text (the row of
/// its base is kept beside it, in column `docs.base`).
const TAG_BASE: u8 = 3;

/// Packs and unpacks texts with an index's dictionary (if it has one).
/// Cheap to clone; shared by the threads that pack a batch.
#[derive(Clone, Default)]
pub struct Packer {
    /// The dictionary new texts are packed with (the latest).
    dict: Option<Arc<Dict>>,
    /// Every dictionary, by number, for unpacking.
    all: Vec<Arc<Dict>>,
}

struct Dict {
    id: u32,
    raw: Vec<u8>,
    encoder: zstd::dict::EncoderDictionary<'static>,
    decoder: zstd::dict::DecoderDictionary<'static>,
}

/// A packer's reusable compression state (one per thread).
pub struct PackScratch<'p> {
    compressor: Option<zstd::bulk::Compressor<'p>>,
}

impl Packer {
    /// A packer with these dictionaries (number, bytes); new texts are
    /// packed with the highest-numbered (none: without a dictionary).
    pub fn new(dicts: Vec<(u32, Vec<u8>)>) -> Packer {
        dicts
            .into_iter()
            .fold(Packer::default(), |p, (id, raw)| p.with(id, raw))
    }

    /// This packer with one more dictionary, which becomes the one new
    /// texts are packed with if its number is the highest.
    pub fn with(&self, id: u32, raw: Vec<u8>) -> Packer {
        let d = Arc::new(Dict {
            id,
            encoder: zstd::dict::EncoderDictionary::copy(&raw, LEVEL),
            decoder: zstd::dict::DecoderDictionary::copy(&raw),
            raw,
        });
        let mut all = self.all.clone();
        all.retain(|x| x.id != id);
        all.push(d.clone());
        all.sort_by_key(|x| x.id);
        Packer {
            dict: all.last().cloned(),
            all,
        }
    }

    /// The number the next dictionary gets.
    pub fn next_id(&self) -> u32 {
        self.all.last().map_or(1, |d| d.id + 1)
    }

    /// How many dictionaries it has.
    pub fn dictionaries(&self) -> usize {
        self.all.len()
    }

    /// Trains a dictionary on a sample of `texts`; `None` when there are
    /// fewer than [`DICT_MIN_SAMPLES`] or training fails (then texts are
    /// packed without one).
    pub fn train<'a>(texts: impl ExactSizeIterator<Item = &'a str>) -> Option<Vec<u8>> {
        let n = texts.len();
        if n < DICT_MIN_SAMPLES {
            return None;
        }
        let mut samples: Vec<&[u8]> = Vec::new();
        let mut bytes = 0;
        for t in texts {
            if bytes >= DICT_MAX_SAMPLE_BYTES {
                break;
            }
            bytes += t.len();
            samples.push(t.as_bytes());
        }
        zstd::dict::from_samples(&samples, DICT_BYTES).ok()
    }

    /// The dictionary new texts are packed with, if any.
    pub fn dictionary(&self) -> Option<&[u8]> {
        self.dict.as_ref().map(|d| d.raw.as_slice())
    }

    /// Fresh per-thread state.
    pub fn scratch(&self) -> PackScratch<'_> {
        PackScratch { compressor: None }
    }

    /// Packs one text.
    pub fn pack<'p>(&'p self, text: &str, scratch: &mut PackScratch<'p>) -> Vec<u8> {
        let c = match &mut scratch.compressor {
            Some(c) => c,
            None => {
                let c = match &self.dict {
                    Some(d) => zstd::bulk::Compressor::with_prepared_dictionary(&d.encoder),
                    None => zstd::bulk::Compressor::new(LEVEL),
                }
                .expect("zstd context");
                scratch.compressor.insert(c)
            }
        };
        // The dictionary id is implied by the tag: 4 bytes less per text.
        let _ = c.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false));
        let mut out = Vec::with_capacity(6 + zstd::zstd_safe::compress_bound(text.len()));
        match &self.dict {
            Some(d) => {
                out.push(TAG_DICT);
                put_varint(&mut out, d.id);
            }
            None => out.push(TAG_PLAIN),
        }
        let head = out.len();
        out.resize(out.capacity(), 0);
        let n = c
            .compress_to_buffer(text.as_bytes(), &mut out[head..])
            .expect("the buffer holds zstd's bound");
        out.truncate(head + n);
        out
    }

    /// Unpacks a text packed on its own with `scratch`'s context, in one
    /// shot when the frame says its size (those [`Packer::pack`] writes
    /// do), else as [`Packer::unpack`] does.
    pub fn unpack_alone(
        &self,
        packed: &[u8],
        scratch: &mut BaseScratch,
    ) -> std::io::Result<String> {
        let Some((&TAG_DICT, body)) = packed.split_first() else {
            return self.unpack(packed, None);
        };
        let (id, body) = get_varint(body).ok_or_else(|| bad("no dictionary number"))?;
        let size = zstd::zstd_safe::get_frame_content_size(body).ok().flatten();
        let dict = self
            .all
            .binary_search_by_key(&id, |d| d.id)
            .map(|i| &self.all[i]);
        let (Some(size), Ok(dict)) = (size.filter(|&n| n <= ONE_SHOT_MAX), dict) else {
            return self.unpack(packed, None);
        };
        let mut out = Vec::with_capacity(size as usize);
        scratch
            .d
            .decompress_using_ddict(&mut out, body, dict.decoder.as_ddict())
            .map_err(|_| bad("damaged"))?;
        String::from_utf8(out).map_err(|_| bad("not UTF-8"))
    }

    /// Unpacks a stored text; `base` is the stored (packed) text of its
    /// base, for a text packed against one ([`pack_against`]).
    pub fn unpack(&self, packed: &[u8], base: Option<&[u8]>) -> std::io::Result<String> {
        let (&tag, body) = packed.split_first().ok_or_else(|| bad("empty"))?;
        let mut out = String::new();
        match tag {
            TAG_BASE => {
                let base = base.ok_or_else(|| bad("packed against a base that is not there"))?;
                if base.first() == Some(&TAG_BASE) {
                    return Err(bad("packed against a base that has a base of its own"));
                }
                let base = self.unpack(base, None)?;
                zstd::stream::read::Decoder::with_ref_prefix(body, base.as_bytes())?
                    .read_to_string(&mut out)?;
            }
            TAG_PLAIN => {
                zstd::stream::read::Decoder::with_buffer(body)?.read_to_string(&mut out)?;
            }
            TAG_DICT => {
                let (id, body) = get_varint(body).ok_or_else(|| bad("no dictionary number"))?;
                let d = self
                    .all
                    .binary_search_by_key(&id, |d| d.id)
                    .map(|i| &self.all[i])
                    .map_err(|_| bad("packed with a dictionary the index does not have"))?;
                zstd::stream::read::Decoder::with_prepared_dictionary(body, &d.decoder)?
                    .read_to_string(&mut out)?;
            }
            _ => return Err(bad("unknown packing")),
        }
        Ok(out)
    }
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// Reusable zstd contexts for packing texts against their bases (one per
/// thread: making them is a good part of the cost of a short text).
pub struct BaseScratch {
    c: zstd::zstd_safe::CCtx<'static>,
    d: zstd::zstd_safe::DCtx<'static>,
}

impl Default for BaseScratch {
    fn default() -> BaseScratch {
        BaseScratch {
            c: zstd::zstd_safe::CCtx::create(),
            d: zstd::zstd_safe::DCtx::create(),
        }
    }
}

/// Packs `text` against `base` (the unpacked text of another stored
/// document, which must be packed on its own): zstd with `base` as its
/// dictionary's raw content (a prefix), so that what the two share costs
/// a few bytes a match. (A text is UTF-8, so it never starts with zstd's
/// dictionary magic number, which would make zstd parse it as one.)
pub fn pack_against(text: &str, base: &str, scratch: &mut BaseScratch) -> Vec<u8> {
    let mut out = vec![0; 1 + zstd::zstd_safe::compress_bound(text.len())];
    out[0] = TAG_BASE;
    let n = scratch
        .c
        .compress_using_dict(&mut out[1..], text.as_bytes(), base.as_bytes(), LEVEL)
        .expect("the buffer holds zstd's bound");
    out.truncate(1 + n);
    out
}

fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(b: &[u8]) -> Option<(u32, &[u8])> {
    let mut v = 0u32;
    for (i, &byte) in b.iter().enumerate().take(5) {
        v |= u32::from(byte & 0x7F) << (7 * i);
        if byte < 0x80 {
            return Some((v, &b[i + 1..]));
        }
    }
    None
}

/// Packs the texts of `records` in parallel (in the caller's rayon pool;
/// the texts stay until [`super::Record::drop_text`]); returns packed
/// bytes over text bytes.
pub fn pack_all(packer: &Packer, records: &mut [super::Record]) -> f64 {
    use rayon::prelude::*;
    records
        .par_iter_mut()
        .for_each_init(|| packer.scratch(), |s, r| r.pack(packer, s));
    let plain: usize = records.iter().map(|r| r.text.len()).sum();
    let packed: usize = records.iter().map(|r| r.packed_text.len()).sum();
    packed as f64 / plain.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(i: usize) -> String {
        format!(
            "LONDON, June {} (Reuters) - The harbor bridge will close for repairs on \
             Monday, the city council said, and traffic will be diverted through the \
             old town for {} weeks. Officials said the work was overdue.\n\n\
             Story {i} ends here.",
            i % 28 + 1,
            i % 9 + 2
        )
    }

    #[test]
    fn texts_round_trip_with_and_without_a_dictionary() {
        let texts: Vec<String> = (0..400).map(story).collect();
        let dict = Packer::train(texts.iter().map(String::as_str)).expect("a dictionary");
        let with = Packer::new(vec![(1, dict.clone())]);
        let plain = Packer::new(Vec::new());
        let (mut s1, mut s2) = (with.scratch(), plain.scratch());
        for t in texts
            .iter()
            .chain([&String::new(), &"Ünïcode ✓ ".repeat(300)])
        {
            let a = with.pack(t, &mut s1);
            let b = plain.pack(t, &mut s2);
            assert_eq!(with.unpack(&a, None).unwrap(), *t);
            assert_eq!(plain.unpack(&b, None).unwrap(), *t);
            // A text packed before the index had a dictionary stays readable.
            assert_eq!(with.unpack(&b, None).unwrap(), *t);
        }
        let a = with.pack(&texts[7], &mut s1);
        let b = plain.pack(&texts[7], &mut s2);
        assert!(a.len() * 2 < b.len(), "{} vs {}", a.len(), b.len());
        assert!(plain.unpack(&a, None).is_err(), "no dictionary: an error");
        // A second dictionary: new texts use it, the first's still unpack.
        let other: Vec<String> = (0..400).map(|i| story(i).to_uppercase()).collect();
        let dict2 = Packer::train(other.iter().map(String::as_str)).unwrap();
        let both = with.with(with.next_id(), dict2);
        assert_eq!((both.dictionaries(), both.next_id()), (2, 3));
        let c = both.pack(&other[3], &mut both.scratch());
        assert_eq!(c[..2], [TAG_DICT, 2]);
        assert_eq!(both.unpack(&c, None).unwrap(), other[3]);
        assert_eq!(both.unpack(&a, None).unwrap(), texts[7]);
        assert!(with.unpack(&c, None).is_err());
    }

    #[test]
    fn a_text_packed_against_its_base_round_trips_and_is_smaller() {
        let texts: Vec<String> = (0..400).map(story).collect();
        let p = Packer::new(vec![(
            1,
            Packer::train(texts.iter().map(String::as_str)).unwrap(),
        )]);
        let mut s = p.scratch();
        let source = texts[3].repeat(4);
        let reprint = format!("{}\n\nA line of its own.", texts[3].repeat(3));
        let base = p.pack(&source, &mut s);
        let mut bs = BaseScratch::default();
        let against = pack_against(&reprint, &source, &mut bs);
        assert_eq!(p.unpack(&against, Some(&base)).unwrap(), reprint);
        assert_eq!(p.unpack_alone(&base, &mut bs).unwrap(), source);
        // The same context packs and unpacks again.
        let again = pack_against(&reprint, &source, &mut bs);
        assert_eq!(
            (&again, p.unpack_alone(&base, &mut bs).unwrap()),
            (&against, source.clone())
        );
        assert!(against.len() < p.pack(&reprint, &mut s).len());
        // Without its base, or against a base packed against another: errors.
        assert!(p.unpack(&against, None).is_err());
        assert!(p.unpack(&against, Some(&against)).is_err());
        // Against the wrong base: an error or another text, never a panic.
        let wrong = p.pack(&texts[9], &mut s);
        assert_ne!(
            p.unpack(&against, Some(&wrong)).ok().as_ref(),
            Some(&reprint)
        );
        // Empty texts and bases.
        let e = pack_against("", "", &mut bs);
        assert_eq!(p.unpack(&e, Some(&p.pack("", &mut s))).unwrap(), "");
    }

    #[test]
    fn damaged_texts_are_errors() {
        let p = Packer::new(Vec::new());
        assert!(p.unpack(b"", None).is_err());
        assert!(p.unpack(b"\x01not zstd at all \xff\xff", None).is_err());
        assert!(p.unpack(b"\x09whatever", None).is_err());
        assert!(Packer::train(["too", "few"].into_iter()).is_none());
    }
}
