//! C++ Nix's error layout: `error: msg`, `at file:L:C:` and a code excerpt.
//!
//! Shared by parse errors and (later) evaluation errors, so it takes plain
//! data rather than a parse failure.

use rnix::TextSize;

/// Line and column (both 1-based, column in bytes) of `offset`, with line
/// breaks counted the way C++ Nix counts them: `\n`, `\r\n` and a lone
/// `\r` each end a line. NUL bytes are ordinary characters (current C++
/// Nix shows them in its snippets).
pub fn line_col(src: &str, offset: TextSize) -> (usize, usize) {
    let text = src;
    let offset = usize::from(offset);
    let mut line = 1;
    let mut line_start = 0;
    for (start, _) in lines(text).skip(1) {
        if start > offset {
            break;
        }
        line += 1;
        line_start = start;
    }
    (line, offset.saturating_sub(line_start) + 1)
}

/// `name:L:C`, the way C++ Nix prints a position inside messages.
pub fn format_position(source_name: &str, src: &str, offset: TextSize) -> String {
    let (line, col) = line_col(src, offset);
    format!("{source_name}:{line}:{col}")
}

/// Renders an error the way C++ Nix prints it on stderr, with a trailing
/// newline. With `offset == None` only the `error: ` line is printed.
pub fn render_error(
    message: &str,
    source_name: &str,
    src: &str,
    offset: Option<TextSize>,
) -> String {
    let mut body = format!("{message}\n");
    if let Some(offset) = offset {
        let (line, col) = line_col(src, offset);
        body.push_str(&format!("at {source_name}:{line}:{col}:"));
        let all: Vec<&str> = lines(src).map(|(_, l)| l).collect();
        let get = |n: usize| n.checked_sub(1).and_then(|i| all.get(i)).copied();
        if line > 1
            && let Some(prev) = get(line - 1)
        {
            body.push_str(&format!("\n {:>5}| {}", line - 1, prev));
        }
        if let Some(cur) = get(line) {
            body.push_str(&format!("\n {:>5}| {}", line, cur));
            body.push_str(&format!("\n      |{}^", " ".repeat(col)));
        }
        if let Some(next) = get(line + 1) {
            body.push_str(&format!("\n {:>5}| {}", line + 1, next));
        }
        body.push('\n');
    }
    // C++ Nix chomps the whole text, then prefixes the first line with
    // `error: ` and the rest with seven spaces, chomping every line.
    let body = body.trim_end_matches(is_chomped);
    let mut out = String::new();
    for (i, l) in body.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let prefixed = if i == 0 {
            format!("error: {l}")
        } else {
            format!("       {l}")
        };
        out.push_str(prefixed.trim_end_matches(is_chomped));
    }
    out.push('\n');
    out
}

fn is_chomped(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Lines with their start offsets, split like C++ Nix's `LinesIterator`: a
/// text ending in a line break has a final empty line; an empty text has
/// none.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut done = text.is_empty();
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = pos;
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        if end == bytes.len() {
            done = true;
        } else {
            pos = end;
            if bytes[pos] == b'\r' {
                pos += 1;
            }
            if pos < bytes.len() && bytes[pos] == b'\n' {
                pos += 1;
            }
        }
        Some((start, &text[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn line_breaks_like_cpp_nix() {
        let src = "a\r\nb\rc\nd";
        assert_eq!(line_col(src, 0.into()), (1, 1));
        assert_eq!(line_col(src, 3.into()), (2, 1));
        assert_eq!(line_col(src, 5.into()), (3, 1));
        assert_eq!(line_col(src, 7.into()), (4, 1));
        assert_eq!(line_col("", 0.into()), (1, 1));
    }

    #[test]
    fn excerpt_at_end_of_file() {
        let out = render_error("boom", "«stdin»", "(\n# c\n", Some(6.into()));
        expect![[r#"
            error: boom
                   at «stdin»:3:1:
                        2| # c
                        3|
                         | ^
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn excerpt_keeps_tabs_and_chomps_trailing_space() {
        let out = render_error("boom", "f.nix", "x\n\ty   \nz", Some(3.into()));
        expect![[r#"
            error: boom
                   at f.nix:2:2:
                        1| x
                        2| 	y
                         |  ^
                        3| z
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn unpositioned() {
        assert_eq!(render_error("boom", "f", "x", None), "error: boom\n");
    }
}
