//! Where output goes: stdout, or a file written atomically (a temporary file in the same
//! directory, renamed over the target only once everything was written).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Large enough that a streaming table makes few system calls.
const BUFFER_BYTES: usize = 1 << 16;

pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File {
        writer: BufWriter<NamedTempFile>,
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
        if path.is_dir() {
            return Err(error("is a directory".into()));
        }
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(error(format!("directory {} does not exist", dir.display())));
        }
        let temp = tempfile::Builder::new()
            .prefix(".lrsched-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| error(describe(&e)))?;
        Ok(Sink::File {
            writer: BufWriter::with_capacity(BUFFER_BYTES, temp),
            path: path.to_path_buf(),
        })
    }

    /// Flushes, and for a file moves it into place. Dropping a file sink without finishing it
    /// deletes the temporary file, so a failed command leaves nothing behind.
    pub fn finish(self) -> Result<(), FinishError> {
        match self {
            Sink::Stdout(mut writer) => writer.flush().map_err(FinishError::Io),
            Sink::File { writer, path } => {
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
                let temp_path = temp.into_temp_path();
                // Keep the usual permissions of a new file rather than the temp file's 0600.
                set_default_permissions(&temp_path);
                temp_path
                    .persist(&path)
                    .map_err(|e| error(describe(&e.error)))
            }
        }
    }
}

impl Sink {
    /// Classifies a write error: on stdout it may be a closed pipe; on a file it is the file's.
    pub fn fail(&self, error: io::Error) -> FinishError {
        match self {
            Sink::Stdout(_) => FinishError::Io(error),
            Sink::File { path, .. } => FinishError::Sink(SinkError {
                path: path.clone(),
                problem: describe(&error),
            }),
        }
    }
}

/// A failed finish: a write error on stdout (possibly a closed pipe) or a file problem.
#[derive(Debug)]
pub enum FinishError {
    Io(io::Error),
    Sink(SinkError),
}

#[cfg(unix)]
fn set_default_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // 0666 less a typical umask; the exact umask is not readable without changing it.
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o644));
}

#[cfg(not(unix))]
fn set_default_permissions(_path: &Path) {}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(writer) => writer.write(buf),
            Sink::File { writer, .. } => writer.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout(writer) => writer.write_all(buf),
            Sink::File { writer, .. } => writer.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(writer) => writer.flush(),
            Sink::File { writer, .. } => writer.flush(),
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
        _ => error.to_string(),
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
}
