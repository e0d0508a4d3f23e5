//! What the evaluation itself put into the store stays readable during
//! the evaluation: `import (fetchTarball …)`, `readFile "${./x}"`,
//! `readDir (builtins.path { … })` read store paths that may exist only
//! in this process (`tvix eval` writes nothing, like C++ Nix's dummy
//! store, and `tvix instantiate` keeps its store elsewhere than the store
//! directory the paths name).
//!
//! [`StoreOverlay`] wraps the embedder's [`EvalIO`]: every object handed
//! to `add_to_store` but `.drv` files is also kept here (its NAR, parsed on
//! first read) and reads of paths inside it are answered from it;
//! everything else goes to the wrapped IO, so a real `/nix/store` still
//! serves what it has.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tvix_store::nar::NarNode;

use crate::io::{EvalIO, FetchedTree, FileType, GitCheckout, GitRequest, StoreObject};

/// How many symbolic links are followed in one lookup, as the kernel does.
const MAX_LINKS: usize = 40;

/// An object kept for reading: its NAR, parsed when first read.
struct Kept {
    nar: Vec<u8>,
    tree: Option<Rc<NarNode>>,
}

/// The evaluator's IO with the store objects it created readable.
pub(crate) struct StoreOverlay {
    inner: Rc<dyn EvalIO>,
    objects: RefCell<FxHashMap<String, Kept>>,
}

impl StoreOverlay {
    /// `inner` with an empty overlay.
    pub(crate) fn new(inner: Rc<dyn EvalIO>) -> StoreOverlay {
        StoreOverlay {
            inner,
            objects: RefCell::default(),
        }
    }

    /// The node at `path` when it is inside a kept object: `None` when
    /// the overlay does not hold the object, or a link leads outside it
    /// (ask the wrapped IO), `Some(None)` when the path is not in it.
    fn lookup(&self, path: &str, follow_final: bool) -> Option<Option<NarNode>> {
        let dir = tvix_store::store_dir();
        let rest = path.strip_prefix(dir)?.strip_prefix('/')?;
        let (base, inner) = rest.split_once('/').unwrap_or((rest, ""));
        let root = {
            let mut objects = self.objects.borrow_mut();
            let kept = objects.get_mut(&format!("{dir}/{base}"))?;
            if kept.tree.is_none() {
                kept.tree = Some(Rc::new(NarNode::from_nar(&kept.nar).ok()?));
            }
            kept.tree.clone()?
        };
        // Components still to walk, last first; the nodes walked so far.
        let mut pending: Vec<String> = inner
            .split('/')
            .rev()
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_owned)
            .collect();
        let mut stack: Vec<&NarNode> = vec![&root];
        let mut links = 0;
        loop {
            let here = *stack.last()?;
            if let NarNode::Symlink { target } = here
                && (!pending.is_empty() || follow_final)
            {
                links += 1;
                let target = String::from_utf8_lossy(target);
                if links > MAX_LINKS || target.starts_with('/') {
                    // Out of this object (or a loop): let the file system say.
                    return if links > MAX_LINKS { Some(None) } else { None };
                }
                stack.pop();
                pending.extend(
                    target
                        .split('/')
                        .rev()
                        .filter(|c| !c.is_empty() && *c != ".")
                        .map(str::to_owned),
                );
                continue;
            }
            let Some(name) = pending.pop() else {
                return Some(Some(here.clone()));
            };
            if name == ".." {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            let NarNode::Directory(entries) = here else {
                return Some(None);
            };
            match entries
                .iter()
                .find(|(n, _)| n.as_slice() == name.as_bytes())
            {
                Some((_, child)) => stack.push(child),
                None => return Some(None),
            }
        }
    }
}

/// Whether `path` names the store directory itself. C++ Nix creates it
/// when it opens its store, so to an evaluation it always exists, even on
/// a machine where nothing was ever put there.
fn is_store_dir(path: &str) -> bool {
    path.trim_end_matches('/') == tvix_store::store_dir().trim_end_matches('/')
}

