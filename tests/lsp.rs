//! `tvix lsp` driven over stdio as an editor would: indexing a workspace,
//! diagnostics, cross-file definition/references/rename, hover,
//! completion, outPath inlay hints, cancellation.

mod lsp_client;

use std::path::Path;
use std::time::Duration;

use lsp_client::{Client, uri};
use serde_json::{Value, json};

const LIB: &str = "{\n  # Doubles a number.\n  double = x: x * 2;\n  triple = x: x * 3;\n}\n";
const MAIN: &str =
    "let\n  lib = import ./lib.nix;\n  unused = 1;\nin\nlib.double (lib.triple 2) + missing\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lib.nix"), LIB).unwrap();
    std::fs::write(dir.path().join("main.nix"), MAIN).unwrap();
    std::fs::create_dir(dir.path().join("ignored")).unwrap();
    std::fs::write(dir.path().join("ignored/x.nix"), "{ double = 1; }").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    // `ignore` honours .gitignore only inside a repository.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn start(root: &Path) -> Client {
    let mut client = Client::start(
        env!("CARGO_BIN_EXE_tvix"),
        root,
        json!({ "tvix": { "eval": { "enable": true } } }),
    );
    assert!(
        client.wait_indexed(Duration::from_secs(30)),
        "indexing never finished"
    );
    client
}

