//! A loopback server that misbehaves on purpose, at the byte level: it answers with
//! raw bytes, then closes, resets or stalls the connection; and counts and keeps the
//! requests it read whole.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does after reading a request.
#[derive(Clone)]
pub enum Behaviour {
    /// Write these bytes, then close normally.
    Reply(Vec<u8>),
    /// Write these bytes, then reset the connection (RST).
    ReplyThenReset(Vec<u8>),
    /// Write these bytes, then keep the connection open without a word more.
    ReplyThenStall(Vec<u8>),
}

/// A running hostile server.
pub struct Hostile {
    /// Its base URL.
    pub url: String,
    /// How many requests it has read.
    pub requests: Arc<AtomicUsize>,
    /// Each request it read whole (head and body), as text, in order.
    pub seen: Arc<Mutex<Vec<String>>>,
}

/// Serves every connection with `behaviour`.
pub async fn hostile(behaviour: Behaviour) -> Hostile {
    hostile_in_turn(vec![behaviour]).await
}

/// Serves each connection with the next of `behaviours` (the last one repeats). The
/// answers should say `connection: close`, so that each request comes on a connection
/// of its own.
pub async fn hostile_in_turn(behaviours: Vec<Behaviour>) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (counted, kept) = (requests.clone(), seen.clone());
    let behaviours = Arc::new(Mutex::new(VecDeque::from(behaviours)));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let behaviour = {
                let mut behaviours = behaviours.lock().unwrap();
                if behaviours.len() > 1 {
                    behaviours.pop_front()
                } else {
                    behaviours.front().cloned()
                }
            };
            let Some(behaviour) = behaviour else {
                continue;
            };
            tokio::spawn(serve(stream, behaviour, counted.clone(), kept.clone()));
        }
    });
    Hostile {
        url: format!("http://{address}"),
        requests,
        seen,
    }
}

async fn serve(
    mut stream: TcpStream,
    behaviour: Behaviour,
    requests: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
) {
    // Read the request head and whatever body its Content-Length announces.
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buffer[..n]);
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&request).into_owned());
                requests.fetch_add(1, Ordering::SeqCst);
                break;
            }
        }
    }
    match behaviour {
        Behaviour::Reply(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Behaviour::ReplyThenReset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Behaviour::ReplyThenStall(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            // Hold the connection until the client gives up and closes it.
            let _ = stream.read(&mut buffer).await;
        }
    }
}
