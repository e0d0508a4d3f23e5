//! `tvix check`: static diagnostics for many files, in parallel.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, ValueEnum};
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label as RenderedLabel};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use rayon::prelude::*;
use serde::Serialize;
use tvix_analysis::{Diagnostic, Label, Severity};
use tvix_syntax::{LineIndex, TextRange, TextSize};

use super::source_file::SourceOrigin;

/// Arguments of `tvix check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input.
    /// Defaults to the current directory.
    paths: Vec<PathBuf>,

    /// Output format: `human` (annotated source excerpts) or `json` (one
    /// JSON object per diagnostic per line, for machines).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,

    /// Also check files excluded by `.gitignore`/`.ignore` and hidden files.
    #[arg(long)]
    no_ignore: bool,

    /// Exit with status 1 when any warning is reported, not only errors.
    #[arg(long)]
    deny_warnings: bool,

    /// Number of files checked in parallel (default: one per CPU).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// A problem reported for one file: a lint from `tvix-analysis`, or a
/// problem with the file itself (unreadable, not UTF-8).
struct Finding {
    code: &'static str,
    severity: Severity,
    range: TextRange,
    message: String,
    labels: Vec<Label>,
}

impl From<Diagnostic> for Finding {
    fn from(d: Diagnostic) -> Finding {
        Finding {
            code: d.code.as_str(),
            severity: d.severity,
            range: d.range,
            message: d.message,
            labels: d.labels,
        }
    }
}

/// Everything `check` found in one file, plus the text to show it against.
struct FileReport {
    name: String,
    text: String,
    findings: Vec<Finding>,
}

/// Stack size of the checking threads (reserved, touched only when used).
const WORKER_STACK: usize = tvix_syntax::exact::PARSER_STACK;

/// Runs `tvix check`.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    // Deeply nested input makes parsing and dropping syntax trees recurse
    // deeply; workers get a stack that the parsers' depth limits fit in.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(threads) = args.threads {
        pool = pool.num_threads(threads.max(1));
    }
    let pool = pool.build()?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let sources = collect_sources(&paths, args.no_ignore)?;
    tracing::info!(files = sources.len(), "checking");

    let color = match args.color {
        ColorWhen::Always => termcolor::ColorChoice::Always,
        ColorWhen::Never => termcolor::ColorChoice::Never,
        ColorWhen::Auto if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            termcolor::ColorChoice::Auto
        }
        ColorWhen::Auto => termcolor::ColorChoice::Never,
    };
    let writer = termcolor::BufferWriter::stdout(color);

    // Check and render in parallel (inside the pool, so that even a single
    // file is checked on a big-stack worker); print in a stable order.
    let outputs: Vec<(FileReport, Vec<u8>)> = pool.install(|| {
        sources
            .par_iter()
            .map(|source| {
                let report = check_source(source);
                let mut buffer = writer.buffer();
                let rendered = match args.format {
                    Format::Human => render_human(&report, &mut buffer),
                    Format::Json => render_json(&report, &mut buffer),
                };
                if let Err(err) = rendered {
                    tracing::error!("could not render diagnostics for {}: {err}", report.name);
                }
                (report, buffer.into_inner())
            })
            .collect()
    });

    let mut stdout = std::io::stdout().lock();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for (report, bytes) in &outputs {
        stdout.write_all(bytes)?;
        for finding in &report.findings {
            match finding.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
    }
    stdout.flush()?;
    if args.format == Format::Human {
        eprintln!(
            "checked {} file{}: {} error{}, {} warning{}",
            outputs.len(),
            plural(outputs.len()),
            errors,
            plural(errors),
            warnings,
            plural(warnings)
        );
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Expands the command-line paths into the sources to check, in a
/// deterministic order. Directories contribute their `*.nix` files.
fn collect_sources(paths: &[PathBuf], no_ignore: bool) -> anyhow::Result<Vec<SourceOrigin>> {
    let mut sources = Vec::new();
    for path in paths {
        if let SourceOrigin::Stdin = SourceOrigin::from_arg(path) {
            sources.push(SourceOrigin::Stdin);
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => bail!("cannot check '{}': {err}", path.display()),
        };
        if !metadata.is_dir() {
            sources.push(SourceOrigin::File(path.clone()));
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .standard_filters(!no_ignore)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    tracing::warn!("skipping: {err}");
                    continue;
                }
            };
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if is_file && entry.path().extension().is_some_and(|ext| ext == "nix") {
                sources.push(SourceOrigin::File(entry.into_path()));
            }
        }
    }
    Ok(sources)
}

