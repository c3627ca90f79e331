//! What the official SDK's documentation says of each operation, written down as a
//! table: `CustomerApi.md` (the seed), `CustomerShippingAddressApi.md`,
//! `CustomerPaymentInstrumentApi.md` and `InstrumentIdentifierApi.md` (copies in `tests/fixtures/` and
//! `tests/fixtures/sdk-docs/`). Tests check that the spec agrees with this table, and
//! that this table agrees with the documents themselves.

/// A parameter as CustomerApi.md lists it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentedParam {
    /// The Python SDK's argument name, as in the document's parameter table.
    pub sdk_name: &'static str,
    /// The name on the wire (header name, path placeholder).
    pub wire_name: &'static str,
    /// `header`, `path` or `query`; `body` for the request body.
    pub location: &'static str,
    pub required: bool,
}

/// An operation as the SDK's documentation documents it.
#[derive(Debug, Clone, Copy)]
pub struct DocumentedOperation {
    /// The document, below `tests/fixtures/`.
    pub document: &'static str,
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
const CUSTOMER_API: &str = "CustomerApi.md";
const SHIPPING_ADDRESS_API: &str = "sdk-docs/CustomerShippingAddressApi.md";
const PAYMENT_INSTRUMENT_API: &str = "sdk-docs/CustomerPaymentInstrumentApi.md";
const INSTRUMENT_IDENTIFIER_API: &str = "sdk-docs/InstrumentIdentifierApi.md";

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

const SHIPPING_ADDRESS_ID: DocumentedParam = DocumentedParam {
    sdk_name: "shipping_address_id",
    wire_name: "shippingAddressId",
    location: "path",
    required: true,
};
const PAYMENT_INSTRUMENT_ID: DocumentedParam = DocumentedParam {
    sdk_name: "payment_instrument_id",
    wire_name: "paymentInstrumentId",
    location: "path",
    required: true,
};
const INSTRUMENT_IDENTIFIER_ID: DocumentedParam = DocumentedParam {
    sdk_name: "instrument_identifier_id",
    wire_name: "instrumentIdentifierId",
    location: "path",
    required: true,
};
const RETRIEVE_BIN_DETAILS: DocumentedParam = DocumentedParam {
    sdk_name: "retrieve_bin_details",
    wire_name: "retrieveBinDetails",
    location: "query",
    required: false,
};
const OFFSET: DocumentedParam = DocumentedParam {
    sdk_name: "offset",
    wire_name: "offset",
    location: "query",
    required: false,
};
const LIMIT: DocumentedParam = DocumentedParam {
    sdk_name: "limit",
    wire_name: "limit",
    location: "query",
    required: false,
};

/// A required request body, under the SDK's argument name.
const fn body(sdk_name: &'static str) -> DocumentedParam {
    DocumentedParam {
        sdk_name,
        wire_name: "body",
        location: "body",
        required: true,
    }
}

/// The operations of the four documents, each in its document's order.
pub const OPERATIONS: &[DocumentedOperation] = &[
    DocumentedOperation {
        document: CUSTOMER_API,
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
        document: CUSTOMER_API,
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
        document: CUSTOMER_API,
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
        document: CUSTOMER_API,
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
    DocumentedOperation {
        document: SHIPPING_ADDRESS_API,
        method_name: "delete_customer_shipping_address",
        verb: "DELETE",
        path: "/tms/v2/customers/{customerId}/shipping-addresses/{shippingAddressId}",
        summary: "Delete a Customer Shipping Address",
        params: &[CUSTOMER_ID, SHIPPING_ADDRESS_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "void",
    },
    DocumentedOperation {
        document: SHIPPING_ADDRESS_API,
        method_name: "get_customer_shipping_address",
        verb: "GET",
        path: "/tms/v2/customers/{customerId}/shipping-addresses/{shippingAddressId}",
        summary: "Retrieve a Customer Shipping Address",
        params: &[CUSTOMER_ID, SHIPPING_ADDRESS_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerShippingAddressRequest",
    },
    DocumentedOperation {
        document: SHIPPING_ADDRESS_API,
        method_name: "get_customer_shipping_addresses_list",
        verb: "GET",
        path: "/tms/v2/customers/{customerId}/shipping-addresses",
        summary: "List Shipping Addresses for a Customer",
        params: &[CUSTOMER_ID, PROFILE_ID, OFFSET, LIMIT],
        content_type: JSON,
        accept: JSON,
        returns: "ShippingAddressListForCustomer",
    },
    DocumentedOperation {
        document: SHIPPING_ADDRESS_API,
        method_name: "patch_customers_shipping_address",
        verb: "PATCH",
        path: "/tms/v2/customers/{customerId}/shipping-addresses/{shippingAddressId}",
        summary: "Update a Customer Shipping Address",
        params: &[
            CUSTOMER_ID,
            SHIPPING_ADDRESS_ID,
            body("patch_customer_shipping_address_request"),
            PROFILE_ID,
            IF_MATCH,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PatchCustomerShippingAddressRequest",
    },
    DocumentedOperation {
        document: SHIPPING_ADDRESS_API,
        method_name: "post_customer_shipping_address",
        verb: "POST",
        path: "/tms/v2/customers/{customerId}/shipping-addresses",
        summary: "Create a Customer Shipping Address",
        params: &[
            CUSTOMER_ID,
            body("post_customer_shipping_address_request"),
            PROFILE_ID,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerShippingAddressRequest",
    },
    DocumentedOperation {
        document: PAYMENT_INSTRUMENT_API,
        method_name: "delete_customer_payment_instrument",
        verb: "DELETE",
        path: "/tms/v2/customers/{customerId}/payment-instruments/{paymentInstrumentId}",
        summary: "Delete a Customer Payment Instrument",
        params: &[CUSTOMER_ID, PAYMENT_INSTRUMENT_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "void",
    },
    DocumentedOperation {
        document: PAYMENT_INSTRUMENT_API,
        method_name: "get_customer_payment_instrument",
        verb: "GET",
        path: "/tms/v2/customers/{customerId}/payment-instruments/{paymentInstrumentId}",
        summary: "Retrieve a Customer Payment Instrument",
        params: &[CUSTOMER_ID, PAYMENT_INSTRUMENT_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerPaymentInstrumentRequest",
    },
    DocumentedOperation {
        document: PAYMENT_INSTRUMENT_API,
        method_name: "get_customer_payment_instruments_list",
        verb: "GET",
        path: "/tms/v2/customers/{customerId}/payment-instruments",
        summary: "List Payment Instruments for a Customer",
        params: &[CUSTOMER_ID, PROFILE_ID, OFFSET, LIMIT],
        content_type: JSON,
        accept: JSON,
        returns: "PaymentInstrumentList1",
    },
    DocumentedOperation {
        document: PAYMENT_INSTRUMENT_API,
        method_name: "patch_customers_payment_instrument",
        verb: "PATCH",
        path: "/tms/v2/customers/{customerId}/payment-instruments/{paymentInstrumentId}",
        summary: "Update a Customer Payment Instrument",
        params: &[
            CUSTOMER_ID,
            PAYMENT_INSTRUMENT_ID,
            body("patch_customer_payment_instrument_request"),
            PROFILE_ID,
            IF_MATCH,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PatchCustomerPaymentInstrumentRequest",
    },
    DocumentedOperation {
        document: PAYMENT_INSTRUMENT_API,
        method_name: "post_customer_payment_instrument",
        verb: "POST",
        path: "/tms/v2/customers/{customerId}/payment-instruments",
        summary: "Create a Customer Payment Instrument",
        params: &[
            CUSTOMER_ID,
            body("post_customer_payment_instrument_request"),
            PROFILE_ID,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PostCustomerPaymentInstrumentRequest",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "delete_instrument_identifier",
        verb: "DELETE",
        path: "/tms/v1/instrumentidentifiers/{instrumentIdentifierId}",
        summary: "Delete an Instrument Identifier",
        params: &[INSTRUMENT_IDENTIFIER_ID, PROFILE_ID],
        content_type: JSON,
        accept: JSON,
        returns: "void",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "get_instrument_identifier",
        verb: "GET",
        path: "/tms/v1/instrumentidentifiers/{instrumentIdentifierId}",
        summary: "Retrieve an Instrument Identifier",
        params: &[INSTRUMENT_IDENTIFIER_ID, PROFILE_ID, RETRIEVE_BIN_DETAILS],
        content_type: JSON,
        accept: JSON,
        returns: "PostInstrumentIdentifierRequest",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "get_instrument_identifier_payment_instruments_list",
        verb: "GET",
        path: "/tms/v1/instrumentidentifiers/{instrumentIdentifierId}/paymentinstruments",
        summary: "List Payment Instruments for an Instrument Identifier",
        params: &[
            INSTRUMENT_IDENTIFIER_ID,
            PROFILE_ID,
            RETRIEVE_BIN_DETAILS,
            OFFSET,
            LIMIT,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PaymentInstrumentList",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "patch_instrument_identifier",
        verb: "PATCH",
        path: "/tms/v1/instrumentidentifiers/{instrumentIdentifierId}",
        summary: "Update an Instrument Identifier",
        params: &[
            INSTRUMENT_IDENTIFIER_ID,
            body("patch_instrument_identifier_request"),
            PROFILE_ID,
            RETRIEVE_BIN_DETAILS,
            IF_MATCH,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PatchInstrumentIdentifierRequest",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "post_instrument_identifier",
        verb: "POST",
        path: "/tms/v1/instrumentidentifiers",
        summary: "Create an Instrument Identifier",
        params: &[
            body("post_instrument_identifier_request"),
            PROFILE_ID,
            RETRIEVE_BIN_DETAILS,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "PostInstrumentIdentifierRequest",
    },
    DocumentedOperation {
        document: INSTRUMENT_IDENTIFIER_API,
        method_name: "post_instrument_identifier_enrollment",
        verb: "POST",
        path: "/tms/v1/instrumentidentifiers/{instrumentIdentifierId}/enrollment",
        summary: "Enroll an Instrument Identifier for Payment Network Token",
        params: &[
            INSTRUMENT_IDENTIFIER_ID,
            body("post_instrument_identifier_enrollment_request"),
            PROFILE_ID,
        ],
        content_type: JSON,
        accept: JSON,
        returns: "void",
    },
];

/// The documented operation of that name.
pub fn operation(method_name: &str) -> Option<&'static DocumentedOperation> {
    OPERATIONS.iter().find(|op| op.method_name == method_name)
}
