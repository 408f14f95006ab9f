//! Runs reprint's article extraction and two article extractors on each
//! page named on the command line; prints one JSON object per page.

use std::time::Instant;
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("a readable page");
        let html = String::from_utf8_lossy(&bytes).to_string();
        let t = Instant::now();
        let (ours, _) = reprint::input::html::extract(&html, &mut Vec::new());
        let ours_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let sm = dom_smoothie::Readability::new(html.as_str(), None, None)
            .and_then(|mut r| r.parse())
            .map(|a| a.text_content.to_string())
            .unwrap_or_default();
        let sm_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let tr = rs_trafilatura::extract(&html).map(|r| r.content_text).unwrap_or_default();
        let tr_ms = t.elapsed().as_secs_f64() * 1e3;
        println!("{}", serde_json::json!({"path": path, "ours": ours, "smoothie": sm, "traf": tr,
            "ours_ms": ours_ms, "smoothie_ms": sm_ms, "traf_ms": tr_ms}));
    }
}
