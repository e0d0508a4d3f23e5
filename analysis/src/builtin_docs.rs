//! Short documentation for every builtin: a signature and a sentence or
//! two, shown on hover, in completion and in signature help.

/// Documentation of one builtin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinDoc {
    /// The name (without `builtins.`).
    pub name: &'static str,
    /// The parameters, in order (empty for constants).
    pub params: &'static [&'static str],
    /// A type-like signature, e.g. `(a -> b) -> [a] -> [b]`.
    pub signature: &'static str,
    /// What it does.
    pub doc: &'static str,
}

/// The documentation of builtin `name`, if it has any.
pub fn builtin_doc(name: &str) -> Option<&'static BuiltinDoc> {
    DOCS.binary_search_by(|d| d.name.cmp(name))
        .ok()
        .map(|i| &DOCS[i])
}

macro_rules! docs {
    ($(($name:literal, [$($param:literal),*], $sig:literal, $doc:literal)),* $(,)?) => {
        &[$(BuiltinDoc { name: $name, params: &[$($param),*], signature: $sig, doc: $doc }),*]
    };
}

/// Sorted by name.
static DOCS: &[BuiltinDoc] = docs![
    (
        "abort",
        ["message"],
        "string -> never",
        "Aborts evaluation with `message`. Unlike `throw`, `tryEval` cannot catch it."
    ),
    (
        "add",
        ["a", "b"],
        "number -> number -> number",
        "The sum of two integers or floats (`a + b`)."
    ),
    (
        "addDrvOutputDependencies",
        ["s"],
        "string -> string",
        "Turns a string context on a `.drv` file into a dependency on all of that derivation's outputs."
    ),
    (
        "addErrorContext",
        ["message", "value"],
        "string -> a -> a",
        "Returns `value`; if evaluating it fails, `message` is added to the error's trace."
    ),
    (
        "all",
        ["pred", "list"],
        "(a -> bool) -> [a] -> bool",
        "Whether `pred` holds for every element of `list` (true for an empty list)."
    ),
    (
        "any",
        ["pred", "list"],
        "(a -> bool) -> [a] -> bool",
        "Whether `pred` holds for at least one element of `list`."
    ),
    (
        "appendContext",
        ["s", "context"],
        "string -> attrset -> string",
        "Adds string context in the shape `getContext` returns to `s`."
    ),
    (
        "attrNames",
        ["set"],
        "attrset -> [string]",
        "The names of the attributes of `set`, sorted."
    ),
    (
        "attrValues",
        ["set"],
        "attrset -> [a]",
        "The values of the attributes of `set`, in the order of their sorted names."
    ),
    (
        "baseNameOf",
        ["path"],
        "path | string -> string",
        "Everything after the last `/` of `path` (a trailing slash is ignored)."
    ),
    (
        "bitAnd",
        ["a", "b"],
        "int -> int -> int",
        "Bitwise AND of two integers."
    ),
    (
        "bitOr",
        ["a", "b"],
        "int -> int -> int",
        "Bitwise OR of two integers."
    ),
    (
        "bitXor",
        ["a", "b"],
        "int -> int -> int",
        "Bitwise exclusive OR of two integers."
    ),
    (
        "break",
        ["value"],
        "a -> a",
        "Returns `value`; under a debugger, pauses evaluation here first."
    ),
    (
        "builtins",
        [],
        "attrset",
        "The set of every builtin function and constant."
    ),
    (
        "catAttrs",
        ["name", "list"],
        "string -> [attrset] -> [a]",
        "The values of attribute `name` of the sets in `list` that have it."
    ),
    (
        "ceil",
        ["x"],
        "number -> int",
        "The smallest integer not less than `x`."
    ),
    (
        "compareVersions",
        ["a", "b"],
        "string -> string -> int",
        "-1, 0 or 1 as version `a` is older than, equal to or newer than `b`."
    ),
    (
        "concatLists",
        ["lists"],
        "[[a]] -> [a]",
        "The elements of every list in `lists`, in order."
    ),
    (
        "concatMap",
        ["f", "list"],
        "(a -> [b]) -> [a] -> [b]",
        "`concatLists (map f list)`, faster."
    ),
    (
        "concatStringsSep",
        ["sep", "list"],
        "string -> [string] -> string",
        "The strings of `list` joined with `sep` between them."
    ),
    (
        "convertHash",
        ["args"],
        "{ hash, toHashFormat, hashAlgo ? } -> string",
        "Converts a hash between the base16, nix32, base64 and SRI formats."
    ),
    (
        "currentSystem",
        [],
        "string",
        "The system type of the evaluating machine, e.g. `\"x86_64-linux\"`."
    ),
    (
        "currentTime",
        [],
        "int",
        "Seconds since the Unix epoch when evaluation started (impure)."
    ),
    (
        "deepSeq",
        ["a", "b"],
        "a -> b -> b",
        "Evaluates `a` completely (every element and attribute), then returns `b`."
    ),
    (
        "derivation",
        ["attrs"],
        "{ name, system, builder, args ?, outputs ?, ... } -> derivation",
        "Describes a build: returns `attrs` extended with `drvPath`, `outPath` and one attribute per output."
    ),
    (
        "derivationStrict",
        ["attrs"],
        "attrset -> { drvPath, <output> ... }",
        "The primitive behind `derivation`: writes the `.drv` and returns its path and output paths."
    ),
    (
        "dirOf",
        ["path"],
        "path | string -> path | string",
        "Everything before the last `/` of `path`."
    ),
    (
        "div",
        ["a", "b"],
        "number -> number -> number",
        "The quotient `a / b` (integer division for integers)."
    ),
    (
        "elem",
        ["x", "list"],
        "a -> [a] -> bool",
        "Whether `x` is equal to an element of `list`."
    ),
    (
        "elemAt",
        ["list", "n"],
        "[a] -> int -> a",
        "The element at zero-based index `n` of `list`."
    ),
    ("false", [], "bool", "The boolean false."),
    (
        "fetchClosure",
        ["args"],
        "{ fromStore, fromPath, toPath ?, inputAddressed ? } -> path",
        "Copies a store path closure from a binary cache (experimental)."
    ),
    (
        "fetchGit",
        ["args"],
        "string | { url, ref ?, rev ?, submodules ?, ... } -> attrset",
        "Fetches a Git repository at evaluation time; returns its store path and metadata."
    ),
    (
        "fetchMercurial",
        ["args"],
        "string | { url, rev ?, ... } -> attrset",
        "Fetches a Mercurial repository at evaluation time."
    ),
    (
        "fetchTarball",
        ["args"],
        "string | { url, sha256 ?, name ? } -> path",
        "Downloads and unpacks a tarball at evaluation time; returns the store path."
    ),
    (
        "fetchTree",
        ["input"],
        "string | attrset -> attrset",
        "Fetches a flake-style input (git, github, tarball, path, …) at evaluation time."
    ),
    (
        "fetchurl",
        ["args"],
        "string | { url, sha256 ?, name ? } -> path",
        "Downloads a file at evaluation time; returns its store path."
    ),
    (
        "filter",
        ["pred", "list"],
        "(a -> bool) -> [a] -> [a]",
        "The elements of `list` for which `pred` holds."
    ),
    (
        "filterSource",
        ["pred", "path"],
        "(string -> string -> bool) -> path -> string",
        "Copies `path` to the store keeping only the entries for which `pred path type` holds."
    ),
    (
        "findFile",
        ["searchPath", "lookup"],
        "[{ prefix, path }] -> string -> path",
        "Resolves `<lookup>` against a search path; what `<nixpkgs>` desugars to."
    ),
    (
        "flakeRefToString",
        ["ref"],
        "attrset -> string",
        "Renders an attribute-set flake reference as a URL-like string."
    ),
    (
        "floor",
        ["x"],
        "number -> int",
        "The largest integer not greater than `x`."
    ),
    (
        "foldl'",
        ["op", "init", "list"],
        "(b -> a -> b) -> b -> [a] -> b",
        "Folds `list` from the left, forcing the accumulator at each step."
    ),
    (
        "fromJSON",
        ["s"],
        "string -> a",
        "Parses the JSON text `s` into a Nix value."
    ),
    (
        "fromTOML",
        ["s"],
        "string -> attrset",
        "Parses the TOML text `s` into an attribute set."
    ),
    (
        "functionArgs",
        ["f"],
        "function -> { <formal> = bool; }",
        "The formals of `f`, each mapped to whether it has a default."
    ),
    (
        "genList",
        ["f", "n"],
        "(int -> a) -> int -> [a]",
        "The list `[ (f 0) (f 1) … (f (n - 1)) ]`."
    ),
    (
        "genericClosure",
        ["args"],
        "{ startSet, operator } -> [attrset]",
        "Closes `startSet` under `operator`, deduplicating items by their `key` attribute."
    ),
    (
        "getAttr",
        ["name", "set"],
        "string -> attrset -> a",
        "The attribute `name` of `set` (`set.${name}`)."
    ),
    (
        "getContext",
        ["s"],
        "string -> attrset",
        "The string context of `s`, as an attribute set keyed by store path."
    ),
    (
        "getEnv",
        ["name"],
        "string -> string",
        "The environment variable `name`, or `\"\"` when unset (impure)."
    ),
    (
        "getFlake",
        ["ref"],
        "string -> attrset",
        "Fetches and evaluates a flake (experimental)."
    ),
    (
        "groupBy",
        ["f", "list"],
        "(a -> string) -> [a] -> { <key> = [a]; }",
        "Groups the elements of `list` by the string `f` returns for each."
    ),
    (
        "hasAttr",
        ["name", "set"],
        "string -> attrset -> bool",
        "Whether `set` has an attribute `name` (`set ? ${name}`)."
    ),
    (
        "hasContext",
        ["s"],
        "string -> bool",
        "Whether the string `s` carries string context."
    ),
    (
        "hashFile",
        ["type", "path"],
        "string -> path -> string",
        "The base-16 hash (`md5`, `sha1`, `sha256`, `sha512`) of the file at `path`."
    ),
    (
        "hashString",
        ["type", "s"],
        "string -> string -> string",
        "The base-16 hash (`md5`, `sha1`, `sha256`, `sha512`) of `s`."
    ),
    (
        "head",
        ["list"],
        "[a] -> a",
        "The first element of `list`; an error when it is empty."
    ),
    (
        "import",
        ["path"],
        "path -> a",
        "Evaluates the Nix file at `path` (or `path/default.nix`) and returns its value."
    ),
    (
        "intersectAttrs",
        ["e1", "e2"],
        "attrset -> attrset -> attrset",
        "The attributes of `e2` whose names are also in `e1`."
    ),
    (
        "isAttrs",
        ["e"],
        "a -> bool",
        "Whether `e` is an attribute set."
    ),
    ("isBool", ["e"], "a -> bool", "Whether `e` is a boolean."),
    ("isFloat", ["e"], "a -> bool", "Whether `e` is a float."),
    (
        "isFunction",
        ["e"],
        "a -> bool",
        "Whether `e` is a function."
    ),
    ("isInt", ["e"], "a -> bool", "Whether `e` is an integer."),
    ("isList", ["e"], "a -> bool", "Whether `e` is a list."),
    (
        "isNull",
        ["e"],
        "a -> bool",
        "Whether `e` is `null` (deprecated; write `e == null`)."
    ),
    ("isPath", ["e"], "a -> bool", "Whether `e` is a path."),
    ("isString", ["e"], "a -> bool", "Whether `e` is a string."),
    (
        "langVersion",
        [],
        "int",
        "The version of the Nix language this evaluator implements."
    ),
    (
        "length",
        ["list"],
        "[a] -> int",
        "The number of elements of `list`."
    ),
    (
        "lessThan",
        ["a", "b"],
        "a -> a -> bool",
        "`a < b` for numbers, strings, paths or lists."
    ),
    (
        "listToAttrs",
        ["list"],
        "[{ name, value }] -> attrset",
        "An attribute set from a list of name/value pairs; the first of equal names wins."
    ),
    (
        "map",
        ["f", "list"],
        "(a -> b) -> [a] -> [b]",
        "Applies `f` to each element of `list` (lazily)."
    ),
    (
        "mapAttrs",
        ["f", "set"],
        "(string -> a -> b) -> attrset -> attrset",
        "`set` with each value replaced by `f name value`."
    ),
    (
        "match",
        ["regex", "s"],
        "string -> string -> null | [string]",
        "Matches all of `s` against the POSIX extended `regex`: `null`, or the capture groups."
    ),
    (
        "mul",
        ["a", "b"],
        "number -> number -> number",
        "The product `a * b`."
    ),
    (
        "nixPath",
        [],
        "[{ prefix, path }]",
        "The search path used to resolve `<…>` lookups."
    ),
    (
        "nixVersion",
        [],
        "string",
        "The version of Nix this evaluator mimics."
    ),
    ("null", [], "null", "The null value."),
    (
        "outputOf",
        ["drv", "output"],
        "string -> string -> string",
        "A placeholder for an output of a derivation that is itself an output (experimental)."
    ),
    (
        "parseDrvName",
        ["s"],
        "string -> { name, version }",
        "Splits a package name like `\"nix-2.8\"` into `name` and `version`."
    ),
    (
        "parseFlakeRef",
        ["ref"],
        "string -> attrset",
        "Parses a flake reference URL into its attribute-set form."
    ),
    (
        "partition",
        ["pred", "list"],
        "(a -> bool) -> [a] -> { right, wrong }",
        "Splits `list` into the elements for which `pred` holds (`right`) and the rest (`wrong`)."
    ),
    (
        "path",
        ["args"],
        "{ path, name ?, filter ?, recursive ?, sha256 ? } -> string",
        "Copies `path` to the store like a path literal, with a name, filter and expected hash."
    ),
    (
        "pathExists",
        ["path"],
        "path -> bool",
        "Whether `path` exists."
    ),
    (
        "placeholder",
        ["output"],
        "string -> string",
        "A string the builder's environment replaces with the path of `output`."
    ),
    (
        "readDir",
        ["path"],
        "path -> { <name> = type; }",
        "The entries of directory `path`, each mapped to `\"regular\"`, `\"directory\"`, `\"symlink\"` or `\"unknown\"`."
    ),
    (
        "readFile",
        ["path"],
        "path -> string",
        "The contents of the file at `path`."
    ),
    (
        "readFileType",
        ["path"],
        "path -> string",
        "The type of `path`: `\"regular\"`, `\"directory\"`, `\"symlink\"` or `\"unknown\"`."
    ),
    (
        "removeAttrs",
        ["set", "names"],
        "attrset -> [string] -> attrset",
        "`set` without the attributes named in `names`."
    ),
    (
        "replaceStrings",
        ["from", "to", "s"],
        "[string] -> [string] -> string -> string",
        "Replaces each occurrence in `s` of a string of `from` by the string of `to` at the same index."
    ),
    (
        "scopedImport",
        ["scope", "path"],
        "attrset -> path -> a",
        "Like `import`, with the attributes of `scope` in scope in the imported file."
    ),
    (
        "seq",
        ["a", "b"],
        "a -> b -> b",
        "Evaluates `a` to weak head normal form, then returns `b`."
    ),
    (
        "sort",
        ["comparator", "list"],
        "(a -> a -> bool) -> [a] -> [a]",
        "`list` sorted stably by the strict less-than `comparator`."
    ),
    (
        "split",
        ["regex", "s"],
        "string -> string -> [string | [string]]",
        "Splits `s` at matches of the POSIX extended `regex`; matches appear as lists of their groups."
    ),
    (
        "splitVersion",
        ["s"],
        "string -> [string]",
        "The components of a version string, as `compareVersions` sees them."
    ),
    (
        "storeDir",
        [],
        "string",
        "The store directory, usually `\"/nix/store\"`."
    ),
    (
        "storePath",
        ["path"],
        "path -> string",
        "`path`, which must be in the store, with a string context on it."
    ),
    (
        "stringLength",
        ["s"],
        "string -> int",
        "The length of `s` in bytes."
    ),
    (
        "sub",
        ["a", "b"],
        "number -> number -> number",
        "The difference `a - b`."
    ),
    (
        "substring",
        ["start", "len", "s"],
        "int -> int -> string -> string",
        "At most `len` bytes of `s` from byte `start`."
    ),
    (
        "tail",
        ["list"],
        "[a] -> [a]",
        "`list` without its first element; an error when it is empty."
    ),
    (
        "throw",
        ["message"],
        "string -> never",
        "Fails evaluation with `message`; `tryEval` can catch it."
    ),
    (
        "toFile",
        ["name", "s"],
        "string -> string -> path",
        "Writes `s` to a store file called `name` and returns its path."
    ),
    (
        "toJSON",
        ["e"],
        "a -> string",
        "`e` as JSON text (derivations and paths become their store paths)."
    ),
    (
        "toPath",
        ["s"],
        "string -> path",
        "Deprecated: the absolute path `s` (use `/. + s`)."
    ),
    (
        "toString",
        ["e"],
        "a -> string",
        "`e` converted to a string: paths, numbers, booleans, `null`, lists and sets with `outPath` or `__toString`."
    ),
    (
        "toXML",
        ["e"],
        "a -> string",
        "`e` rendered as XML, as `nix-instantiate --xml` prints it."
    ),
    (
        "trace",
        ["e", "value"],
        "a -> b -> b",
        "Prints `e` on standard error, then returns `value`."
    ),
    (
        "traceVerbose",
        ["e", "value"],
        "a -> b -> b",
        "Like `trace` when `--trace-verbose` is on; otherwise just `value`."
    ),
    ("true", [], "bool", "The boolean true."),
    (
        "tryEval",
        ["e"],
        "a -> { success, value }",
        "Evaluates `e`; `{ success = false; value = false; }` if it throws or fails an `assert`."
    ),
    (
        "typeOf",
        ["e"],
        "a -> string",
        "The type of `e`: `\"int\"`, `\"string\"`, `\"set\"`, `\"lambda\"`, …"
    ),
    (
        "unsafeDiscardOutputDependency",
        ["s"],
        "string -> string",
        "Turns a dependency on all outputs of a `.drv` in `s`'s context into a plain dependency on the `.drv`."
    ),
    (
        "unsafeDiscardStringContext",
        ["s"],
        "string -> string",
        "`s` without its string context."
    ),
    (
        "unsafeGetAttrPos",
        ["name", "set"],
        "string -> attrset -> null | { file, line, column }",
        "Where attribute `name` of `set` is defined."
    ),
    (
        "warn",
        ["message", "value"],
        "string -> a -> a",
        "Prints `warning: message` on standard error, then returns `value`."
    ),
    (
        "zipAttrsWith",
        ["f", "sets"],
        "(string -> [a] -> b) -> [attrset] -> attrset",
        "Merges `sets`: each name maps to `f name [ values of that name ]`."
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_complete() {
        assert!(DOCS.windows(2).all(|w| w[0].name < w[1].name));
        for name in tvix_syntax::globals::BUILTIN_NAMES {
            assert!(builtin_doc(name).is_some(), "no documentation for {name}");
        }
        for name in tvix_syntax::globals::UNPREFIXED_GLOBALS {
            assert!(builtin_doc(name).is_some(), "no documentation for {name}");
        }
    }
}
