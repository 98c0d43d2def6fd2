//! Command-line arguments → settings → the pipeline → output and exit status (CLI.md).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check;
use crate::config::{Config, FILE_NAME};
use crate::date::Date;
use crate::discover;
use crate::error::FileError;
use crate::report::{self, human};

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Inventory directory (the nearest `wardline.toml` at or above it marks the root)
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Evaluation date (default: `as_of` in wardline.toml, else today in UTC)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Use this configuration file instead of discovering `wardline.toml`
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Print findings only: no summary line
    #[arg(long, short)]
    quiet: bool,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a calendar date YYYY-MM-DD"))
}

/// Exit statuses of CLI.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => run_check(&args),
    };
    ExitCode::from(status as u8)
}

fn report_error(error: FileError, color: Color) -> Status {
    let theme = if use_color(color, &std::io::stderr()) {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, &error).is_err() {
        out = format!("error: {}\n", error.message);
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
    Status::Error
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

fn load(args: &CheckArgs) -> Result<(PathBuf, Config), FileError> {
    let (root, found) = discover::find_root(&args.path)?;
    let config = match (&args.config, found) {
        (Some(file), _) => discover::load_config(file, &file.display().to_string())?,
        (None, Some(file)) => discover::load_config(&file, FILE_NAME)?,
        (None, None) => Config::default(),
    };
    Ok((root, config))
}

fn run_check(args: &CheckArgs) -> Status {
    if let Some(threads) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    }
    let (root, config) = match load(args) {
        Ok(loaded) => loaded,
        Err(error) => return report_error(error, args.color),
    };
    let files = match discover::collect_files(&root, &config) {
        Ok(files) => files,
        Err(error) => return report_error(error, args.color),
    };
    let as_of = args.as_of.or(config.as_of).unwrap_or_else(Date::today_utc);
    let outcome = check::check(files, as_of);
    let report = outcome.report(display_root(&args.path));
    let mut output = match args.format {
        Format::Human => {
            let style = human::Style {
                color: use_color(args.color, &std::io::stdout()),
                width: terminal_width(),
            };
            human::render(&report, style)
        }
        Format::Concise => report::concise::render(&report),
        Format::Json => report::json::render(&report),
    };
    if args.quiet && args.format != Format::Json {
        output = strip_summary(&output);
    }
    let _ = std::io::stdout().write_all(output.as_bytes());
    match outcome.exit_code(config.fail_on) {
        0 => Status::Clean,
        1 => Status::Findings,
        _ => Status::Error,
    }
}

/// Drops the closing summary line (and the skipped-policies note) for `--quiet`.
fn strip_summary(output: &str) -> String {
    let mut lines: Vec<&str> = output.lines().collect();
    lines.pop();
    if lines.last() == Some(&report::POLICIES_SKIPPED) {
        lines.pop();
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn display_root(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(100)
}
