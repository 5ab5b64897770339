//! The journal: one JSON line per event, fsynced before the executor goes on, so that
//! after a crash it shows which actions were in flight. The state file (which records the
//! completed actions in the same atomic write as their results) decides what is done; the
//! journal tells the user what was interrupted.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Entry {
    /// An apply of `plan` started (or resumed) on the state at `serial`.
    Start { plan: String, serial: u64, resumed: bool },
    /// The action is about to be sent to the backend.
    Begin { address: String, action: String },
    /// The action completed and the state at `serial` records it.
    Done { address: String, action: String, serial: u64 },
    /// The action failed; `message` says why.
    Failed { address: String, action: String, message: String },
}

/// The journal file of a state file: `<state>.journal`.
pub fn journal_path(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    state.with_file_name(name)
}

/// An open journal; appends are serialised and durable.
#[derive(Debug)]
pub struct Journal {
    file: Mutex<File>,
}

impl Journal {
    /// Opens the journal for appending: truncated for a new apply, kept for a resumed one.
    pub fn open(path: &Path, resume: bool) -> io::Result<Journal> {
        let mut opts = OpenOptions::new();
        opts.create(true);
        if resume {
            opts.append(true);
        } else {
            opts.write(true).truncate(true);
        }
        Ok(Journal {
            file: Mutex::new(opts.open(path)?),
        })
    }

    /// Appends one entry and waits until it is on disk.
    pub fn record(&self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(line.as_bytes())?;
        f.sync_data()
    }
}

/// Reads a journal; unreadable lines (a torn last line after a crash) are skipped.
pub fn read(path: &Path) -> Vec<Entry> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The actions begun but neither done nor failed since the last start.
pub fn in_flight(entries: &[Entry]) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    for e in entries {
        match e {
            Entry::Start { .. } => open.clear(),
            Entry::Begin { address, .. } => open.push(address.clone()),
            Entry::Done { address, .. } | Entry::Failed { address, .. } => {
                open.retain(|a| a != address)
            }
        }
    }
    open
}
