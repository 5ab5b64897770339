//! The text plan: a [`Plan`] as Terraform prints one, so that a reader who knows
//! `terraform plan` reads ours without a legend (SPEC §7 "Text plan"; reference
//! architecture §A.2).
//!
//! Layout, top to bottom:
//! 1. the legend of the symbols that occur, then `lbplan will perform the following
//!    actions:` — or `No changes. Your load balancers match the manifests.`;
//! 2. one block per change in plan order (no-ops are skipped unless the manifests changed an
//!    attribute the controller will not apply, which the reader must see): the header
//!    comment, `# (because …)` with the change's first reason for every removal (delete,
//!    replace, retain), `# from file:line:col` for its first source span, then the
//!    `resource "<kind>" "<name or address>"` body;
//! 3. one `Warning:` block per destructive action;
//! 4. the run's diagnostics and the plan's own warnings, as `render::diagnostics` prints
//!    them;
//! 5. `Plan: X to add, Y to change, Z to destroy.` (`, N to retain` only when N > 0).
//!
//! Symbols: `+` create, `~` update in-place, `-/+` destroy and then create replacement, `-`
//! destroy, and `!` retain. Terraform has no word for "the controller stops managing the
//! object but leaves it in the cloud"; `!` was chosen because that outcome asks for the
//! reader's attention (manual cleanup), it cannot be mistaken for any Terraform symbol, and
//! the header comment spells the word "retained" so nobody has to guess.
//!
//! Output is a pure function of its inputs (plan order, attribute insertion order, sorted
//! diagnostics), so two renders of one plan are byte-identical; with `color: false` it
//! contains no escape codes.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Value;
use crate::plan::{Action, CauseSite, Change, Plan, PlanEnd, PlanSink, PlanStart, Summary};
use crate::render::diagnostics::{HumanOptions, human_reports};
use crate::source::SourceMap;

/// Options of the text plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanTextOptions {
    /// ANSI colours; the CLI sets it only on a terminal without `NO_COLOR`.
    pub color: bool,
    /// Wrap width for prose (warning blocks, diagnostics); fixed in tests so that expected
    /// text does not depend on the terminal. Resource blocks are never wrapped, as in
    /// Terraform: a wrapped value would no longer be copyable.
    pub width: usize,
}

impl Default for PlanTextOptions {
    fn default() -> Self {
        PlanTextOptions {
            color: false,
            width: 100,
        }
    }
}

/// Attributes shown in an update or replacement even when unchanged, so the reader can tell
/// which cloud object a block is about (Terraform keeps `id`, `name` and `tags` for the same
/// reason).
const IDENTIFYING: [&str; 2] = ["id", "name"];

/// The EXTERNAL-IP column each Service will show in `kubectl get svc` once applied (one
/// address per region for an ELB Service, seed 000 step 3), so reviewers see what clients
/// will connect to. Empty when no Service gets an address.
pub fn service_outputs(outputs: &crate::plan::Outputs) -> String {
    if outputs.is_empty() {
        return String::new();
    }
    let width = outputs
        .services()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("\nService addresses after apply (kubectl get svc EXTERNAL-IP):\n");
    for (service, external_ip) in outputs.iter() {
        let ips = if external_ip.is_empty() {
            "<pending>".to_string()
        } else {
            external_ip.join(",")
        };
        out.push_str(&format!("  {service:<width$}  {ips}\n"));
    }
    out
}

/// Renders `plan` with the run's other diagnostics (`diags`); see the module docs.
pub fn render(
    sources: &SourceMap,
    plan: &Plan,
    diags: &Diagnostics,
    opts: PlanTextOptions,
) -> String {
    render_with_sites(sources, plan, diags, opts, &BTreeMap::new())
}

/// [`render`] where each `Warning:` block also shows the manifest line that causes the
/// removal and the provider's way to keep the object (`sites`, by address): `lbplan diff`
/// points at the pull request's line.
pub fn render_with_sites(
    sources: &SourceMap,
    plan: &Plan,
    diags: &Diagnostics,
    opts: PlanTextOptions,
    sites: &BTreeMap<String, CauseSite>,
) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_with_sites(&mut out, sources, plan, diags, opts, sites);
    String::from_utf8_lossy(&out).into_owned()
}

