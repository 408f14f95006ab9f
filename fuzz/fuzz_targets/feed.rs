//! RSS/Atom parsing: never panics, and item text stays within a bounded
//! multiple of the input (no entity expansion).
#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::input::feed;

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = feed::parse(data) {
        let total: usize = items.iter().map(|i| i.text.len()).sum();
        assert!(
            total <= 4 * data.len() + 64,
            "{total} bytes of text from {} of input",
            data.len()
        );
    }
});
