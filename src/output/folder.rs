//! Result folders that are never half-written: files go into a hidden
//! temporary folder beside the destination, which is swapped into place in
//! one atomic step (`renameat2` with `RENAME_EXCHANGE` on Linux; where the
//! swap is impossible, at a mount point, on a file system or system without
//! it, muster's files are replaced one by one, each atomically). A folder
//! that holds files muster did not write is left alone unless forced, and
//! then only muster's own files are replaced, each atomically.

use super::run_record::RunRecord;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// A destination being prepared.
pub struct Staging {
    /// The destination, symlinks resolved.
    pub dest: PathBuf,
    /// The hidden folder the new files are written into.
    pub tmp: PathBuf,
    /// Files in the destination that muster did not write.
    foreign: Vec<String>,
    /// muster's files already in the destination.
    previous: Vec<String>,
    /// Whether other files may stay beside muster's (`--force`).
    force: bool,
}

/// Why the results could not be put in place.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// muster will not touch files it did not write: bad usage.
    #[error("{0}")]
    Refused(String),
    /// Writing or moving the files failed: a failed run.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl FolderError {
    /// The exit status of this error: 2 for a refusal, 1 for a failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            FolderError::Refused(_) => 2,
            FolderError::Failed(_) => 1,
        }
    }
}

impl From<std::io::Error> for FolderError {
    fn from(e: std::io::Error) -> Self {
        FolderError::Failed(e.into())
    }
}

const TMP_MARK: &str = ".muster-tmp-";

/// Error text when a folder holds other files.
fn refuse(dest: &Path, foreign: &[String]) -> anyhow::Error {
    let shown: Vec<&str> = foreign.iter().take(5).map(|s| s.as_str()).collect();
    anyhow::anyhow!(
        "refusing to write into {}: it holds files muster did not write ({}{}); \
         choose another --out or pass --force to replace only muster's own files",
        dest.display(),
        shown.join(", "),
        if foreign.len() > 5 { ", ..." } else { "" }
    )
}

