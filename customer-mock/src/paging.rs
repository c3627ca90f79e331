//! Lists a page at a time, as TMS pages them: `offset` and `limit` read from the query
//! and checked against the spec, and one page of a whole list answered with `offset`,
//! `limit`, `count`, `total`, links to the other pages and `X-Total-Count`.

use axum::http::{HeaderName, StatusCode, Uri};
use axum::response::Response;
use customer_client::rules;
use serde_json::{Map, Value, json};

use crate::reply::{Refusal, answer};

/// `offset` and `limit` of a request for `operation` (a list), checked against the spec.
pub(crate) fn page_of(operation: &'static str, uri: &Uri) -> Result<(usize, usize), Refusal> {
    let mut offset = 0usize;
    let mut limit = 20usize;
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "offset" && name != "limit" {
            continue;
        }
        rules::check_parameter(operation, name, Some(value))
            .map_err(|v| Refusal::invalid("invalidParameters", v, "query"))?;
        let number = value.parse::<usize>().unwrap_or_default();
        if name == "offset" {
            offset = number;
        } else {
            limit = number;
        }
    }
    Ok((offset, limit))
}

/// One page of `items` (all of a list, in order): `limit` of them from `offset` on,
/// with the total, the links to the other pages of `path`, and `X-Total-Count`.
pub(crate) fn page_answer(
    path: &str,
    list_key: &str,
    items: Vec<Value>,
    offset: usize,
    limit: usize,
) -> Response {
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let href = |offset: usize| json!({"href": format!("{path}?offset={offset}&limit={limit}")});
    let mut links = Map::new();
    links.insert("self".into(), href(offset));
    links.insert("first".into(), href(0));
    if offset > 0 {
        links.insert("prev".into(), href(offset.saturating_sub(limit)));
    }
    if offset + limit < total {
        links.insert("next".into(), href(offset + limit));
    }
    links.insert("last".into(), href(total.saturating_sub(1) / limit * limit));
    let body = json!({
        "_links": links,
        "offset": offset,
        "limit": limit,
        "count": page.len(),
        "total": total,
        "_embedded": {list_key: page},
    });
    answer(
        StatusCode::OK,
        Some(&body),
        &[(HeaderName::from_static("x-total-count"), total.to_string())],
    )
}
