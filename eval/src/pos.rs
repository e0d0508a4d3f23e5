//! Source positions: a file of the evaluation and a byte offset in it.

/// Index of a source file in an evaluation's [`Sources`] table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position C++ Nix would record: file and byte offset. `Pos::NONE` is
/// for values made by builtins, which C++ Nix prints without a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pos {
    /// The file.
    pub file: FileId,
    /// Byte offset in the file's text.
    pub offset: u32,
}

impl Pos {
    /// No position.
    pub const NONE: Pos = Pos {
        file: FileId(u32::MAX),
        offset: 0,
    };

    /// Whether this is a real position.
    pub fn is_some(self) -> bool {
        self.file.0 != u32::MAX
    }
}

/// One source text known to an evaluation.
#[derive(Debug)]
pub struct Source {
    /// The name positions show: a path, `«string»` or `«stdin»`.
    pub name: String,
    /// The text.
    pub text: String,
    /// How bytes that were not UTF-8 appear in `text`, if there were any.
    pub escapes: Option<crate::source_bytes::ByteEscapes>,
}

/// The sources of one evaluation, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<Source>,
}

impl Sources {
    /// Registers a source and returns its id.
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.add_escaped(name, text, None)
    }

    /// Registers a source decoded by [`crate::source_bytes::decode`].
    pub fn add_escaped(
        &mut self,
        name: String,
        text: String,
        escapes: Option<crate::source_bytes::ByteEscapes>,
    ) -> FileId {
        self.files.push(Source {
            name,
            text,
            escapes,
        });
        FileId((self.files.len() - 1) as u32)
    }

    /// The escape blocks of all sources with bytes that were not UTF-8.
    pub fn escapes(&self) -> impl Iterator<Item = crate::source_bytes::ByteEscapes> + '_ {
        self.files.iter().filter_map(|f| f.escapes)
    }

    /// The source of `id`, if it exists.
    pub fn get(&self, id: FileId) -> Option<&Source> {
        self.files.get(id.0 as usize)
    }

    /// Line and column (1-based) of a position, as C++ Nix counts them.
    pub fn line_col(&self, pos: Pos) -> Option<(usize, usize)> {
        let src = self.get(pos.file)?;
        Some(tvix_syntax::exact::render::line_col(
            &src.text,
            pos.offset.into(),
        ))
    }
}
