//! Formatting through an external command (`nixfmt` by default): the
//! document on stdin, the formatted document on stdout.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

/// Why formatting produced nothing.
#[derive(Debug)]
pub enum FormatError {
    /// The command is not installed.
    NotFound(String),
    /// It ran and failed (usually a syntax error), with its stderr.
    Failed(String),
}

/// Runs `command` on `text`.
pub async fn format(command: &[String], text: &str) -> Result<String, FormatError> {
    let Some((program, args)) = command.split_first() else {
        return Err(FormatError::NotFound(String::new()));
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|_| FormatError::NotFound(program.clone()))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = text.to_owned();
    // Write while reading, so a large document cannot deadlock the pipes.
    let writer = tokio::spawn(async move {
        let _ = stdin.write_all(input.as_bytes()).await;
    });
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| FormatError::Failed(e.to_string()))?;
    let _ = writer.await;
    if !output.status.success() {
        return Err(FormatError::Failed(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| FormatError::Failed(e.to_string()))
}
