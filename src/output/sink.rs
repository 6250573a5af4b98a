//! Where output goes: stdout, or a file written atomically (a temporary file in the same
//! directory, renamed over the target only once everything was written).
//!
//! Nothing partial is ever left behind: a write error drops the temporary file, and so does an
//! interrupt (SIGINT, SIGTERM, SIGHUP) while it is being written. Targets that are not regular
//! files (`/dev/null`, `/dev/stdout`, a named pipe) are written in place, since renaming over
//! them would replace the device or pipe with a regular file.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Large enough that a streaming table makes few system calls.
const BUFFER_BYTES: usize = 1 << 16;

pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    /// A regular file, written to a temporary file that [`Sink::finish`] renames over `path`.
    File {
        writer: BufWriter<NamedTempFile>,
        /// As the user gave it, for messages.
        path: PathBuf,
        /// What the temporary file replaces: `path`, or the file a symbolic link points to.
        target: PathBuf,
        /// Declared after `writer` so that it is dropped after the temporary file is deleted:
        /// an interrupt in between then only removes a file that is already gone.
        _interrupt_cleanup: interrupt::Registration,
    },
    /// A device, pipe or socket, written directly.
    InPlace {
        writer: BufWriter<fs::File>,
        path: PathBuf,
    },
}

/// Why an output file could not be opened or completed.
#[derive(Debug)]
pub struct SinkError {
    pub path: PathBuf,
    pub problem: String,
}

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.problem)
    }
}

impl Sink {
    /// `None` or `-` is stdout; anything else a file created on [`Sink::finish`].
    pub fn open(path: Option<&Path>) -> Result<Sink, SinkError> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                BUFFER_BYTES,
                io::stdout(),
            )));
        };
        let error = |problem: String| SinkError {
            path: path.to_path_buf(),
            problem,
        };
        let existing = match fs::metadata(path) {
            Ok(metadata) => Some(metadata),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(error(describe(&e))),
        };
        if let Some(metadata) = &existing {
            if metadata.is_dir() {
                return Err(error("is a directory".into()));
            }
            if !metadata.is_file() {
                let file = fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| error(describe(&e)))?;
                return Ok(Sink::InPlace {
                    writer: BufWriter::with_capacity(BUFFER_BYTES, file),
                    path: path.to_path_buf(),
                });
            }
        }
        // Through a symbolic link, replace the file it points to and keep the link.
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let target = match &existing {
            Some(_) if is_link => fs::canonicalize(path).map_err(|e| error(describe(&e)))?,
            _ => path.to_path_buf(),
        };
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(error(format!("directory {} does not exist", dir.display())));
        }
        let (temp, registration) = interrupt::registered(|| {
            tempfile::Builder::new()
                .prefix(".lrsched-")
                .suffix(".tmp")
                .tempfile_in(dir)
        })
        .map_err(|e| {
            error(format!(
                "cannot create a file in {}: {}",
                dir.display(),
                describe(&e)
            ))
        })?;
        // A replaced file keeps its permissions; a new one gets the usual 0644, not the
        // temporary file's 0600.
        let permissions = existing.map(|m| m.permissions());
        set_permissions(temp.path(), permissions);
        Ok(Sink::File {
            writer: BufWriter::with_capacity(BUFFER_BYTES, temp),
            path: path.to_path_buf(),
            target,
            _interrupt_cleanup: registration,
        })
    }

    /// Flushes, and for a file moves it into place. Dropping a file sink without finishing it
    /// deletes the temporary file, so a failed command leaves nothing behind.
    pub fn finish(self) -> Result<(), FinishError> {
        match self {
            Sink::Stdout(mut writer) => writer.flush().map_err(FinishError::Io),
            Sink::InPlace { mut writer, path } => {
                writer.flush().map_err(|e| in_place_error(&path, e))
            }
            Sink::File {
                writer,
                path,
                target,
                _interrupt_cleanup,
            } => {
                let error = |problem: String| {
                    FinishError::Sink(SinkError {
                        path: path.clone(),
                        problem,
                    })
                };
                let temp = writer
                    .into_inner()
                    .map_err(|e| error(describe(e.error())))?;
                temp.as_file().sync_all().map_err(|e| error(describe(&e)))?;
                temp.persist(&target)
                    .map(drop)
                    .map_err(|e| error(describe(&e.error)))
            }
        }
    }

    /// Classifies a write error: on stdout or a pipe it may be a closed reader; otherwise it is
    /// the file's.
    pub fn fail(&self, error: io::Error) -> FinishError {
        match self {
            Sink::Stdout(_) => FinishError::Io(error),
            Sink::InPlace { path, .. } => in_place_error(path, error),
            Sink::File { path, .. } => FinishError::Sink(SinkError {
                path: path.clone(),
                problem: describe(&error),
            }),
        }
    }
}

/// A reader that went away (`-o /dev/stdout | head`, a named pipe) ends as quietly as on
/// stdout; anything else is the target's problem.
fn in_place_error(path: &Path, error: io::Error) -> FinishError {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return FinishError::Io(error);
    }
    FinishError::Sink(SinkError {
        path: path.to_path_buf(),
        problem: describe(&error),
    })
}

/// A failed finish: a write error on stdout (possibly a closed pipe) or a file problem.
#[derive(Debug)]
pub enum FinishError {
    Io(io::Error),
    Sink(SinkError),
}

#[cfg(unix)]
fn set_permissions(path: &Path, existing: Option<fs::Permissions>) {
    use std::os::unix::fs::PermissionsExt;
    // 0666 less a typical umask; the exact umask is not readable without changing it.
    let permissions = existing.unwrap_or_else(|| fs::Permissions::from_mode(0o644));
    let _ = fs::set_permissions(path, permissions);
}

