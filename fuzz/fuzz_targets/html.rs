//! HTML extraction: never panics on any bytes, and the text has no blank
//! paragraph and no leading or trailing whitespace.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::input::html;

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let (text, _meta) = html::extract(&page, &mut Vec::new());
    assert_eq!(text.trim(), text);
    assert!(text.split("\n\n").all(|p| !p.trim().is_empty()) || text.is_empty());
    let _ = html::fragment_text(&page, &mut Vec::new());
});
