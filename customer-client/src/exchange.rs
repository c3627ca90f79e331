//! What travels on a response from the hooks to [`Error`](crate::Error): progenitor
//! hands an error response to `Error::from` as a `reqwest::Response`, so the whole body
//! and why the answer is not a plain success travel with it as one extension,
//! [`Exchange`]. Every response the hooks hand on is built here, by [`response`]; and
//! every documented success body is decoded here, once, by [`decoded`], which the
//! generated methods call (openapi/README.md, normalisation 9).

use bytes::Bytes;

use crate::rule_model::Operation;

/// The answer as read whole, and what went wrong with it, if anything did; and the
/// operation it answers (looked up once per call, by `pre`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Exchange {
    /// The whole body (progenitor's own copy is consumed when it decodes), or what
    /// arrived of it.
    pub body: Bytes,
    pub failure: Option<Failure>,
    pub operation: Option<&'static Operation>,
}

/// Why an answer that arrived is not a usable success (its status and headers stand).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The body is longer than the client's limit (announced or counted); reading
    /// stopped there.
    TooLarge { limit: usize },
    /// The client's timeout struck while the body was arriving.
    TimedOut,
    /// The connection failed while the body was arriving: the causes, on one line.
    Interrupted(String),
    /// An encrypted (MLE) answer could not be decrypted; the body stays the wrapper.
    Undecryptable(String),
    /// A success body is not the documented JSON.
    Undecodable(String),
}

impl Exchange {
    /// The exchange a response carries (an empty body if it carries none).
    pub(crate) fn of(response: &reqwest::Response) -> Exchange {
        response
            .extensions()
            .get::<Exchange>()
            .cloned()
            .unwrap_or_default()
    }

    /// The failure a response carries, if any.
    pub(crate) fn failure_of(response: &reqwest::Response) -> Option<&Failure> {
        response
            .extensions()
            .get::<Exchange>()
            .and_then(|e| e.failure.as_ref())
    }
}

/// A response with `head`'s URL, status, version and headers, carrying `exchange`
/// (its body is the exchange's body).
pub(crate) fn response(head: Head, exchange: Exchange) -> reqwest::Response {
    use reqwest::ResponseBuilderExt as _;
    let mut built = http::Response::builder()
        // Without a URL, reqwest would parse a placeholder one for every response.
        .url(head.url)
        .body(reqwest::Body::from(exchange.body.clone()))
        // Only an extension is set, which cannot fail; still, never panic.
        .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(exchange.body.clone())));
    *built.status_mut() = head.status;
    *built.version_mut() = head.version;
    *built.headers_mut() = head.headers;
    built.extensions_mut().insert(exchange);
    reqwest::Response::from(built)
}

/// A success answer decoded as its documented type `T`, once. A body that does not
/// decode goes back as the answer itself, marked [`Failure::Undecodable`], which
/// `Error::from` makes `InvalidResponse` with its status, headers and correlation id
/// (progenitor's own decoder would keep only the bytes).
pub(crate) async fn decoded<T, E>(
    answer: reqwest::Response,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>
where
    T: serde::de::DeserializeOwned,
{
    let exchange = Exchange::of(&answer);
    let head = Head::taken_from(answer);
    match serde_json::from_slice::<T>(&exchange.body) {
        Ok(inner) => Ok(progenitor_client::ResponseValue::new(
            inner,
            head.status,
            head.headers,
        )),
        Err(e) => {
            let reason = if exchange.body.iter().all(u8::is_ascii_whitespace) {
                let schema = exchange
                    .operation
                    .and_then(|op| {
                        op.responses
                            .iter()
                            .find(|r| r.status == head.status.as_u16())
                    })
                    .and_then(|r| r.schema)
                    .unwrap_or("body");
                format!("the body is empty; the documented {schema} is missing")
            } else {
                format!(
                    "the body is not the documented JSON: {}",
                    crate::mask::message(&e.to_string())
                )
            };
            let failure = Some(Failure::Undecodable(reason));
            Err(progenitor_client::Error::UnexpectedResponse(response(
                head,
                Exchange {
                    failure,
                    ..exchange
                },
            )))
        }
    }
}

/// The head of an answer: what a rebuilt response keeps.
pub(crate) struct Head {
    pub url: reqwest::Url,
    pub status: reqwest::StatusCode,
    pub version: reqwest::Version,
    pub headers: reqwest::header::HeaderMap,
}

impl Head {
    /// The head of `response`, which is spent (its headers are moved, not copied).
    pub(crate) fn taken_from(response: reqwest::Response) -> Head {
        let url = response.url().clone();
        let (parts, _) = http::Response::from(response).into_parts();
        Head {
            url,
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
        }
    }

    pub(crate) fn of(response: &reqwest::Response) -> Head {
        Head {
            url: response.url().clone(),
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
        }
    }
}