fn pos(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

#[test]
fn static_features_across_files() {
    let dir = workspace();
    let mut client = start(dir.path());
    let main = uri(&dir.path().join("main.nix"));
    let lib = uri(&dir.path().join("lib.nix"));
    client.open(&main, MAIN);

    let diagnostics = client
        .wait_diagnostics(&main, Some(1), Duration::from_secs(30))
        .expect("diagnostics for the opened file");
    let codes: Vec<&str> = diagnostics["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unused-let-binding", "undefined-variable"]);

    // `lib.double` → lib.nix line 2.
    let definition = client.request("textDocument/definition", pos(&main, 4, 6));
    assert_eq!(definition["result"][0]["uri"], lib);
    assert_eq!(
        definition["result"][0]["range"]["start"],
        json!({ "line": 2, "character": 2 })
    );

    // References to `double` from its definition: the definition and the use.
    let mut params = pos(&lib, 2, 3);
    params["context"] = json!({ "includeDeclaration": true });
    let references = client.request("textDocument/references", params);
    let found: Vec<(String, u64)> = references["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().to_owned(),
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [(lib.clone(), 2), (main.clone(), 4)]);

    // Hover: the doc comment of `double`, and a builtin's documentation.
    let hover = client.request("textDocument/hover", pos(&main, 4, 6));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Doubles a number."), "{text}");

    // Completion after `lib.`: the attributes of lib.nix.
    let completion = client.request("textDocument/completion", pos(&main, 4, 4));
    let labels: Vec<&str> = completion["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["double", "triple"]);

    // Rename across files; a meaning-changing rename is refused.
    let mut params = pos(&main, 4, 6);
    params["newName"] = json!("twice");
    let rename = client.request("textDocument/rename", params);
    let changes = &rename["result"]["changes"];
    assert_eq!(changes[&lib].as_array().unwrap().len(), 1);
    assert_eq!(changes[&main].as_array().unwrap().len(), 1);
    let mut params = pos(&main, 1, 3);
    params["newName"] = json!("unused");
    let refused = client.request("textDocument/rename", params);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already defined"),
        "{refused}"
    );

    // The other per-document features answer.
    for method in [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
        "textDocument/documentLink",
    ] {
        let response = client.request(method, json!({ "textDocument": { "uri": main } }));
        assert!(
            response["result"].is_array() || response["result"].is_object(),
            "{method}: {response}"
        );
    }
    // The .gitignored file was not indexed: no symbol from it.
    let symbols = client.request("workspace/symbol", json!({ "query": "double" }));
    let uris: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, [lib.as_str()]);

    // Incremental edit: fix the undefined name; diagnostics follow.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": main, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 4, "character": 28 }, "end": { "line": 4, "character": 35 } },
                "text": "1"
            }]
        }),
    );
    let diagnostics = client
        .wait_diagnostics(&main, Some(2), Duration::from_secs(30))
        .expect("diagnostics after the edit");
    assert_eq!(
        diagnostics["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn extract_to_a_new_file_creates_it_and_imports_it() {
    let dir = workspace();
    let mut client = start(dir.path());
    let main = uri(&dir.path().join("main.nix"));
    client.open(&main, MAIN);
    // The cursor on `lib` of `lib = import ./lib.nix;`.
    let range =
        json!({ "start": { "line": 1, "character": 3 }, "end": { "line": 1, "character": 3 } });
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": main }, "range": range, "context": { "diagnostics": [] } }),
    );
    let action = response["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "refactor.extract")
        .unwrap_or_else(|| panic!("no extraction in {response}"));
    // lib.nix exists, so the new file is lib-2.nix.
    assert_eq!(action["title"], "Extract to `lib-2.nix`");
    let created = uri(&dir.path().join("lib-2.nix"));
    let changes = &action["edit"]["documentChanges"];
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(changes[0]["uri"], created);
    assert_eq!(changes[0]["options"]["overwrite"], false);
    assert_eq!(changes[1]["textDocument"]["uri"], created);
    assert_eq!(changes[1]["edits"][0]["newText"], "import ./lib.nix\n");
    assert_eq!(changes[2]["textDocument"]["uri"], main);
    assert_eq!(changes[2]["edits"][0]["newText"], "import ./lib-2.nix");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn out_path_inlay_hints_and_eval_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp_fixtures");
    let text = std::fs::read_to_string(fixture.join("derivations.nix")).unwrap();
    let golden = std::fs::read_to_string(fixture.join("derivations.golden")).unwrap();
    let file = dir.path().join("default.nix");
    std::fs::write(&file, &text).unwrap();
    let broken = "{ ok = 1; bad = throw \"no\"; }\n";
    std::fs::write(dir.path().join("broken.nix"), broken).unwrap();
    let mut client = start(dir.path());
    let file_uri = uri(&file);
    client.open(&file_uri, &text);
    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": file_uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } } }),
    );
    let hints = hints["result"].as_array().expect("hints").clone();
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for hint in &hints {
        let line = hint["position"]["line"].as_u64().unwrap() as usize;
        let character = hint["position"]["character"].as_u64().unwrap() as usize;
        let name = lines[line][..character].trim();
        let label = hint["label"].as_str().unwrap().trim().to_owned();
        let tooltip = hint["tooltip"].as_str().unwrap_or_default().to_owned();
        found.push((name.to_owned(), label, tooltip));
    }
    let expected: Vec<(String, String, String)> = golden
        .lines()
        .map(|l| {
            let parts: Vec<&str> = l.split(' ').collect();
            let name = parts[0].rsplit('.').next().unwrap().to_owned();
            (name, parts[1].to_owned(), parts[2].to_owned())
        })
        .collect();
    assert_eq!(found.len(), expected.len(), "{hints:?}");
    for ((name, label, tooltip), (want_name, want_out, want_drv)) in found.iter().zip(&expected) {
        assert_eq!(name, want_name);
        assert_eq!(label, want_out);
        assert!(tooltip.contains(want_drv.as_str()), "{tooltip}");
        assert!(tooltip.contains(&format!("out: {want_out}")), "{tooltip}");
    }

    // An attribute whose value throws: an evaluation error on it.
    let broken_uri = uri(&dir.path().join("broken.nix"));
    client.open(&broken_uri, broken);
    let diagnostics = client
        .wait_notification(Duration::from_secs(30), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == broken_uri
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "evaluation-error"))
        })
        .expect("an evaluation error is published");
    let error = diagnostics["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "evaluation-error")
        .unwrap()
        .clone();
    assert_eq!(error["message"], "no");
    // `throw` has no position of its own: the error sits on the attribute,
    // and the trace points at the call.
    assert_eq!(error["range"]["start"]["character"], 10, "{error}");
    let related = &error["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], broken_uri);
    assert_eq!(
        related["location"]["range"]["start"]["character"], 16,
        "{error}"
    );

    // Evaluation runs are reported as work-done progress: begin, reports
    // naming the file, end.
    let begin = client
        .wait_notification(Duration::from_secs(30), |m| {
            m["method"] == "$/progress" && m["params"]["value"]["title"] == "Evaluating"
        })
        .expect("evaluation progress begins");
    let token = begin["params"]["token"].clone();
    assert!(
        token
            .as_str()
            .is_some_and(|t| t.starts_with("tvix/evaluation/")),
        "{begin}"
    );
    client
        .wait_notification(Duration::from_secs(30), |m| {
            m["method"] == "$/progress"
                && m["params"]["token"] == token
                && m["params"]["value"]["kind"] == "end"
        })
        .expect("evaluation progress ends");

    // Hover over an attribute shows its value.
    let hover = client.request("textDocument/hover", pos(&broken_uri, 0, 3));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Value: `1`"), "{text}");
    client.shutdown();
}

#[test]
fn cancelled_requests_get_no_answer_and_the_server_goes_on() {
    let dir = workspace();
    let mut client = start(dir.path());
    let main = uri(&dir.path().join("main.nix"));
    client.open(&main, MAIN);
    let id = client.send_request("textDocument/hover", pos(&main, 4, 6));
    client.notify("$/cancelRequest", json!({ "id": id }));
    // Either the answer was already on its way, or the request was
    // cancelled (RequestCancelled); the server keeps serving either way.
    let response = client.response(id, Duration::from_secs(30));
    assert!(
        response.get("result").is_some() || response["error"]["code"] == -32800,
        "{response}"
    );
    let hover = client.request("textDocument/hover", pos(&main, 4, 6));
    assert!(hover["result"].is_object());
    assert_eq!(client.shutdown(), Some(0));
}
