//! The debug adapter's IO boundary: the real file system, with the
//! evaluator's diagnostics left to the observer (they become output
//! events; standard output carries the protocol).

use std::io;

use tvix_eval::{EvalIO, FileType, StdIO};

/// [`StdIO`] without printing diagnostics.
pub struct DapIO;

impl EvalIO for DapIO {
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
        StdIO.env_var(name)
    }
    fn is_executable(&self, path: &str) -> bool {
        StdIO.is_executable(path)
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        StdIO.read_link(path)
    }
    fn print_diagnostic(&self, _line: &str) {}
}
