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
    Held {
        path: PathBuf,
        holder: String,
    },
    Io {
        path: PathBuf,
        source: io::Error,
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state_in(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lbplan-lock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("s.json")
    }

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let state = state_in("exclusive");
        let (lock, stale) = Lock::acquire(&state).expect("free");
        assert!(stale.is_none());
        assert!(matches!(Lock::acquire(&state), Err(LockError::Held { .. })));
        drop(lock);
        assert!(!lock_path(&state).exists());
        assert!(Lock::acquire(&state).is_ok());
    }

    #[test]
    fn a_lock_of_a_dead_process_is_taken_over_where_proc_tells() {
        let state = state_in("stale");
        // Beyond Linux's largest pid (2^22), so no process has it.
        std::fs::write(lock_path(&state), "pid=4194999\n").unwrap();
        let taken = Lock::acquire(&state);
        if Path::new("/proc/self").exists() {
            let (_lock, stale) = taken.expect("taken over");
            assert_eq!(stale.as_deref(), Some("pid=4194999"));
        } else {
            assert!(matches!(taken, Err(LockError::Held { .. })));
        }
        // An unreadable holder is never assumed dead.
        let other = state_in("garbage");
        std::fs::write(lock_path(&other), "who knows").unwrap();
        assert!(matches!(Lock::acquire(&other), Err(LockError::Held { .. })));
    }
}
