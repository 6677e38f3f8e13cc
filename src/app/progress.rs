//! The progress bar on stderr for long runs on a terminal.

use std::io::{self, IsTerminal, Read};

use dtlint::run::progress::Progress;

/// indicatif's bar, as the library's [`Progress`].
pub struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn input_done(&self) {
        self.0.inc(1);
    }

    fn count_bytes(&self, len: u64, read: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
        self.0.set_length(len);
        Box::new(self.0.wrap_read(read))
    }
}

impl Bar {
    pub fn finish_and_clear(&self) {
        self.0.finish_and_clear();
    }
}

/// A bar on stderr for long runs on a terminal: inputs done, rate and ETA, or bytes for one
/// large capture. Hidden (a no-op) off a terminal, with `--quiet`, and for short runs.
pub fn bar(quiet: bool, inputs: usize) -> Bar {
    if quiet || !io::stderr().is_terminal() {
        return Bar(indicatif::ProgressBar::hidden());
    }
    let bar = if inputs > 1 {
        indicatif::ProgressBar::new(inputs as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} inputs  {per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        // One input: the bar counts its bytes as they are read (the length is set once it is opened).
        indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes}  {bytes_per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    Bar(bar)
}
