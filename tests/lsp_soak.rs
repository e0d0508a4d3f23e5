//! Soak test of `tvix lsp`: 10,000 random edits (insertions of valid and
//! invalid text, deletions, edits in the middle of tokens, replacements of
//! the whole document) with requests in between. The server must not
//! crash, must answer every request, and its memory must stay flat.

mod lsp_client;

use std::time::Duration;

use lsp_client::{Client, uri};
use serde_json::json;

const EDITS: usize = 10_000;

const HEAD: &str = r#"{ pkgs ? import ./lib.nix, ... }:
let
  inherit (pkgs) lib;
  helper = x: y: x + y;
  names = [ "a" "b" "c" ];
in
rec {
  total = helper 1 2;
  greeting = "hello ${builtins.head names}";
  nested = { a.b.c = total; d = with lib; [ total ]; };
  # a comment
  items = map (n: n + "!") names;
"#;

/// The starting document: long enough (over 4 KiB) that edits inside its
/// binding lists are reparsed incrementally, which the random edits must
/// exercise too.
static START: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut text = HEAD.to_owned();
    for i in 0..150 {
        text.push_str(&format!(
            "  b{i} = {{ v = {i}; w = \"s${{toString {i}}}\"; }};\n"
        ));
    }
    text.push_str("}\n");
    text
});

/// Snippets inserted at random places: valid code, broken code, and
/// pieces that split tokens.
const SNIPPETS: &[&str] = &[
    "x",
    " ",
    "\n",
    "let ",
    "in ",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "''",
    "${",
    ";",
    "=",
    ".",
    "rec ",
    "with ",
    "inherit ",
    "a = 1;",
    "f x",
    "./p.nix",
    "<nixpkgs>",
    "# c\n",
    "/*",
    "*/",
    "é",
    "😀",
    "if ",
    "then ",
    "else ",
    "assert ",
    "or",
    "?",
    "@",
    "...",
    ":",
    "1.5e3",
    "\\",
];

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The (line, UTF-16 column) of a char boundary `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].encode_utf16().count())
}

/// A random char boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut offset = rng.below(text.len() + 1);
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[test]
fn ten_thousand_random_edits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.nix"), "{ lib = { x = 1; }; }\n").unwrap();
    let main = dir.path().join("main.nix");
    std::fs::write(&main, START.as_str()).unwrap();
    let mut client = Client::start(
        env!("CARGO_BIN_EXE_tvix"),
        dir.path(),
        json!({ "tvix": { "eval": { "timeoutMs": 200 } } }),
    );
    assert!(client.wait_indexed(Duration::from_secs(30)));
    let main_uri = uri(&main);
    client.open(&main_uri, &START);

    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut text = START.clone();
    let mut answered = 0;
    let mut rss_after_warmup = 0;
    for edit in 1..=EDITS {
        let (start, end, new_text) = match rng.below(10) {
            // Insert a snippet (possibly inside a token).
            0..=5 => {
                let at = boundary(&mut rng, &text);
                (at, at, SNIPPETS[rng.below(SNIPPETS.len())].to_owned())
            }
            // Delete a short range.
            6..=8 => {
                let a = boundary(&mut rng, &text);
                let mut b = (a + rng.below(8)).min(text.len());
                while !text.is_char_boundary(b) {
                    b -= 1;
                }
                (a, b.max(a), String::new())
            }
            // Go back to a valid document now and then.
            _ => (0, text.len(), START.clone()),
        };
        let (start_line, start_col) = position(&text, start);
        let (end_line, end_col) = position(&text, end);
        text.replace_range(start..end, &new_text);
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": main_uri, "version": edit + 1 },
                "contentChanges": [{
                    "range": {
                        "start": { "line": start_line, "character": start_col },
                        "end": { "line": end_line, "character": end_col }
                    },
                    "text": new_text
                }]
            }),
        );
        // Every tenth edit, a request at a random position; it must be
        // answered (a result, or ContentModified when an edit overtook it).
        if edit % 10 == 0 {
            let at = boundary(&mut rng, &text);
            let (line, character) = position(&text, at);
            let method = [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
                "textDocument/documentSymbol",
                "textDocument/semanticTokens/full",
            ][rng.below(5)];
            let response = client.request(
                method,
                json!({ "textDocument": { "uri": main_uri }, "position": { "line": line, "character": character } }),
            );
            assert!(
                response.get("result").is_some() || response["error"]["code"] == -32801,
                "{method} after edit {edit}: {response}"
            );
            answered += 1;
            // Forget the notifications received meanwhile.
            client.notifications.clear();
        }
        if edit == 1_000 {
            rss_after_warmup = client.rss_kib();
        }
    }
    // The server's view of the document is the one we computed: the last
    // diagnostics arrive for the last version.
    let last = client.wait_diagnostics(&main_uri, Some(EDITS as i64 + 1), Duration::from_secs(60));
    assert!(last.is_some(), "no diagnostics for the final version");
    let rss_end = client.rss_kib();
    assert!(client.is_running());
    assert_eq!(answered, EDITS / 10);
    eprintln!("soak: RSS after 1,000 edits {rss_after_warmup} KiB, after {EDITS}: {rss_end} KiB");
    assert!(
        rss_end < rss_after_warmup + 64 * 1024,
        "memory grew from {rss_after_warmup} KiB to {rss_end} KiB"
    );
    assert_eq!(client.shutdown(), Some(0));
}