/// [`render_with_sites`], written to `w` one resource block at a time: a large fleet's
/// plan is hundreds of megabytes of text and is never held whole.
pub fn write_with_sites(
    w: &mut dyn std::io::Write,
    sources: &SourceMap,
    plan: &Plan,
    diags: &Diagnostics,
    opts: PlanTextOptions,
    sites: &BTreeMap<String, CauseSite>,
) -> std::io::Result<()> {
    let r = Renderer::new(opts);
    let shown = || plan.changes.iter().filter(|c| is_shown(c));
    if plan.has_changes() {
        r.write_legend(w, |a| shown().any(|c| c.action == a))?;
    } else {
        let more = shown().next().is_some() || !diags.is_empty() || !plan.warnings.is_empty();
        r.write_no_changes(w, more)?;
    }
    for c in shown() {
        r.write_block(w, sources, c)?;
    }
    let tail = Tail {
        destructive: plan.changes.iter().filter(|c| c.destructive).collect(),
        diags,
        warnings: &plan.warnings,
        summary: plan.has_changes().then_some(plan.summary),
        sites,
    };
    r.write_tail(w, sources, &tail, opts)
}

/// What the text plan shows after its resource blocks.
struct Tail<'a> {
    destructive: Vec<&'a Change>,
    diags: &'a Diagnostics,
    warnings: &'a [Diagnostic],
    /// `None` when nothing changes: no summary line.
    summary: Option<Summary>,
    sites: &'a BTreeMap<String, CauseSite>,
}

/// The text plan written as the plan is made (`lbplan plan` on a terminal or in CI).
///
/// The legend at the top names the actions that occur, which is only known at the end.
/// Without prior resources every change a block shows is a create, so the legend is
/// written with the first block and each block goes out as it arrives. Against a prior
/// state the changes are kept and written at the end, as [`write_with_sites`] does; the
/// prior state is then already in memory, so the plan costs at most as much again.
pub struct TextPlanWriter<'w> {
    out: &'w mut dyn std::io::Write,
    opts: PlanTextOptions,
    /// `Some` when the changes are kept for the end.
    kept: Option<Vec<Change>>,
    /// The legend and the header line are out.
    headed: bool,
    /// Destructive changes, for the `Warning:` blocks after the resource blocks.
    destructive: Vec<Change>,
}

impl<'w> TextPlanWriter<'w> {
    pub fn new(out: &'w mut dyn std::io::Write, opts: PlanTextOptions) -> Self {
        TextPlanWriter {
            out,
            opts,
            kept: None,
            headed: false,
            destructive: Vec::new(),
        }
    }
}

impl PlanSink for TextPlanWriter<'_> {
    fn begin(&mut self, _: &SourceMap, start: &PlanStart<'_>) -> std::io::Result<()> {
        if !start.prior_is_empty {
            self.kept = Some(Vec::new());
        }
        Ok(())
    }

    fn change(&mut self, sources: &SourceMap, change: Change) -> std::io::Result<()> {
        if let Some(kept) = &mut self.kept {
            kept.push(change);
            return Ok(());
        }
        if !is_shown(&change) {
            return Ok(());
        }
        let r = Renderer::new(self.opts);
        if !self.headed {
            // Without prior resources a shown change is a create (see the type's docs).
            r.write_legend(self.out, |a| a == Action::Create)?;
            self.headed = true;
        }
        r.write_block(self.out, sources, &change)?;
        if change.destructive {
            self.destructive.push(change);
        }
        Ok(())
    }

    fn end(&mut self, sources: &SourceMap, end: &PlanEnd<'_>) -> std::io::Result<()> {
        let human = HumanOptions {
            color: self.opts.color,
            width: self.opts.width,
        };
        if !end.planned {
            // No plan: the diagnostics say why (after any blocks already written).
            let text = crate::render::diagnostics::human(sources, end.diagnostics, human);
            self.out.write_all(text.as_bytes())?;
            return self.out.flush();
        }
        if let Some(changes) = self.kept.take() {
            let plan = Plan {
                changes,
                warnings: end.warnings.to_vec(),
                summary: end.summary,
                prior_state: end.prior_state.cloned(),
            };
            write_with_sites(
                self.out,
                sources,
                &plan,
                end.diagnostics,
                self.opts,
                &BTreeMap::new(),
            )?;
        } else {
            let r = Renderer::new(self.opts);
            if !self.headed {
                let more = !end.diagnostics.is_empty() || !end.warnings.is_empty();
                r.write_no_changes(self.out, more)?;
            }
            let tail = Tail {
                destructive: self.destructive.iter().collect(),
                diags: end.diagnostics,
                warnings: end.warnings,
                summary: end.has_changes.then_some(end.summary),
                sites: &BTreeMap::new(),
            };
            r.write_tail(self.out, sources, &tail, self.opts)?;
        }
        self.out
            .write_all(service_outputs(end.outputs).as_bytes())?;
        self.out.flush()
    }
}

