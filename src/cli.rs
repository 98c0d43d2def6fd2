//! Command-line arguments → settings → the pipeline → output and exit status (CLI.md).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check;
use crate::config::Config;
use crate::date::Date;
use crate::discover::{self, SourceTree, Worktree};
use crate::error::FileError;
use crate::finding::{FailOn, mark_new};
use crate::git::GitTree;
use crate::policy::PolicySet;
use crate::report::diff::DiffReport;
use crate::report::{self, RenderOptions, Report, ToolError, github, human};

#[derive(Debug, Parser)]
#[command(
    name = "wardline",
    version,
    about = "Compliance-as-code checker for connected medical device inventories"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse, resolve and judge an inventory; print findings
    Check(CheckArgs),
    /// List every policy: id, name, severity, pack, title, citation
    Policies(PoliciesArgs),
    /// Show a policy's documentation, citation, severity and expressions
    Explain(ExplainArgs),
    /// Compare two revisions: inventory changes and new and resolved findings
    Diff(DiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
}

impl Format {
    /// Formats read by programs: they carry tool errors on stdout too, so a CI step
    /// that uploads or parses the output sees why the run failed.
    fn is_machine(self) -> bool {
        !matches!(self, Format::Human | Format::Concise)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, clap::Args)]
struct Location {
    /// Inventory directory (the nearest `wardline.toml` at or above it marks the root)
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Use this configuration file instead of discovering `wardline.toml`
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// When to colour the output (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Refuse to read any file larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = discover::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    location: Location,
    /// Output format: miette diagnostics, one line per finding, one JSON document, SARIF
    /// 2.1.0, GitHub Actions annotations or JUnit XML
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Evaluation date (default: `as_of` in wardline.toml, else today in UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Policies to evaluate: ids, id prefixes or names (replaces `[check] select`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    select: Option<Vec<String>>,
    /// Policies to skip (replaces `[check] ignore`)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    ignore: Option<Vec<String>>,
    /// Lowest severity that fails the run: error, warning, info or never
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    fail_on: Option<FailOn>,
    /// Worker threads, 1 to 256 (default, or 0: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(0..=256))]
    threads: Option<u16>,
    /// Print findings only: no summary line
    #[arg(long, short)]
    quiet: bool,
    /// Print the wall time of each phase (read, parse, resolve, derive, evaluate,
    /// render) on stderr
    #[arg(long)]
    timings: bool,
    /// Check the inventory as committed at REV (a branch, tag, sha or `HEAD~1`) instead
    /// of the working tree, read straight from git
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// Report and fail only on findings that REV did not have (for pull requests:
    /// `--baseline origin/main`)
    #[arg(long, value_name = "REV")]
    baseline: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The older revision (a branch, tag, sha or `HEAD~1`)
    from: String,
    /// The newer revision; default: the working tree
    to: Option<String>,
    #[command(flatten)]
    location: Location,
    /// Output format: text, one JSON document, or Markdown for a pull-request comment
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Evaluation date for both sides (default: `as_of` in wardline.toml, else today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Lowest severity of a new finding that fails the run: error, warning, info or never
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    fail_on: Option<FailOn>,
    /// Markdown links point here: a blob URL of the newer revision, to which each
    /// file path is appended (`https://github.com/o/r/blob/SHA`)
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,
}

#[derive(Debug, clap::Args)]
struct PoliciesArgs {
    #[command(flatten)]
    location: Location,
    /// Output format: a table or a JSON array
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    format: ListFormat,
}

#[derive(Debug, clap::Args)]
struct ExplainArgs {
    /// A policy id (`HIPAA-105`) or name (`unpatchable-without-safeguard`)
    policy: String,
    #[command(flatten)]
    location: Location,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a calendar date YYYY-MM-DD"))
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| format!("`{text}` is not one of error, warning, info, never"))
}

/// Exit statuses of CLI.md §3.
const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Policies(args) => run_policies(&args),
        Command::Explain(args) => run_explain(&args),
        Command::Diff(args) => run_diff(&args),
    };
    ExitCode::from(result.unwrap_or_else(|(errors, color)| report_errors(&errors, color)))
}

