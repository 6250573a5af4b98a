//! Whether stdout was open when lrsched started.
//!
//! Rust's runtime reopens a closed stdout on `/dev/null` before `main` (so that no file opened
//! later becomes descriptor 1); from then on every write succeeds and `lrsched table >&-`
//! would lose its output without a word. The C runtime runs the program's `.init_array`
//! constructors before Rust's `main`, so one of them looks first, as the Rust runtime itself
//! does there to read the arguments.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static LOOK_BEFORE_MAIN: extern "C" fn() = look;

#[cfg(target_os = "linux")]
extern "C" fn look() {
    // SAFETY: F_GETFD only reads a descriptor's flags, and fails with EBADF on a closed one.
    let open = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } != -1;
    CLOSED.store(!open, Ordering::Relaxed);
}

/// Whether descriptor 1 was closed when the process started (known on Linux; elsewhere
/// assumed open).
pub fn was_closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

/// The write error of a closed stdout (not a closed pipe, which is no error).
pub fn closed_error() -> io::Error {
    io::Error::other("it is closed")
}
