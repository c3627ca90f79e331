//! What every handler shares: the mock's configuration and the store, and where the
//! customers live on the path.

use std::sync::{Arc, Mutex};

use crate::mle::MockMle;
use crate::store::Store;
use crate::verify::MockCredentials;

/// The collection path, as the spec gives it.
pub(crate) const CUSTOMERS: &str = "/tms/v2/customers";

/// How the mock behaves.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// When set, every request must be signed with these credentials (else 401).
    pub credentials: Option<MockCredentials>,
    /// How many customers are kept; creating one more forgets the oldest.
    pub capacity: usize,
    /// Message Level Encryption keys; `None`: encrypted bodies are not understood.
    pub mle: Option<MockMle>,
    /// The host names a JWT's `request-host` may name besides the host the request
    /// reached: by default CyberSource's ([`CYBERSOURCE_HOSTS`](crate::CYBERSOURCE_HOSTS)).
    pub stands_in_for: Vec<String>,
    /// The clock a request's date and a JWT's `iat` and `exp` are judged by.
    pub clock: fn() -> std::time::SystemTime,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            credentials: None,
            capacity: 10_000,
            mle: Some(MockMle::test_keys()),
            stands_in_for: crate::CYBERSOURCE_HOSTS.map(str::to_owned).to_vec(),
            clock: std::time::SystemTime::now,
        }
    }
}

/// The configuration and the store, behind the router.
pub(crate) struct Shared {
    pub config: MockConfig,
    pub store: Mutex<Store>,
}

/// The state every handler is given.
pub(crate) type AppState = Arc<Shared>;
