//! The command line. Parses arguments, calls `compile` and `render`, maps results to exit
//! codes: 0 clean, 1 errors found, 2 usage or I/O failure (`plan --detailed-exitcode`: 2
//! also means "the plan changes something", as Terraform's).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::compile;
use crate::diag::Severity;
use crate::diag::codes;
use crate::plan::{self, Change, JsonPlanWriter, PlanEnd, PlanSink, PlanStart};
use crate::render::{diagnostics, graph, markdown, plan_text, sarif};
use crate::source::load::DEFAULT_MAX_FILE_SIZE;
use crate::source::{LoadOptions, SourceMap};

/// Exit status: no errors.
pub const EXIT_OK: i32 = 0;
/// Exit status: errors found in the inputs.
pub const EXIT_ERRORS: i32 = 1;
/// Exit status: usage error or unreadable input.
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "lbplan",
    version,
    about = "Plan what cloud load balancers your Kubernetes manifests will create, before you merge"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests and report every problem, with a code, a location and a fix.
    Validate(ValidateArgs),
    /// Plan the cloud resources the manifests make the controllers create, change or delete.
    Plan(PlanArgs),
    /// Draw the resource graph the manifests compile to (dependencies first).
    Graph(GraphArgs),
    /// Write the desired resources as Terraform configuration (HCL or JSON syntax).
    Render(RenderArgs),
    /// Apply a saved plan (`plan --out FILE`) to the state, with the sandbox cloud.
    Apply(ApplyArgs),
    /// Inspect the state the executor wrote.
    #[command(subcommand)]
    State(StateCommand),
    /// Plan the change from BASE to HEAD (folders or git revisions): what merging does.
    Diff(DiffArgs),
    /// List the annotations lbplan knows (every provider), or describe the matching ones.
    Annotations {
        /// Show only keys containing this text (e.g. `elb.`, `zone-maps`, `listen-ports`).
        filter: Option<String>,
    },
    /// Print the long explanation of a diagnostic code (or list all codes).
    Explain {
        /// A code such as LBP1005; omit to list every code.
        code: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files or folders (searched recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// A ClusterProfile file (SPEC §1), read as one more input.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<String>,
    /// Refuse any single input larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// Files or folders (searched recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// The state the executor wrote after its last apply; a missing file means empty.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Output format: Terraform-style text, or the plan contract of SPEC §7.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also write the plan JSON (SPEC §7) to this file, for the executor.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when nothing changes, 2 when something does, 1 on errors (Terraform's
    /// `-detailed-exitcode`).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// A ClusterProfile file (SPEC §1), read as one more input.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<String>,
    /// Refuse any single input larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// The plan file written by `lbplan plan --out FILE`.
    pub plan: PathBuf,
    /// The state file (created by the first apply).
    #[arg(long, value_name = "FILE", default_value = "lbplan.state.json")]
    pub state: PathBuf,
    /// How many independent actions of one wave run at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub parallelism: u16,
    /// Allow the plan to delete or replace load balancers, EIPs, listeners and server groups.
    #[arg(long)]
    pub allow_destroy: bool,
    /// Testing aid: inject a sandbox fault (`transient=ADDRESS:N`, `permanent=ADDRESS`,
    /// `*` for every address; `crash=K[:before|after-backend|after-write]` aborts the process
    /// at the K-th action).
    #[arg(long, value_name = "SPEC", hide = true)]
    pub sandbox_fault: Vec<String>,
    /// Testing aid: the first wait before a retry, in milliseconds (doubles each retry).
    #[arg(long, value_name = "MS", default_value_t = 200, hide = true)]
    pub retry_base_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List the addresses of the resources in the state.
    List {
        #[arg(long, value_name = "FILE", default_value = "lbplan.state.json")]
        state: PathBuf,
    },
    /// Show one resource of the state: its values, ids and addresses.
    Show {
        /// The resource address (as `state list` prints it).
        address: String,
        #[arg(long, value_name = "FILE", default_value = "lbplan.state.json")]
        state: PathBuf,
    },
}

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum PlanFormat {
    /// Terraform-style text: symbols, reasons, `Warning:` blocks, the summary line.
    Text,
    /// The plan contract of SPEC §7.
    Json,
}

/// Output formats of `graph`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files or folders (searched recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// A ClusterProfile file (SPEC §1), read as one more input.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<String>,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RenderFormat {
    /// Terraform HCL (`.tf`).
    Terraform,
    /// Terraform JSON syntax (`.tf.json`).
    TfJson,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Files or folders (searched recursively for *.yaml, *.yml, *.json); `-` reads stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Terraform)]
    pub format: RenderFormat,
    /// Write `main.tf` (requirements, providers, variables) and one file per Terraform
    /// provider (`alicloud.tf`, `huaweicloud.tf`) into this folder instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A ClusterProfile file (SPEC §1), read as one more input.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<String>,
}

