//! Command-line arguments → settings → the pipeline → output and exit status (CLI.md).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::check;
use crate::config::Config;
use crate::date::Date;
use crate::discover::{self, SourceTree, Worktree};
use crate::error::FileError;
use crate::finding::{FailOn, mark_new};
use crate::git::GitTree;
use crate::history;
use crate::policy::PolicySet;
use crate::report::diff::DiffReport;
use crate::report::{self, RenderOptions, Report, ToolError, github, human};
use crate::schema::{KINDS, Kind};

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
    /// Explain a policy (docs, citation, severity, expressions) or a `WARD-*` diagnostic
    Explain(ExplainArgs),
    /// Draw the network map: segments by zone, flows, unguarded paths
    Map(MapArgs),
    /// Write the Security Risk Analysis summary of the inventory
    Report(ReportArgs),
    /// Compare two revisions: inventory changes and new and resolved findings
    Diff(DiffArgs),
    /// Findings opened and closed by each commit that changed the inventory, and how long
    /// each stayed open
    History(HistoryArgs),
    /// Print the language reference: every block kind, its keys and derived facts
    Schema(SchemaArgs),
    /// Start an inventory: a commented `wardline.toml` and a starter inventory that passes
    Init(InitArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    Man,
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
    /// Print how many findings each policy raised instead of the findings (a JSON array
    /// with `--format json`)
    #[arg(long)]
    statistics: bool,
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
struct HistoryArgs {
    #[command(flatten)]
    location: Location,
    /// Start after this revision, or at this date (YYYY-MM-DD); default: the whole history
    #[arg(long, value_name = "REV|DATE")]
    since: Option<String>,
    /// Output format: text, one JSON document, or Markdown tables
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Judge every commit as of this date (default: `as_of` in wardline.toml, else each
    /// commit as of its own date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
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
    /// A policy id (`HIPAA-105`) or name (`unpatchable-without-safeguard`), or a
    /// diagnostic code (`WARD-002`)
    policy: String,
    #[command(flatten)]
    location: Location,
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// One block kind (`device`); default: every kind
    kind: Option<String>,
    /// When to colour the output (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// Directory to start the inventory in (created if missing)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// When to colour the output (`NO_COLOR` is honoured by `auto`)
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for
    shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MapFormat {
    Mermaid,
    Dot,
}

#[derive(Debug, clap::Args)]
struct MapArgs {
    #[command(flatten)]
    location: Location,
    /// Output format: a Mermaid flowchart (renders in GitHub Markdown) or Graphviz DOT
    #[arg(long, value_enum, default_value_t = MapFormat::Mermaid)]
    format: MapFormat,
    /// Draw the inventory as committed at REV instead of the working tree
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Markdown,
    Html,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    #[command(flatten)]
    location: Location,
    /// Output format: Markdown, or one self-contained HTML file (the map drawn by
    /// Graphviz `dot` when it is on PATH)
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Evaluation date (default: `as_of` in wardline.toml, else today in UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Report on the inventory as committed at REV instead of the working tree
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
    /// Leave out "remediation since the last review", which judges every commit since
    /// the organization's last risk-analysis review (only in a git repository)
    #[arg(long)]
    no_history: bool,
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
        Command::Map(args) => run_map(&args),
        Command::Report(args) => run_report(&args),
        Command::Diff(args) => run_diff(&args),
        Command::History(args) => run_history(&args),
        Command::Schema(args) => run_schema(&args),
        Command::Init(args) => run_init(&args),
        Command::Completions(args) => Ok(run_completions(args.shell)),
        Command::Man => Ok(run_man()),
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
        self.policies
            .select(select, ignore)
            .map_err(|(message, help)| FileError::plain(message).with_help(help))
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
    if location.path.is_file() {
        // The root, not the file, is judged: references cross files, so one file alone
        // cannot be resolved. Said on stderr so a user who meant one file is not misled.
        eprintln!(
            "note: checking the inventory at {} that holds `{}`",
            disk.describe(),
            display_path(&location.path)
        );
    }
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
    let extra = discover::extra_packs(tree, &config).map_err(|e| {
        // A pack directory misspelt in a faulty file: the file's own problems come first.
        let mut errors = config.problems().to_vec();
        errors.push(e);
        (errors, color)
    })?;
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
    let written = if args.statistics {
        write_statistics(&report, args.format, &mut stdout)
    } else {
        write_report(&report, args.format, &mut stdout)
    };
    let written = written.and_then(|()| stdout.flush());
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

/// `wardline history`: the first-parent history judged with today's configuration.
fn run_history(args: &HistoryArgs) -> Result<u8, Failure> {
    let color = args.location.color;
    let loaded = load(&args.location, None)?;
    let selected = loaded.select(None, None).or_else(|e| fail(e, color))?;
    let fixed_as_of = args.as_of.or(loaded.config.as_of);
    let since = args.since.as_deref().map(|since| match Date::parse(since) {
        Some(date) => history::Since::Date(date),
        None => history::Since::Revision(since.to_owned()),
    });
    let settings = history::Settings {
        config: &loaded.config,
        judge: loaded.config.judge(
            &loaded.policies,
            &selected,
            fixed_as_of.unwrap_or_else(Date::today_utc),
        ),
        fixed_as_of,
    };
    let history =
        history::walk(&loaded.disk, since.as_ref(), &settings).or_else(|e| fail(e, color))?;
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        DiffFormat::Json => report::history::write_json(&history, &mut stdout),
        DiffFormat::Human => stdout.write_all(report::history::human(&history).as_bytes()),
        DiffFormat::Markdown => stdout.write_all(report::history::markdown(&history).as_bytes()),
    };
    Ok(written_or_error(written.and_then(|()| stdout.flush()), 0))
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
    let to_files =
        discover::ward_files(loaded.tree(), &loaded.config).or_else(|e| fail(e, color))?;
    let older = GitTree::open(&loaded.disk, &args.from).or_else(|e| fail(e, color))?;
    // The older side may predate the inventory, or hold files that no longer parse:
    // it is shown as it is, never a reason to stop.
    let from_files =
        discover::selected_files(&older, &loaded.config).or_else(|e| fail(e, color))?;
    let judge = loaded.config.judge(&loaded.policies, &selected, as_of);
    // Judged side by side: each check has serial stretches the other can fill.
    let (to, from) = rayon::join(
        || check::check(to_files, &judge),
        || check::check(from_files, &judge),
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

/// The checked inventory a view (map, report) draws: an inventory with language errors
/// is not drawn, its errors go to stderr as `check` shows them, and the exit status is 2.
/// With a revision, the inventory as committed there; the revision's description too.
fn judged_for_view(
    location: &Location,
    rev: Option<&str>,
    as_of: Option<Date>,
) -> Result<(check::Outcome, Option<String>), u8> {
    let judged = (|| {
        let color = location.color;
        let loaded = load(location, rev)?;
        let selected = loaded.select(None, None).or_else(|e| fail(e, color))?;
        let as_of = as_of
            .or(loaded.config.as_of)
            .unwrap_or_else(Date::today_utc);
        let outcome = loaded
            .check(loaded.tree(), &selected, as_of)
            .or_else(|e| fail(e, color))?;
        Ok((outcome, loaded.revision.as_ref().map(GitTree::revision)))
    })();
    let (outcome, revision) = match judged {
        Ok(judged) => judged,
        Err((errors, color)) => return Err(report_errors(&errors, color)),
    };
    if outcome.policies_skipped {
        let mut report = outcome.report(display_path(&location.path));
        report.options = RenderOptions {
            quiet: false,
            color: use_color(location.color, &std::io::stderr()),
            width: terminal_width(),
        };
        let _ = std::io::stderr().write_all(human::render(&report).as_bytes());
        return Err(EXIT_ERROR);
    }
    Ok((outcome, revision))
}

fn run_map(args: &MapArgs) -> Result<u8, Failure> {
    let outcome = match judged_for_view(&args.location, args.rev.as_deref(), None) {
        Ok((outcome, _)) => outcome,
        Err(status) => return Ok(status),
    };
    let map = report::map::NetworkMap::new(&outcome.inventory);
    let output = match args.format {
        MapFormat::Mermaid => report::map::mermaid::render(&map),
        MapFormat::Dot => report::map::dot::render(&map),
    };
    Ok(write_stdout(&output))
}

fn run_report(args: &ReportArgs) -> Result<u8, Failure> {
    let (outcome, revision) = match judged_for_view(&args.location, args.rev.as_deref(), args.as_of)
    {
        Ok(judged) => judged,
        Err(status) => return Ok(status),
    };
    let mut report = outcome.report(display_path(&args.location.path));
    report.revision = revision;
    let mut document = report::sra::build(&report);
    if args.rev.is_none()
        && !args.no_history
        && let Some(section) = remediation(&args.location, &outcome, args.as_of)
    {
        document.sections.push(section);
    }
    let output = match args.format {
        ReportFormat::Markdown => report::sra::markdown::render(&document),
        ReportFormat::Html => {
            let svg = graphviz_svg(&report::map::dot::render(&document.map));
            report::sra::html::render(&document, svg.as_deref())
        }
    };
    match &args.out {
        None => Ok(write_stdout(&output)),
        Some(path) => match std::fs::write(path, output) {
            Ok(()) => Ok(0),
            Err(error) => fail(
                FileError::plain(format!("cannot write `{}`: {error}", path.display())),
                args.location.color,
            ),
        },
    }
}

/// The report's remediation section when the inventory is in a git repository: the
/// history since the organization's last risk-analysis review. Outside git there is no
/// history to show, and the report says nothing of it.
fn remediation(
    location: &Location,
    outcome: &check::Outcome,
    as_of: Option<Date>,
) -> Option<report::sra::Section> {
    let loaded = load(location, None).ok()?;
    let repository = git2::Repository::discover(&loaded.disk.root).ok()?;
    repository.head().ok()?;
    let selected = loaded.select(None, None).ok()?;
    let since = outcome
        .inventory
        .of_kind(crate::schema::Kind::Organization)
        .first()
        .and_then(
            |&id| match outcome.inventory.entity(id).get("risk_analysis_reviewed") {
                Some(crate::model::Val::Date(day)) => Some(*day),
                _ => None,
            },
        );
    let fixed_as_of = as_of.or(loaded.config.as_of);
    let settings = history::Settings {
        config: &loaded.config,
        judge: loaded.config.judge(
            &loaded.policies,
            &selected,
            fixed_as_of.unwrap_or(outcome.as_of),
        ),
        fixed_as_of,
    };
    let walked = history::walk(
        &loaded.disk,
        since.map(history::Since::Date).as_ref(),
        &settings,
    );
    match walked {
        Ok(walked) => Some(report::sra::remediation(&walked, since)),
        Err(error) => {
            let _ = writeln!(
                std::io::stderr(),
                "note: the report has no remediation section: {}",
                error.message
            );
            None
        }
    }
}

/// The map drawn by Graphviz `dot -Tsvg`, when `dot` is on PATH and succeeds; else `None`
/// (the report then shows the Mermaid source).
fn graphviz_svg(dot: &str) -> Option<String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    // Written from another thread: a large map fills the pipe before dot answers.
    let input = dot.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    let written = writer.join().ok()?.is_ok();
    (written && output.status.success())
        .then(|| String::from_utf8(output.stdout).ok())
        .flatten()
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

/// `--statistics`: a JSON array for `--format json`, else the table.
fn write_statistics(report: &Report, format: Format, out: &mut impl Write) -> std::io::Result<()> {
    let text = match format {
        Format::Json => report::statistics::json(report),
        _ => report::statistics::render(report),
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
    let selected = loaded
        .select(None, None)
        .or_else(|e| fail(e, args.location.color))?;
    let output = match args.format {
        ListFormat::Human => report::catalog::table(
            &loaded.policies,
            &loaded.config,
            &selected,
            use_color(args.location.color, &std::io::stdout()),
        ),
        ListFormat::Json => report::catalog::json(&loaded.policies, &loaded.config, &selected),
    };
    Ok(write_stdout(&output))
}

fn run_explain(args: &ExplainArgs) -> Result<u8, Failure> {
    let color = args.location.color;
    let style = use_color(color, &std::io::stdout());
    // A language code needs no configuration: it explains an inventory that may not
    // load yet.
    if let Some(code) = crate::finding::language_rule(&args.policy) {
        return Ok(write_stdout(&report::catalog::explain_code(&code, style)));
    }
    let policies = load(&args.location, None)?.policies;
    let found = policies.find(&args.policy);
    if found.is_empty() {
        let word = args.policy.trim();
        let near_code = || {
            crate::suggest::closest(&word.to_ascii_uppercase(), crate::finding::language_keys())
                .or_else(|| {
                    crate::suggest::closest(
                        &word.to_ascii_lowercase(),
                        crate::finding::language_keys(),
                    )
                })
        };
        let help = match policies.closest_key(word).or_else(near_code) {
            Some(key) => format!("did you mean `{key}`?"),
            None => "`wardline policies` lists every policy".to_owned(),
        };
        let error = FileError::plain(format!(
            "no policy or diagnostic has the id or name `{}`",
            args.policy
        ))
        .with_help(help);
        return fail(error, color);
    }
    let pages: Vec<String> = found
        .iter()
        .map(|policy| report::catalog::explain(&policies, policy, style))
        .collect();
    Ok(write_stdout(&pages.join("\n---\n\n")))
}

fn run_init(args: &InitArgs) -> Result<u8, Failure> {
    let files = crate::init::files(Date::today_utc());
    let color = args.color;
    // Nothing is written unless every file can be: a half-written start is worse than none.
    for (name, _) in &files {
        let path = args.dir.join(name);
        if path.symlink_metadata().is_ok() {
            let error = FileError::plain(format!(
                "`{}` already exists; `wardline init` never overwrites a file",
                display_path(&path)
            ))
            .with_help("run it in an empty directory, or move the file away");
            return fail(error, color);
        }
    }
    let mut out = String::new();
    for (name, contents) in &files {
        let path = args.dir.join(name);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, contents));
        if let Err(e) = written {
            let error = FileError::plain(format!("cannot write `{}`: {e}", display_path(&path)));
            return fail(error, color);
        }
        out.push_str(&format!("created {}\n", display_path(&path)));
    }
    let dir = display_path(&args.dir);
    out.push_str(&format!(
        "\nnext: `wardline check {dir}` judges the starter inventory; `wardline schema` lists \
         every block kind and key\n"
    ));
    Ok(write_stdout(&out))
}

fn run_completions(shell: clap_complete::Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wardline", &mut script);
    write_stdout(&String::from_utf8_lossy(&script))
}

fn run_man() -> u8 {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => write_stdout(&String::from_utf8_lossy(&page)),
        Err(e) => written_or_error(Err(e), 0),
    }
}

fn run_schema(args: &SchemaArgs) -> Result<u8, Failure> {
    let kind = match args.kind.as_deref().map(str::trim) {
        None => None,
        Some(word) => Some(Kind::parse(&word.to_ascii_lowercase()).ok_or_else(|| {
            let kinds = KINDS.map(Kind::as_str);
            let help = match crate::suggest::closest(word, kinds) {
                Some(kind) => format!("did you mean `{kind}`?"),
                None => format!("the kinds are {}", kinds.join(", ")),
            };
            (
                vec![FileError::plain(format!("no block kind is named `{word}`")).with_help(help)],
                args.color,
            )
        })?),
    };
    let color = use_color(args.color, &std::io::stdout());
    Ok(write_stdout(&report::reference::markdown(kind, color)))
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
