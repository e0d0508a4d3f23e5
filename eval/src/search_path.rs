//! The search path `<name>` lookups use: `-I` entries and `NIX_PATH`, in
//! that order, turned into `(prefix, directory)` pairs.
//!
//! One implementation for every front end (`tvix eval`, `tvix repl`,
//! `tvix instantiate`, the debugger's launch configuration), so `-I ../x`
//! means the same thing everywhere.

use std::path::{Component, Path, PathBuf};

/// The `(prefix, path)` pairs for `include` (`-I` flags, first) and the
/// `NIX_PATH` value `nix_path` (after them), as written: C++ Nix shows
/// them unchanged in `builtins.nixPath` and resolves relative paths only
/// when it looks a file up ([`resolve_dir`]).
pub fn entries<'a>(
    include: impl IntoIterator<Item = &'a str>,
    nix_path: &str,
) -> Vec<(String, String)> {
    include
        .into_iter()
        .map(str::to_owned)
        .chain(split_nix_path(nix_path))
        .map(|entry| match entry.split_once('=') {
            Some((prefix, path)) => (prefix.to_owned(), path.to_owned()),
            None => (String::new(), entry),
        })
        .collect()
}

/// The search path from `include` and the process's `NIX_PATH`.
pub fn from_env<'a>(include: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    entries(include, &std::env::var("NIX_PATH").unwrap_or_default())
}

/// The directory a search-path entry's path names, absolute against `cwd`
/// with `.` and `..` resolved lexically; `None` for a URL, which tvix does
/// not download.
pub fn resolve_dir(path: &str, cwd: &Path) -> Option<String> {
    if is_pseudo_url(path) {
        return None;
    }
    Some(
        lexically_absolute(cwd, Path::new(path))
            .display()
            .to_string(),
    )
}

/// Splits a `NIX_PATH` value at `:`, except the `:` of a URL's scheme
/// (`nixpkgs=https://host/x.tar.gz` is one entry), as C++ Nix does.
pub fn split_nix_path(s: &str) -> Vec<String> {
    let mut entries = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(':').unwrap_or(rest.len());
        let value = rest[..end]
            .rsplit_once('=')
            .map_or(&rest[..end], |(_, v)| v);
        // A URL's scheme separator is not an entry separator: the entry
        // runs on to the next colon after it.
        let value_start = end - value.len();
        let end = if end < rest.len() && is_pseudo_url(&rest[value_start..]) {
            rest[end + 1..]
                .find(':')
                .map_or(rest.len(), |i| end + 1 + i)
        } else {
            end
        };
        if end > 0 {
            entries.push(rest[..end].to_owned());
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    entries
}

/// Whether a search-path value is a URL rather than a directory
/// (C++ Nix's `isPseudoUrl`).
fn is_pseudo_url(s: &str) -> bool {
    if s.starts_with("channel:") {
        return true;
    }
    match s.find("://") {
        Some(i) => matches!(
            &s[..i],
            "http" | "https" | "file" | "channel" | "git" | "s3" | "ssh"
        ),
        None => false,
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved without
/// touching the file system (Nix's `canonPath`).
pub fn lexically_absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for component in cwd.join(path).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_come_before_nix_path_and_paths_stay_as_written() {
        let got = entries(["../lib", "foo=./x/../y"], "nixpkgs=/nix/pkgs:/opt/extra");
        assert_eq!(
            got,
            vec![
                ("".into(), "../lib".into()),
                ("foo".into(), "./x/../y".into()),
                ("nixpkgs".into(), "/nix/pkgs".into()),
                ("".into(), "/opt/extra".into()),
            ]
        );
    }

    #[test]
    fn lookups_resolve_relative_paths_lexically() {
        let cwd = Path::new("/home/u/proj");
        assert_eq!(
            resolve_dir("./x/../y", cwd).as_deref(),
            Some("/home/u/proj/y")
        );
        assert_eq!(resolve_dir("/a/./b/..", cwd).as_deref(), Some("/a"));
        assert_eq!(resolve_dir("https://h/x.tar.gz", cwd), None);
    }

    #[test]
    fn urls_keep_their_colons() {
        assert_eq!(
            split_nix_path("nixpkgs=https://example.org/a.tar.gz:/x:b=channel:nixos-22.11::"),
            vec![
                "nixpkgs=https://example.org/a.tar.gz".to_owned(),
                "/x".to_owned(),
                "b=channel:nixos-22.11".to_owned(),
            ]
        );
        let got = entries([], "n=https://h/x.tar.gz");
        assert_eq!(got, vec![("n".into(), "https://h/x.tar.gz".into())]);
    }

    #[test]
    fn an_unknown_scheme_is_split_like_a_directory() {
        assert_eq!(split_nix_path("foo://x:y"), vec!["foo", "//x", "y"]);
    }
}