/// Exit status of `plan --detailed-exitcode` when the plan changes something.
pub const EXIT_CHANGES: i32 = 2;

/// Exit status of `diff --fail-on …` when the plan contains such an action.
pub const EXIT_FAIL_ON: i32 = 3;

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The base: a folder or file, else a git revision (`origin/main`, a commit id).
    pub base: String,
    /// The head: a folder or file, else a git revision (`HEAD`).
    pub head: String,
    /// Limit both sides to these paths (git pathspecs relative to the current folder, or
    /// paths inside BASE and HEAD when they are folders).
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// A Handlebars template for `--format markdown` instead of the shipped one (strict
    /// mode: a field the data lacks is an error).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Exit 0 when nothing changes, 2 when something does, 1 on errors.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Exit 3 when the plan destroys something, replaces something, or has any warning
    /// (repeat or comma-separate to combine).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,
    /// A ClusterProfile file (SPEC §1), read into both sides.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<String>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Refuse any single input larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// Terraform-style text with a `Warning:` block per destruction.
    Text,
    /// A pull-request comment (Handlebars template).
    Markdown,
    /// The plan contract of SPEC §7.
    Json,
    /// SARIF 2.1.0: diagnostics and destructive changes, located on HEAD's files.
    Sarif,
}

/// What makes `diff --fail-on` exit 3.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Anything is destroyed (a delete, or the delete half of a replacement).
    Destroy,
    /// Anything is replaced.
    Replace,
    /// Any warning: a destructive change, or a warning diagnostic.
    Warning,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Runs the program with the process arguments; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let stdout = std::io::stdout().lock();
    match run_to(
        cli.command,
        &mut std::io::BufWriter::with_capacity(1 << 16, stdout),
    ) {
        Ok(code) => code,
        Err(_) => EXIT_USAGE,
    }
}

/// Runs one command and returns its output and exit status (used by tests).
pub fn run(command: Command) -> (String, i32) {
    let mut out = Vec::new();
    let code = run_to(command, &mut out).unwrap_or(EXIT_USAGE);
    (String::from_utf8_lossy(&out).into_owned(), code)
}

/// Runs one command, writing its output to `out` as it is produced (a large fleet's plan
/// is hundreds of megabytes: it is streamed, never held whole in memory).
pub fn run_to(command: Command, out: &mut dyn Write) -> std::io::Result<i32> {
    let (text, code) = match command {
        Command::Plan(args) => return plan(args, out),
        Command::Validate(args) => validate(args),
        Command::Graph(args) => graph(args),
        Command::Render(args) => render_terraform(args),
        Command::Apply(args) => apply(args),
        Command::State(cmd) => state(cmd),
        Command::Diff(args) => diff(args),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Annotations { filter } => annotations(filter.as_deref()),
    };
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(code)
}