fn not_found() -> io::Error {
    io::ErrorKind::NotFound.into()
}

fn type_of(node: &NarNode) -> FileType {
    match node {
        NarNode::Regular { .. } => FileType::Regular,
        NarNode::Symlink { .. } => FileType::Symlink,
        NarNode::Directory(_) => FileType::Directory,
    }
}

impl EvalIO for StoreOverlay {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        match self.lookup(path, true) {
            Some(Some(NarNode::Regular { contents, .. })) => Ok(contents),
            Some(Some(NarNode::Directory(_))) => Err(io::Error::other("Is a directory")),
            Some(_) => Err(not_found()),
            None => self.inner.read_file(path),
        }
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        match self.lookup(path, true) {
            Some(Some(NarNode::Directory(entries))) => Ok(entries
                .iter()
                .map(|(name, node)| (String::from_utf8_lossy(name).into_owned(), type_of(node)))
                .collect()),
            Some(Some(_)) => Err(io::Error::other("Not a directory")),
            Some(None) => Err(not_found()),
            None => self.inner.read_dir(path),
        }
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        if is_store_dir(path) {
            return Ok(FileType::Directory);
        }
        match self.lookup(path, false) {
            Some(Some(node)) => Ok(type_of(&node)),
            Some(None) => Err(not_found()),
            None => self.inner.file_type(path),
        }
    }

    fn path_exists(&self, path: &str) -> bool {
        if is_store_dir(path) {
            return true;
        }
        match self.lookup(path, false) {
            Some(found) => found.is_some(),
            None => self.inner.path_exists(path),
        }
    }

    fn env_var(&self, name: &str) -> Option<String> {
        self.inner.env_var(name)
    }

    fn is_executable(&self, path: &str) -> bool {
        match self.lookup(path, true) {
            Some(Some(NarNode::Regular { executable, .. })) => executable,
            Some(_) => false,
            None => self.inner.is_executable(path),
        }
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        match self.lookup(path, false) {
            Some(Some(NarNode::Symlink { target })) => {
                Ok(String::from_utf8_lossy(&target).into_owned())
            }
            Some(_) => Err(io::Error::from(io::ErrorKind::InvalidInput)),
            None => self.inner.read_link(path),
        }
    }

    fn print_diagnostic(&self, line: &str) {
        self.inner.print_diagnostic(line)
    }

    fn keeps_derivations(&self) -> bool {
        // `.drv` files are not kept here (below).
        self.inner.keeps_derivations()
    }

    fn add_to_store(&self, object: StoreObject) -> io::Result<()> {
        let nar = match &object {
            // `.drv` files are not kept: an evaluation makes thousands and
            // almost never reads one back, and keeping them all would cost
            // more memory than the rest of a derivation-heavy evaluation.
            StoreObject::Text { name, .. } if name.ends_with(".drv") => None,
            StoreObject::Text { contents, .. } => Some(
                NarNode::Regular {
                    executable: false,
                    contents: contents.clone(),
                }
                .to_nar(),
            ),
            StoreObject::Source { nar, .. } => Some(nar.clone()),
        };
        if let Some(nar) = nar {
            self.objects
                .borrow_mut()
                .insert(object.path().to_owned(), Kept { nar, tree: None });
        }
        self.inner.add_to_store(object)
    }

    fn fetch_url(&self, url: &str) -> io::Result<Vec<u8>> {
        self.inner.fetch_url(url)
    }

    fn fetch_tarball(&self, url: &str) -> io::Result<FetchedTree> {
        self.inner.fetch_tarball(url)
    }

    fn fetch_git(&self, request: &GitRequest) -> io::Result<GitCheckout> {
        self.inner.fetch_git(request)
    }

    fn fetch_path(&self, path: &str) -> io::Result<FetchedTree> {
        self.inner.fetch_path(path)
    }
}