type Failure = (Vec<FileError>, Color);

fn fail<T>(error: FileError, color: Color) -> Result<T, Failure> {
    Err((vec![error], color))
}

fn report_errors(errors: &[FileError], color: Color) -> u8 {
    let style = RenderOptions {
        quiet: false,
        color: use_color(color, &std::io::stderr()),
        width: terminal_width(),
    };
    let out: String = errors
        .iter()
        .map(|error| human::render_error(error, style))
        .collect();
    let _ = std::io::stderr().write_all(out.as_bytes());
    EXIT_ERROR
}

fn use_color(choice: Color, stream: &impl IsTerminal) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// What a command reads: the root on disk, the revision asked for (if any), and the
/// configuration and policy packs as that tree has them (a `--config` file is read
/// from disk).
struct Loaded {
    disk: Worktree,
    revision: Option<GitTree>,
    config: Config,
    policies: PolicySet,
}

impl Loaded {
    fn tree(&self) -> &dyn SourceTree {
        match &self.revision {
            Some(git) => git,
            None => &self.disk,
        }
    }

    /// The policies the configuration (or `select`/`ignore`) keeps.
    fn select(
        &self,
        select: Option<&[String]>,
        ignore: Option<&[String]>,
    ) -> Result<Vec<usize>, FileError> {
        let select = select.or(self.config.select.as_deref());
        let ignore = ignore.unwrap_or(&self.config.ignore);
        self.policies.select(select, ignore).map_err(|message| {
            FileError::plain(message).with_help("`wardline policies` lists every policy")
        })
    }

    /// Checks the `.ward` files of `tree` against this configuration.
    fn check(
        &self,
        tree: &dyn SourceTree,
        selected: &[usize],
        as_of: Date,
    ) -> Result<check::Outcome, FileError> {
        let reading = Instant::now();
        let files = discover::ward_files(tree, &self.config)?;
        let read = reading.elapsed();
        let mut outcome = check::check(files, &self.config.judge(&self.policies, selected, as_of));
        outcome.timings.read += read;
        Ok(outcome)
    }
}

/// The root, its configuration and every policy pack it uses (built-in + extra), read
/// from the working tree or from revision `rev`.
fn load(location: &Location, rev: Option<&str>) -> Result<Loaded, Failure> {
    let color = location.color;
    let disk =
        Worktree::open(&location.path, location.max_file_size).or_else(|e| fail(e, color))?;
    let revision = rev
        .map(|rev| GitTree::open(&disk, rev))
        .transpose()
        .or_else(|e| fail(e, color))?;
    let tree: &dyn SourceTree = match &revision {
        Some(git) => git,
        None => &disk,
    };
    let explicit = location.config.as_deref().map(|path| (&disk, path));
    let config = discover::load_config(tree, explicit).or_else(|e| fail(e, color))?;
    let extra = discover::extra_packs(tree, &config).or_else(|e| fail(e, color))?;
    let policies = config
        .load_policies(extra)
        .map_err(|errors| (errors, color))?;
    Ok(Loaded {
        disk,
        revision,
        config,
        policies,
    })
}