/// Writes lines, each ended by a newline.
fn emit(w: &mut dyn std::io::Write, lines: Vec<String>) -> std::io::Result<()> {
    for l in lines {
        w.write_all(l.as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

impl Renderer {
    fn new(opts: PlanTextOptions) -> Self {
        Renderer {
            paint: Paint(opts.color),
        }
    }

    /// The legend of the actions `occurs` accepts, then the header line.
    fn write_legend(
        &self,
        w: &mut dyn std::io::Write,
        occurs: impl Fn(Action) -> bool,
    ) -> std::io::Result<()> {
        let mut head = self.legend(occurs);
        head.push(String::new());
        head.push("lbplan will perform the following actions:".to_string());
        head.push(String::new());
        emit(w, head)
    }

    /// The line of a plan that changes nothing; `more` when anything follows it.
    fn write_no_changes(&self, w: &mut dyn std::io::Write, more: bool) -> std::io::Result<()> {
        let mut head = vec!["No changes. Your load balancers match the manifests.".to_string()];
        if more {
            head.push(String::new());
        }
        emit(w, head)
    }

    fn write_block(
        &self,
        w: &mut dyn std::io::Write,
        sources: &SourceMap,
        c: &Change,
    ) -> std::io::Result<()> {
        let block = self.block(sources, c);
        w.write_all(block.as_bytes())?;
        w.write_all(b"\n\n")
    }

    /// The `Warning:` blocks, the diagnostics and the summary line.
    fn write_tail(
        &self,
        w: &mut dyn std::io::Write,
        sources: &SourceMap,
        tail: &Tail<'_>,
        opts: PlanTextOptions,
    ) -> std::io::Result<()> {
        for c in &tail.destructive {
            let mut block = self.warning(sources, c, tail.sites.get(&c.address), opts.width);
            block.push(String::new());
            emit(w, block)?;
        }
        let mut all = tail.diags.clone();
        for warning in tail.warnings {
            all.push(warning.clone());
        }
        if !all.is_empty() {
            let human = HumanOptions {
                color: opts.color,
                width: opts.width,
            };
            w.write_all(human_reports(sources, &all, human).as_bytes())?;
        }
        let Some(s) = tail.summary else {
            return Ok(());
        };
        let mut summary = self.paint.apply(
            Style::Bold,
            &format!(
                "Plan: {} to add, {} to change, {} to destroy",
                s.add, s.change, s.destroy
            ),
        );
        if s.retain > 0 {
            summary.push_str(
                &self
                    .paint
                    .apply(Style::Bold, &format!(", {} to retain", s.retain)),
            );
        }
        summary.push_str(&self.paint.apply(Style::Bold, "."));
        summary.push('\n');
        w.write_all(summary.as_bytes())
    }
}

/// Whether a change gets a block: every action but no-op, and a no-op that keeps an
/// attribute the manifests changed (otherwise that change would vanish silently).
fn is_shown(c: &Change) -> bool {
    c.action != Action::NoOp || !c.not_applied.is_empty()
}

/// The styles the plan uses; everything else is plain.
#[derive(Debug, Clone, Copy)]
enum Style {
    Green,
    Yellow,
    Red,
    Cyan,
    Magenta,
    Bold,
    BoldYellow,
}

/// Applies ANSI styles when enabled, so the same code path produces both outputs.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn apply(self, style: Style, text: &str) -> String {
        if !self.0 || text.is_empty() {
            return text.to_string();
        }
        let code = match style {
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Cyan => "36",
            Style::Magenta => "35",
            Style::Bold => "1",
            Style::BoldYellow => "1;33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// One attribute (or map element) line before alignment: its symbol, key, value text
/// (lines joined by `\n`, the first continuing the key line) and an optional trailing
/// comment.
struct Entry<'a> {
    sym: char,
    key: std::borrow::Cow<'a, str>,
    body: String,
    comment: Option<(Style, &'static str)>,
}

struct Renderer {
    paint: Paint,
}

/// `n` spaces. Borrowed for the usual depths: a fleet's plan writes millions of lines.
fn pad(n: usize) -> std::borrow::Cow<'static, str> {
    const SPACES: &str = "                                                                ";
    match SPACES.get(..n) {
        Some(s) => s.into(),
        None => " ".repeat(n).into(),
    }
}

impl Renderer {
    /// A one-character symbol, coloured by meaning; a blank stays blank.
    fn sym(&self, c: char) -> std::borrow::Cow<'static, str> {
        let (style, text) = match c {
            '+' => (Style::Green, "+"),
            '~' => (Style::Yellow, "~"),
            '-' => (Style::Red, "-"),
            '!' => (Style::Magenta, "!"),
            ' ' => return " ".into(),
            _ => return c.to_string().into(),
        };
        if self.paint.0 {
            self.paint.apply(style, text).into()
        } else {
            text.into()
        }
    }

    /// The resource-line symbol, right-aligned in three columns like Terraform's
    /// `DiffActionSymbol`, so that `resource` starts in the same column for every action.
    fn action_symbol(&self, a: Action) -> String {
        match a {
            Action::Create => format!("  {}", self.sym('+')),
            Action::Update => format!("  {}", self.sym('~')),
            Action::Replace => format!("{}/{}", self.sym('-'), self.sym('+')),
            Action::Delete => format!("  {}", self.sym('-')),
            Action::Retain => format!("  {}", self.sym('!')),
            Action::NoOp => "   ".to_string(),
        }
    }

    fn legend(&self, occurs: impl Fn(Action) -> bool) -> Vec<String> {
        let mut lines =
            vec!["Resource actions are indicated with the following symbols:".to_string()];
        let entries = [
            (Action::Create, "create"),
            (Action::Update, "update in-place"),
            (Action::Delete, "destroy"),
            (Action::Replace, "destroy and then create replacement"),
            (
                Action::Retain,
                "retain (left in the cloud, no longer managed; manual cleanup required)",
            ),
        ];
        for (action, words) in entries {
            if occurs(action) {
                lines.push(format!("{} {words}", self.action_symbol(action)));
            }
        }
        lines
    }

    fn comment(&self, text: &str) -> String {
        self.paint.apply(Style::Cyan, &format!("  # {text}"))
    }

    /// A change's block, its lines joined by `\n` (no newline after the last): a fleet's
    /// plan has hundreds of thousands of blocks, and a string per line cost more than
    /// planning them.
    fn block(&self, sources: &SourceMap, c: &Change) -> String {
        let what = match c.action {
            Action::Create => "will be created",
            Action::Update => "will be updated in-place",
            Action::Replace => "must be replaced",
            Action::Delete => "will be destroyed",
            Action::Retain => {
                "will be retained (the controller leaves it behind; manual cleanup required)"
            }
            Action::NoOp => "has manifest changes the controller will not apply",
        };
        let mut out = self.comment(&format!("{} {what}", c.address));
        // Terraform's "(because …)": every removal says what caused it, not only the
        // destructive ones, so that a reader can check the plan against their edit.
        if c.destructive || matches!(c.action, Action::Delete | Action::Replace | Action::Retain) {
            let mut reasons = c.reasons.iter();
            if let Some(first) = reasons.next() {
                push_line(&mut out, &self.comment(&format!("(because {first})")));
            }
            // A retain's further reasons say why it is left behind and what to do.
            if c.action == Action::Retain {
                for r in reasons {
                    push_line(&mut out, &self.comment(r));
                }
            }
        }
        if let Some(span) = c.provenance.first() {
            let (file, line, col) = sources.location(*span);
            push_line(
                &mut out,
                &self.comment(&format!("from {file}:{line}:{col}")),
            );
        }
        for l in self.traffic_share(c) {
            push_line(&mut out, &l);
        }
        out.push('\n');
        out.push_str(&self.action_symbol(c.action));
        out.push_str(" resource ");
        quote_into(&mut out, c.kind.as_str());
        out.push(' ');
        quote_into(&mut out, c.name.as_deref().unwrap_or(&c.address));
        let (entries, hidden) = self.attributes(c);
        if entries.is_empty() && hidden == 0 {
            out.push_str(" {}");
            return out;
        }
        out.push_str(" {");
        self.emit_keyed(entries, 6, hidden, "attribute", &mut out);
        out.push_str("\n    }");
        out
    }

    /// A forwarding rule's traffic share per cluster (ACK One, SPEC §6): the weights of its
    /// forward action say which server group gets what, its notes say which cluster that is.
    fn traffic_share(&self, c: &Change) -> Vec<String> {
        if c.kind != crate::model::Kind::ForwardingRule || c.after.is_none() {
            return Vec::new();
        }
        c.notes
            .iter()
            .filter(|n| n.starts_with("traffic share:"))
            .map(|n| self.comment(n))
            .collect()
    }

    /// The attribute lines of a block and the number of unchanged ones hidden.
    fn attributes<'c>(&self, c: &'c Change) -> (Vec<Entry<'c>>, usize) {
        static EMPTY: crate::model::OrderedMap<Value> = crate::model::OrderedMap::new();
        let before = c.before.as_ref().unwrap_or(&EMPTY);
        let after = c.after.as_ref().unwrap_or(&EMPTY);
        let entry = |sym: char, key: &'c str, body: String| Entry {
            sym,
            key: key_text(key),
            body,
            comment: None,
        };
        match c.action {
            Action::Create => {
                let entries = after
                    .iter()
                    .map(|(k, v)| entry('+', k, self.value(v, '+', 6)))
                    .collect();
                (entries, 0)
            }
            Action::Delete => {
                let entries = before
                    .iter()
                    .map(|(k, v)| entry('-', k, to_null(self.value(v, '-', 6))))
                    .collect();
                (entries, 0)
            }
            // Nothing changes in the cloud: the values are shown plainly, for cleanup.
            Action::Retain => {
                let entries = before
                    .iter()
                    .map(|(k, v)| entry(' ', k, self.value(v, ' ', 6)))
                    .collect();
                (entries, 0)
            }
            Action::Update | Action::Replace | Action::NoOp => {
                let mut entries = Vec::new();
                let mut hidden = 0;
                let keys = after
                    .keys()
                    .chain(before.keys().filter(|k| !after.contains_key(*k)));
                for k in keys {
                    let mut e = match (before.get(k), after.get(k)) {
                        (Some(b), Some(a)) if b == a => {
                            let kept = c.not_applied.iter().any(|n| n == k);
                            if !kept && !IDENTIFYING.contains(&k.as_ref()) {
                                hidden += 1;
                                continue;
                            }
                            let mut e = entry(' ', k, self.value(a, ' ', 6));
                            if kept {
                                e.comment =
                                    Some((Style::Yellow, "# (not applied by the controller)"));
                            }
                            e
                        }
                        (Some(b), Some(a)) => entry('~', k, self.diff(b, a, 6)),
                        (None, Some(a)) => entry('+', k, self.value(a, '+', 6)),
                        (Some(b), None) => entry('-', k, to_null(self.value(b, '-', 6))),
                        (None, None) => continue,
                    };
                    if c.replace_paths.iter().any(|p| p == k) {
                        e.comment = Some((Style::Red, "# forces replacement"));
                    }
                    entries.push(e);
                }
                (entries, hidden)
            }
        }
    }

    /// Keyed lines with `=` aligned over the lines shown, as `terraform fmt` aligns, then
    /// the hidden count, each line after a `\n`. `indent` is the column of the symbols.
    fn emit_keyed(
        &self,
        entries: Vec<Entry>,
        indent: usize,
        hidden: usize,
        noun: &str,
        out: &mut String,
    ) {
        let width = entries
            .iter()
            .map(|e| e.key.chars().count())
            .max()
            .unwrap_or(0);
        for e in entries {
            let (first, rest) = match e.body.split_once('\n') {
                Some((first, rest)) => (first, Some(rest)),
                None => (e.body.as_str(), None),
            };
            self.key_line(out, e.sym, &e.key, width, indent);
            out.push_str(first);
            if let Some((style, text)) = e.comment {
                out.push(' ');
                out.push_str(&self.paint.apply(style, text));
            }
            if let Some(rest) = rest {
                out.push('\n');
                out.push_str(rest);
            }
        }
        if hidden > 0 {
            push_line(
                out,
                &format!(
                    "{}# ({hidden} unchanged {noun}{} hidden)",
                    pad(indent + 2),
                    if hidden == 1 { "" } else { "s" }
                ),
            );
        }
    }

    /// A new line up to its value: `<indent><sym> <key><padding to width> = `.
    fn key_line(&self, out: &mut String, sym: char, key: &str, width: usize, indent: usize) {
        out.push('\n');
        out.push_str(&pad(indent));
        out.push_str(&self.sym(sym));
        out.push(' ');
        out.push_str(key);
        out.push_str(&pad(width.saturating_sub(key.chars().count())));
        out.push_str(" = ");
    }

    /// A whole value whose every part has the symbol `sym` (created, destroyed or kept).
    /// The first line continues the line of its key; nested lines are complete, children at
    /// `indent + 4`, the closing bracket at `indent + 2` (under the key).
    fn value(&self, v: &Value, sym: char, indent: usize) -> String {
        let mut out = String::new();
        self.write_value(&mut out, v, sym, indent);
        out
    }

    /// [`Renderer::value`] appended to `out`.
    fn write_value(&self, out: &mut String, v: &Value, sym: char, indent: usize) {
        match v {
            Value::List(items) if !items.is_empty() => {
                out.push('[');
                for item in items.iter() {
                    self.item_start(out, sym, indent + 4);
                    self.write_value(out, item, sym, indent + 4);
                    out.push(',');
                }
                out.push('\n');
                out.push_str(&pad(indent + 2));
                out.push(']');
            }
            Value::Map(m) if !m.is_empty() => {
                out.push('{');
                let keys: Vec<_> = m.keys().map(|k| key_text(k)).collect();
                let width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
                for (key, v) in keys.iter().zip(m.values()) {
                    self.key_line(out, sym, key, width, indent + 4);
                    self.write_value(out, v, sym, indent + 4);
                }
                out.push('\n');
                out.push_str(&pad(indent + 2));
                out.push('}');
            }
            other => write_scalar(out, other),
        }
    }

    /// A new list item line up to its value (`+ `).
    fn item_start(&self, out: &mut String, sym: char, indent: usize) {
        out.push('\n');
        out.push_str(&pad(indent));
        out.push_str(&self.sym(sym));
        out.push(' ');
    }

    /// One list item (`+ "a",`); the comma follows a nested item's closing bracket.
    fn emit_item(&self, sym: char, body: &str, indent: usize, out: &mut String) {
        self.item_start(out, sym, indent);
        out.push_str(body);
        out.push(',');
    }

    /// The change from `b` to `a` (which differ): maps element by element, lists by a
    /// longest common subsequence (unchanged parts hidden and counted, as Terraform does),
    /// anything else as `old -> new`.
    fn diff(&self, b: &Value, a: &Value, indent: usize) -> String {
        match (b, a) {
            (Value::Map(bm), Value::Map(am)) if !bm.is_empty() && !am.is_empty() => {
                let mut entries = Vec::new();
                let mut hidden = 0;
                let keys = am.keys().chain(bm.keys().filter(|k| !am.contains_key(*k)));
                for k in keys {
                    let (sym, body) = match (bm.get(k), am.get(k)) {
                        (Some(x), Some(y)) if x == y => {
                            hidden += 1;
                            continue;
                        }
                        (Some(x), Some(y)) => ('~', self.diff(x, y, indent + 4)),
                        (None, Some(y)) => ('+', self.value(y, '+', indent + 4)),
                        (Some(x), None) => ('-', to_null(self.value(x, '-', indent + 4))),
                        (None, None) => continue,
                    };
                    entries.push(Entry {
                        sym,
                        key: key_text(k),
                        body,
                        comment: None,
                    });
                }
                let mut out = String::from("{");
                self.emit_keyed(entries, indent + 4, hidden, "element", &mut out);
                push_line(&mut out, &format!("{}}}", pad(indent + 2)));
                out
            }
            (Value::List(bl), Value::List(al)) if !bl.is_empty() && !al.is_empty() => {
                let mut out = String::from("[");
                let mut hidden = 0;
                for op in lcs(bl, al) {
                    match op {
                        ListOp::Keep => hidden += 1,
                        ListOp::Remove(v) => {
                            let body = self.value(v, '-', indent + 4);
                            self.emit_item('-', &body, indent + 4, &mut out);
                        }
                        ListOp::Add(v) => {
                            let body = self.value(v, '+', indent + 4);
                            self.emit_item('+', &body, indent + 4, &mut out);
                        }
                    }
                }
                if hidden > 0 {
                    push_line(
                        &mut out,
                        &format!(
                            "{}# ({hidden} unchanged element{} hidden)",
                            pad(indent + 6),
                            if hidden == 1 { "" } else { "s" }
                        ),
                    );
                }
                push_line(&mut out, &format!("{}]", pad(indent + 2)));
                out
            }
            (Value::String(x), Value::String(y)) if x.contains('\n') || y.contains('\n') => {
                self.text_diff(x, y, indent)
            }
            _ => {
                let mut out = self.value(b, '-', indent);
                out.push_str(" -> ");
                self.write_value(&mut out, a, '+', indent);
                out
            }
        }
    }

    /// A multi-line string changed: Terraform's heredoc with a line diff (by `similar`),
    /// so that one edited line of a long value does not show as two whole blobs.
    fn text_diff(&self, old: &str, new: &str, indent: usize) -> String {
        let mut out = String::from("<<-EOT");
        let diff = similar::TextDiff::from_lines(old, new);
        for change in diff.iter_all_changes() {
            let sym = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            let text = change.value().trim_end_matches('\n');
            push_line(
                &mut out,
                &format!("{}{} {text}", pad(indent + 2), self.sym(sym)),
            );
        }
        push_line(&mut out, &format!("{}EOT", pad(indent + 4)));
        out
    }

    /// `Warning: <address> (<name>) will be destroyed`, then the cause (every reason of the
    /// change: providers put the manifest change and their way out there), where it comes
    /// from, and a generic help line.
    fn warning(
        &self,
        sources: &SourceMap,
        c: &Change,
        site: Option<&CauseSite>,
        width: usize,
    ) -> Vec<String> {
        let name = c
            .name
            .as_ref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let what = match c.action {
            Action::Replace => "will be destroyed and created again",
            _ => "will be destroyed",
        };
        let mut lines = vec![
            format!(
                "{} {}{name} {what}",
                self.paint.apply(Style::BoldYellow, "Warning:"),
                self.paint.apply(Style::Bold, &c.address)
            ),
            String::new(),
        ];
        let mut reasons = c.reasons.iter();
        if let Some(first) = reasons.next() {
            lines.extend(wrap("Cause: ", first, width));
            for r in reasons {
                lines.extend(wrap("       ", r, width));
            }
        }
        if let Some(span) = c.provenance.first() {
            let (file, line, col) = sources.location(*span);
            lines.extend(wrap("From:  ", &format!("{file}:{line}:{col}"), width));
        }
        if let Some(site) = site {
            let (file, line, col) = sources.location(site.span);
            lines.extend(wrap(
                "Line:  ",
                &format!("{file}:{line}:{col} ({})", site.label),
                width,
            ));
            lines.push(format!(
                "{}{line} | {}",
                pad(9),
                source_line(sources, site.span).trim_end()
            ));
        }
        let help = warning_help(c, site);
        lines.extend(wrap("Help:  ", &help, width));
        lines
    }
}

