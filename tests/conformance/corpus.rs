//! The corpus: which files are tests, how each one is run, what it must print.
//!
//! Everything here follows `shared/conformance/README.md`; the comments name
//! the rule each piece implements.

use std::fs;
use std::io;
use std::path::Path;

/// A test category, as named by the file prefix (and, for eval-okay, by the
/// presence of an `.exp.xml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    ParseOkay,
    ParseFail,
    EvalOkayText,
    EvalOkayXml,
    EvalFail,
}

impl Category {
    /// Every category, in the order the summary prints them.
    pub const ALL: [Category; 5] = [
        Category::ParseOkay,
        Category::ParseFail,
        Category::EvalOkayText,
        Category::EvalOkayXml,
        Category::EvalFail,
    ];

    /// The label used in the summary.
    pub fn label(self) -> &'static str {
        match self {
            Category::ParseOkay => "parse-okay",
            Category::ParseFail => "parse-fail",
            Category::EvalOkayText => "eval-okay (text)",
            Category::EvalOkayXml => "eval-okay (xml)",
            Category::EvalFail => "eval-fail",
        }
    }

    /// Whether stdout and stderr are captured as one stream, in write order.
    pub fn merges_output(self) -> bool {
        matches!(self, Category::ParseFail | Category::EvalFail)
    }

    /// Whether the absolute working directory is replaced by `/pwd`.
    pub fn substitutes_pwd(self) -> bool {
        matches!(self, Category::EvalOkayText | Category::EvalFail)
    }
}

/// What a case must produce to pass.
#[derive(Debug)]
pub enum Expected {
    /// Compared separately; `stderr: None` means stderr is not compared.
    Separate {
        stdout: Vec<u8>,
        stderr: Option<Vec<u8>>,
    },
    /// stdout and stderr merged into one stream.
    Merged(Vec<u8>),
}

/// One test: a `<category>-<name>.nix` file with its expectations.
#[derive(Debug)]
pub struct Case {
    /// The file stem, e.g. `eval-okay-arith`; also the name in the ratchet.
    pub name: String,
    pub category: Category,
    /// The upstream `nix-instantiate` arguments (without the program name).
    pub nix_args: Vec<String>,
    /// Bytes fed on standard input (the parse categories), else stdin is empty.
    pub stdin: Option<Vec<u8>>,
    /// Environment on top of the common one (`NIX_PATH`, `HOME`).
    pub env: Vec<(&'static str, String)>,
    /// The exact exit status required.
    pub status: i32,
    pub expected: Expected,
}

/// The result of scanning the corpus.
pub struct Corpus {
    /// Every runnable case, sorted by name.
    pub cases: Vec<Case>,
    /// Tests present but not to be run (only `.exp-disabled`).
    pub disabled: Vec<String>,
}

/// The default eval-fail flags, replaced (not extended) by a `.flags` file.
const EVAL_FAIL_DEFAULT_FLAGS: &str = "--eval --strict --show-trace";

/// Scans `lang` (the corpus as exposed under that name) for test cases.
/// `home` is the empty scratch directory used as `HOME` outside eval-okay
/// text mode.
pub fn discover(lang: &Path, home: &Path) -> Result<Corpus, String> {
    let entries = fs::read_dir(lang).map_err(|e| format!("cannot list {}: {e}", lang.display()))?;
    let mut stems = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", lang.display()))?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        // Every other file (`lib.nix`, `non-eval-*.nix`, leftovers such as
        // `eval-okay-hash.exp`, NOTICE, COPYING) is a fixture or ignored.
        if let Some(stem) = file_name.strip_suffix(".nix")
            && category_prefix(stem).is_some()
        {
            stems.push(stem.to_owned());
        }
    }
    stems.sort();

    let home = home.display().to_string();
    let mut corpus = Corpus {
        cases: Vec::new(),
        disabled: Vec::new(),
    };
    for stem in stems {
        match case(lang, &stem, &home)? {
            Some(case) => corpus.cases.push(case),
            None => corpus.disabled.push(stem),
        }
    }
    Ok(corpus)
}

/// The category prefix of a test stem, if it is a test at all.
fn category_prefix(stem: &str) -> Option<&'static str> {
    ["parse-okay-", "parse-fail-", "eval-okay-", "eval-fail-"]
        .into_iter()
        .find(|prefix| stem.starts_with(prefix))
}

