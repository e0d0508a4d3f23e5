//! Judging a run: the normalisations of the README, the strict verdict, the
//! weaker verdicts, and a short description of what differed.

use std::fmt::Write as _;

use super::corpus::{Case, Category, Expected};
use super::runner::Outcome;

/// The verdict on one case.
#[derive(Debug)]
pub struct Verdict {
    /// Every check of the category holds.
    pub pass: bool,
    /// The weaker verdict of the category: "stdout matches but stderr
    /// differs" for the okay categories, "exited with status 1" for the
    /// fail categories. Never counted as a pass.
    pub weak: bool,
    pub timed_out: bool,
    /// What differed, first lines of expected vs actual; `None` on a pass.
    pub mismatch: Option<String>,
}

/// Lines of expected and actual output shown for a difference.
const EXCERPT_LINES: usize = 4;

/// Judges `outcome` against the expectations of `case`. `cwd` is the
/// absolute working directory, which becomes `/pwd` where the category
/// says so.
pub fn judge(case: &Case, outcome: &Outcome, cwd: &[u8]) -> Verdict {
    let normalise = |bytes: &[u8]| -> Vec<u8> {
        let mut bytes = bytes.to_vec();
        if case.category.substitutes_pwd() {
            bytes = replace_all(&bytes, cwd, b"/pwd");
        }
        if case.name == "eval-fail-derivation-name" {
            bytes = hide_numbers(&bytes);
        }
        bytes
    };
    let (stdout, stderr) = (normalise(&outcome.stdout), normalise(&outcome.stderr));

    let mut mismatch = String::new();
    let status_ok = outcome.status == Some(case.status);
    if let Some(error) = &outcome.spawn_error {
        let _ = writeln!(mismatch, "  {error}");
    } else if !status_ok {
        let actual = match (outcome.timed_out, outcome.status) {
            (true, _) => "killed after the timeout".to_owned(),
            (false, Some(code)) => format!("got {code}"),
            (false, None) => "killed by a signal".to_owned(),
        };
        let _ = writeln!(
            mismatch,
            "  exit status: expected {}, {actual}",
            case.status
        );
    }
    let (stdout_ok, stderr_ok) = match &case.expected {
        Expected::Separate {
            stdout: want_out,
            stderr: want_err,
        } => {
            let out_ok = compare("stdout", want_out, &stdout, &mut mismatch);
            let err_ok = want_err
                .as_ref()
                .is_none_or(|want| compare("stderr", want, &stderr, &mut mismatch));
            (out_ok, err_ok)
        }
        Expected::Merged(want) => (
            compare("output (stdout+stderr)", want, &stdout, &mut mismatch),
            true,
        ),
    };

    let pass = status_ok && stdout_ok && stderr_ok;
    let weak = match case.category {
        Category::ParseOkay | Category::EvalOkayText => !pass && status_ok && stdout_ok,
        Category::ParseFail | Category::EvalFail => outcome.status == Some(1),
        Category::EvalOkayXml => false,
    };
    Verdict {
        pass,
        weak,
        timed_out: outcome.timed_out,
        mismatch: (!pass).then_some(mismatch),
    }
}

/// Compares one stream; on a difference, describes it from the first
/// differing line on.
fn compare(what: &str, expected: &[u8], actual: &[u8], out: &mut String) -> bool {
    if expected == actual {
        return true;
    }
    let want: Vec<&[u8]> = expected.split_inclusive(|&b| b == b'\n').collect();
    let got: Vec<&[u8]> = actual.split_inclusive(|&b| b == b'\n').collect();
    let first = want.iter().zip(&got).take_while(|(w, g)| w == g).count();
    let _ = writeln!(out, "  {what} differs from line {}:", first + 1);
    for (sign, lines) in [("-", &want), ("+", &got)] {
        let shown = &lines[first.min(lines.len())..];
        if shown.is_empty() {
            let _ = writeln!(out, "    {sign} (nothing)");
        }
        for line in shown.iter().take(EXCERPT_LINES) {
            let _ = writeln!(out, "    {sign} {}", show_line(line));
        }
        if shown.len() > EXCERPT_LINES {
            let _ = writeln!(
                out,
                "    {sign} … ({} more lines)",
                shown.len() - EXCERPT_LINES
            );
        }
    }
    false
}

/// A line for display: lossy UTF-8, control characters escaped, at most
/// 160 characters.
fn show_line(line: &[u8]) -> String {
    let (body, newline) = match line.strip_suffix(b"\n") {
        Some(body) => (body, ""),
        None => (line, "⏎ missing"),
    };
    let mut shown = String::new();
    for (i, c) in String::from_utf8_lossy(body).chars().enumerate() {
        if i == 160 {
            shown.push('…');
            break;
        }
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    if !newline.is_empty() {
        shown.push_str(&format!("  [{newline}]"));
    }
    shown
}

/// Replaces every occurrence of `needle` (non-empty) by `with`.
pub fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !needle.is_empty() && haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The `eval-fail-derivation-name` normalisation, line by line: first each
/// 8-byte window of seven `[0-9 ]` and a digit, followed on the same line
/// by a non-digit, becomes `<number>` plus that byte (left to right, not
/// overlapping); then every remaining run of digits becomes `<number>`.
pub fn hide_numbers(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        let (body, newline) = match line.strip_suffix(b"\n") {
            Some(body) => (body, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        let mut windows = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            let is_window = i + 9 <= body.len()
                && body[i..i + 7]
                    .iter()
                    .all(|&b| b.is_ascii_digit() || b == b' ')
                && body[i + 7].is_ascii_digit()
                && !body[i + 8].is_ascii_digit();
            if is_window {
                windows.extend_from_slice(b"<number>");
                windows.push(body[i + 8]);
                i += 9;
            } else {
                windows.push(body[i]);
                i += 1;
            }
        }
        let mut in_digits = false;
        for &b in &windows {
            if b.is_ascii_digit() {
                if !in_digits {
                    out.extend_from_slice(b"<number>");
                }
            } else {
                out.push(b);
            }
            in_digits = b.is_ascii_digit();
        }
        out.extend_from_slice(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_gutters_then_other_numbers() {
        let text = b"         at \xc2\xabnix-internal\xc2\xbb/derivation-internal.nix:12:5:\n           12|     value\n             |       ^\n";
        let want = "         at «nix-internal»/derivation-internal.nix:<number>:<number>:\n     <number>|     value\n             |       ^\n";
        assert_eq!(String::from_utf8_lossy(&hide_numbers(text)), want);
    }

    #[test]
    fn replaces_working_directory() {
        assert_eq!(
            replace_all(b"at /tmp/x/lang/a.nix /tmp/x", b"/tmp/x", b"/pwd"),
            b"at /pwd/lang/a.nix /pwd"
        );
    }
}
