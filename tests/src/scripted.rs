//! A loopback server that answers each request with the next scripted answer.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers each request with the next scripted answer (the last one
/// repeats) and records the request heads it saw.
pub struct Scripted {
    /// Its base URL.
    pub url: String,
    /// The request heads it saw, in order.
    pub heads: Arc<Mutex<Vec<String>>>,
}

/// An HTTP/1.1 answer that closes the connection, with a correlation id named after the status.
pub fn answer(status: &str, extra: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nv-c-correlation-id: corr-{}\r\nconnection: close\r\n{extra}content-length: {}\r\n\r\n{body}",
        status.split(' ').next().unwrap_or_default(),
        body.len()
    )
}

pub async fn scripted(answers: Vec<String>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let queue = Arc::new(Mutex::new(VecDeque::from(answers)));
    let seen = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (seen, queue) = (seen.clone(), queue.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&request).into_owned());
                let reply = {
                    let mut queue = queue.lock().unwrap();
                    if queue.len() > 1 {
                        queue.pop_front()
                    } else {
                        queue.front().cloned()
                    }
                };
                let _ = stream.write_all(reply.unwrap_or_default().as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Scripted { url, heads }
}
