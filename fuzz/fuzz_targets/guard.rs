//! The guards before parsing: never panic on any bytes, and a page they
//! reduce is within both limits when measured again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reprint::input::guard;

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let reduced = guard::html(&page, &mut Vec::new());
    let m = guard::measure_html(&reduced);
    assert!(m.depth <= guard::MAX_DEPTH, "{m:?}");
    assert!(m.elements <= guard::MAX_ELEMENTS, "{m:?}");
    let _ = guard::xml(data);
});
