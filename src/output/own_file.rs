//! Single files muster writes outside a result folder (a sweep's CSV, chart
//! and record, the CSV of `solve` and `compare`): each is written
//! atomically, through a temporary in the same folder renamed into place,
//! and replaces only a file muster recognises as its own, unless forced.
//! The scenario being run is never replaced, forced or not.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file muster means to write was not written.
#[derive(Debug, thiserror::Error)]
pub enum OwnFileError {
    /// The path holds a file muster did not write: bad usage, status 2.
    #[error("refusing to replace {path}: {why}; choose another name or pass --force to replace it")]
    NotOurs { path: String, why: String },
    /// The path is the scenario itself: bad usage, status 2.
    #[error("refusing to replace {path}: it is the scenario file; choose another --out")]
    Scenario { path: String },
    /// The path holds something other than a file.
    #[error("refusing to replace {path}: it is not a regular file; choose another name")]
    NotAFile { path: String },
    /// The folder may not be written: bad usage, status 2, as from every command.
    #[error("cannot write {path}: permission denied; choose another place")]
    Denied { path: String },
    /// Writing failed (a full disk): the run failed, status 1.
    #[error("writing {path}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl OwnFileError {
    /// The exit status of this error: 2 for a refusal, 1 for a failed write.
    pub fn exit_status(&self) -> u8 {
        match self {
            OwnFileError::Write { .. } => 1,
            _ => 2,
        }
    }
}

/// Whether two paths name the same file (device and inode).
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// Checks that muster may write `path`: it does not exist, or `ours` says
/// muster wrote it (`Err(why)` otherwise), or `force`. It is never the
/// scenario file `scenario`, and never a folder, a pipe or a device.
pub fn may_replace(
    path: &Path,
    scenario: Option<&Path>,
    force: bool,
    ours: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), OwnFileError> {
    let shown = || path.display().to_string();
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if folder.is_dir() && !writable(folder) {
        return Err(OwnFileError::Denied { path: shown() });
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => return Ok(()),
    };
    if scenario.is_some_and(|s| same_file(s, path)) {
        return Err(OwnFileError::Scenario { path: shown() });
    }
    if !meta.is_file() && !meta.file_type().is_symlink() {
        return Err(OwnFileError::NotAFile { path: shown() });
    }
    if force {
        return Ok(());
    }
    ours(path).map_err(|why| OwnFileError::NotOurs { path: shown(), why })
}

/// Whether this process may create files in `folder`.
pub fn writable(folder: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(folder.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// `.NAME.muster-tmp-PID` beside `path`.
pub fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.muster-tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` atomically: into a temporary in the same folder,
/// synced, then renamed over `path`. A failure leaves `path` as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OwnFileError> {
    let tmp = temporary_beside(path);
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|source| {
        std::fs::remove_file(&tmp).ok();
        let path = path.display().to_string();
        if source.kind() == std::io::ErrorKind::PermissionDenied {
            OwnFileError::Denied { path }
        } else {
            OwnFileError::Write { path, source }
        }
    })
}

/// Opens a file for reading without blocking (a FIFO put where a file of
/// muster's should be must not hang it) and only when it is a regular file.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// A regular file's text (see [`open_regular`]).
pub fn read_regular(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    open_regular(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// The first line of a file (at most 64 KB read), without its line end.
pub fn first_line(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = Vec::new();
    open_regular(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut buf)
        .ok()?;
    let text = String::from_utf8_lossy(&buf);
    Some(text.lines().next().unwrap_or("").to_string())
}

/// Whether a CSV file starts with exactly the header line `header` (as the
/// csv writer writes it): how muster recognises a CSV of its own.
pub fn csv_has_header(path: &Path, header: &[&str]) -> Result<(), String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let expected = w
        .write_record(header)
        .ok()
        .and_then(|_| w.into_inner().ok())
        .map(|b| String::from_utf8_lossy(&b).trim_end().to_string())
        .unwrap_or_default();
    match first_line(path) {
        Some(line) if line == expected => Ok(()),
        _ => Err(
            "it does not start with the header muster writes, so muster did not write it".into(),
        ),
    }
}