fn run_check(args: &CheckArgs) -> Result<u8, Failure> {
    let started = Instant::now();
    if let Some(threads) = args.threads {
        // rayon reads 0 as "one per core".
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global();
    }
    let (judged, errors) = match judge(args) {
        Ok(judged) => (Some(judged), Vec::new()),
        Err(failure) if args.format.is_machine() => {
            report_errors(&failure.0, failure.1);
            (None, failure.0)
        }
        Err(failure) => return Err(failure),
    };
    let unjudged = || check::Outcome::unjudged(args.as_of.unwrap_or_else(Date::today_utc));
    let (outcome, fail_on, revision, baseline) = match judged {
        Some(j) => (j.outcome, Some(j.fail_on), j.revision, j.baseline),
        None => (unjudged(), None, None, None),
    };
    let mut report = outcome.report(display_path(&args.location.path));
    report.revision = revision;
    report.baseline = baseline;
    report.errors = errors.iter().map(ToolError::from).collect();
    report.options = RenderOptions {
        quiet: args.quiet,
        color: use_color(args.location.color, &std::io::stdout()),
        width: terminal_width(),
    };
    let rendering = Instant::now();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = write_report(&report, args.format, &mut stdout).and_then(|()| stdout.flush());
    if args.timings {
        let timings = check::Timings {
            render: rendering.elapsed(),
            ..outcome.timings
        };
        eprint!("{}", timings.render(started.elapsed()));
    }
    let status = fail_on.map_or(EXIT_ERROR, |fail_on| outcome.exit_code(fail_on));
    let mut status = written_or_error(written, status);
    let summary_file = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
    if let (Format::Github, Some(path)) = (args.format, summary_file) {
        let path = PathBuf::from(path);
        if let Err(error) = append(&path, &github::step_summary(&report)) {
            eprintln!(
                "error: cannot write the step summary to `{}`: {error}",
                path.display()
            );
            status = EXIT_ERROR;
        }
    }
    // The process ends here: freeing a large inventory piece by piece costs more than
    // the whole check of a small one.
    std::mem::forget(outcome);
    Ok(status)
}

/// What `check` judged: the outcome, the level that fails the run, and the revisions
/// read (the one checked, the baseline).
struct Judged {
    outcome: check::Outcome,
    fail_on: FailOn,
    revision: Option<String>,
    baseline: Option<String>,
}

/// Loads, selects and checks, then compares with the baseline when one is asked for.
fn judge(args: &CheckArgs) -> Result<Judged, Failure> {
    let color = args.location.color;
    let loading = Instant::now();
    let loaded = load(&args.location, args.rev.as_deref())?;
    let loaded_in = loading.elapsed();
    let selected = loaded
        .select(args.select.as_deref(), args.ignore.as_deref())
        .or_else(|e| fail(e, color))?;
    let as_of = args
        .as_of
        .or(loaded.config.as_of)
        .unwrap_or_else(Date::today_utc);
    let mut outcome = loaded
        .check(loaded.tree(), &selected, as_of)
        .or_else(|e| fail(e, color))?;
    outcome.timings.read += loaded_in;
    let baseline = match &args.baseline {
        Some(rev) => {
            let base = GitTree::open(&loaded.disk, rev).or_else(|e| fail(e, color))?;
            // A baseline without inventory files had no findings: all are new.
            let had = match discover::selected_files(&base, &loaded.config) {
                Ok(files) if !files.is_empty() => {
                    let judge = loaded.config.judge(&loaded.policies, &selected, as_of);
                    check::check(files, &judge).findings
                }
                Ok(_) => Vec::new(),
                Err(e) => return fail(e, color),
            };
            mark_new(&mut outcome.findings, &had);
            Some(base.revision())
        }
        None => None,
    };
    Ok(Judged {
        outcome,
        fail_on: args.fail_on.unwrap_or(loaded.config.fail_on),
        revision: loaded.revision.as_ref().map(GitTree::revision),
        baseline,
    })
}

/// In `diff FROM X`, whether X is the inventory path rather than TO: no PATH follows, X
/// exists on disk, and the repository there has no revision of that name.
fn names_a_path_not_a_revision(word: &str, args: &DiffArgs) -> bool {
    let path = Path::new(word);
    args.location.path == Path::new(".")
        && path.exists()
        && git2::Repository::discover(path).is_ok_and(|repo| repo.revparse_single(word).is_err())
}

