//! Ctrl-C and SIGTERM: the first asks the run to stop reading and end its report (whole lines,
//! closed documents); a second ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<()> = OnceLock::new();

/// The flag the handler sets, the handler installed on first use.
pub fn flag() -> &'static AtomicBool {
    INSTALLED.get_or_init(|| {
        // Without a handler (another one is installed) the default action still ends the run.
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
        });
    });
    &INTERRUPTED
}