fn use_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn validate(args: ValidateArgs) -> (String, i32) {
    let opts = LoadOptions {
        max_file_size: args.max_file_size,
    };
    let mut inputs = args.inputs;
    inputs.extend(args.profile);
    let result = compile::validate(&inputs, &opts);
    let text = match args.format {
        Format::Human => diagnostics::human(
            &result.sources,
            &result.diagnostics,
            diagnostics::HumanOptions {
                color: use_color(args.color),
                ..Default::default()
            },
        ),
        Format::Json => diagnostics::json(&result.sources, &result.diagnostics),
        Format::Sarif => sarif::sarif(&result.sources, &result.diagnostics),
    };
    let code = if result.io_failed {
        EXIT_USAGE
    } else if result.diagnostics.has_errors() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };
    (text, code)
}

fn plan(args: PlanArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let opts = LoadOptions {
        max_file_size: args.max_file_size,
    };
    let mut inputs = args.inputs;
    inputs.extend(args.profile);
    // The file is always the contract: it is what the executor reads.
    let file = match args.out.as_deref().map(std::fs::File::create).transpose() {
        Ok(f) => f.map(JsonPlanWriter::new),
        Err(e) => {
            let path = args
                .out
                .as_deref()
                .unwrap_or(std::path::Path::new(""))
                .display();
            out.write_all(format!("error: cannot write the plan to {path}: {e}\n").as_bytes())?;
            return Ok(EXIT_USAGE);
        }
    };
    let color = use_color(args.color);
    let mut json;
    let mut text;
    let shown: &mut dyn PlanSink = match args.format {
        PlanFormat::Json => {
            json = JsonPlanWriter::new(&mut *out);
            &mut json
        }
        PlanFormat::Text => {
            let opts = plan_text::PlanTextOptions {
                color,
                width: diagnostics::HumanOptions::default().width,
            };
            text = plan_text::TextPlanWriter::new(&mut *out, opts);
            &mut text
        }
    };
    let state = args.state.as_deref();
    let run = match file {
        Some(file) => {
            let mut both = WithPlanFile { file, shown };
            compile::plan_into(&inputs, &opts, state, &mut both)?
        }
        None => compile::plan_into(&inputs, &opts, state, shown)?,
    };
    let code = if run.io_failed {
        EXIT_USAGE
    } else if run.diagnostics.has_errors() || !run.planned {
        EXIT_ERRORS
    } else if args.detailed_exitcode && run.has_changes {
        EXIT_CHANGES
    } else {
        EXIT_OK
    };
    Ok(code)
}

/// Writes the plan file next to the plan shown on stdout, from the same stream.
struct WithPlanFile<'a> {
    file: JsonPlanWriter<std::fs::File>,
    shown: &'a mut dyn PlanSink,
}

impl PlanSink for WithPlanFile<'_> {
    fn begin(&mut self, sources: &SourceMap, start: &PlanStart<'_>) -> std::io::Result<()> {
        self.file.begin(sources, start)?;
        self.shown.begin(sources, start)
    }
    fn change(&mut self, sources: &SourceMap, change: Change) -> std::io::Result<()> {
        self.file.write_change(sources, &change)?;
        self.shown.change(sources, change)
    }
    fn end(&mut self, sources: &SourceMap, end: &PlanEnd<'_>) -> std::io::Result<()> {
        self.file.end(sources, end)?;
        self.shown.end(sources, end)
    }
}

/// The Terraform-style text of a plan, or, without a plan, the diagnostics that say why.
fn text_or_diagnostics(
    sources: &crate::source::SourceMap,
    plan: Option<&crate::plan::Plan>,
    diags: &crate::diag::Diagnostics,
    color: bool,
    render: impl FnOnce(&crate::plan::Plan, plan_text::PlanTextOptions) -> String,
) -> String {
    let human = diagnostics::HumanOptions {
        color,
        ..Default::default()
    };
    match plan {
        Some(plan) => render(
            plan,
            plan_text::PlanTextOptions {
                color,
                width: human.width,
            },
        ),
        None => diagnostics::human(sources, diags, human),
    }
}

