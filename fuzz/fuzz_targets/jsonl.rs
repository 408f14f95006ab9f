//! A JSON Lines record: parsing never panics, and when serde_json reads the
//! same line, reprint's text is the same string.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::config::InputConfig;
use reprint::input::parse_line;

fuzz_target!(|data: &[u8]| {
    let cfg = InputConfig::default();
    let Ok((rec, false)) = parse_line(data, &cfg) else {
        return;
    };
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            assert_eq!(rec.text, t);
        }
    }
});
