//! Interruption and progress: SIGINT/SIGTERM set a flag the engine reads
//! between batches; a progress bar appears on stderr for runs that last
//! more than half a second, when stderr is a terminal.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Set when the user asked to stop.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn install_interrupt_handler() {
    ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst)).ok();
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Runs `work` while showing progress of `done` out of `total` units
/// (trials) on stderr once half a second has passed.
pub fn with_progress<T: Send>(
    quiet: bool,
    total: u64,
    unit: &str,
    done: &AtomicU64,
    work: impl FnOnce() -> T + Send,
) -> T {
    let show = !quiet && std::io::stderr().is_terminal();
    if !show {
        return work();
    }
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let start = Instant::now();
            let mut bar: Option<ProgressBar> = None;
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if bar.is_none() && start.elapsed() > Duration::from_millis(500) {
                    let b = ProgressBar::new(total);
                    let template =
                        format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
                    if let Ok(style) = ProgressStyle::with_template(&template) {
                        b.set_style(style);
                    }
                    bar = Some(b);
                }
                if let Some(b) = &bar {
                    b.set_position(done.load(Ordering::Relaxed).min(total));
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
        });
        let out = work();
        finished.store(true, Ordering::Relaxed);
        out
    })
}