/// Prepares to write a result folder at `dest`. Returns the staging area
/// and, when `dest` was a symlink, the path it resolves to.
pub fn prepare(dest: &Path, force: bool) -> Result<Staging> {
    let dest = resolve(dest)?;
    let name = dest
        .file_name()
        .with_context(|| format!("{}: not a folder name", dest.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    remove_stale_temporaries(&parent, &name);
    let (foreign, previous) = contents(&dest, force)?;
    let tmp = parent.join(format!(".{name}{TMP_MARK}{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).ok();
    }
    std::fs::create_dir(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    Ok(Staging {
        dest,
        tmp,
        foreign,
        previous,
        force,
    })
}

/// What the destination holds: files muster did not write, and its own
/// files. Refuses a destination that is not a folder, and one holding other
/// files unless `force`.
fn contents(dest: &Path, force: bool) -> Result<(Vec<String>, Vec<String>)> {
    let (mut foreign, mut previous) = (Vec::new(), Vec::new());
    if dest.exists() {
        if !dest.is_dir() {
            bail!(
                "{} exists and is not a folder; choose another --out",
                dest.display()
            );
        }
        // A run.toml is ours only when it is a muster run record.
        let record = RunRecord::read(dest).ok();
        let ours = record.as_ref().map(|r| r.files.clone()).unwrap_or_default();
        for entry in std::fs::read_dir(dest)? {
            let f = entry?.file_name().to_string_lossy().into_owned();
            if (f == "run.toml" && record.is_some()) || ours.contains(&f) {
                previous.push(f);
            } else {
                foreign.push(f);
            }
        }
        foreign.sort();
        if !foreign.is_empty() && !force {
            return Err(refuse(dest, &foreign));
        }
    }
    Ok((foreign, previous))
}

/// Checks, before a run, what [`prepare`] will check after it, without
/// writing anything: that the destination can be a result folder, holds no
/// files muster did not write (unless `force`), and that the folder it goes
/// in may be written. A long run is then not wasted on a refusal.
pub fn precheck(dest: &Path, force: bool) -> Result<()> {
    let dest = resolve(dest)?;
    if dest.file_name().is_none() {
        bail!("{}: not a folder name", dest.display());
    }
    contents(&dest, force)?;
    let mut folder = dest.parent().map(Path::to_path_buf);
    // The nearest folder that exists is where muster will create.
    while let Some(f) = folder {
        let f = if f.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            f
        };
        if f.is_dir() {
            if !super::own_file::writable(&f) {
                bail!(
                    "creating in {}: Permission denied (os error 13)",
                    f.display()
                );
            }
            break;
        }
        if f.exists() {
            bail!("{} is not a folder; choose another --out", f.display());
        }
        folder = f.parent().map(Path::to_path_buf);
    }
    Ok(())
}

/// The destination as a path whose last component names the folder itself:
/// trailing slashes and `.` dropped (`dir/.`, `link/`), a symlink resolved,
/// and `.`, `..` or a path ending in `..` made absolute.
fn resolve(dest: &Path) -> Result<PathBuf> {
    use std::path::Component;
    let lexical: PathBuf = dest.components().collect();
    if lexical.as_os_str().is_empty() {
        bail!("--out is empty: give a folder");
    }
    let plain = matches!(lexical.components().next_back(), Some(Component::Normal(_)));
    let resolved = if lexical.is_symlink() || !plain {
        std::fs::canonicalize(&lexical).with_context(|| {
            if lexical.is_symlink() {
                format!("{}: the symlink points nowhere", dest.display())
            } else {
                format!("{}: no such folder", dest.display())
            }
        })?
    } else {
        lexical
    };
    if resolved.file_name().is_none() {
        bail!(
            "{}: muster cannot write a result folder at the root of the file system; choose a folder inside it",
            dest.display()
        );
    }
    Ok(resolved)
}

/// Entries of `dir` that are neither in `ours` nor muster's temporaries.
fn foreign_entries(dir: &Path, ours: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let f = entry?.file_name().to_string_lossy().into_owned();
        if !ours.contains(&f) && !f.contains(TMP_MARK) {
            found.push(f);
        }
    }
    found.sort();
    Ok(found)
}

impl Staging {
    /// Puts the staged files in place. Every file written must be in `files`.
    pub fn commit(self) -> std::result::Result<(), FolderError> {
        if !self.dest.exists() {
            return Ok(std::fs::rename(&self.tmp, &self.dest)
                .with_context(|| format!("moving results into {}", self.dest.display()))?);
        }
        if !self.foreign.is_empty() {
            return self.replace_each();
        }
        // A file may have been created in the folder while muster wrote:
        // look again before the swap, and in the old folder after it.
        let appeared = foreign_entries(&self.dest, &self.previous)?;
        if !appeared.is_empty() && self.force {
            return self.replace_each();
        }
        if !appeared.is_empty() {
            std::fs::remove_dir_all(&self.tmp).ok();
            return Err(FolderError::Refused(
                refuse(&self.dest, &appeared).to_string(),
            ));
        }
        match exchange(&self.tmp, &self.dest) {
            Ok(()) => {
                let appeared = foreign_entries(&self.tmp, &self.previous).unwrap_or_default();
                if !appeared.is_empty() {
                    // Swap back: the user's new file stays where it was put.
                    exchange(&self.tmp, &self.dest)?;
                    if self.force {
                        return self.replace_each();
                    }
                    std::fs::remove_dir_all(&self.tmp).ok();
                    return Err(FolderError::Refused(
                        refuse(&self.dest, &appeared).to_string(),
                    ));
                }
                std::fs::remove_dir_all(&self.tmp).ok();
                Ok(())
            }
            // A mount point (EBUSY), a file system without the exchange
            // (EINVAL, ENOSYS, EOPNOTSUPP) or a system without renameat2:
            // replace muster's files one by one instead, each atomically.
            Err(_) => self.replace_each(),
        }
    }

    /// Replaces muster's files in the destination one by one (each
    /// atomically), never another file that has the name of one of ours,
    /// and removes muster's old files the new results do not have.
    fn replace_each(self) -> std::result::Result<(), FolderError> {
        let mut new = Vec::new();
        for entry in std::fs::read_dir(&self.tmp)? {
            new.push(entry?.file_name().to_string_lossy().into_owned());
        }
        // run.toml last: until it is replaced it lists the old files.
        new.sort_by_key(|f| (f == "run.toml", f.clone()));
        let mut foreign = self.foreign.clone();
        for f in foreign_entries(&self.dest, &self.previous)? {
            if !foreign.contains(&f) {
                foreign.push(f);
            }
        }
        let clash: Vec<&str> = new
            .iter()
            .filter(|f| foreign.contains(f))
            .map(|f| f.as_str())
            .collect();
        if !clash.is_empty() {
            std::fs::remove_dir_all(&self.tmp).ok();
            let it = if clash.len() == 1 { "it" } else { "them" };
            return Err(FolderError::Refused(format!(
                "refusing to replace {} in {}: muster did not write {it} (run.toml does not list {it}); \
                 even with --force muster replaces only its own files: move {it} away or choose another --out",
                clash.join(", "),
                self.dest.display(),
            )));
        }
        let moved = (|| -> Result<()> {
            for f in &new {
                move_file(&self.tmp.join(f), &self.dest.join(f))?;
            }
            Ok(())
        })();
        if let Err(e) = moved {
            std::fs::remove_dir_all(&self.tmp).ok();
            return Err(e
                .context(format!("moving results into {}", self.dest.display()))
                .into());
        }
        for old in &self.previous {
            if !new.contains(old) {
                std::fs::remove_file(self.dest.join(old)).ok();
            }
        }
        std::fs::remove_dir_all(&self.tmp).ok();
        Ok(())
    }

    /// Removes the staging folder (after a failure or an interruption).
    pub fn abandon(self) {
        std::fs::remove_dir_all(&self.tmp).ok();
    }
}

/// Moves a file into place atomically: a rename, or across file systems
/// (a mount point) a copy into a temporary beside the target, then a rename.
fn move_file(from: &Path, to: &Path) -> Result<()> {
    if std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let name = to
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = to.with_file_name(format!(".{name}{TMP_MARK}{}", std::process::id()));
    let copied = (|| -> std::io::Result<()> {
        std::fs::copy(from, &tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, to)
    })();
    if let Err(e) = copied {
        std::fs::remove_file(&tmp).ok();
        bail!("writing {}: {e}", to.display());
    }
    std::fs::remove_file(from).ok();
    Ok(())
}

/// Swaps two paths atomically (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 reads them only.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        bail!("swapping {} into place: {err}", b.display());
    }
    Ok(())
}

/// Without an atomic exchange the caller replaces files one by one.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, b: &Path) -> Result<()> {
    bail!("swapping {} into place: not supported here", b.display())
}

/// Removes temporaries of `name` left by runs that are no longer alive.
fn remove_stale_temporaries(parent: &Path, name: &str) {
    let prefix = format!(".{name}{TMP_MARK}");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let f = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = f.strip_prefix(&prefix) {
            let alive = pid.parse::<u32>().is_ok_and(|p| {
                p != std::process::id() && Path::new(&format!("/proc/{p}")).exists()
            });
            if !alive {
                std::fs::remove_dir_all(entry.path()).ok();
            }
        }
    }
}
