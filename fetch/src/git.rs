//! `fetchGit`: a revision of a git repository (or a dirty local working
//! tree) as a NAR, with the metadata Nix reports.
//!
//! Uses the `git` command line, as C++ Nix does: the same repository
//! formats, credentials and transports work, and behaviour on odd
//! repositories (worktrees, alternates, `export-ignore`) is git's own.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use tvix_store::nar::{FsSource, NodeType, write_nar_filtered};

use crate::error;

/// What `fetchGit` (or `fetchTree { type = "git"; }`) asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitRequest {
    /// The repository: a local path, `file://…`, or a remote URL.
    pub url: String,
    /// The branch or tag (`ref`); default: the local `HEAD`'s branch, or
    /// the remote's `HEAD`.
    pub git_ref: Option<String>,
    /// The commit (`rev`); default: what `git_ref` points to.
    pub rev: Option<String>,
    /// Whether to include submodules.
    pub submodules: bool,
    /// Whether a shallow fetch is enough (then there is no `revCount`).
    pub shallow: bool,
    /// Whether to fetch every ref of a remote.
    pub all_refs: bool,
}

/// What `fetchGit` fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitCheckout {
    /// The NAR of the tree, without `.git`.
    pub nar: Vec<u8>,
    /// The commit, or `None` for a dirty working tree.
    pub rev: Option<String>,
    /// The number of commits reachable from `rev` (not for shallow or
    /// dirty fetches).
    pub rev_count: Option<u64>,
    /// The commit time of `rev` (of `HEAD` for a dirty tree; 0 without
    /// commits), seconds since the epoch.
    pub last_modified: u64,
}

/// Fetches `req`. `diagnostics` receives lines for the user's terminal:
/// warnings (a dirty tree) and what git itself printed when it failed, as
/// C++ Nix lets git print to stderr.
pub fn fetch_git(req: &GitRequest, diagnostics: &mut dyn FnMut(&str)) -> io::Result<GitCheckout> {
    let local = req
        .url
        .strip_prefix("file://")
        .or_else(|| req.url.starts_with('/').then_some(req.url.as_str()))
        .filter(|p| Path::new(p).is_dir());
    if let Some(dir) = local
        && req.git_ref.is_none()
        && req.rev.is_none()
        && let Some(dirty) = dirty_tree(dir, req.submodules, diagnostics)?
    {
        return Ok(dirty);
    }
    let repo = match local {
        Some(dir) => PathBuf::from(dir),
        None => fetch_remote(req, diagnostics)?,
    };
    let repo_str = repo.display().to_string();
    let git_ref = match &req.git_ref {
        Some(r) => r.clone(),
        None if local.is_some() => git(&repo, &["rev-parse", "--abbrev-ref", "HEAD"], diagnostics)?,
        None => "HEAD".to_owned(),
    };
    let rev = match &req.rev {
        Some(rev) => {
            let verify = format!("{rev}^{{commit}}");
            git(&repo, &["rev-parse", "--verify", "--quiet", &verify], &mut |_| {}).map_err(|_| {
                error(format!(
                    "Cannot find Git revision '{rev}' in ref '{git_ref}' of repository '{repo_str}'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit."
                ))
            })?
        }
        None => git(&repo, &["rev-parse", &git_ref], diagnostics)?,
    };
    let rev_count = if req.shallow {
        None
    } else {
        Some(number(&git(
            &repo,
            &["rev-list", "--count", &rev],
            diagnostics,
        )?)?)
    };
    let last_modified = number(&git(
        &repo,
        &["log", "-1", "--format=%ct", "--no-show-signature", &rev],
        diagnostics,
    )?)?;
    let nar = if req.submodules {
        checkout_with_submodules(&repo, &rev, diagnostics)?
    } else {
        export(&repo, &rev)?
    };
    Ok(GitCheckout {
        nar,
        rev: Some(rev),
        rev_count,
        last_modified,
    })
}

/// A local repository whose working tree differs from `HEAD` (or that has
/// no commits): its tracked files as they are on disk, as C++ Nix takes
/// them. `None` when the tree is clean.
fn dirty_tree(
    dir: &str,
    submodules: bool,
    diagnostics: &mut dyn FnMut(&str),
) -> io::Result<Option<GitCheckout>> {
    let path = Path::new(dir);
    let have_commits = git(
        path,
        &["rev-parse", "--verify", "--quiet", "HEAD"],
        &mut |_| {},
    )
    .is_ok();
    if have_commits {
        let status = Command::new("git")
            .args(["-C", dir, "diff-index", "--quiet", "HEAD", "--"])
            .status()
            .map_err(spawn_error)?;
        match status.code() {
            Some(0) => return Ok(None),
            Some(1) => {}
            _ => return Err(error(format!("program 'git' failed on '{dir}' ({status})"))),
        }
    }
    diagnostics(&format!("warning: Git tree '{dir}' is dirty"));
    let mut args = vec!["ls-files", "-z"];
    if submodules {
        args.push("--recurse-submodules");
    }
    let listing = git_raw(path, &args, diagnostics)?;
    let files: BTreeSet<String> = listing
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    let root = dir.trim_end_matches('/');
    let nar = write_nar_filtered(&FsSource, root, &mut |p, ty| {
        let rel = p.strip_prefix(root).unwrap_or(p).trim_start_matches('/');
        Ok(if ty == NodeType::Directory {
            let prefix = format!("{rel}/");
            files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|f| f.starts_with(&prefix))
        } else {
            files.contains(rel)
        })
    })?;
    let last_modified = if have_commits {
        number(&git(
            path,
            &["log", "-1", "--format=%ct", "--no-show-signature", "HEAD"],
            diagnostics,
        )?)?
    } else {
        0
    };
    Ok(Some(GitCheckout {
        nar,
        rev: None,
        rev_count: None,
        last_modified,
    }))
}

