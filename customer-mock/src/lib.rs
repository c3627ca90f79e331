//! `customer-mock`: a stateful local TMS Customers server, like stripe-mock but with state.
//!
//! - create answers 201 with a fresh 32-character id, `_links`, `metadata`, `Location`,
//!   `ETag` and the correlation headers; get answers 200 with an `ETag`;
//! - patch merges the given fields and answers a new `ETag`; a stale `if-match` gets 412;
//! - delete answers 204, and the customer is gone (404) from then on, with all it owns;
//! - a customer's shipping addresses and payment instruments live as TMS documents
//!   them (`wallet.rs`): defaults, paging, 409 for deleting a default while others
//!   exist, 412 for a stale `if-match`, card numbers kept masked;
//! - ids, headers and bodies are checked against the spec's types and limits (the same
//!   generated rules the client enforces); anything invalid gets 400 with CyberSource's
//!   error body, whose `details` name the field;
//! - with [`MockCredentials`], every request must carry a valid HTTP Signature or JWT
//!   (HS256) for them, or it gets 401;
//! - Message Level Encryption ([`MockMle`], on by default with [`test_keys`]): a
//!   `{"encryptedRequest": …}` body is decrypted and then checked as usual (one it
//!   cannot decrypt gets 400), and a JWT with `v-c-response-mle-kid` gets its answer
//!   as `{"encryptedResponse": …}`;
//! - state is in memory and bounded ([`MockConfig::capacity`]; the oldest customer is
//!   forgotten first).
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! let mock = customer_mock::CustomerMock::start().await?; // 127.0.0.1, ephemeral port
//! let environment = customer_client::Environment::custom(&mock.base_url()).unwrap();
//! let client = customer_client::Client::builder(environment).build().unwrap();
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod checks;
mod customers;
mod gate;
mod identifiers;
mod mle;
mod paging;
mod reply;
mod state;
mod store;
mod verify;
mod wallet;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::sync::oneshot;

pub use mle::{MockMle, test_keys};
use reply::Refusal;
pub use state::MockConfig;
use state::{CUSTOMERS, Shared};
use store::Store;
/// RFC 7396's merge, as the mock applies every PATCH (public for the tests that hold it
/// to the RFC's examples and to an independent implementation).
pub use store::merge as merge_patch;
pub use verify::{CYBERSOURCE_HOSTS, FRESHNESS_WINDOW, MerchantCertificate, MockCredentials};

/// A running mock; it stops when dropped or [shut down](Self::shutdown).
pub struct CustomerMock {
    address: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl CustomerMock {
    /// Starts a mock without authentication on 127.0.0.1 and an ephemeral port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a mock with `config` on 127.0.0.1 and an ephemeral port.
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        Self::serve(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts a mock with `config` on `address`.
    pub async fn serve(address: SocketAddr, config: MockConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(config);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            address,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its base URL, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting requests and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Runs until the server task ends (for the binary).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for CustomerMock {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The mock as an axum router, to embed in another server.
pub fn router(config: MockConfig) -> Router {
    let state = Arc::new(Shared {
        store: Mutex::new(Store::new(config.capacity)),
        config,
    });
    let mut router = Router::new()
        .route(CUSTOMERS, post(customers::create))
        .route(
            &format!("{CUSTOMERS}/{{customer_id}}"),
            get(customers::retrieve)
                .patch(customers::update)
                .delete(customers::remove),
        );
    for kind in wallet::KINDS {
        router = router
            .route(
                &format!("{CUSTOMERS}/{{customer_id}}/{}", kind.collection),
                post(move |s, h, p, b| wallet::create(kind, s, h, p, b))
                    .get(move |s, u, h, p| wallet::list(kind, s, u, h, p)),
            )
            .route(
                &format!(
                    "{CUSTOMERS}/{{customer_id}}/{}/{{item_id}}",
                    kind.collection
                ),
                get(move |s, h, p| wallet::retrieve(kind, s, h, p))
                    .patch(move |s, h, p, b| wallet::update(kind, s, h, p, b))
                    .delete(move |s, h, p| wallet::remove(kind, s, h, p)),
            );
    }
    let identifiers = identifiers::INSTRUMENT_IDENTIFIERS;
    router = router
        .route(identifiers, post(identifiers::create))
        .route(
            &format!("{identifiers}/{{instrument_identifier_id}}"),
            get(identifiers::retrieve)
                .patch(identifiers::update)
                .delete(identifiers::remove),
        )
        .route(
            &format!("{identifiers}/{{instrument_identifier_id}}/paymentinstruments"),
            get(identifiers::list_instruments),
        )
        .route(
            &format!("{identifiers}/{{instrument_identifier_id}}/enrollment"),
            post(identifiers::enroll),
        );
    router
        .fallback(|| async { reply::not_found("Resource") })
        .method_not_allowed_fallback(|| async {
            Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "methodNotAllowed",
                "Method not allowed",
            )
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gate::gate,
        ))
        .with_state(state)
}