fn diff(args: DiffArgs) -> (String, i32) {
    let dir = PathBuf::from(".");
    let request = compile::DiffRequest {
        base: compile::Side::classify(&args.base, &args.paths, &dir),
        head: compile::Side::classify(&args.head, &args.paths, &dir),
        profile: args.profile.clone(),
        dir,
        load: LoadOptions {
            max_file_size: args.max_file_size,
        },
    };
    let template = match args.template.as_ref().map(std::fs::read_to_string) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            let path = args.template.as_ref().map(|p| p.display().to_string());
            return (
                format!(
                    "error: cannot read the template {}: {e}\n",
                    path.unwrap_or_default()
                ),
                EXIT_USAGE,
            );
        }
    };
    let run = compile::diff(&request);
    let text = match args.format {
        DiffFormat::Text => diff_text(&run, use_color(args.color)),
        DiffFormat::Json => run.document().to_json(),
        DiffFormat::Sarif => {
            let prefix = match &request.base {
                compile::Side::Git { rev, .. } => Some(format!("{rev}:")),
                compile::Side::Paths(_) => None,
            };
            sarif::sarif_with_plan(
                &run.sources,
                &run.diagnostics,
                run.plan.as_ref(),
                &run.sites,
                prefix.as_deref(),
            )
        }
        DiffFormat::Markdown => {
            let view = markdown::DiffView {
                sources: &run.sources,
                plan: run.plan.as_ref(),
                diagnostics: &run.diagnostics,
                sites: &run.sites,
                base: &run.base_label,
                head: &run.head_label,
                base_errors: run.base_errors,
            };
            match markdown::render(&view, template.as_deref()) {
                Ok(t) => t,
                Err(e) => {
                    return (
                        format!("error: in the Markdown template: {e}\n"),
                        EXIT_USAGE,
                    );
                }
            }
        }
    };
    (text, diff_exit_code(&run, &args))
}

/// Terraform's `-detailed-exitcode` plus the merge gates of `--fail-on`: usage or I/O
/// failure 2, errors 1, a gate 3, changes 2 (only with `--detailed-exitcode`), else 0.
fn diff_exit_code(run: &compile::DiffRun, args: &DiffArgs) -> i32 {
    if run.io_failed {
        return EXIT_USAGE;
    }
    let Some(plan) = run.plan.as_ref() else {
        return EXIT_ERRORS;
    };
    if run.diagnostics.has_errors() {
        return EXIT_ERRORS;
    }
    let gate = |f: &FailOn| match f {
        FailOn::Destroy => plan.summary.destroy > 0,
        FailOn::Replace => plan
            .changes
            .iter()
            .any(|c| c.action == plan::Action::Replace),
        FailOn::Warning => {
            plan.changes.iter().any(|c| c.destructive)
                || !plan.warnings.is_empty()
                || run.diagnostics.count(Severity::Warning) > 0
        }
    };
    if args.fail_on.iter().any(gate) {
        EXIT_FAIL_ON
    } else if args.detailed_exitcode && plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
}

fn diff_text(run: &compile::DiffRun, color: bool) -> String {
    text_or_diagnostics(
        &run.sources,
        run.plan.as_ref(),
        &run.diagnostics,
        color,
        |plan, opts| {
            plan_text::render_with_sites(&run.sources, plan, &run.diagnostics, opts, &run.sites)
        },
    )
}

fn graph(args: GraphArgs) -> (String, i32) {
    let mut inputs = args.inputs;
    inputs.extend(args.profile);
    let run = compile::graph(&inputs, &LoadOptions::default());
    if run.io_failed || run.diagnostics.has_errors() {
        let text = diagnostics::human(&run.sources, &run.diagnostics, Default::default());
        return (
            text,
            if run.io_failed {
                EXIT_USAGE
            } else {
                EXIT_ERRORS
            },
        );
    }
    let text = match args.format {
        GraphFormat::Dot => graph::dot(&run.model),
        GraphFormat::Mermaid => graph::mermaid(&run.model),
    };
    (text, EXIT_OK)
}

