//! A real editor against `tvix lsp`: headless Neovim (0.7+, from Debian)
//! loads the editors/nvim plugin, opens a workspace, receives
//! diagnostics, and gets definition, hover, completion and rename
//! results, which tests/nvim/e2e.lua writes down.

use std::path::Path;
use std::process::Command;

#[test]
fn neovim_uses_tvix_lsp() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!(
            "\n\n*** SKIPPED: nvim is not installed; the Neovim end-to-end test did not run. \
             Install it (apt-get install -y neovim), as .ci/run does. ***\n"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("lib.nix"),
        "{\n  # Doubles a number.\n  double = x: x * 2;\n  triple = x: x * 3;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.nix"),
        "let\n  lib = import ./lib.nix;\n  unused = 1;\nin\nlib.double (lib.triple 2) + missing\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("drv.nix"),
        "{\n  hello = derivation { name = \"hello\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; };\n}\n",
    )
    .unwrap();
    let out = dir.path().join("results.txt");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-n"])
        .arg("--cmd")
        .arg(format!("set rtp^={}", root.join("editors/nvim").display()))
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root.join("tests/nvim/e2e.lua").display()
        ))
        .env("TVIX_BIN", env!("CARGO_BIN_EXE_tvix"))
        .env("TVIX_WORKSPACE", dir.path())
        .env("TVIX_OUT", &out)
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .status()
        .expect("nvim runs");
    let results = std::fs::read_to_string(&out).unwrap_or_default();
    let log =
        std::fs::read_to_string(dir.path().join(".local/state/nvim/lsp.log")).unwrap_or_default();
    assert!(
        status.success(),
        "nvim failed; results so far:\n{results}\nlsp.log:\n{log}"
    );
    assert!(!results.contains("ERROR"), "{results}\nlsp.log:\n{log}");
    let expected = "\
FILETYPE nix
DIAGNOSTIC 2:2 unused let binding 'unused'
DIAGNOSTIC 4:28 undefined variable 'missing'
DEFINITION lib.nix:2:2
HOVER ```nix | double | ``` | attribute of `@LIB@`: function x: … |  | Doubles a number.
COMPLETION double,triple
RENAMED_MAIN lib.twice (lib.triple 2) + missing
RENAMED_LIB   twice = x: x * 2;
REFUSED `unused` is already defined in the same scope
HINT 1 ⟶ /nix/store/pnwh4xsfs4j508bs9iw6bpkyc4zw6ryx-hello
";
    // The outPath is C++ Nix's (`nix-instantiate --eval -E
    // '(derivation { … }).outPath'`), shown by editors/nvim's hints module.
    let lib_path = dir.path().join("lib.nix");
    let expected = expected.replace("@LIB@", &lib_path.display().to_string());
    assert_eq!(results, expected);
}
