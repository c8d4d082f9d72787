//! Progress of a run: a bar with ETA on a terminal, a quiet log line every few seconds otherwise.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A bar on a terminal, log lines otherwise.
    Automatic,
    /// Nothing.
    Silent,
}

/// A run's shared handle for whoever watches or stops it from another
/// thread: the Python package polls [`Control::progress`] for its progress
/// display and calls [`Control::request_stop`] on Ctrl-C.
///
/// A stop request is honoured at the next checkpoint opportunity of every
/// running unit (each saves its state at once and returns
/// [`crate::RunError::Interrupted`]); units not yet started are not started.
/// The results directory is then resumable, as after a crash, but without
/// losing the work since the last periodic checkpoint.
#[derive(Debug, Default)]
pub struct Control {
    done: AtomicU64,
    total: AtomicU64,
    stop: AtomicBool,
}

impl Control {
    /// A fresh handle: nothing done, no stop requested.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks the run to stop at its next checkpoint opportunity.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether a stop was requested.
    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// `(done, total)` progress steps (rounds times samples) of the run; both
    /// 0 until the run has planned its units. A resumed run starts with the
    /// steps done before.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// Counts rounds done and reports them from a background thread.
pub struct Progress {
    done: Arc<Control>,
    stop: Arc<AtomicBool>,
    reporter: Option<JoinHandle<()>>,
}

/// Seconds between log lines when standard error is not a terminal.
const LOG_INTERVAL: Duration = Duration::from_secs(10);

fn duration_words(seconds: f64) -> String {
    let seconds = seconds.max(0.0).round() as u64;
    match seconds {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

impl Progress {
    /// Starts reporting `total` rounds, of which `already` were done before
    /// (a resumed run), counting them in `control`. `tick` is called about
    /// every second with the elapsed time (for session bookkeeping).
    pub fn start(
        mode: ProgressMode,
        label: String,
        total: u64,
        already: u64,
        control: Arc<Control>,
        mut tick: impl FnMut() + Send + 'static,
    ) -> Self {
        control.done.store(already, Ordering::Relaxed);
        control.total.store(total, Ordering::Relaxed);
        let done = control;
        let stop = Arc::new(AtomicBool::new(false));
        let (done_thread, stop_thread) = (done.clone(), stop.clone());
        let reporter = std::thread::spawn(move || {
            let terminal = mode == ProgressMode::Automatic && std::io::stderr().is_terminal();
            let bar = terminal.then(|| {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{elapsed_precise}] {wide_bar} {percent:>3}% eta {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_message(label.clone());
                bar.set_position(already);
                bar.reset_eta();
                bar
            });
            let start = Instant::now();
            let mut last_log = Instant::now();
            let mut last_tick = Instant::now();
            loop {
                let finished = stop_thread.load(Ordering::Relaxed);
                let position = done_thread.done.load(Ordering::Relaxed);
                if let Some(bar) = &bar {
                    bar.set_position(position);
                } else if mode == ProgressMode::Automatic
                    && (last_log.elapsed() >= LOG_INTERVAL || finished)
                {
                    let fresh = position.saturating_sub(already) as f64;
                    let elapsed = start.elapsed().as_secs_f64();
                    let eta = if fresh > 0.0 {
                        duration_words(elapsed / fresh * (total - position) as f64)
                    } else {
                        "unknown".into()
                    };
                    eprintln!(
                        "quench: {label}: {:.1}% ({position}/{total} rounds), elapsed {}, eta {eta}",
                        100.0 * position as f64 / total.max(1) as f64,
                        duration_words(elapsed)
                    );
                    last_log = Instant::now();
                }
                if last_tick.elapsed() >= Duration::from_secs(1) || finished {
                    tick();
                    last_tick = Instant::now();
                }
                if finished {
                    if let Some(bar) = &bar {
                        bar.finish_and_clear();
                    }
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        Self {
            done,
            stop,
            reporter: Some(reporter),
        }
    }

    /// The counter that workers increment once per round.
    pub fn counter(&self) -> &AtomicU64 {
        &self.done.done
    }

    /// Stops the reporter (after a last report).
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.reporter.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.reporter.take() {
            let _ = handle.join();
        }
    }
}
