//! Opt-in retries of requests that are safe to repeat.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::RETRY_AFTER;

/// When and how often a failed request is repeated ([`ClientBuilder::retry`](crate::ClientBuilder::retry)).
///
/// Only requests that are safe to repeat are retried: GET and DELETE, and PATCH when it
/// carries `if-match` (a repeat then cannot apply twice). POST never is, since its bytes
/// may have reached the server. Triggers: a failed connection, and the statuses 429,
/// 502, 503 and 504. Delays grow exponentially with jitter, bounded by
/// [`max_attempts`](Self::max_attempts) and [`max_total_delay`](Self::max_total_delay), and
/// a `Retry-After` longer than the next delay is honoured. Each attempt is signed afresh.
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
}

/// Whether a request may be repeated without risk of applying it twice.
pub(crate) fn is_safe_to_repeat(request: &reqwest::Request) -> bool {
    match request.method().as_str() {
        "GET" | "DELETE" | "HEAD" | "OPTIONS" => true,
        "PATCH" | "PUT" => request.headers().contains_key("if-match"),
        _ => false,
    }
}

/// Whether this outcome of an attempt is worth another.
pub(crate) fn should_retry(response: &reqwest::Response) -> bool {
    match response.extensions().get::<crate::hooks::NoAnswer>() {
        // The request never reached a server.
        Some(crate::hooks::NoAnswer(error)) => error.is_connect(),
        None => matches!(response.status().as_u16(), 429 | 502 | 503 | 504),
    }
}

/// The wait a `Retry-After` header asks for (seconds, or an HTTP date).
pub(crate) fn retry_after(response: &reqwest::Response, now: SystemTime) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    httpdate::parse_http_date(value)
        .ok()?
        .duration_since(now)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn failed_connections_and_busy_statuses_are_worth_another_attempt() {
        let url = reqwest::Url::parse("http://x/tms").unwrap();
        let refused =
            crate::hooks::no_answer(url.clone(), crate::error::TransportError::connect_failed());
        assert!(should_retry(&refused));
        let timed_out = crate::hooks::no_answer(url, crate::error::TransportError::timed_out());
        assert!(!should_retry(&timed_out), "may have reached the server");
        for (status, retry) in [(503, true), (429, true), (500, false), (200, false)] {
            let mut response = http::Response::new(reqwest::Body::from(""));
            *response.status_mut() = reqwest::StatusCode::from_u16(status).unwrap();
            assert_eq!(
                should_retry(&reqwest::Response::from(response)),
                retry,
                "{status}"
            );
        }
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