fn check_source(source: &SourceOrigin) -> FileReport {
    let name = match source {
        SourceOrigin::Stdin => "<stdin>".to_owned(),
        SourceOrigin::File(path) => path.display().to_string(),
    };
    let bytes = match source.read() {
        Ok(bytes) => bytes,
        Err(err) => {
            let finding = Finding {
                code: "io-error",
                severity: Severity::Error,
                range: TextRange::empty(TextSize::from(0)),
                message: format!("{err:#}"),
                labels: Vec::new(),
            };
            return FileReport {
                name,
                text: String::new(),
                findings: vec![finding],
            };
        }
    };
    match tvix_syntax::decode_source(&bytes) {
        Ok(text) => {
            let findings = tvix_analysis::check_file(text)
                .into_iter()
                .map(Finding::from)
                .collect();
            FileReport {
                name,
                text: text.to_owned(),
                findings,
            }
        }
        Err(err) => {
            let offset = TextSize::from(err.offset as u32);
            let finding = Finding {
                code: "invalid-utf8",
                severity: Severity::Error,
                range: TextRange::at(offset, TextSize::from(1)),
                message: "file is not valid UTF-8".to_owned(),
                labels: Vec::new(),
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            FileReport {
                name,
                text,
                findings: vec![finding],
            }
        }
    }
}

fn render_human(report: &FileReport, out: &mut termcolor::Buffer) -> anyhow::Result<()> {
    if report.findings.is_empty() {
        return Ok(());
    }
    let file = SimpleFile::new(report.name.as_str(), report.text.as_str());
    let config = term::Config::default();
    let clamp = |range: TextRange| {
        let len = report.text.len();
        let start = usize::from(range.start()).min(len);
        start..usize::from(range.end()).clamp(start, len)
    };
    for finding in &report.findings {
        let base = match finding.severity {
            Severity::Error => Rendered::error(),
            Severity::Warning => Rendered::warning(),
        };
        let mut labels = vec![RenderedLabel::primary((), clamp(finding.range))];
        labels.extend(
            finding
                .labels
                .iter()
                .map(|l| RenderedLabel::secondary((), clamp(l.range)).with_message(&l.message)),
        );
        let diagnostic = base
            .with_code(finding.code)
            .with_message(&finding.message)
            .with_labels(labels);
        term::emit_to_write_style(out, &config, &file, &diagnostic)?;
    }
    Ok(())
}

/// A position for machines: 1-based line, 1-based column counted in
/// Unicode scalar values (as rustc's JSON does).
#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonRange {
    /// Byte offset of the start.
    start: u32,
    /// Byte offset just past the end.
    end: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    range: JsonRange,
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    range: JsonRange,
    start: JsonPosition,
    end: JsonPosition,
    labels: Vec<JsonLabel<'a>>,
}

fn render_json(report: &FileReport, out: &mut termcolor::Buffer) -> anyhow::Result<()> {
    let index = LineIndex::new(&report.text);
    let position = |offset: TextSize| {
        let pos = index.line_col(offset);
        let line_start = index.line_start(pos.line).map_or(0, usize::from);
        let end = (line_start + pos.col as usize).min(report.text.len());
        let column = report
            .text
            .get(line_start..end)
            .map_or(pos.col as usize, |s| s.chars().count());
        JsonPosition {
            line: pos.line + 1,
            column: column as u32 + 1,
        }
    };
    let range = |r: TextRange| JsonRange {
        start: r.start().into(),
        end: r.end().into(),
    };
    for finding in &report.findings {
        let diagnostic = JsonDiagnostic {
            file: &report.name,
            severity: finding.severity.as_str(),
            code: finding.code,
            message: &finding.message,
            range: range(finding.range),
            start: position(finding.range.start()),
            end: position(finding.range.end()),
            labels: finding
                .labels
                .iter()
                .map(|l| JsonLabel {
                    message: &l.message,
                    range: range(l.range),
                    start: position(l.range.start()),
                    end: position(l.range.end()),
                })
                .collect(),
        };
        serde_json::to_writer(&mut *out, &diagnostic)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
