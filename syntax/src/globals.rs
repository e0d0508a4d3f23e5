//! The names C++ Nix's base environment binds, visible in every file.
//!
//! Both the exact front end (undefined-variable errors at parse time, as C++
//! Nix reports them) and the static lints need this list, so it lives here
//! rather than in the evaluator. The evaluator checks at test time that the
//! builtins it implements agree with [`BUILTIN_NAMES`].

/// Builtins that are bound in the global scope under their own name as well
/// as in `builtins` (C++ Nix registers these without a `__` prefix).
pub const UNPREFIXED_GLOBALS: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "builtins",
    "derivation",
    "derivationStrict",
    "dirOf",
    "false",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "null",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
    "true",
];

/// Every attribute of `builtins` in current C++ Nix (including the
/// experimental-feature ones the test suite enables), sorted.
pub const BUILTIN_NAMES: &[&str] = &[
    "abort",
    "add",
    "addDrvOutputDependencies",
    "addErrorContext",
    "all",
    "any",
    "appendContext",
    "attrNames",
    "attrValues",
    "baseNameOf",
    "bitAnd",
    "bitOr",
    "bitXor",
    "break",
    "builtins",
    "catAttrs",
    "ceil",
    "compareVersions",
    "concatLists",
    "concatMap",
    "concatStringsSep",
    "convertHash",
    "currentSystem",
    "currentTime",
    "deepSeq",
    "derivation",
    "derivationStrict",
    "dirOf",
    "div",
    "elem",
    "elemAt",
    "false",
    "fetchClosure",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fetchurl",
    "filter",
    "filterSource",
    "findFile",
    "flakeRefToString",
    "floor",
    "foldl'",
    "fromJSON",
    "fromTOML",
    "functionArgs",
    "genList",
    "genericClosure",
    "getAttr",
    "getContext",
    "getEnv",
    "getFlake",
    "groupBy",
    "hasAttr",
    "hasContext",
    "hashFile",
    "hashString",
    "head",
    "import",
    "intersectAttrs",
    "isAttrs",
    "isBool",
    "isFloat",
    "isFunction",
    "isInt",
    "isList",
    "isNull",
    "isPath",
    "isString",
    "langVersion",
    "length",
    "lessThan",
    "listToAttrs",
    "map",
    "mapAttrs",
    "match",
    "mul",
    "nixPath",
    "nixVersion",
    "null",
    "outputOf",
    "parseDrvName",
    "parseFlakeRef",
    "partition",
    "path",
    "pathExists",
    "placeholder",
    "readDir",
    "readFile",
    "readFileType",
    "removeAttrs",
    "replaceStrings",
    "scopedImport",
    "seq",
    "sort",
    "split",
    "splitVersion",
    "storeDir",
    "storePath",
    "stringLength",
    "sub",
    "substring",
    "tail",
    "throw",
    "toFile",
    "toJSON",
    "toPath",
    "toString",
    "toXML",
    "trace",
    "traceVerbose",
    "true",
    "tryEval",
    "typeOf",
    "unsafeDiscardOutputDependency",
    "unsafeDiscardStringContext",
    "unsafeGetAttrPos",
    "warn",
    "zipAttrsWith",
];

/// Whether `name` is bound in the global scope: an unprefixed global, or
/// `__x` for any builtin `x` that is not one.
pub fn is_global(name: &str) -> bool {
    if UNPREFIXED_GLOBALS.binary_search(&name).is_ok() {
        return true;
    }
    match name.strip_prefix("__") {
        Some(rest) => {
            BUILTIN_NAMES.binary_search(&rest).is_ok()
                && UNPREFIXED_GLOBALS.binary_search(&rest).is_err()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_consistent() {
        assert!(UNPREFIXED_GLOBALS.is_sorted());
        assert!(BUILTIN_NAMES.is_sorted());
        for name in UNPREFIXED_GLOBALS {
            assert!(BUILTIN_NAMES.contains(name), "{name}");
        }
    }

    #[test]
    fn globals() {
        assert!(is_global("map"));
        assert!(is_global("__attrNames"));
        assert!(is_global("__currentSystem"));
        assert!(!is_global("attrNames"));
        assert!(!is_global("__map"));
        assert!(!is_global("__curPos"));
        assert!(!is_global("lib"));
    }
}