/// `render`: the configuration on stdout (or in `--out`), its warnings on stderr so that
/// stdout stays a valid file.
fn render_terraform(args: RenderArgs) -> (String, i32) {
    use crate::render::terraform;
    let mut inputs = args.inputs;
    inputs.extend(args.profile);
    let run = compile::graph(&inputs, &LoadOptions::default());
    if run.io_failed || run.diagnostics.has_errors() {
        let text = diagnostics::human(&run.sources, &run.diagnostics, Default::default());
        let code = if run.io_failed {
            EXIT_USAGE
        } else {
            EXIT_ERRORS
        };
        return (text, code);
    }
    let syntax = match args.format {
        RenderFormat::Terraform => terraform::Syntax::Hcl,
        RenderFormat::TfJson => terraform::Syntax::Json,
    };
    let rendered = terraform::render(&run.model, syntax);
    if !rendered.diagnostics.is_empty() {
        eprint!(
            "{}",
            diagnostics::human(&run.sources, &rendered.diagnostics, Default::default())
        );
    }
    let Some(dir) = args.out else {
        return (rendered.single, EXIT_OK);
    };
    match write_files(&dir, &rendered.files) {
        Ok(written) => (written, EXIT_OK),
        Err(e) => (
            format!("error: cannot write into {}: {e}\n", dir.display()),
            EXIT_USAGE,
        ),
    }
}

/// Writes each file into `dir` (created if missing); returns the list of what was written.
fn write_files(dir: &std::path::Path, files: &[(String, String)]) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let mut listing = String::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        listing.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(listing)
}

fn apply(args: ApplyArgs) -> (String, i32) {
    use crate::apply::{self, progress};
    let (faults, crash) = match parse_faults(&args.sandbox_fault) {
        Ok(f) => f,
        Err(e) => return (format!("error: {e}\n"), EXIT_USAGE),
    };
    let opts = apply::ApplyOptions {
        parallelism: usize::from(args.parallelism),
        allow_destroy: args.allow_destroy,
        retry: apply::Retry {
            base: std::time::Duration::from_millis(args.retry_base_ms),
            ..Default::default()
        },
        crash,
    };
    // Progress goes to stderr (a bar on a terminal), the result to stdout.
    let stderr = std::io::stderr();
    let bar;
    let lines;
    let sink: &dyn progress::Progress = if stderr.is_terminal() {
        bar = progress::Bar::new(stderr);
        &bar
    } else {
        lines = progress::Lines(std::sync::Mutex::new(stderr));
        &lines
    };
    let outcome = apply::apply_file(&args.plan, &args.state, faults, &opts, sink);
    let mut text = diagnostics::human(
        &crate::source::SourceMap::new(),
        &outcome.diagnostics,
        Default::default(),
    );
    if outcome.diagnostics.is_empty() {
        text.clear();
    }
    let failed = outcome.diagnostics.has_errors();
    let a = outcome.applied;
    let counts = format!(
        "{} added, {} changed, {} destroyed{}",
        a.added,
        a.changed,
        a.destroyed,
        if a.retained > 0 {
            format!(", {} retained", a.retained)
        } else {
            String::new()
        }
    );
    if failed {
        if outcome.state.is_some() {
            text.push_str(&format!("Apply failed. Resources: {counts}.\n"));
        }
    } else if outcome.planned == 0 && !outcome.resumed {
        text.push_str("No changes. The state already matches the plan.\n");
    } else {
        text.push_str(&format!("Apply complete! Resources: {counts}.\n"));
    }
    if let Some(s) = &outcome.state
        && outcome.planned > 0
    {
        text.push_str(&format!(
            "State: {} (serial {})\n",
            args.state.display(),
            s.serial
        ));
    }
    let code = if outcome.io_failed {
        EXIT_USAGE
    } else if failed {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };
    (text, code)
}

