//! `tvix repl` driven through standard input (no terminal: no prompts).

mod common;

use common::{tvix, write_tree};

/// Runs the REPL on `input`; returns (stdout, stderr).
fn repl(input: &str) -> (String, String) {
    let out = tvix(&["repl"], Some(input));
    assert_eq!(out.status, Some(0), "stderr: {}", out.stderr);
    (out.stdout, out.stderr)
}

#[test]
fn bindings_persist_between_lines() {
    let (out, err) = repl("x = 1 + 1\ny = x * 10\ny\nx = x + 1\nx\ny\n");
    assert_eq!(out, "20\n3\n20\n", "stderr: {err}");
    assert_eq!(err, "");
}

#[test]
fn bindings_shadow_builtins() {
    let (out, _) = repl("map = 5\nmap + 1\n:p builtins.map (x: x) [ 1 ]\n");
    assert_eq!(out, "6\n[ 1 ]\n");
}

#[test]
fn bindings_are_lazy() {
    let (out, err) = repl("z = throw \"later\"\nok = 1\nok\n");
    assert_eq!(out, "1\n");
    assert_eq!(err, "");
}

#[test]
fn values_are_printed_shallow_and_p_prints_deep() {
    let (out, _) = repl("{ a = 1; b = [ (1 + 1) ]; }\n:p { a = 1; b = [ (1 + 1) ]; }\n");
    assert_eq!(out, "{ a = 1; b = «thunk»; }\n{ a = 1; b = [ 2 ]; }\n");
}

#[test]
fn t_prints_the_type() {
    let (out, _) = repl(":t 1\n:t { }\n:t \"s\"\n:t x: x\n:t null\n:t true\n");
    assert_eq!(
        out,
        "an integer\na set\na string\na function\nnull\na Boolean\n"
    );
}

#[test]
fn l_loads_a_file_into_scope() {
    let dir = write_tree(&[
        ("lib.nix", "{ foo = 1; inc = n: n + 1; s = \"hi\"; }\n"),
        ("int.nix", "3\n"),
    ]);
    let lib = dir.path().join("lib.nix");
    let int = dir.path().join("int.nix");
    let input = format!(
        ":l {}\ninc foo\ns\n:l {}\nfoo\n",
        lib.display(),
        int.display()
    );
    let (out, err) = repl(&input);
    assert_eq!(out, "Added 3 variables.\n2\n\"hi\"\n1\n");
    assert!(err.contains("evaluates to an integer, not a set"), "{err}");
}

#[test]
fn an_error_does_not_end_the_session() {
    let (out, err) = repl("1 + \"a\"\nundefinedName\n1 + 1\n");
    assert_eq!(out, "2\n");
    assert!(
        err.starts_with("error: cannot add a string to an integer\n"),
        "{err}"
    );
    assert!(err.contains("       at «string»:1:5:\n"), "{err}");
    assert!(err.contains("undefined variable 'undefinedName'"), "{err}");
}

#[test]
fn q_quits() {
    let (out, _) = repl("1\n:q\n2\n");
    assert_eq!(out, "1\n");
}

#[test]
fn help_and_unknown_commands() {
    let (out, err) = repl(":?\n:nonsense\n");
    assert!(out.contains(":l <path>"), "{out}");
    assert!(out.contains(":q :quit"), "{out}");
    assert_eq!(err, "error: unknown command ':nonsense'\n");
}
