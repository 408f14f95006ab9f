//! One JSON Lines record → id and text.
//!
//! Only the two configured fields are extracted; every other field is
//! skipped without being built, so wide records cost little. The text is
//! taken as its raw JSON literal (validated by serde_json, borrowed from the
//! line) and unescaped straight into a caller's reusable buffer, so a record
//! costs no allocation for its text.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use super::Meta;
use crate::config::InputConfig;

/// The fields reprint takes from a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The id field as a string (numbers are written out), if present.
    pub id: Option<String>,
    /// The text field.
    pub text: String,
    /// URL, title, date and source, where the record has them.
    pub meta: Meta,
}

struct Fields<'a> {
    cfg: &'a InputConfig,
}

enum Raw {
    Missing,
    Value(Value),
}

struct Extracted<'de> {
    id: Raw,
    text: Option<&'de RawValue>,
    /// URL, title, date, source.
    meta: [Raw; 4],
}

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = Extracted<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Extracted<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = Extracted<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extracted<'de>, A::Error> {
        let mut out = Extracted {
            id: Raw::Missing,
            text: None,
            meta: [Raw::Missing, Raw::Missing, Raw::Missing, Raw::Missing],
        };
        let c = self.cfg;
        let meta_fields = [&c.url_field, &c.title_field, &c.date_field, &c.source_field];
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == c.text_field {
                out.text = Some(map.next_value()?);
            } else if key == c.id_field {
                out.id = Raw::Value(map.next_value()?);
            } else if let Some(i) = meta_fields.iter().position(|f| **f == key) {
                out.meta[i] = Raw::Value(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// What a raw JSON value is, from its first byte (no parse: a value nested
/// 200,000 deep would pass serde_json's recursion limit).
fn raw_kind(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(b'"') => "a string",
        _ => "a number",
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses one line (without its newline) from raw bytes. Invalid UTF-8 in
/// the text or id is replaced with U+FFFD; the flag says it was.
pub fn parse_line(raw: &[u8], cfg: &InputConfig) -> Result<(Record, bool), String> {
    let mut text = String::new();
    let (id, meta, lossy) = parse_line_into(raw, cfg, &mut text, &mut Vec::new())?;
    Ok((Record { id, text, meta }, lossy))
}

/// [`parse_line`] with the text written into `text` (cleared first; reuse
/// it between lines): returns the id, the metadata and whether invalid
/// UTF-8 was replaced. A date field in no form reprint reads is left out,
/// with a warning pushed to `notes`.
pub fn parse_line_into(
    raw: &[u8],
    cfg: &InputConfig,
    text: &mut String,
    notes: &mut Vec<String>,
) -> Result<(Option<String>, Meta, bool), String> {
    let before = notes.len();
    match parse_into(raw, cfg, text, notes) {
        Ok((id, meta)) => Ok((id, meta, false)),
        Err(msg) if std::str::from_utf8(raw).is_ok() => Err(msg),
        Err(_) => {
            notes.truncate(before);
            let lossy = String::from_utf8_lossy(raw);
            parse_into(lossy.as_bytes(), cfg, text, notes).map(|(id, meta)| (id, meta, true))
        }
    }
}

/// Parses one line (without its newline). `Err` carries a message that says
/// what is wrong and how to fix it.
pub fn parse_record(line: &[u8], cfg: &InputConfig) -> Result<Record, String> {
    let mut text = String::new();
    let (id, meta) = parse_into(line, cfg, &mut text, &mut Vec::new())?;
    Ok(Record { id, text, meta })
}

/// Parses `line` into `text` and returns the id and metadata.
fn parse_into(
    line: &[u8],
    cfg: &InputConfig,
    text: &mut String,
    notes: &mut Vec<String>,
) -> Result<(Option<String>, Meta), String> {
    text.clear();
    let seed = Fields { cfg };
    let mut de = serde_json::Deserializer::from_slice(line);
    let ex = seed
        .deserialize(&mut de)
        .and_then(|ex| de.end().map(|()| ex))
        .map_err(|e| {
            if e.is_data() {
                "not a JSON object; each line of a JSON Lines file must be one object like \
                 {\"id\": ..., \"text\": ...}"
                    .to_string()
            } else {
                format!("invalid JSON ({e}); fix or remove this line")
            }
        })?;
    match ex.text {
        Some(raw) if raw.get().starts_with('"') => unescape(raw.get(), text),
        Some(raw) => {
            return Err(format!(
            "field `{}` is {}, not a string; point --text-field at the field with the article text",
            cfg.text_field,
            raw_kind(raw.get())
        ));
        }
        None => {
            return Err(format!(
                "no `{}` field; name the field holding the article text with --text-field",
                cfg.text_field
            ))
        }
    };
    let id = match ex.id {
        Raw::Value(Value::String(s)) => Some(s),
        Raw::Value(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let [url, title, date, source] = ex.meta;
    let string = |r: Raw| match r {
        Raw::Value(Value::String(s)) => {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            (!s.is_empty()).then_some(s)
        }
        _ => None,
    };
    let fix = "Fix the value, or point --date-field at the field holding the date";
    let what = format!("field `{}`", cfg.date_field);
    let date = match date {
        Raw::Value(Value::Number(n)) => {
            let d = n
                .as_i64()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|d| super::format_date(&d));
            if d.is_none() {
                notes.push(format!(
                    "{what} is {n}, not a time in Unix seconds reprint can read; read without \
                     a date. {fix}"
                ));
            }
            d
        }
        Raw::Value(v @ (Value::Bool(_) | Value::Array(_) | Value::Object(_))) => {
            notes.push(format!(
                "{what} is {}, not a date; read without a date. {fix}",
                kind_of(&v)
            ));
            None
        }
        other => super::date_or_note(string(other).as_deref(), &what, fix, notes),
    };
    let meta = Meta {
        url: string(url),
        title: string(title),
        date,
        source: string(source),
    };
    Ok((id, meta))
}

/// Appends the string that the JSON string literal `lit` (quotes included,
/// already validated) stands for. A `\u` escape of a lone surrogate, which
/// no string can hold, becomes U+FFFD.
fn unescape(lit: &str, out: &mut String) {
    let body = &lit[1..lit.len() - 1];
    let b = body.as_bytes();
    out.reserve(body.len());
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'\\', &b[i..]) {
        out.push_str(&body[i..i + off]);
        let e = i + off + 1;
        i = e + 1;
        match b[e] {
            b'n' => out.push('\n'),
            b't' => out.push('\t'),
            b'r' => out.push('\r'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'u' => {
                let hi = hex4(&b[i..i + 4]);
                i += 4;
                let c = if (0xD800..0xDC00).contains(&hi)
                    && b.get(i..i + 2) == Some(b"\\u")
                    && (0xDC00..0xE000).contains(&hex4(&b[i + 2..i + 6]))
                {
                    let lo = hex4(&b[i + 2..i + 6]);
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            // `"`, `\\` and `/` stand for themselves.
            other => out.push(other as char),
        }
    }
    out.push_str(&body[i..]);
}

/// The value of four hex digits (validated by the JSON parser).
fn hex4(d: &[u8]) -> u32 {
    d.iter()
        .fold(0, |n, &c| n << 4 | (c as char).to_digit(16).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> InputConfig {
        InputConfig::default()
    }

    #[test]
    fn reads_id_and_text_skipping_other_fields() {
        let r = parse_record(
            br#"{"meta": {"deep": [1, {"x": "y"}]}, "id": "a-1", "text": "Hello \"world\"", "n": 3}"#,
            &cfg(),
        )
        .unwrap();
        assert_eq!(r.id.as_deref(), Some("a-1"));
        assert_eq!(r.text, "Hello \"world\"");
    }

    #[test]
    fn unescapes_like_serde() {
        let lines = [
            r#"{"text": "plain"}"#,
            r#"{"text": "a\nb\tc\r\"q\" \\ \/ \b\f end"}"#,
            r#"{"text": "caf\u00e9 \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00 \u4e2d"}"#,
            r#"{"text": "\\u0041 is not an escape"}"#,
            r#"{"text": "trailing escape\\"}"#,
            r#"{"text": "", "id": 1}"#,
            "{\"text\": \"raw UTF-8: caf\u{e9} \u{645}\u{631}\u{62d}\u{628}\u{627}\"}",
        ];
        for line in lines {
            let want: Value = serde_json::from_str(line).unwrap();
            let r = parse_record(line.as_bytes(), &cfg()).unwrap();
            assert_eq!(r.text, want["text"].as_str().unwrap(), "{line}");
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let r = parse_record(br#"{"text": "a\ud800b \udc00c \ud800\u0041"}"#, &cfg()).unwrap();
        assert_eq!(r.text, "a\u{fffd}b \u{fffd}c \u{fffd}A");
    }

    #[test]
    fn numeric_ids_and_missing_ids() {
        let r = parse_record(br#"{"id": 42, "text": "t"}"#, &cfg()).unwrap();
        assert_eq!(r.id.as_deref(), Some("42"));
        let r = parse_record(br#"{"text": "t"}"#, &cfg()).unwrap();
        assert_eq!(r.id, None);
    }

    #[test]
    fn renamed_fields() {
        let c = InputConfig {
            text_field: "body".into(),
            id_field: "url".into(),
            ..cfg()
        };
        let r = parse_record(br#"{"url": "u", "body": "b", "text": 5}"#, &c).unwrap();
        assert_eq!((r.id.as_deref(), r.text.as_str()), (Some("u"), "b"));
    }

    #[test]
    fn unreadable_dates_are_left_out_with_a_note() {
        let mut notes = Vec::new();
        let mut text = String::new();
        let line = br#"{"text": "t", "date": "sometime in May"}"#;
        let (_, meta, _) = parse_line_into(line, &cfg(), &mut text, &mut notes).unwrap();
        assert_eq!(meta.date, None);
        assert!(
            notes[0].contains("`date` `sometime in May` is not a date"),
            "{notes:?}"
        );
        let line = br#"{"text": "t", "date": 1e300}"#;
        parse_line_into(line, &cfg(), &mut text, &mut notes).unwrap();
        assert!(notes[1].contains("is 1e+300, not a time"), "{notes:?}");
        let line = br#"{"text": "t", "date": "2024-05-02", "url": null}"#;
        parse_line_into(line, &cfg(), &mut text, &mut notes).unwrap();
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn records_nested_200_000_deep_end_in_a_message() {
        let deep =
            |open: &str, close: &str| format!("{}1{}", open.repeat(200_000), close.repeat(200_000));
        let e = parse_record(deep("[", "]").as_bytes(), &cfg()).unwrap_err();
        assert!(e.contains("not a JSON object"), "{e}");
        let text = format!(r#"{{"text": {}}}"#, deep("[", "]"));
        let e = parse_record(text.as_bytes(), &cfg()).unwrap_err();
        assert!(e.contains("`text` is an array"), "{e}");
        let id = format!(r#"{{"text": "t", "id": {}}}"#, deep(r#"{"a":"#, "}"));
        let e = parse_record(id.as_bytes(), &cfg()).unwrap_err();
        assert!(e.contains("recursion limit exceeded"), "{e}");
        let other = format!(r#"{{"text": "t", "x": {}}}"#, deep(r#"{"a":"#, "}"));
        assert_eq!(parse_record(other.as_bytes(), &cfg()).unwrap().text, "t");
    }

    #[test]
    fn errors_say_what_to_fix() {
        let e = parse_record(br#"{"id": 1, "text": 5}"#, &cfg()).unwrap_err();
        assert!(e.contains("`text` is a number"), "{e}");
        let e = parse_record(br#"{"id": 1}"#, &cfg()).unwrap_err();
        assert!(e.contains("--text-field"), "{e}");
        let e = parse_record(br#"[1, 2]"#, &cfg()).unwrap_err();
        assert!(e.contains("not a JSON object"), "{e}");
        let e = parse_record(br#"{"id": 1, "text": "unterminated"#, &cfg()).unwrap_err();
        assert!(e.contains("invalid JSON"), "{e}");
        let e = parse_record(br#"{"text": "a"} {"text": "b"}"#, &cfg()).unwrap_err();
        assert!(e.contains("invalid JSON"), "{e}");
    }
}
