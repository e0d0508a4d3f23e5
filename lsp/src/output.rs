//! Standard output, shared by `tower-lsp-server` and the notifications the
//! server writes itself.
//!
//! `tower-lsp-server` turns every notification's parameters into a
//! `serde_json::Value` before printing it. For `publishDiagnostics` of a
//! large file (thousands of warnings, a message of megabytes) that tree
//! costs more than computing the diagnostics' LSP form and printing it
//! directly; so diagnostics are serialised straight to their JSON text
//! and written here, beside the library's own output.
//!
//! Both writers hand complete messages to one writer task through a
//! channel, so messages never interleave: the library's framed writer
//! passes its whole buffer — whole messages, it encodes one at a time —
//! to [`OutputWriter::poll_write`], which takes all of it at once.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

/// What the writer task is given.
enum Chunk {
    /// Bytes to write: one or more complete messages.
    Bytes(Vec<u8>),
    /// One message: its header, then its body.
    Message(Vec<u8>, Vec<u8>),
    /// Answered once everything sent before it is written and flushed.
    Sync(oneshot::Sender<()>),
}

/// The `AsyncWrite` the library writes through.
pub(crate) struct OutputWriter {
    tx: mpsc::UnboundedSender<Chunk>,
}

/// A handle for writing whole messages directly (cheap to clone).
#[derive(Clone)]
pub struct Output {
    tx: mpsc::UnboundedSender<Chunk>,
}

/// Starts the writer task over `out` (standard output, or a pipe in
/// tests); returns the library's writer and the direct handle.
pub(crate) fn start<W>(mut out: W) -> (OutputWriter, Output)
where
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Chunk>();
    tokio::spawn(async move {
        while let Some(chunk) = rx.recv().await {
            match chunk {
                Chunk::Message(header, body) => {
                    if out.write_all(&header).await.is_err() || out.write_all(&body).await.is_err()
                    {
                        return;
                    }
                    if rx.is_empty() && out.flush().await.is_err() {
                        return;
                    }
                }
                Chunk::Bytes(bytes) => {
                    if out.write_all(&bytes).await.is_err() {
                        // The client is gone; nothing more can be said.
                        return;
                    }
                    // Flush once the queue is empty, not after every chunk.
                    if rx.is_empty() && out.flush().await.is_err() {
                        return;
                    }
                }
                Chunk::Sync(done) => {
                    let _ = out.flush().await;
                    let _ = done.send(());
                }
            }
        }
        let _ = out.flush().await;
    });
    (OutputWriter { tx: tx.clone() }, Output { tx })
}

impl Output {
    /// Writes the notification `method` with `params`, serialised directly
    /// to its JSON text (no `serde_json::Value` in between).
    pub fn notify<P: Serialize>(&self, method: &str, params: &P) {
        #[derive(Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        // Sized for a large message up front: growing a buffer of
        // megabytes by doubling costs page faults at every step.
        let mut body = Vec::with_capacity(64 * 1024);
        let written = serde_json::to_writer(
            &mut body,
            &Notification {
                jsonrpc: "2.0",
                method,
                params,
            },
        );
        let body = match written.map(|()| body) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!("cannot serialise {method}: {e}");
                return;
            }
        };
        // Header and body go as one chunk (nothing can come between
        // them) without copying a body of megabytes behind the header.
        let header = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        let _ = self.tx.send(Chunk::Message(header, body));
    }

    /// Waits until everything sent so far (by either writer) is written
    /// and flushed.
    pub async fn sync(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Chunk::Sync(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

impl AsyncWrite for OutputWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        // All of it, so that a message is never split between two chunks.
        match self.tx.send(Chunk::Bytes(buf.to_vec())) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The writer task flushes whenever its queue runs empty.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// Messages from both writers arrive whole and in the order sent.
    #[tokio::test]
    async fn messages_from_both_writers_stay_whole() {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (mut writer, output) = start(server_end);
        writer
            .write_all(b"Content-Length: 2\r\n\r\n{}")
            .await
            .unwrap();
        output.notify("x/y", &serde_json::json!({ "a": [1, 2] }));
        writer
            .write_all(b"Content-Length: 4\r\n\r\nnull")
            .await
            .unwrap();
        output.sync().await;
        drop((writer, output));
        let mut text = String::new();
        let mut client_end = client_end;
        client_end.read_to_string(&mut text).await.unwrap();
        let body = r#"{"jsonrpc":"2.0","method":"x/y","params":{"a":[1,2]}}"#;
        assert_eq!(
            text,
            format!(
                "Content-Length: 2\r\n\r\n{{}}Content-Length: {}\r\n\r\n{body}Content-Length: 4\r\n\r\nnull",
                body.len()
            )
        );
    }
}
