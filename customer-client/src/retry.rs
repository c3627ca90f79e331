//! Opt-in retries of requests that are safe to repeat, the one list of statuses worth
//! repeating a request for, and the one verdict on whether an outcome is worth
//! another attempt ([`is_transient`]), which both the client's own retries and
//! [`Error::is_retryable`](crate::Error::is_retryable) read.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::transport::{Answer, Failure};

/// Statuses that say "try again later": too many requests, and a gateway or service
/// that is busy or unreachable. [`Error::is_retryable`](crate::Error::is_retryable)
/// and [`RetryPolicy`] both use this list.
pub const RETRYABLE_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// When and how often a failed request is repeated ([`ClientBuilder::retry`](crate::ClientBuilder::retry)).
///
/// Only requests that are safe to repeat are retried: GET and DELETE, and PATCH when it
/// carries `if-match` (a repeat then cannot apply twice). POST never is, since its bytes
/// may have reached the server. Triggers: a failed connection, a timeout, a connection
/// that failed while the answer arrived, and the [`RETRYABLE_STATUSES`]. Delays grow exponentially with jitter, bounded by
/// [`max_attempts`](Self::max_attempts) and [`max_total_delay`](Self::max_total_delay), and
/// a `Retry-After` longer than the next delay is honoured; one longer than
/// `max_total_delay` is not waited out: the answer is returned at once. Each attempt is
/// signed afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3).
    pub max_attempts: usize,
    /// The first delay (default 100 ms).
    pub min_delay: Duration,
    /// The longest single delay (default 2 s).
    pub max_delay: Duration,
    /// The most time spent waiting between attempts, in all (default 10 s).
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_total_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The delays before the second, third, ... attempts.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_jitter()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1))
            .with_total_delay(Some(self.max_total_delay))
            .build()
    }

    /// How long to wait before the next attempt, given the backoff's `delay` and the
    /// answer's `headers` (for `Retry-After`) at `now`; `None`: return the answer now.
    pub(crate) fn wait(
        &self,
        delay: Duration,
        headers: Option<&HeaderMap>,
        now: SystemTime,
    ) -> Option<Duration> {
        match headers.and_then(|headers| retry_after(headers, now)) {
            // A server asking for more than the whole budget gets its answer back.
            Some(asked) if asked > self.max_total_delay => None,
            Some(asked) => Some(delay.max(asked)),
            None => Some(delay),
        }
    }
}

/// Whether a request may be repeated without risk of applying it twice.
pub(crate) fn is_safe_to_repeat(request: &reqwest::Request) -> bool {
    match request.method().as_str() {
        "GET" | "DELETE" | "HEAD" | "OPTIONS" => true,
        "PATCH" | "PUT" => request.headers().contains_key(crate::wire::IF_MATCH),
        _ => false,
    }
}

/// What an attempt came to, as far as repeating it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Connecting failed (DNS, TCP, TLS): the request never reached a server.
    Connect,
    /// A timeout struck, before the answer's head or while its body arrived.
    Timeout,
    /// The connection failed while the answer's body arrived.
    Interrupted,
    /// An answer with this status, read whole.
    Status(u16),
    /// Anything else: a request that could not be sent as it was, an answer too large
    /// or one that could not be read as documented.
    Final,
}

/// The one verdict: whether repeating the request may succeed. (Whether it is *safe*
/// to repeat is [`is_safe_to_repeat`]'s question.)
pub(crate) fn is_transient(outcome: Outcome) -> bool {
    match outcome {
        Outcome::Connect | Outcome::Timeout | Outcome::Interrupted => true,
        Outcome::Status(status) => RETRYABLE_STATUSES.contains(&status),
        Outcome::Final => false,
    }
}

/// What an attempt as the transport returns it came to.
pub(crate) fn outcome(attempt: &reqwest::Result<Answer>) -> Outcome {
    match attempt {
        Err(error) => no_answer(error.is_connect(), error.is_timeout()),
        Ok(answer) => match &answer.failure {
            None => Outcome::Status(answer.status.as_u16()),
            Some(Failure::TimedOut) => Outcome::Timeout,
            Some(Failure::Interrupted(_)) => Outcome::Interrupted,
            Some(_) => Outcome::Final,
        },
    }
}

