//! One JSON Lines record → id and text.
//!
//! Only the two configured fields are extracted; every other field is
//! skipped without being built, so wide records cost little.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::config::InputConfig;

/// The fields reprint takes from a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The id field as a string (numbers are written out), if present.
    pub id: Option<String>,
    /// The text field.
    pub text: String,
}

struct Fields<'a> {
    text_field: &'a str,
    id_field: &'a str,
}

enum Raw {
    Missing,
    Value(Value),
}

struct Extracted {
    id: Raw,
    text: Raw,
}

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = Extracted;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Extracted, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = Extracted;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extracted, A::Error> {
        let mut out = Extracted {
            id: Raw::Missing,
            text: Raw::Missing,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.text_field {
                out.text = Raw::Value(map.next_value()?);
            } else if key == self.id_field {
                out.id = Raw::Value(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
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
    match parse_record(raw, cfg) {
        Ok(rec) => Ok((rec, false)),
        Err(msg) if std::str::from_utf8(raw).is_ok() => Err(msg),
        Err(_) => {
            let lossy = String::from_utf8_lossy(raw);
            parse_record(lossy.as_bytes(), cfg).map(|rec| (rec, true))
        }
    }
}

/// Parses one line (without its newline). `Err` carries a message that says
/// what is wrong and how to fix it.
pub fn parse_record(line: &[u8], cfg: &InputConfig) -> Result<Record, String> {
    let seed = Fields {
        text_field: &cfg.text_field,
        id_field: &cfg.id_field,
    };
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
    let text = match ex.text {
        Raw::Value(Value::String(s)) => s,
        Raw::Value(v) => {
            return Err(format!(
            "field `{}` is {}, not a string; point --text-field at the field with the article text",
            cfg.text_field,
            kind_of(&v)
        ))
        }
        Raw::Missing => {
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
    Ok(Record { id, text })
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
