//! The IO boundary: everything the evaluator needs from the outside world.
//!
//! The evaluator never touches the file system, the environment or the
//! terminal itself; it asks an [`EvalIO`]. The CLI plugs in [`StdIO`]; the
//! language server can plug in one that serves unsaved buffers.

use std::io;

pub use tvix_fetch::{FetchedTree, GitCheckout, GitRequest};

/// The type of a directory entry, as `builtins.readDir` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// Anything else (sockets, devices, …).
    Unknown,
}

impl FileType {
    /// The name Nix uses.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Regular => "regular",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
            FileType::Unknown => "unknown",
        }
    }
}

/// An object the evaluator has put into the store, handed to the embedder
/// through [`EvalIO::add_to_store`].
///
/// The evaluator computes every store path itself (bit-exact with C++ Nix,
/// for the store directory `tvix_store::store_dir()`, `/nix/store` by
/// default); the embedder only decides whether
/// and where to keep the bytes. Objects arrive in dependency order: the
/// references of an object were handed over before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreObject {
    /// A text file: a derivation's `.drv` file or a `builtins.toFile`
    /// text. Its path is `text:`-addressed (C++ Nix's `TextHash`), so
    /// `ca` is `text:sha256:<nixbase32 of the SHA-256 of contents>`.
    Text {
        /// The full store path (`/nix/store/<hash>-<name>`).
        path: String,
        /// The name part of the path (`foo.drv`, the `toFile` name).
        name: String,
        /// The file's bytes.
        contents: Vec<u8>,
        /// The store paths this file refers to, sorted (for a `.drv`:
        /// its input sources and input derivations).
        references: Vec<String>,
    },
    /// A file or directory imported from the file system (path
    /// interpolation, `builtins.path`, `filterSource`), serialised as a
    /// NAR. Sources have no references.
    Source {
        /// The full store path.
        path: String,
        /// The name part of the path.
        name: String,
        /// The NAR serialisation of the (filtered) tree.
        nar: Vec<u8>,
        /// The content address in C++ Nix's printed form:
        /// `fixed:r:sha256:<nixbase32>` for a recursive (NAR) import,
        /// `fixed:sha256:<nixbase32>` for a flat file import.
        ca: String,
    },
}

impl StoreObject {
    /// The store path of the object.
    pub fn path(&self) -> &str {
        match self {
            StoreObject::Text { path, .. } | StoreObject::Source { path, .. } => path,
        }
    }
}

/// What the evaluator may ask of the outside world.
pub trait EvalIO {
    /// The bytes of a file.
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// The entries of a directory with their types (not following links).
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>>;
    /// The type of `path` without following a final symbolic link.
    fn file_type(&self, path: &str) -> io::Result<FileType>;
    /// Whether `path` exists (a final symbolic link counts, even when
    /// broken, as in C++ Nix).
    fn path_exists(&self, path: &str) -> bool;
    /// An environment variable.
    fn env_var(&self, name: &str) -> Option<String>;
    /// Whether a regular file is executable (for NAR serialisation).
    fn is_executable(&self, _path: &str) -> bool {
        false
    }
    /// The target of a symbolic link.
    fn read_link(&self, _path: &str) -> io::Result<String> {
        Err(io::ErrorKind::Unsupported.into())
    }
    /// Prints a diagnostic line (`trace: …`, `warning: …`) for the user.
    fn print_diagnostic(&self, line: &str);
    /// Receives a store object the evaluation created (a `.drv` file, a
    /// `toFile` text, an imported source). The default keeps nothing, like
    /// C++ Nix's dummy store: `tvix eval` prints `drvPath`/`outPath`
    /// without writing anything. `tvix instantiate` plugs in a real store.
    /// An error fails the evaluation step that created the object.
    fn add_to_store(&self, _object: StoreObject) -> io::Result<()> {
        Ok(())
    }
    /// Whether [`EvalIO::add_to_store`] does anything with a `.drv` file;
    /// when it does not ([`StdIO`], whose store is C++ Nix's dummy store),
    /// the evaluator does not hand them over (the object costs a copy of
    /// the name and the references for every derivation). Implementations
    /// that keep nothing may say so; the default is to be given them.
    fn keeps_derivations(&self) -> bool {
        true
    }
    /// The bytes at a URL (`fetchurl`). The default refuses: only
    /// embedders that may touch the network or the disk outside the
    /// workspace (the CLI, the debugger) fetch.
    fn fetch_url(&self, url: &str) -> io::Result<Vec<u8>> {
        Err(fetching_unavailable(url))
    }
    /// The unpacked tarball at a URL (`fetchTarball`).
    fn fetch_tarball(&self, url: &str) -> io::Result<FetchedTree> {
        Err(fetching_unavailable(url))
    }
    /// A git revision or dirty working tree (`fetchGit`).
    fn fetch_git(&self, request: &GitRequest) -> io::Result<GitCheckout> {
        Err(fetching_unavailable(&request.url))
    }
    /// A local path with its modification time (`fetchTree { type = "path"; }`).
    fn fetch_path(&self, path: &str) -> io::Result<FetchedTree> {
        Err(fetching_unavailable(path))
    }
}

