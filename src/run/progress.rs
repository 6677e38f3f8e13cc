//! What a run tells its caller as it goes, so the command line can draw a bar without the library drawing anything.

use std::io::Read;

/// Hears how far a run has got. Every method does nothing by default; `()` listens to nothing.
pub trait Progress: Sync {
    /// One more input of a run of several was checked.
    fn input_done(&self) {}

    /// The only input of a run is about to be read, `_len` bytes in all: returns `read`, or a
    /// reader that counts its bytes as they go by.
    fn count_bytes(&self, _len: u64, read: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
        read
    }
}

impl Progress for () {}