/// The outcome of an attempt that got no answer.
pub(crate) fn no_answer(connect: bool, timeout: bool) -> Outcome {
    if connect {
        Outcome::Connect
    } else if timeout {
        Outcome::Timeout
    } else {
        Outcome::Final
    }
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date (a date in the
/// past asks for none).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdict on every kind of outcome; `tests/tests/suite/retries.rs` checks the
    /// client's retries and `Error::is_retryable` against the same table.
    #[test]
    fn the_one_verdict() {
        for (outcome, transient) in [
            (Outcome::Connect, true),
            (Outcome::Timeout, true),
            (Outcome::Interrupted, true),
            (Outcome::Status(429), true),
            (Outcome::Status(502), true),
            (Outcome::Status(503), true),
            (Outcome::Status(504), true),
            (Outcome::Status(500), false),
            (Outcome::Status(400), false),
            (Outcome::Status(200), false),
            (Outcome::Final, false),
        ] {
            assert_eq!(is_transient(outcome), transient, "{outcome:?}");
        }
    }

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, retry_after.parse().unwrap());
        headers
    }

    /// A fixed clock: 2025-01-01T00:00:00Z.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
    }

    #[test]
    fn delays_are_bounded_by_attempts() {
        let policy = RetryPolicy {
            max_attempts: 4,
            ..RetryPolicy::default()
        };
        let delays: Vec<_> = policy.delays().collect();
        assert_eq!(delays.len(), 3);
        assert!(delays.iter().all(|d| *d <= policy.max_delay * 2));
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        assert_eq!(
            retry_after(&headers("7"), now()),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers("Wed, 01 Jan 2025 00:00:30 GMT"), now()),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Tue, 31 Dec 2024 23:59:00 GMT"), now()),
            Some(Duration::ZERO),
            "a date in the past"
        );
        assert_eq!(retry_after(&headers("soon"), now()), None);
        assert_eq!(retry_after(&HeaderMap::new(), now()), None);
    }

    #[test]
    fn retry_after_is_honoured_within_the_budget_and_returned_beyond_it() {
        let policy = RetryPolicy::default();
        let backoff = Duration::from_millis(100);
        assert_eq!(policy.wait(backoff, None, now()), Some(backoff));
        assert_eq!(
            policy.wait(backoff, Some(&headers("2")), now()),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            policy.wait(Duration::from_secs(3), Some(&headers("2")), now()),
            Some(Duration::from_secs(3)),
            "the longer of the two"
        );
        // An HTTP date five seconds ahead of the (fixed) clock.
        assert_eq!(
            policy.wait(
                backoff,
                Some(&headers("Wed, 01 Jan 2025 00:00:05 GMT")),
                now()
            ),
            Some(Duration::from_secs(5))
        );
        // More than the whole budget (10 s), as seconds or as a date: not waited out.
        assert_eq!(policy.wait(backoff, Some(&headers("11")), now()), None);
        assert_eq!(
            policy.wait(
                backoff,
                Some(&headers("Wed, 01 Jan 2025 01:00:00 GMT")),
                now()
            ),
            None
        );
    }

    /// The budget's edges: a `Retry-After` one second below `max_total_delay` and one
    /// exactly equal to it are waited; one a second above is returned at once.
    #[test]
    fn retry_after_at_the_budget_s_edges() {
        let policy = RetryPolicy {
            max_total_delay: Duration::from_secs(7),
            ..RetryPolicy::default()
        };
        let backoff = Duration::from_millis(100);
        assert_eq!(
            policy.wait(backoff, Some(&headers("6")), now()),
            Some(Duration::from_secs(6)),
            "a second below"
        );
        assert_eq!(
            policy.wait(backoff, Some(&headers("7")), now()),
            Some(Duration::from_secs(7)),
            "equal: waited"
        );
        assert_eq!(
            policy.wait(backoff, Some(&headers("8")), now()),
            None,
            "a second above"
        );
    }

    #[test]
    fn an_answer_read_whole_is_its_status() {
        let answer = |status, failure| {
            Ok(Answer {
                status: reqwest::StatusCode::from_u16(status).unwrap(),
                headers: HeaderMap::new(),
                body: bytes::Bytes::new(),
                failure,
            })
        };
        for status in [503, 429, 500, 200] {
            assert_eq!(outcome(&answer(status, None)), Outcome::Status(status));
        }
        for (failure, expected) in [
            (Failure::TimedOut, Outcome::Timeout),
            (Failure::Interrupted("reset".into()), Outcome::Interrupted),
            (Failure::TooLarge { limit: 1 }, Outcome::Final),
        ] {
            assert_eq!(outcome(&answer(200, Some(failure))), expected);
        }
    }

    /// reqwest's own errors, made on loopback: a refused connection never reached a
    /// server; a timeout may have, and is worth another attempt all the same (only
    /// requests safe to repeat are repeated).
    #[tokio::test]
    async fn a_refused_connection_and_a_timeout_are_worth_another_attempt() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(crate::tls::config(&[]).unwrap())
            .build()
            .unwrap();
        let attempt = http.get(&refused).send().await;
        assert!(attempt.as_ref().is_err_and(reqwest::Error::is_connect));
        assert_eq!(outcome(&attempt.map(unanswered)), Outcome::Connect);
        // Accepts, reads, never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", silent.local_addr().unwrap());
        let held = tokio::spawn(async move { silent.accept().await });
        let attempt = http
            .get(&url)
            .timeout(Duration::from_millis(200))
            .send()
            .await;
        assert!(attempt.as_ref().is_err_and(reqwest::Error::is_timeout));
        assert_eq!(outcome(&attempt.map(unanswered)), Outcome::Timeout);
        held.abort();
    }

    /// Never called: the attempts above get no answer.
    fn unanswered(_: reqwest::Response) -> Answer {
        unreachable!("no answer was expected")
    }

    #[test]
    fn only_safe_requests_repeat() {
        let url = reqwest::Url::parse("http://x/tms").unwrap();
        let get = reqwest::Request::new(reqwest::Method::GET, url.clone());
        let post = reqwest::Request::new(reqwest::Method::POST, url.clone());
        let mut patch = reqwest::Request::new(reqwest::Method::PATCH, url);
        assert!(is_safe_to_repeat(&get));
        assert!(!is_safe_to_repeat(&post));
        assert!(!is_safe_to_repeat(&patch));
        patch.headers_mut().insert("if-match", "1".parse().unwrap());
        assert!(is_safe_to_repeat(&patch));
    }
}
