//! The shape of the generated rule table (`generated_rules.rs`): one entry per
//! operation of the spec, with its parameters, body rules and documented responses.
//! Types only; `rules.rs` applies them. The generated table imports nothing else
//! from the hand-written layer.

/// One operation of the spec.
pub(crate) struct Operation {
    /// The spec's operationId, e.g. `getCustomer`.
    pub operation_id: &'static str,
    /// progenitor's method name for it, e.g. `get_customer` (the CLI's subcommand, in kebab case).
    pub method_name: &'static str,
    /// Path template, e.g. `/tms/v2/customers/{customerId}`.
    pub path: &'static str,
    pub params: &'static [Param],
    /// Rules of the request body's fields, when the operation takes a body.
    pub body: Option<&'static [Field]>,
    /// Every writable field of the request body (sorted paths, `[]` for array items):
    /// where a merge patch may put a `null`. Empty when the operation takes no body.
    pub writable: &'static [&'static str],
    /// The JSON Schema of the request body's type, when the operation takes a body
    /// (feature `schemars`).
    #[cfg(feature = "schemars")]
    pub body_schema: Option<fn() -> schemars::schema::RootSchema>,
    /// Whether CyberSource takes the request body encrypted (message-level encryption).
    pub request_mle: RequestMle,
    /// Documented statuses and how their bodies decode.
    pub responses: &'static [Response],
}

/// Named by its operationId (the table's entries are many and long).
impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation")
            .field("operation_id", &self.operation_id)
            .finish_non_exhaustive()
    }
}

/// Whether an operation's request body may, must or cannot be encrypted at the message
/// level (MLE), as the spec's `x-devcenter-metaData.mleForRequest` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestMle {
    /// Not offered (no marker).
    None,
    /// Offered; off unless the caller turns it on.
    Optional,
    /// Required by CyberSource.
    Mandatory,
}

pub(crate) struct Param {
    pub name: &'static str,
    pub location: Location,
    pub required: bool,
    pub limits: Limits,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Header,
    Path,
    Query,
}

/// A body field's rules; `path` is the JSON path with `[]` for array items.
pub(crate) struct Field {
    pub path: &'static str,
    pub limits: Limits,
}

/// The JSON Schema keywords the client enforces.
pub(crate) struct Limits {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<&'static str>,
    pub format: Option<&'static str>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// Bounds of a number (given as text in a query parameter).
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub required: &'static [&'static str],
    /// The schema's `enum`: the values a request may send (empty: any). The generated
    /// types hold these fields as strings, so answers with a value added later still read.
    pub allowed: &'static [&'static str],
}

pub(crate) struct Response {
    pub status: u16,
    /// The component schema of the body; `None`: no body.
    pub schema: Option<&'static str>,
}