fn fetching_unavailable(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("cannot fetch '{what}': fetching is disabled in this evaluation"),
    )
}

/// The real file system and process environment; diagnostics on stderr.
#[derive(Clone, Copy, Debug, Default)]
pub struct StdIO;

impl EvalIO for StdIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn keeps_derivations(&self) -> bool {
        false
    }

    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let ty = entry.file_type()?;
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                convert(ty),
            ));
        }
        Ok(out)
    }

    fn file_type(&self, path: &str) -> io::Result<FileType> {
        Ok(convert(std::fs::symlink_metadata(path)?.file_type()))
    }

    fn path_exists(&self, path: &str) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    fn env_var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn is_executable(&self, path: &str) -> bool {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
    }

    fn read_link(&self, path: &str) -> io::Result<String> {
        Ok(std::fs::read_link(path)?.to_string_lossy().into_owned())
    }

    fn print_diagnostic(&self, line: &str) {
        eprintln!("{line}");
    }

    fn fetch_url(&self, url: &str) -> io::Result<Vec<u8>> {
        tvix_fetch::download(url)
    }

    fn fetch_tarball(&self, url: &str) -> io::Result<FetchedTree> {
        tvix_fetch::unpack_tarball(&tvix_fetch::download(url)?, url)
    }

    fn fetch_git(&self, request: &GitRequest) -> io::Result<GitCheckout> {
        tvix_fetch::fetch_git(request, &mut |line| self.print_diagnostic(line))
    }

    fn fetch_path(&self, path: &str) -> io::Result<FetchedTree> {
        tvix_fetch::fetch_path(path)
    }
}

/// Where [`HostIO`] sends diagnostics.
type DiagnosticSink = Box<dyn Fn(&str)>;
/// What [`HostIO`] does with store objects.
type StoreSink = Box<dyn Fn(StoreObject) -> io::Result<()>>;

/// [`StdIO`] with its outputs redirected: where diagnostics go, what
/// happens to store objects, whether the environment is visible. One type
/// for every embedder that is "the real machine, except …" (the debugger
/// sends diagnostics to its client, `tvix instantiate` keeps store objects
/// in the local store, tests record them), so new [`EvalIO`] methods reach
/// all of them.
pub struct HostIO {
    diagnostics: DiagnosticSink,
    store: StoreSink,
    environment: bool,
}

impl Default for HostIO {
    fn default() -> Self {
        HostIO {
            diagnostics: Box::new(|line| StdIO.print_diagnostic(line)),
            store: Box::new(|_| Ok(())),
            environment: true,
        }
    }
}

impl HostIO {
    /// Diagnostics go to `sink` instead of stderr.
    pub fn with_diagnostics(mut self, sink: impl Fn(&str) + 'static) -> Self {
        self.diagnostics = Box::new(sink);
        self
    }

    /// Store objects go to `sink` instead of being dropped.
    pub fn with_store(mut self, sink: impl Fn(StoreObject) -> io::Result<()> + 'static) -> Self {
        self.store = Box::new(sink);
        self
    }

    /// `getEnv` sees an empty environment (hermetic evaluations).
    pub fn without_environment(mut self) -> Self {
        self.environment = false;
        self
    }
}

impl EvalIO for HostIO {
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        StdIO.read_file(path)
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<(String, FileType)>> {
        StdIO.read_dir(path)
    }
    fn file_type(&self, path: &str) -> io::Result<FileType> {
        StdIO.file_type(path)
    }
    fn path_exists(&self, path: &str) -> bool {
        StdIO.path_exists(path)
    }
    fn env_var(&self, name: &str) -> Option<String> {
        self.environment.then(|| StdIO.env_var(name)).flatten()
    }
    fn is_executable(&self, path: &str) -> bool {
        StdIO.is_executable(path)
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        StdIO.read_link(path)
    }
    fn print_diagnostic(&self, line: &str) {
        (self.diagnostics)(line)
    }
    fn add_to_store(&self, object: StoreObject) -> io::Result<()> {
        (self.store)(object)
    }
    fn fetch_url(&self, url: &str) -> io::Result<Vec<u8>> {
        StdIO.fetch_url(url)
    }
    fn fetch_tarball(&self, url: &str) -> io::Result<FetchedTree> {
        StdIO.fetch_tarball(url)
    }
    fn fetch_git(&self, request: &GitRequest) -> io::Result<GitCheckout> {
        tvix_fetch::fetch_git(request, &mut |line| self.print_diagnostic(line))
    }
    fn fetch_path(&self, path: &str) -> io::Result<FetchedTree> {
        StdIO.fetch_path(path)
    }
}

fn convert(ty: std::fs::FileType) -> FileType {
    if ty.is_symlink() {
        FileType::Symlink
    } else if ty.is_dir() {
        FileType::Directory
    } else if ty.is_file() {
        FileType::Regular
    } else {
        FileType::Unknown
    }
}