/// The help line of a destructive change: the provider's way to keep the object when it
/// knows one, else what a replacement or a deletion asks of the reader.
pub fn warning_help(c: &Change, site: Option<&CauseSite>) -> String {
    if let Some(keep) = site.and_then(|s| s.keep.clone()) {
        keep
    } else if c.action == Action::Replace && !c.replace_paths.is_empty() {
        let paths: Vec<String> = c.replace_paths.iter().map(|p| format!("`{p}`")).collect();
        format!(
            "to keep the existing object, leave {} at the prior value; a replacement is a \
             new object with a new id",
            paths.join(", ")
        )
    } else {
        "to keep it, revert the manifest change above before the controller reconciles; a \
         deleted object cannot be restored, and one created again gets a new id"
            .to_string()
    }
}

/// The whole line a span starts on, for an excerpt under a warning.
pub fn source_line(sources: &SourceMap, span: crate::source::Span) -> String {
    sources
        .get(span.file)
        .line_text(span.start as usize)
        .into_owned()
}

/// One change as its plan block (no colour), for renderers that show changes one by one
/// (the Markdown PR comment's collapsible details).
pub fn change_block(sources: &SourceMap, c: &Change) -> String {
    let r = Renderer::new(PlanTextOptions::default());
    let mut block = r.block(sources, c);
    block.push('\n');
    block
}