/// `wardline diff FROM [TO] [PATH]`: both sides judged with TO's configuration.
fn run_diff(args: &DiffArgs) -> Result<u8, Failure> {
    let color = args.location.color;
    let to = args
        .to
        .as_deref()
        .filter(|to| !names_a_path_not_a_revision(to, args));
    let location = match (args.to.as_deref(), to) {
        // `diff HEAD inventory/`: the second word was the path.
        (Some(path), None) => &Location {
            path: PathBuf::from(path),
            ..args.location.clone()
        },
        _ => &args.location,
    };
    let loaded = load(location, to)?;
    let selected = loaded.select(None, None).or_else(|e| fail(e, color))?;
    let as_of = args
        .as_of
        .or(loaded.config.as_of)
        .unwrap_or_else(Date::today_utc);
    let to = loaded
        .check(loaded.tree(), &selected, as_of)
        .or_else(|e| fail(e, color))?;
    let older = GitTree::open(&loaded.disk, &args.from).or_else(|e| fail(e, color))?;
    // The older side may predate the inventory, or hold files that no longer parse:
    // it is shown as it is, never a reason to stop.
    let files = discover::selected_files(&older, &loaded.config).or_else(|e| fail(e, color))?;
    let from = check::check(
        files,
        &loaded.config.judge(&loaded.policies, &selected, as_of),
    );
    let root = display_path(&location.path);
    let label = |git: Option<&GitTree>| git.map_or("worktree".to_owned(), GitTree::short_id);
    let diff = DiffReport {
        from: from.report(root.clone()),
        to: to.report(root),
        from_label: label(Some(&older)),
        to_label: label(loaded.revision.as_ref()),
        inventory: crate::diff::inventories(&from.inventory, &to.inventory),
        findings: crate::diff::findings(&from.findings, &to.findings),
        link_base: args.link_base.clone(),
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        DiffFormat::Json => report::diff::write_json(&diff, &mut stdout),
        DiffFormat::Human => stdout.write_all(report::diff::human(&diff).as_bytes()),
        DiffFormat::Markdown => stdout.write_all(report::diff::markdown(&diff).as_bytes()),
    };
    let fail_on = args.fail_on.unwrap_or(loaded.config.fail_on);
    let status = if to.policies_skipped {
        EXIT_ERROR
    } else if diff
        .findings
        .new
        .iter()
        .any(|f| f.waived_by.is_none() && fail_on.fails(f.severity))
    {
        1
    } else {
        0
    };
    Ok(written_or_error(
        written.and_then(|()| stdout.flush()),
        status,
    ))
}

fn write_report(report: &Report, format: Format, out: &mut impl Write) -> std::io::Result<()> {
    let text = match format {
        // The large formats stream out: a report is never held in memory as one string.
        Format::Json => return report::json::write(report, out),
        Format::Sarif => return report::sarif::write(report, out),
        Format::Junit => return report::junit::write(report, out),
        Format::Human => human::render(report),
        Format::Concise => report::concise::render(report),
        Format::Github => github::render(report),
    };
    out.write_all(text.as_bytes())
}

/// Appends to a file, as GitHub expects of `$GITHUB_STEP_SUMMARY` (other steps write to it too).
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

fn run_policies(args: &PoliciesArgs) -> Result<u8, Failure> {
    let loaded = load(&args.location, None)?;
    let output = match args.format {
        ListFormat::Human => report::catalog::table(&loaded.policies, &loaded.config),
        ListFormat::Json => report::catalog::json(&loaded.policies, &loaded.config),
    };
    Ok(write_stdout(&output))
}

fn run_explain(args: &ExplainArgs) -> Result<u8, Failure> {
    let policies = load(&args.location, None)?.policies;
    let found = policies.find(&args.policy);
    if found.is_empty() {
        let help = match policies.closest_key(&args.policy) {
            Some(key) => format!("did you mean `{key}`?"),
            None => "`wardline policies` lists every policy".to_owned(),
        };
        let error = FileError::plain(format!("no policy has the id or name `{}`", args.policy))
            .with_help(help);
        return fail(error, args.location.color);
    }
    let pages: Vec<String> = found
        .iter()
        .map(|policy| report::catalog::explain(&policies, policy))
        .collect();
    Ok(write_stdout(&pages.join("\n---\n\n")))
}

/// Writes a command's whole output; its exit status is 0 unless the write failed.
fn write_stdout(output: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    written_or_error(
        stdout
            .write_all(output.as_bytes())
            .and_then(|()| stdout.flush()),
        0,
    )
}

/// `status`, or 2 with a message when the output could not be written (CLI.md §3). A
/// reader that closed the pipe early (`| head`) wanted no more: that is not an error.
fn written_or_error(written: std::io::Result<()>, status: u8) -> u8 {
    match written {
        Ok(()) => status,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => status,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
            EXIT_ERROR
        }
    }
}

fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