/// Parses the hidden `--sandbox-fault` specs.
fn parse_faults(
    specs: &[String],
) -> Result<(crate::apply::Faults, Option<crate::apply::CrashAt>), String> {
    use crate::apply::{CrashAt, CrashPoint, Faults};
    let mut faults = Faults::default();
    let mut crash = None;
    for spec in specs {
        let bad = || format!("invalid --sandbox-fault `{spec}`");
        let (kind, arg) = spec.split_once('=').ok_or_else(bad)?;
        match kind {
            "transient" => {
                let (address, n) = arg.rsplit_once(':').ok_or_else(bad)?;
                faults
                    .transient
                    .insert(address.to_string(), n.parse().map_err(|_| bad())?);
            }
            "permanent" => {
                faults.permanent.insert(arg.to_string());
            }
            "crash" => {
                let (k, point) = arg.split_once(':').unwrap_or((arg, "after-backend"));
                let point = match point {
                    "before" => CrashPoint::BeforeBackend,
                    "after-backend" => CrashPoint::AfterBackend,
                    "after-write" => CrashPoint::AfterStateWrite,
                    _ => return Err(bad()),
                };
                crash = Some(CrashAt {
                    action: k.parse().map_err(|_| bad())?,
                    point,
                    abort: true,
                });
            }
            _ => return Err(bad()),
        }
    }
    Ok((faults, crash))
}

fn state(cmd: StateCommand) -> (String, i32) {
    let (path, address) = match &cmd {
        StateCommand::List { state } => (state, None),
        StateCommand::Show { address, state } => (state, Some(address.as_str())),
    };
    let state = match crate::plan::State::load(path) {
        Ok(s) => s,
        Err(e) => return (format!("error: {e}\n"), EXIT_USAGE),
    };
    match address {
        None => {
            let text: String = state
                .resources
                .iter()
                .map(|r| format!("{}\n", r.address))
                .collect();
            (text, EXIT_OK)
        }
        Some(address) => match state.resource(address) {
            Some(r) => (crate::render::state::show(r), EXIT_OK),
            None => {
                let hint = state
                    .resources
                    .iter()
                    .map(|r| (strsim::jaro_winkler(&r.address, address), &r.address))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, a)| format!("; did you mean `{a}`?"))
                    .unwrap_or_default();
                (
                    format!(
                        "error: no resource `{address}` in the state {}{hint}\n",
                        path.display()
                    ),
                    EXIT_ERRORS,
                )
            }
        },
    }
}

fn explain(code: Option<&str>) -> (String, i32) {
    match code {
        None => {
            let mut s = String::new();
            for c in codes::all() {
                s.push_str(&format!("{}  {}\n", c.code, c.title));
            }
            (s, EXIT_OK)
        }
        Some(code) => match codes::lookup(code) {
            Some(c) => (
                format!("{}: {}\n\n{}\n", c.code, c.title, c.explanation),
                EXIT_OK,
            ),
            None => (
                format!(
                    "error: unknown diagnostic code `{code}`; run `lbplan explain` to list them\n"
                ),
                EXIT_USAGE,
            ),
        },
    }
}

fn annotations(filter: Option<&str>) -> (String, i32) {
    use crate::providers;
    use crate::render::catalogue::describe;
    // A full key (`…/conditions.svc1`, a legacy `alicloud-` spelling) resolves exactly.
    if let Some(spec) = filter.and_then(providers::lookup) {
        return (describe(spec), EXIT_OK);
    }
    let needle = filter.unwrap_or("").to_ascii_lowercase();
    let mut specs: Vec<_> = providers::catalogue()
        .filter(|s| s.key.display().to_ascii_lowercase().contains(&needle))
        .collect();
    specs.sort_by_key(|s| s.key.display());
    if specs.is_empty() {
        let hint = providers::suggest_key(filter.unwrap_or(""))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        return (
            format!("error: no annotation matches `{needle}`{hint}\n"),
            EXIT_USAGE,
        );
    }
    let text = specs
        .iter()
        .map(|s| describe(s))
        .collect::<Vec<_>>()
        .join("\n");
    (text, EXIT_OK)
}
