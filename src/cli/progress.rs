//! The progress line on standard error for commands that read a corpus
//! (scan, check, index add): drawn from the engine's counters by a thread
//! of its own, only on a terminal and never with `--quiet`.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use reprint::pipeline::{Progress, ScanOptions};

use super::args::InputArgs;

/// Scan options from the input flags, with a progress display unless
/// `quiet` (see [`progress_display`]); drop the guard when reading is done.
pub fn scan_options(input: &InputArgs, quiet: bool) -> (ScanOptions, Option<ProgressGuard>) {
    let (progress, display) = progress_display(quiet);
    let opts = ScanOptions {
        stdin_format: input.stdin_format.into(),
        progress,
        ..ScanOptions::default()
    };
    (opts, display)
}

/// A progress line on standard error, drawn from the engine's counters
/// while the returned guard lives: only on a terminal, never with `--quiet`.
fn progress_display(quiet: bool) -> (Option<Arc<Progress>>, Option<ProgressGuard>) {
    if quiet || !io::stderr().is_terminal() {
        return (None, None);
    }
    let counters = Arc::new(Progress::default());
    let stop = Arc::new(AtomicBool::new(false));
    let (c, s) = (Arc::clone(&counters), Arc::clone(&stop));
    let handle = std::thread::spawn(move || {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let start = std::time::Instant::now();
        while !s.load(Ordering::Relaxed) {
            let mb = c.bytes.load(Ordering::Relaxed) as f64 / 1e6;
            let secs = start.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "files {}/{} · {} documents signed · {:.0} MB at {:.0} MB/s",
                c.files.load(Ordering::Relaxed),
                c.files_total.load(Ordering::Relaxed),
                c.documents.load(Ordering::Relaxed),
                mb,
                mb / secs
            ));
            bar.tick();
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        bar.finish_and_clear();
    });
    (
        Some(counters),
        Some(ProgressGuard {
            stop,
            handle: Some(handle),
        }),
    )
}

/// Stops and clears the progress line when dropped.
pub struct ProgressGuard {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for ProgressGuard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
