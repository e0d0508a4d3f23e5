//! Downloading a URL's bytes: `file://` read from disk, HTTP(S) through
//! `ureq` (a small blocking client; the evaluator is synchronous) with an
//! `indicatif` progress bar when stderr is a terminal.

use std::io::{self, IsTerminal, Read};

use crate::error;

/// The bytes at `url`. Errors carry C++ Nix's wording
/// (`unable to download 'URL': …`).
pub fn download(url: &str) -> io::Result<Vec<u8>> {
    if let Some(path) = url.strip_prefix("file://") {
        // curl's message for an unreadable file:// URL, which C++ Nix shows.
        return std::fs::read(path).map_err(|_| {
            error(format!(
                "unable to download '{url}': Couldn't read a file:// file (37)"
            ))
        });
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return http(url);
    }
    Err(error(format!(
        "unable to download '{url}': Unsupported protocol (1)"
    )))
}

fn http(url: &str) -> io::Result<Vec<u8>> {
    tracing::info!(url, "downloading");
    let response = ureq::get(url).call().map_err(|e| match e {
        ureq::Error::Status(code, _) => {
            error(format!("unable to download '{url}': HTTP error {code}"))
        }
        other => error(format!("unable to download '{url}': {other}")),
    })?;
    let total = response
        .header("Content-Length")
        .and_then(|l| l.parse::<u64>().ok());
    let bar = if io::stderr().is_terminal() {
        let bar = match total {
            Some(n) => indicatif::ProgressBar::new(n),
            None => indicatif::ProgressBar::new_spinner(),
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(format!("downloading '{url}'"));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut body = Vec::with_capacity(total.unwrap_or(0).min(1 << 30) as usize);
    let mut reader = bar.wrap_read(response.into_reader());
    reader
        .read_to_end(&mut body)
        .map_err(|e| error(format!("unable to download '{url}': {e}")))?;
    bar.finish_and_clear();
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_read_and_missing_files_are_curls_error() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x");
        std::fs::write(&f, b"hi").unwrap();
        assert_eq!(download(&format!("file://{}", f.display())).unwrap(), b"hi");
        let e = download("file:///nonexistent/x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unable to download 'file:///nonexistent/x': Couldn't read a file:// file (37)"
        );
        assert!(download("gopher://x").is_err());
    }
}