/// The tree of `rev` through `git archive` (what C++ Nix does without
/// submodules), unpacked and serialised.
fn export(repo: &Path, rev: &str) -> io::Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", rev])
        .output()
        .map_err(spawn_error)?;
    if !out.status.success() {
        return Err(error(format!(
            "program 'git' failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let dir = tempfile::tempdir()?;
    let mut archive = tar::Archive::new(&out.stdout[..]);
    archive.set_preserve_mtime(false);
    archive.unpack(dir.path())?;
    tvix_store::nar::dump_path(dir.path())
}

/// A checkout of `rev` with its submodules, without any `.git`.
fn checkout_with_submodules(
    repo: &Path,
    rev: &str,
    diagnostics: &mut dyn FnMut(&str),
) -> io::Result<Vec<u8>> {
    let dir = tempfile::tempdir()?;
    let work = dir.path().join("checkout");
    let status = Command::new("git")
        .args(["clone", "--quiet", "--no-checkout"])
        .arg(repo)
        .arg(&work)
        .status()
        .map_err(spawn_error)?;
    if !status.success() {
        return Err(error(format!(
            "program 'git' failed to clone '{}'",
            repo.display()
        )));
    }
    git(&work, &["checkout", "--quiet", rev], diagnostics)?;
    git(
        &work,
        &["submodule", "--quiet", "update", "--init", "--recursive"],
        diagnostics,
    )?;
    let root = work.display().to_string();
    write_nar_filtered(&FsSource, &root, &mut |p, _| {
        Ok(p.rsplit('/').next() != Some(".git"))
    })
}

/// A remote repository fetched into a bare cache repository (one per
/// URL under the user's cache directory); returns the cache's path.
fn fetch_remote(req: &GitRequest, diagnostics: &mut dyn FnMut(&str)) -> io::Result<PathBuf> {
    let cache_root = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("tvix/git");
    let key = tvix_store::nixbase32::encode(&tvix_store::hash::sha256(req.url.as_bytes()));
    let repo = cache_root.join(key);
    if !repo.join("HEAD").exists() {
        std::fs::create_dir_all(&repo)?;
        git(&repo, &["init", "--quiet", "--bare"], diagnostics)?;
    }
    let refspec = if req.all_refs {
        "+refs/*:refs/*".to_owned()
    } else {
        match &req.git_ref {
            Some(r) => format!("+{r}:{r}"),
            None => "+HEAD:HEAD".to_owned(),
        }
    };
    let mut args = vec!["fetch", "--quiet", "--force"];
    if req.shallow {
        args.extend(["--depth", "1"]);
    }
    args.extend(["--", req.url.as_str(), refspec.as_str()]);
    git(&repo, &args, diagnostics)
        .map_err(|e| error(format!("fetching Git repository '{}': {e}", req.url)))?;
    Ok(repo)
}

fn spawn_error(e: io::Error) -> io::Error {
    error(format!("cannot run 'git': {e}"))
}

/// Runs `git -C dir args…` and returns its trimmed stdout.
fn git(dir: &Path, args: &[&str], diagnostics: &mut dyn FnMut(&str)) -> io::Result<String> {
    git_raw(dir, args, diagnostics).map(|s| s.trim_end().to_owned())
}

/// Runs `git -C dir args…`; on failure git's own stderr goes to
/// `diagnostics` and the error is C++ Nix's `program 'git' failed …`.
fn git_raw(dir: &Path, args: &[&str], diagnostics: &mut dyn FnMut(&str)) -> io::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(spawn_error)?;
    if !out.status.success() {
        for line in String::from_utf8_lossy(&out.stderr).lines() {
            diagnostics(line);
        }
        return Err(error(match out.status.code() {
            Some(code) => format!("program 'git' failed with exit code {code}"),
            None => format!("program 'git' {}", out.status),
        }));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn number(s: &str) -> io::Result<u64> {
    s.trim()
        .parse()
        .map_err(|_| error(format!("unexpected output from 'git': '{s}'")))
}
