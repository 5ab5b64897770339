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
    Start {
        plan: String,
        serial: u64,
        resumed: bool,
    },
    /// The action is about to be sent to the backend.
    Begin { address: String, action: String },
    /// The action completed and the state at `serial` records it.
    Done {
        address: String,
        action: String,
        serial: u64,
    },
    /// The action failed; `message` says why.
    Failed {
        address: String,
        action: String,
        message: String,
    },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn begin(a: &str) -> Entry {
        Entry::Begin {
            address: a.to_string(),
            action: "create".to_string(),
        }
    }

    #[test]
    fn in_flight_actions_are_those_begun_and_not_finished_since_the_last_start() {
        let entries = vec![
            begin("old"),
            Entry::Start {
                plan: "p".to_string(),
                serial: 0,
                resumed: false,
            },
            begin("a"),
            begin("b"),
            Entry::Done {
                address: "a".to_string(),
                action: "create".to_string(),
                serial: 1,
            },
            begin("c"),
            Entry::Failed {
                address: "c".to_string(),
                action: "create".to_string(),
                message: "x".to_string(),
            },
        ];
        assert_eq!(in_flight(&entries), vec!["b".to_string()]);
    }

    #[test]
    fn entries_are_durable_lines_and_a_torn_last_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("lbplan-journal-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = journal_path(&dir.join("s.json"));
        let j = Journal::open(&path, false).expect("open");
        j.record(&begin("a")).expect("write");
        drop(j);
        let j = Journal::open(&path, true).expect("reopen for append");
        j.record(&begin("b")).expect("write");
        drop(j);
        let mut text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("{\"event\":\"begin\",\"address\":\"a\""),
            "{text}"
        );
        text.push_str("{\"event\":\"do");
        std::fs::write(&path, text).unwrap();
        assert_eq!(read(&path), vec![begin("a"), begin("b")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
