//! Progress of an apply: one line per completed action, or a bar on a terminal.

use std::io::Write;
use std::sync::Mutex;

/// Receives each action as it completes (from several threads).
pub trait Progress: Sync {
    /// The apply is about to run `total` actions.
    fn start(&self, total: usize);
    /// One action completed (`line` is Terraform's phrasing, e.g. `x: Creation complete`).
    fn completed(&self, line: &str);
    /// No more actions will run.
    fn finish(&self);
}

/// Plain lines, for logs and pipes.
#[derive(Debug)]
pub struct Lines<W: Write + Send>(pub Mutex<W>);

impl<W: Write + Send> Progress for Lines<W> {
    fn start(&self, _total: usize) {}
    fn completed(&self, line: &str) {
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(w, "{line}");
        let _ = w.flush();
    }
    fn finish(&self) {}
}

/// A bar redrawn in place on a terminal, with the last completed action beside it; each
/// completed action is also printed above the bar so that the scrollback keeps them.
#[derive(Debug)]
pub struct Bar<W: Write + Send> {
    out: Mutex<(W, usize, usize)>,
}

impl<W: Write + Send> Bar<W> {
    pub fn new(out: W) -> Self {
        Bar {
            out: Mutex::new((out, 0, 0)),
        }
    }
}

/// The bar itself: `[=========>          ]  9/20`.
pub fn bar_text(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    let mut s = String::from("[");
    for i in 0..width {
        s.push(if i < filled {
            '='
        } else if i == filled && done < total {
            '>'
        } else {
            ' '
        });
    }
    s.push_str(&format!("] {done}/{total}"));
    s
}

impl<W: Write + Send> Progress for Bar<W> {
    fn start(&self, total: usize) {
        let mut g = self.out.lock().unwrap_or_else(|e| e.into_inner());
        g.2 = total;
        let text = bar_text(0, total, 30);
        let _ = write!(g.0, "\r\x1b[2K{text}");
        let _ = g.0.flush();
    }
    fn completed(&self, line: &str) {
        let mut g = self.out.lock().unwrap_or_else(|e| e.into_inner());
        g.1 += 1;
        let text = bar_text(g.1, g.2, 30);
        let _ = write!(g.0, "\r\x1b[2K{line}\n{text}");
        let _ = g.0.flush();
    }
    fn finish(&self) {
        let mut g = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(g.0);
        let _ = g.0.flush();
    }
}

/// Keeps the lines (tests).
#[derive(Debug, Default)]
pub struct Collect(pub Mutex<Vec<String>>);

impl Progress for Collect {
    fn start(&self, _total: usize) {}
    fn completed(&self, line: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line.to_string());
    }
    fn finish(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_count() {
        assert_eq!(bar_text(0, 4, 8), "[>       ] 0/4");
        assert_eq!(bar_text(2, 4, 8), "[====>   ] 2/4");
        assert_eq!(bar_text(4, 4, 8), "[========] 4/4");
        assert_eq!(bar_text(0, 0, 4), "[====] 0/0");
    }
}
