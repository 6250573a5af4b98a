//! Signals around output files: every catchable signal that would end lrsched first deletes
//! the temporary files being written, then ends it as the signal would have (so a shell sees
//! SIGINT, status 130, and a script loop stops); and SIGXFSZ is ignored, so that a write past
//! the file size limit (`ulimit -f`) fails with EFBIG and is reported like a full disk instead
//! of killing lrsched without a word.
//!
//! Hand-written on `libc` rather than with the `signal-hook` crate: the handler must do its
//! work in the signal itself (unlink, then re-raise with the default action), which
//! signal-hook also only offers as an `unsafe` low-level registration with the same
//! obligations, and keeping a signal the parent ignored ignored (`nohup`) needs the previous
//! disposition, which its safe API does not expose. So the crate would add a dependency (and
//! for its safe iterator, a thread and a race with the writer) without removing the `unsafe`.
//! This module is all of lrsched's signal code; see docs/errors.md, "Output safety".

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::sync::Once;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Temporary files open at once: one per output being written, so a few are plenty. A file
/// that finds no free slot is still deleted on errors, only not on a signal.
const SLOTS: usize = 8;

/// Paths (owned C strings) the signal handler deletes. The handler may only use
/// async-signal-safe calls: atomic loads and `unlink` on paths prepared in advance.
static PENDING: [AtomicPtr<libc::c_char>; SLOTS] =
    [const { AtomicPtr::new(ptr::null_mut()) }; SLOTS];

static INSTALL: Once = Once::new();

/// Every signal whose default action ends the process and that a handler can catch, less
/// SIGPIPE (ignored by the Rust runtime, so a closed pipe is a write error), SIGXFSZ (ignored
/// here) and the faults of the process itself (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP),
/// whose handlers belong to the runtime and debuggers.
fn terminating_signals() -> Vec<libc::c_int> {
    let mut signals = vec![
        libc::SIGHUP,
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGTERM,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGALRM,
        libc::SIGVTALRM,
        libc::SIGPROF,
        libc::SIGXCPU,
        libc::SIGSYS,
        libc::SIGABRT,
    ];
    #[cfg(target_os = "linux")]
    {
        signals.extend([libc::SIGIO, libc::SIGPWR, libc::SIGSTKFLT]);
        signals.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    signals
}

/// Makes a write past the file size limit fail with EFBIG rather than end the process.
pub fn report_oversized_writes() {
    static IGNORED: Once = Once::new();
    IGNORED.call_once(|| {
        // SAFETY: SIG_IGN installs no handler; nothing runs in signal context.
        unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    });
}

/// Keeps a path registered for deletion on a signal until dropped.
pub struct Registration {
    slot: Option<usize>,
}

/// Creates a temporary file with `create` and registers its path, with the signals blocked in
/// between so that none can leave the file behind unregistered.
pub fn registered<F: AsRef<Path>>(
    create: impl FnOnce() -> io::Result<F>,
) -> io::Result<(F, Registration)> {
    INSTALL.call_once(install);
    let _blocked = Blocked::new();
    let file = create()?;
    let registration = Registration::new(file.as_ref());
    Ok((file, registration))
}

impl Registration {
    fn new(path: &Path) -> Registration {
        let Ok(owned) = CString::new(path.as_os_str().as_bytes()) else {
            return Registration { slot: None };
        };
        let raw = owned.into_raw();
        let slot = PENDING.iter().position(|slot| {
            slot.compare_exchange(ptr::null_mut(), raw, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        });
        if slot.is_none() {
            // SAFETY: `raw` came from `into_raw` above and was stored nowhere.
            drop(unsafe { CString::from_raw(raw) });
        }
        Registration { slot }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Some(slot) = self.slot else { return };
        // Blocked, so that the handler cannot run on this thread between taking the path
        // out and freeing it (lrsched writes from its one thread).
        let _blocked = Blocked::new();
        let raw = PENDING[slot].swap(ptr::null_mut(), Ordering::SeqCst);
        if !raw.is_null() {
            // SAFETY: only `Registration::new` stores pointers, from `into_raw`, and the swap
            // took this one out, so nothing else can free it, and with the signals blocked the
            // handler cannot be reading it.
            drop(unsafe { CString::from_raw(raw) });
        }
    }
}

extern "C" fn on_signal(signal: libc::c_int) {
    for slot in &PENDING {
        let path = slot.load(Ordering::SeqCst);
        if !path.is_null() {
            // SAFETY: a registered path is a valid C string until its registration drops,
            // which cannot happen while the handler runs (the signals are blocked there).
            unsafe { libc::unlink(path) };
        }
    }
    // SAFETY: both are async-signal-safe. The signal is blocked while its handler runs, so
    // the raised one is delivered, with the default action, as soon as the handler returns.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

fn install() {
    for signal in terminating_signals() {
        // SAFETY: sigaction on zero-initialised structs, as the C API expects; the handler
        // only makes async-signal-safe calls.
        unsafe {
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, ptr::null(), &mut previous) != 0 {
                continue;
            }
            // A signal the parent chose to ignore (nohup, a background job) stays ignored.
            if previous.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = libc::SA_RESTART;
            libc::sigaction(signal, &action, ptr::null_mut());
        }
    }
}

/// The terminating signals blocked for this thread until dropped.
struct Blocked {
    previous: libc::sigset_t,
}

impl Blocked {
    fn new() -> Blocked {
        // SAFETY: sigset_t is plain data; the calls only fill it, and change this thread's mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in terminating_signals() {
                libc::sigaddset(&mut set, signal);
            }
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut previous);
            Blocked { previous }
        }
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `Blocked::new`.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, ptr::null_mut()) };
    }
}