/// Appends Terraform's `-> null` to the last line of a removed value.
fn to_null(mut body: String) -> String {
    body.push_str(" -> null");
    body
}

/// Appends `line` as a new line (after a `\n`) of a block or value text.
fn push_line(out: &mut String, line: &str) {
    out.push('\n');
    out.push_str(line);
}

/// A scalar as Terraform prints it; collections reaching here are empty.
fn write_scalar(out: &mut String, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::Unknown => out.push_str("(known after apply)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => quote_into(out, s),
        Value::List(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
    }
}

/// A double-quoted string with HCL's escapes, so that control characters in a manifest
/// cannot break the layout of the plan.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s);
    out
}

/// [`quote`] appended to `out`.
fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A key bare when it is an identifier, quoted otherwise (`"service.beta/x"`).
fn key_text(k: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = k.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident { k.into() } else { quote(k).into() }
}

enum ListOp<'a> {
    Keep,
    Remove(&'a Value),
    Add(&'a Value),
}

/// The edit script from `b` to `a` through a longest common subsequence; removals before
/// additions at each point, so a changed element reads as `- old` then `+ new`. Lists of
/// load-balancer attributes are short, so the quadratic table is fine.
fn lcs<'a>(b: &'a [Value], a: &'a [Value]) -> Vec<ListOp<'a>> {
    let (n, m) = (b.len(), a.len());
    let mut t = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if b[i] == a[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && b[i] == a[j] {
            ops.push(ListOp::Keep);
            i += 1;
            j += 1;
        } else if i < n && (j == m || t[i + 1][j] >= t[i][j + 1]) {
            ops.push(ListOp::Remove(&b[i]));
            i += 1;
        } else {
            ops.push(ListOp::Add(&a[j]));
            j += 1;
        }
    }
    ops
}

/// Greedy word wrap with a two-space margin and `label` as a hanging indent. Words are never
/// broken: an address longer than the line stays whole and copyable.
fn wrap(label: &str, text: &str, width: usize) -> Vec<String> {
    let indent = 2 + label.chars().count();
    let room = width.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("  {label}{l}")
            } else {
                format!("{}{l}", pad(indent))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
