//! Where output goes: stdout, or a file written atomically (a temporary file in the same
//! directory, renamed over the target only once everything was written).
//!
//! Nothing partial is ever left behind: a write error drops the temporary file, and so does a
//! signal that ends lrsched while it is being written (`signals.rs`). Targets that are not
//! regular files (`/dev/null`, `/dev/stdout`, a named pipe) are written in place, since
//! renaming over them would replace the device or pipe with a regular file. An output that is
//! one of the command's input files is refused before anything is written.

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
        /// a signal in between then only removes a file that is already gone.
        _signal_cleanup: signals::Registration,
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

/// Why output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// Writing to stdout failed (possibly a closed pipe, which is no error).
    Stdout(io::Error),
    /// An output file's problem.
    File(SinkError),
    /// The output file is one of the inputs (the same file, by whatever name).
    OverInput { output: PathBuf, input: PathBuf },
}

impl Sink {
    /// `None` or `-` is stdout; anything else a file created on [`Sink::finish`].
    pub fn open(output: Option<&Path>) -> Result<Sink, OutputError> {
        Sink::open_unless_input(output, &[])
    }

    /// As [`Sink::open`], but refuses an output file that is one of `inputs` (the same file,
    /// also through a symbolic or hard link), before anything is written.
    pub fn open_unless_input(
        output: Option<&Path>,
        inputs: &[PathBuf],
    ) -> Result<Sink, OutputError> {
        signals::report_oversized_writes();
        let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
            if stdout_at_start::was_closed() {
                return Err(OutputError::Stdout(stdout_at_start::closed_error()));
            }
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                BUFFER_BYTES,
                io::stdout(),
            )));
        };
        let error = |problem: String| {
            OutputError::File(SinkError {
                path: path.to_path_buf(),
                problem,
            })
        };
        let existing = match fs::metadata(path) {
            Ok(metadata) => Some(metadata),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(error(describe(&e))),
        };
        if let Some(metadata) = &existing
            && let Some(input) = inputs.iter().find(|input| same_file(path, metadata, input))
        {
            return Err(OutputError::OverInput {
                output: path.to_path_buf(),
                input: input.clone(),
            });
        }
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
        let (temp, registration) = signals::registered(|| {
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
            _signal_cleanup: registration,
        })
    }

    /// Flushes, and for a file moves it into place. Dropping a file sink without finishing it
    /// deletes the temporary file, so a failed command leaves nothing behind.
    pub fn finish(self) -> Result<(), OutputError> {
        match self {
            Sink::Stdout(mut writer) => writer.flush().map_err(OutputError::Stdout),
            Sink::InPlace { mut writer, path } => {
                writer.flush().map_err(|e| in_place_error(&path, e))
            }
            Sink::File {
                writer,
                path,
                target,
                _signal_cleanup,
            } => {
                let error = |problem: String| {
                    OutputError::File(SinkError {
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
    pub fn fail(&self, error: io::Error) -> OutputError {
        match self {
            Sink::Stdout(_) => OutputError::Stdout(error),
            Sink::InPlace { path, .. } => in_place_error(path, error),
            Sink::File { path, .. } => OutputError::File(SinkError {
                path: path.clone(),
                problem: describe(&error),
            }),
        }
    }
}

/// Whether `input` is the file `output` (whose metadata, links followed, is `metadata`).
fn same_file(output: &Path, metadata: &fs::Metadata, input: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = output;
        fs::metadata(input).is_ok_and(|i| i.dev() == metadata.dev() && i.ino() == metadata.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        fs::canonicalize(input).is_ok_and(|i| fs::canonicalize(output).is_ok_and(|o| o == i))
    }
}

/// A reader that went away (`-o /dev/stdout | head`, a named pipe) ends as quietly as on
/// stdout; anything else is the target's problem.
fn in_place_error(path: &Path, error: io::Error) -> OutputError {
    if error.kind() == io::ErrorKind::BrokenPipe {
        return OutputError::Stdout(error);
    }
    OutputError::File(SinkError {
        path: path.to_path_buf(),
        problem: describe(&error),
    })
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

pub mod stdout_at_start;

#[cfg(unix)]
mod signals;

/// Without POSIX signals there is nothing to register: errors still delete the file.
#[cfg(not(unix))]
mod signals {
    use std::io;

    pub struct Registration;

    pub fn registered<F>(create: impl FnOnce() -> io::Result<F>) -> io::Result<(F, Registration)> {
        Ok((create()?, Registration))
    }

    pub fn report_oversized_writes() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file problem `result` ends with, as the user reads it.
    fn file_error(result: Result<Sink, OutputError>) -> String {
        match result {
            Err(OutputError::File(e)) => e.to_string(),
            Err(other) => panic!("expected a file error, got {other:?}"),
            Ok(_) => panic!("expected a file error"),
        }
    }

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
        assert_eq!(
            file_error(Sink::open(Some(Path::new("/nonexistent-dir/x.csv")))),
            "cannot write /nonexistent-dir/x.csv: directory /nonexistent-dir does not exist"
        );
    }

    #[test]
    fn a_file_as_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        fs::write(&file, "x").unwrap();
        let target = file.join("out.csv");
        assert_eq!(
            file_error(Sink::open(Some(&target))),
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
            Err(OutputError::File(e)) => assert_eq!(
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

    #[cfg(unix)]
    #[test]
    fn an_input_is_never_an_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.toml");
        fs::write(&input, "gamma = 0.5\n").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.toml");
        fs::hard_link(&input, &hard).unwrap();
        let inputs = [dir.path().join("other.toml"), input.clone()];
        for output in [&input, &link, &hard] {
            match Sink::open_unless_input(Some(output), &inputs) {
                Err(OutputError::OverInput {
                    output: refused,
                    input: named,
                }) => {
                    assert_eq!(&refused, output);
                    assert_eq!(named, input);
                }
                other => panic!("{} was not refused: {:?}", output.display(), other.err()),
            }
        }
        assert_eq!(fs::read_to_string(&input).unwrap(), "gamma = 0.5\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        // Another file, and stdout, are fine.
        let other = dir.path().join("out.csv");
        assert!(Sink::open_unless_input(Some(&other), &inputs).is_ok());
        assert!(Sink::open_unless_input(None, &inputs).is_ok());
    }
}