#[cfg(not(unix))]
fn set_permissions(_path: &Path, _existing: Option<fs::Permissions>) {}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(writer) => writer.write(buf),
            Sink::File { writer, .. } => writer.write(buf),
            Sink::InPlace { writer, .. } => writer.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(writer) => writer.write_all(buf),
            Sink::File { writer, .. } => writer.write_all(buf),
            Sink::InPlace { writer, .. } => writer.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(writer) => writer.flush(),
            Sink::File { writer, .. } => writer.flush(),
            Sink::InPlace { writer, .. } => writer.flush(),
        }
    }
}

/// An I/O error in the words a user needs.
pub fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::StorageFull => "no space left on device".into(),
        io::ErrorKind::ReadOnlyFilesystem => "read-only file system".into(),
        io::ErrorKind::NotADirectory => "a parent in the path is not a directory".into(),
        io::ErrorKind::QuotaExceeded => "disk quota exceeded".into(),
        io::ErrorKind::FileTooLarge => "file too large".into(),
        _ => error.to_string(),
    }
}

/// Deletes the temporary files being written when the process is interrupted, then lets the
/// signal end the process as it would have (so a shell sees SIGINT, status 130, and a script
/// loop stops).
#[cfg(unix)]
mod interrupt {
    use std::ffi::CString;
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr;
    use std::sync::Once;
    use std::sync::atomic::{AtomicPtr, Ordering};

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// Temporary files open at once: one per output being written, so a few are plenty. A file
    /// that finds no free slot is still deleted on errors, only not on an interrupt.
    const SLOTS: usize = 8;

    /// Paths (owned C strings) the signal handler deletes. The handler may only use
    /// async-signal-safe calls: atomic loads and `unlink` on paths prepared in advance.
    static PENDING: [AtomicPtr<libc::c_char>; SLOTS] =
        [const { AtomicPtr::new(ptr::null_mut()) }; SLOTS];

    static INSTALL: Once = Once::new();

    /// Keeps a path registered for deletion on interrupt until dropped.
    pub struct Registration {
        slot: Option<usize>,
    }

    /// Creates a temporary file with `create` and registers its path, with the signals
    /// blocked in between so none can leave the file behind unregistered.
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
            if let Some(slot) = self.slot {
                let raw = PENDING[slot].swap(ptr::null_mut(), Ordering::SeqCst);
                if !raw.is_null() {
                    // SAFETY: only `Registration::new` stores pointers, from `into_raw`, and
                    // the swap took this one out, so nothing else can free or read it; the
                    // handler runs on the writing thread, never concurrently with this.
                    drop(unsafe { CString::from_raw(raw) });
                }
            }
        }
    }

    extern "C" fn on_signal(signal: libc::c_int) {
        for slot in &PENDING {
            let path = slot.load(Ordering::SeqCst);
            if !path.is_null() {
                // SAFETY: a registered path is a valid C string until its registration drops.
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
        for signal in SIGNALS {
            // SAFETY: plain sigaction calls on zero-initialised structs, as the C API expects.
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

    /// The interrupt signals blocked for this thread until dropped.
    struct Blocked {
        previous: libc::sigset_t,
    }

    impl Blocked {
        fn new() -> Blocked {
            // SAFETY: sigset_t is plain data; the calls only fill and read it.
            unsafe {
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                for signal in SIGNALS {
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
}

/// Without POSIX signals there is nothing to register: errors still delete the file.
#[cfg(not(unix))]
mod interrupt {
    use std::io;

    pub struct Registration;

    pub fn registered<F>(create: impl FnOnce() -> io::Result<F>) -> io::Result<(F, Registration)> {
        Ok((create()?, Registration))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_finish() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut sink = Sink::open(Some(&target)).unwrap();
        sink.write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        sink.finish().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "a,b\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_sink_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut sink = Sink::open(Some(&target)).unwrap();
        sink.write_all(b"partial").unwrap();
        drop(sink);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn missing_directory_is_an_error() {
        let err = Sink::open(Some(Path::new("/nonexistent-dir/x.csv")))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "cannot write /nonexistent-dir/x.csv: directory /nonexistent-dir does not exist"
        );
    }

    #[test]
    fn a_file_as_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        fs::write(&file, "x").unwrap();
        let target = file.join("out.csv");
        let err = Sink::open(Some(&target)).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot write {}: a parent in the path is not a directory",
                target.display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place() {
        let mut sink = Sink::open(Some(Path::new("/dev/null"))).unwrap();
        assert!(matches!(sink, Sink::InPlace { .. }));
        sink.write_all(b"discarded").unwrap();
        sink.finish().unwrap();
        let metadata = fs::metadata("/dev/null").unwrap();
        assert!(!metadata.is_file(), "/dev/null must stay a device");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn full_device_reports_no_space() {
        let mut sink = Sink::open(Some(Path::new("/dev/full"))).unwrap();
        sink.write_all(b"x").unwrap();
        match sink.finish() {
            Err(FinishError::Sink(e)) => assert_eq!(
                e.to_string(),
                "cannot write /dev/full: no space left on device"
            ),
            other => panic!("expected a sink error, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_keeps_pointing_at_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut sink = Sink::open(Some(&link)).unwrap();
        sink.write_all(b"new").unwrap();
        sink.finish().unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        let mut sink = Sink::open(Some(&target)).unwrap();
        sink.write_all(b"new").unwrap();
        sink.finish().unwrap();
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