/// Builds the case for one test, or `None` when it is disabled.
fn case(lang: &Path, stem: &str, home: &str) -> Result<Option<Case>, String> {
    let sibling = |ext: &str| lang.join(format!("{stem}{ext}"));
    let file_arg = format!("lang/{stem}.nix");
    let scratch_home = vec![("HOME", home.to_owned())];
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();

    let case = match category_prefix(stem) {
        Some("parse-okay-") => Case {
            name: stem.to_owned(),
            category: Category::ParseOkay,
            nix_args: words("--parse -"),
            stdin: Some(read(&sibling(".nix"))?),
            env: scratch_home,
            status: 0,
            expected: Expected::Separate {
                stdout: read_or_empty(&sibling(".exp"))?,
                stderr: Some(read_or_empty(&sibling(".err.exp"))?),
            },
        },
        Some("parse-fail-") => Case {
            name: stem.to_owned(),
            category: Category::ParseFail,
            nix_args: words("--parse -"),
            stdin: Some(read(&sibling(".nix"))?),
            env: scratch_home,
            status: 1,
            expected: Expected::Merged(read_or_empty(&sibling(".err.exp"))?),
        },
        Some("eval-okay-") if sibling(".exp.xml").exists() => Case {
            // XML mode wins over any `.exp` or `.flags`.
            name: stem.to_owned(),
            category: Category::EvalOkayXml,
            nix_args: [words("--eval --xml --no-location --strict"), vec![file_arg]].concat(),
            stdin: None,
            env: scratch_home,
            status: 0,
            expected: Expected::Separate {
                stdout: read(&sibling(".exp.xml"))?,
                stderr: None,
            },
        },
        Some("eval-okay-") if sibling(".exp-disabled").exists() && !sibling(".exp").exists() => {
            return Ok(None);
        }
        Some("eval-okay-") => {
            // First line of `.flags`, split on whitespace, before `--eval --strict`.
            let flags = read_or_empty(&sibling(".flags"))?;
            let flags = String::from_utf8_lossy(&flags);
            let first_line = flags.lines().next().unwrap_or("");
            Case {
                name: stem.to_owned(),
                category: Category::EvalOkayText,
                nix_args: [words(first_line), words("--eval --strict"), vec![file_arg]].concat(),
                stdin: None,
                env: vec![
                    ("NIX_PATH", "lang/dir3:lang/dir4".to_owned()),
                    ("HOME", "/fake-home".to_owned()),
                ],
                status: 0,
                expected: Expected::Separate {
                    stdout: read_or_empty(&sibling(".exp"))?,
                    stderr: Some(read_or_empty(&sibling(".err.exp"))?),
                },
            }
        }
        Some("eval-fail-") => {
            // The whole `.flags`, `#` comments removed, replaces the default.
            let flags = match fs::read(sibling(".flags")) {
                Ok(bytes) => strip_comments(&String::from_utf8_lossy(&bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => EVAL_FAIL_DEFAULT_FLAGS.to_owned(),
                Err(e) => return Err(format!("cannot read {}: {e}", sibling(".flags").display())),
            };
            Case {
                name: stem.to_owned(),
                category: Category::EvalFail,
                nix_args: [words(&flags), vec![file_arg]].concat(),
                stdin: None,
                env: scratch_home,
                status: 1,
                expected: Expected::Merged(read_or_empty(&sibling(".err.exp"))?),
            }
        }
        _ => return Err(format!("{stem}: not a test name")),
    };
    Ok(Some(case))
}

/// Removes everything from `#` to the end of each line.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split_once('#').map_or(line, |(before, _)| before))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads a file that must exist.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Reads an expectation file; a missing one means "expected output is empty".
fn read_or_empty(path: &Path) -> Result<Vec<u8>, String> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Symbolic links the corpus must contain, relative to `lang/`. A checkout
/// made without symlink support (git's `core.symlinks=false`, some archive
/// tools) turns each into a regular file holding the link target.
const SYMLINKS: [&str; 4] = [
    "readDir/ldir",
    "readDir/linked",
    "symlink-resolution/broken",
    "symlink-resolution/foo/overlays",
];

/// Copies the corpus `src` to `dst` (which must not exist), preserving
/// symbolic links, then turns flattened links back into links. Returns the
/// paths it had to restore, so the caller can say so.
pub fn expose(src: &Path, dst: &Path) -> Result<Vec<&'static str>, String> {
    copy_tree(src, dst)
        .map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
    let mut restored = Vec::new();
    for link in SYMLINKS {
        let path = dst.join(link);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_file() {
            let target = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            fs::remove_file(&path)
                .and_then(|()| std::os::unix::fs::symlink(target.trim_end(), &path))
                .map_err(|e| format!("cannot restore symlink {}: {e}", path.display()))?;
            restored.push(link);
        }
    }
    Ok(restored)
}

/// Recursive copy that recreates symbolic links instead of following them.
/// Directories get default permissions so the scratch tree can be removed.
fn copy_tree(src: &Path, dst: &Path) -> io::Result<()> {
    fs::create_dir(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let (from, to) = (entry.path(), dst.join(entry.file_name()));
        let file_type = entry.file_type()?;
        if file_type.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from)?, &to)?;
        } else if file_type.is_dir() {
            copy_tree(&from, &to)?;
        } else {
            fs::copy(&from, &to)?;
        }
    }
    Ok(())
}
