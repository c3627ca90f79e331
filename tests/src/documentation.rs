//! What `CustomerApi.md` documents, written down as a table. Tests check that the
//! spec agrees with this table, and that this table agrees with the document itself
//! (a copy is kept in `tests/fixtures/CustomerApi.md`).

/// A parameter as CustomerApi.md lists it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentedParam {
    /// The Python SDK's argument name, as in the document's parameter table.
    pub sdk_name: &'static str,
    /// The name on the wire (header name, path placeholder).
    pub wire_name: &'static str,
    /// `header` or `path`; `body` for the request body.
    pub location: &'static str,
    pub required: bool,
}

/// An operation as CustomerApi.md documents it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentedOperation {
    pub method_name: &'static str,
    pub verb: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub params: &'static [DocumentedParam],
    /// The document's "HTTP request headers": `Content-Type` and `Accept`.
    pub content_type: &'static str,
    pub accept: &'static str,
    /// Return type as documented (`void` for none).
    pub returns: &'static str,
}

const JSON: &str = "application/json;charset=utf-8";

const CUSTOMER_ID: DocumentedParam = DocumentedParam {
    sdk_name: "customer_id",
    wire_name: "customerId",
    location: "path",
    required: true,
};
const PROFILE_ID: DocumentedParam = DocumentedParam {
    sdk_name: "profile_id",
    wire_name: "profile-id",
    location: "header",
    required: false,
};
const IF_MATCH: DocumentedParam = DocumentedParam {
    sdk_name: "if_match",
    wire_name: "if-match",
    location: "header",
    required: false,
};

/// The four operations of CustomerApi.md, in the document's order.
pub const OPERATIONS: &[DocumentedOperation] = &[
    DocumentedOperation {
        method_name: "delete_customer",
        verb: "DELETE",
        path: "/tms/v2/customers/{customerId}",
        summary: "Delete a Customer",
        params: &[CUSTOMER_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "void",
    },
    DocumentedOperation {
        method_name: "get_customer",
        verb: "GET",
        path: "/tms/v2/customers/{customerId}",
        summary: "Retrieve a Customer",
        params: &[CUSTOMER_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerRequest",
    },
    DocumentedOperation {
        method_name: "patch_customer",
        verb: "PATCH",
        path: "/tms/v2/customers/{customerId}",
        summary: "Update a Customer",
        params: &[
            CUSTOMER_ID,
            DocumentedParam {
                sdk_name: "patch_customer_request",
                wire_name: "body",
                location: "body",
                required: true,
            },
            PROFILE_ID,
            IF_MATCH,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PatchCustomerRequest",
    },
    DocumentedOperation {
        method_name: "post_customer",
        verb: "POST",
        path: "/tms/v2/customers",
        summary: "Create a Customer",
        params: &[
            DocumentedParam {
                sdk_name: "post_customer_request",
                wire_name: "body",
                location: "body",
                required: true,
            },
            PROFILE_ID,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerRequest",
    },
];

/// The documented operation of that name.
pub fn operation(method_name: &str) -> Option<&'static DocumentedOperation> {
    OPERATIONS.iter().find(|op| op.method_name == method_name)
}
