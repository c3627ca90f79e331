//! Walking a list operation page by page: one stream of every item, written once for
//! any list-shaped answer (a [`Page`]), so no list operation needs its own loop.
//!
//! ```no_run
//! use customer_client::paging::{self, Page};
//! use futures_util::StreamExt as _;
//!
//! # type Answer<P> = Result<customer_client::ResponseValue<P>, customer_client::Error>;
//! # async fn example<P: Page>(fetch: impl FnMut(u64, u64) -> std::future::Ready<Answer<P>>) -> Result<(), customer_client::Error>
//! # where P::Item: PartialEq + Clone + std::fmt::Debug {
//! // `fetch(offset, limit)` sends one page's request: a list operation's builder with
//! // `.offset(offset).limit(limit)`, sent.
//! let mut items = std::pin::pin!(paging::items(50, fetch));
//! while let Some(item) = items.next().await {
//!     println!("{:?}", item?);
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::future::Future;

use futures_util::Stream;
use futures_util::stream;

use crate::error::Error;
use crate::generated::ResponseValue;

/// One page of a list operation's answer.
pub trait Page {
    /// One item of the list.
    type Item;
    /// The page's items, in order.
    fn into_items(self) -> Vec<Self::Item>;
    /// How many items the whole list holds, when the server says.
    fn total(&self) -> Option<u64>;
}

/// Every item of a list: asks `fetch(offset, limit)` for one page after another, with
/// `limit` items a page, and yields their items in order.
///
/// It stops after `total` items, or, when the server gives no total, at the first
/// empty page. A server that answers the same page again (it ignores `offset`) ends the
/// walk with [`Error::InvalidResponse`] rather than a loop. A failed page ends it with
/// that page's error, status and correlation id kept.
pub fn items<P, F, Fut, E>(limit: u64, fetch: F) -> impl Stream<Item = Result<P::Item, Error>>
where
    P: Page,
    P::Item: PartialEq + Clone,
    F: FnMut(u64, u64) -> Fut,
    Fut: Future<Output = Result<ResponseValue<P>, E>>,
    Error: From<E>,
{
    let walk = Walk {
        fetch,
        limit: limit.max(1),
        offset: 0,
        ready: VecDeque::new(),
        previous: Vec::new(),
        done: false,
    };
    stream::unfold(walk, |mut walk| async move {
        let item = walk.next().await?;
        Some((item, walk))
    })
}

/// Where a walk is: the next offset, the items fetched but not yet yielded, and the
/// last page's items (to notice a page served twice).
struct Walk<F, T> {
    fetch: F,
    limit: u64,
    offset: u64,
    ready: VecDeque<T>,
    previous: Vec<T>,
    done: bool,
}

impl<F, T> Walk<F, T> {
    async fn next<P, Fut, E>(&mut self) -> Option<Result<T, Error>>
    where
        P: Page<Item = T>,
        T: PartialEq + Clone,
        F: FnMut(u64, u64) -> Fut,
        Fut: Future<Output = Result<ResponseValue<P>, E>>,
        Error: From<E>,
    {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            let page = match (self.fetch)(self.offset, self.limit).await {
                Ok(page) => page,
                Err(error) => {
                    self.done = true;
                    return Some(Err(Error::from(error)));
                }
            };
            let status = page.status();
            let correlation_id = crate::wire::correlation_id(page.headers());
            let page = page.into_inner();
            let total = page.total();
            let items = page.into_items();
            if !items.is_empty() && items == self.previous {
                self.done = true;
                return Some(Err(Error::InvalidResponse {
                    status: Some(status),
                    reason: format!(
                        "the page at offset {} repeats the page before it: the server ignores `offset`",
                        self.offset
                    ),
                    raw_body: Default::default(),
                    correlation_id,
                }));
            }
            self.offset += items.len() as u64;
            self.done = items.is_empty() || total.is_some_and(|total| self.offset >= total);
            self.previous.clone_from(&items);
            self.ready = items.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt as _;
    use reqwest::StatusCode;
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;
    use crate::types::ErrorResponse;

    /// A list page as a server would send it.
    #[derive(Clone)]
    struct Numbers {
        items: Vec<u64>,
        total: Option<u64>,
    }

    impl Page for Numbers {
        type Item = u64;
        fn into_items(self) -> Vec<u64> {
            self.items
        }
        fn total(&self) -> Option<u64> {
            self.total
        }
    }

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("v-c-correlation-id", HeaderValue::from_static("corr-page"));
        headers
    }

