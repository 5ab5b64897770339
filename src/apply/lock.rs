//! The exclusive lock beside the state file: one apply at a time.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Held while an apply runs; removes the lock file when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it; `holder` is what it wrote into the file.
    Held { path: PathBuf, holder: String },
    Io { path: PathBuf, source: io::Error },
}

/// The lock file of a state file: `<state>.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

impl Lock {
    /// Creates the lock file exclusively (`create_new`, atomic on every local file system).
    /// A lock left by a process that no longer runs (a crash) is taken over, on systems
    /// where that can be known (Linux `/proc`); `stale` then names the dead process.
    pub fn acquire(state: &Path) -> Result<(Lock, Option<String>), LockError> {
        let path = lock_path(state);
        match Self::create(&path) {
            Ok(lock) => Ok((lock, None)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                if holder_is_dead(&holder) {
                    std::fs::remove_file(&path).map_err(|source| LockError::Io {
                        path: path.clone(),
                        source,
                    })?;
                    let lock = Self::create(&path).map_err(|source| match source.kind() {
                        io::ErrorKind::AlreadyExists => LockError::Held {
                            path: path.clone(),
                            holder: String::new(),
                        },
                        _ => LockError::Io {
                            path: path.clone(),
                            source,
                        },
                    })?;
                    Ok((lock, Some(holder.trim().to_string())))
                } else {
                    Err(LockError::Held {
                        path,
                        holder: holder.trim().to_string(),
                    })
                }
            }
            Err(source) => Err(LockError::Io { path, source }),
        }
    }

    fn create(path: &Path) -> io::Result<Lock> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        writeln!(f, "pid={}", std::process::id())?;
        f.sync_all()?;
        Ok(Lock {
            path: path.to_path_buf(),
        })
    }

    /// Leaves the lock file in place, as a crashed process would (fault-injection tests).
    pub fn abandon(self) {
        std::mem::forget(self);
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the `pid=N` holder is known not to run any more.
fn holder_is_dead(holder: &str) -> bool {
    let Some(pid) = holder
        .trim()
        .strip_prefix("pid=")
        .and_then(|p| p.parse::<u32>().ok())
    else {
        return false;
    };
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}