    /// A list of `len` numbers served at `offset`/`limit`, recording each request; with
    /// `total` reported or not, and `ignore_offset` for a server that always serves
    /// the first page.
    fn server(
        len: u64,
        report_total: bool,
        ignore_offset: bool,
        asked: Arc<Mutex<Vec<(u64, u64)>>>,
    ) -> impl FnMut(
        u64,
        u64,
    ) -> std::future::Ready<
        Result<ResponseValue<Numbers>, progenitor_client::Error<ErrorResponse>>,
    > {
        move |offset, limit| {
            asked.lock().unwrap().push((offset, limit));
            let start = if ignore_offset { 0 } else { offset.min(len) };
            let end = (start + limit).min(len);
            std::future::ready(Ok(ResponseValue::new(
                Numbers {
                    items: (start..end).collect(),
                    total: report_total.then_some(len),
                },
                StatusCode::OK,
                headers(),
            )))
        }
    }

    async fn walk(
        limit: u64,
        fetch: impl FnMut(
            u64,
            u64,
        ) -> std::future::Ready<
            Result<ResponseValue<Numbers>, progenitor_client::Error<ErrorResponse>>,
        >,
    ) -> Vec<Result<u64, Error>> {
        items(limit, fetch).collect().await
    }

    #[tokio::test]
    async fn every_item_once_in_order_with_the_chosen_limit_stopping_at_the_total() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let got = walk(10, server(25, true, false, asked.clone())).await;
        let got: Vec<u64> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, (0..25).collect::<Vec<_>>());
        // Three pages of the chosen size; no request past the total.
        assert_eq!(*asked.lock().unwrap(), vec![(0, 10), (10, 10), (20, 10)]);
    }

    /// A limit of 0 asks for pages of 1 (the spec's minimum), walks every item, and
    /// ends: it neither asks for 0 nor loops.
    #[tokio::test]
    async fn a_limit_of_zero_asks_for_one_and_ends() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let got = walk(0, server(3, true, false, asked.clone())).await;
        let got: Vec<u64> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, vec![0, 1, 2]);
        assert_eq!(*asked.lock().unwrap(), vec![(0, 1), (1, 1), (2, 1)]);
        // Without a total too: it stops at the first empty page.
        let asked = Arc::new(Mutex::new(Vec::new()));
        let got = walk(0, server(2, false, false, asked.clone())).await;
        assert_eq!(got.len(), 2);
        assert_eq!(*asked.lock().unwrap(), vec![(0, 1), (1, 1), (2, 1)]);
    }

    /// A server that answers fewer items than asked (a page size of its own): the next
    /// page starts after the items received, not after `limit`, so none is lost.
    #[tokio::test]
    async fn short_pages_lose_no_item() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let recorded = asked.clone();
        let fetch = move |offset: u64, limit: u64| {
            recorded.lock().unwrap().push((offset, limit));
            let end = (offset + limit.min(3)).min(11);
            std::future::ready(Ok(ResponseValue::new(
                Numbers {
                    items: (offset.min(11)..end).collect(),
                    total: Some(11),
                },
                StatusCode::OK,
                headers(),
            )))
        };
        let got: Vec<u64> = walk(5, fetch)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got, (0..11).collect::<Vec<_>>());
        let offsets: Vec<u64> = asked.lock().unwrap().iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [0, 3, 6, 9]);
    }

    #[tokio::test]
    async fn without_a_total_it_stops_at_the_first_empty_page() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let got = walk(10, server(20, false, false, asked.clone())).await;
        assert_eq!(got.len(), 20);
        assert_eq!(*asked.lock().unwrap(), vec![(0, 10), (10, 10), (20, 10)]);
        let asked = Arc::new(Mutex::new(Vec::new()));
        assert!(
            walk(10, server(0, true, false, asked.clone()))
                .await
                .is_empty()
        );
        assert_eq!(asked.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_server_that_repeats_a_page_ends_the_walk_with_an_error() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let got = walk(10, server(1000, false, true, asked.clone())).await;
        assert_eq!(got.len(), 11, "the first page, then the error");
        let error = got.last().unwrap().as_ref().unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert_eq!(error.correlation_id(), Some("corr-page"));
        assert_eq!(asked.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn an_error_mid_way_keeps_its_status_and_correlation_id_and_ends_the_walk() {
        let mut pages = 0;
        let fetch = move |offset: u64, limit: u64| {
            pages += 1;
            std::future::ready(if pages == 1 {
                Ok(ResponseValue::new(
                    Numbers {
                        items: (offset..offset + limit).collect(),
                        total: Some(100),
                    },
                    StatusCode::OK,
                    headers(),
                ))
            } else {
                Err(progenitor_client::Error::ErrorResponse(ResponseValue::new(
                    ErrorResponse::default(),
                    StatusCode::SERVICE_UNAVAILABLE,
                    headers(),
                )))
            })
        };
        let got = walk(5, fetch).await;
        assert_eq!(got.len(), 6);
        let error = got[5].as_ref().unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(error.correlation_id(), Some("corr-page"));
    }
}
