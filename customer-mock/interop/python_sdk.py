"""customer-mock driven by CyberSource's official Python SDK (cybersource-rest-client-python,
pinned in requirements-python-sdk.txt), as a user of the mock with that SDK would: every
operation the mock serves, in one authentication mode, each answer decoded into the SDK's
own model, and what went over the wire encrypted exactly where the mode says (read at the
SDK's HTTP layer, before its own decryption). Prints one line per call; exits 0 when
every call got its documented status and its encryption.

MODE: http_signature, jwt_shared_secret, jwt_p12 (the SDK's default JWT mode),
request_mle, response_mle, mle_both, mle_map (JWT with the shared secret and Message Level
Encryption to the mock's test keys: requests, answers, both, or per operation), or
wrong_secret (the negative control: every call must get 401). FIXTURES: tests/fixtures;
KEYS: customer-mock/keys (the mock's throwaway MLE keys).

    python_sdk.py BASE_URL MODE FIXTURES KEYS

The SDK's own bugs are worked around here, never by loosening the mock:
- it renames body keys (`merchantCustomerID` into `merchantCustomerId`) when a body is
  given as a model object, so bodies are given as JSON text, as its samples do;
- with logging off it logs its configuration all the same, through
  `ast.literal_eval(json.dumps(config))`, which fails on a boolean setting (JSON `true`
  is no Python literal); with logging on it turns every value into text first. So
  logging is on (masked, into a temporary directory) whenever a setting is a boolean.
"""

import json
import sys
import tempfile
import warnings

# The SDK imports pkg_resources, which warns that it is deprecated.
warnings.simplefilter("ignore")

from CyberSource import (
    CustomerApi,
    CustomerPaymentInstrumentApi,
    CustomerShippingAddressApi,
    InstrumentIdentifierApi,
)
from CyberSource.logging.log_configuration import LogConfiguration
from CyberSource.rest import ApiException, RESTClientObject

# Every exchange at the SDK's HTTP layer: (body sent, body answered), as on the wire.
WIRE = []
_send = RESTClientObject.request


def _recorded(self, method, url, *args, **kwargs):
    body = kwargs.get("body", args[2] if len(args) > 2 else None)
    try:
        response = _send(self, method, url, *args, **kwargs)
    except ApiException as error:
        WIRE.append((body, error.body))
        raise
    WIRE.append((body, response.data))
    return response


RESTClientObject.request = _recorded

MERCHANT = "testrest"
KEY_ID = "08c94330-f618-42a3-b09d-e1e43be5efda"
SECRET = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE="
WRONG_SECRET = "AAAAy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE="


# The mock's test keys (customer_mock::test_keys).
RESPONSE_KID = "testrestRespMle0001"

# mle_map: per SDK method, "request::response".
MLE_MAP = {
    "post_customer": "true::true",
    "get_customer": "false::true",
    "patch_customer": "false::false",
}


def snake(operation_id):
    return "".join("_" + c.lower() if c.isupper() else c for c in operation_id)


def encrypted_ways(mode, operation_id):
    """(request, response): whether `mode` encrypts the request body and the answer of
    `operation_id` (every body-taking operation of the mock's spec offers request MLE)."""
    if mode == "mle_map":
        ways = MLE_MAP.get(snake(operation_id), "false::false").split("::")
        return ways[0] == "true", ways[1] == "true"
    return mode in ("request_mle", "mle_both"), mode in ("response_mle", "mle_both")


def configuration(base_url, mode, fixtures, keys):
    config = {
        "merchantid": MERCHANT,
        # The SDK's usual host: it claims it in `request-host`; the mock stands in for it.
        "run_environment": "apitest.cybersource.com",
        "IntermediateHost": base_url,
    }
    if mode == "http_signature":
        config.update(authentication_type="http_signature", merchant_keyid=KEY_ID, merchant_secretkey=SECRET)
    elif mode in ("jwt_shared_secret", "wrong_secret", "request_mle", "response_mle", "mle_both", "mle_map"):
        secret = WRONG_SECRET if mode == "wrong_secret" else SECRET
        config.update(authentication_type="JWT", jwt_key_type="SHARED_SECRET",
                      merchant_keyid=KEY_ID, merchant_secretkey=secret)
        request = {"mleForRequestPublicCertPath": keys + "/mle_request_cert.pem"}
        response = {"responseMleKID": RESPONSE_KID,
                    "responseMlePrivateKeyFilePath": keys + "/mle_response_private_key.pem"}
        if mode in ("request_mle", "mle_both"):
            config.update(request, enableRequestMLEForOptionalApisGlobally=True)
        if mode in ("response_mle", "mle_both"):
            config.update(response, enableResponseMleGlobally=True)
        if mode == "mle_map":
            # Per operation, "request::response": both ways on create, answers only on
            # retrieve, nothing on the rest.
            config.update(request)
            config.update(response, mapToControlMLEonAPI=MLE_MAP)
    elif mode == "jwt_p12":
        config.update(authentication_type="JWT", key_alias=MERCHANT, key_password="testpass",
                      key_file_name="testrest", keys_directory=fixtures + "/auth")
    else:
        raise SystemExit(f"unknown mode {mode}")
    if any(isinstance(value, bool) for value in config.values()):
        log = LogConfiguration()
        log.set_enable_log(True)
        log.set_enable_masking(True)
        log.set_log_directory(tempfile.mkdtemp(prefix="cybs-sdk-log-"))
        log.set_log_file_name("sdk")
        log.set_log_level("INFO")
        config["log_config"] = log
    return config


class Run:
    """Calls operations and records what came back."""

    def __init__(self, mode):
        self.mode = mode
        self.expect_refusal = mode == "wrong_secret"
        self.failures = 0
        self.calls = 0

    def call(self, name, expected, function, *args, **kwargs):
        """`function(*args, **kwargs)` (an SDK `*_with_http_info`): its status must be one of
        `expected` (401 in the negative control); returns the SDK's decoded model."""
        self.calls += 1
        wanted = (401,) if self.expect_refusal else expected
        try:
            data, status, _headers = function(*args, **kwargs)
        except ApiException as error:
            data, status = None, error.status
        ok = status in wanted
        sent, answered = WIRE[-1] if WIRE else (None, None)
        request_ways, response_ways = encrypted_ways(self.mode, name.split(" ")[0])
        wire = []
        if sent:
            wire.append("request " + ("encrypted" if "encryptedRequest" in sent else "plain"))
            ok &= ("encryptedRequest" in sent) == request_ways
        if answered and 200 <= status < 300:
            wire.append("answer " + ("encrypted" if "encryptedResponse" in answered else "plain"))
            ok &= ("encryptedResponse" in answered) == response_ways
        # A success with a body must have decoded into the SDK's model.
        if answered and 200 <= status < 300 and data is None:
            ok = False
        model = type(data).__name__ if data is not None else "-"
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {status} (expected {'/'.join(map(str, wanted))}), "
              f"{', '.join(wire) or 'no body'}, decoded as {model}")
        if not ok:
            self.failures += 1
        return data


def main():
    base_url, mode, fixtures, keys = sys.argv[1:5]
    config = configuration(base_url, mode, fixtures, keys)
    run = Run(mode)
    customers = CustomerApi(config)
    addresses = CustomerShippingAddressApi(config)
    instruments = CustomerPaymentInstrumentApi(config)
    identifiers = InstrumentIdentifierApi(config)
    # Ids for the negative control, where nothing is created.
    customer_id, address_id, instrument_id = "A" * 32, "B" * 32, "C" * 32
    identifier_id = "7010000000016241111"

    body = json.dumps({"buyerInformation": {"merchantCustomerID": "sdk-customer", "email": "sdk@cybs.com"}})
    created = run.call("postCustomer", (201,), customers.post_customer_with_http_info, body)
    if created is not None:
        customer_id = created.id
    run.call("getCustomer", (200,), customers.get_customer_with_http_info, customer_id)
    run.call("patchCustomer", (200,), customers.patch_customer_with_http_info, customer_id,
             json.dumps({"buyerInformation": {"email": "updated@cybs.com"}}))

    address = json.dumps({"shipTo": {"firstName": "John", "lastName": "Doe", "address1": "1 Market St",
                                     "locality": "San Francisco", "country": "US"}})
    added = run.call("postCustomerShippingAddress", (201,),
                     addresses.post_customer_shipping_address_with_http_info, customer_id, address)
    if added is not None:
        address_id = added.id
    run.call("getCustomerShippingAddress", (200,),
             addresses.get_customer_shipping_address_with_http_info, customer_id, address_id)
    run.call("getCustomerShippingAddressesList", (200,),
             addresses.get_customer_shipping_addresses_list_with_http_info, customer_id, offset=0, limit=10)
    run.call("patchCustomersShippingAddress", (200,),
             addresses.patch_customers_shipping_address_with_http_info, customer_id, address_id,
             json.dumps({"shipTo": {"locality": "Austin"}}))

    card = json.dumps({"card": {"number": "4111111111111111"}})
    identifier = run.call("postInstrumentIdentifier", (201,),
                          identifiers.post_instrument_identifier_with_http_info, card)
    if identifier is not None:
        identifier_id = identifier.id
    run.call("postInstrumentIdentifier (the same number)", (200,),
             identifiers.post_instrument_identifier_with_http_info, card)
    run.call("getInstrumentIdentifier", (200,),
             identifiers.get_instrument_identifier_with_http_info, identifier_id, retrieve_bin_details=True)
    run.call("patchInstrumentIdentifier", (200,),
             identifiers.patch_instrument_identifier_with_http_info, identifier_id,
             json.dumps({"processingInformation": {"authorizationOptions": {"initiator": {
                 "merchantInitiatedTransaction": {"previousTransactionId": "123456789012345"}}}}}))
    run.call("postInstrumentIdentifierEnrollment", (202, 204),
             identifiers.post_instrument_identifier_enrollment_with_http_info, identifier_id,
             json.dumps({"type": "enrollable card", "card": {"expirationMonth": "12", "expirationYear": "2031"}}))

    instrument = json.dumps({"card": {"expirationMonth": "12", "expirationYear": "2031", "type": "001"},
                             "instrumentIdentifier": {"id": identifier_id}})
    attached = run.call("postCustomerPaymentInstrument", (201,),
                        instruments.post_customer_payment_instrument_with_http_info, customer_id, instrument)
    if attached is not None:
        instrument_id = attached.id
    run.call("getCustomerPaymentInstrument", (200,),
             instruments.get_customer_payment_instrument_with_http_info, customer_id, instrument_id)
    run.call("getCustomerPaymentInstrumentsList", (200,),
             instruments.get_customer_payment_instruments_list_with_http_info, customer_id)
    run.call("patchCustomersPaymentInstrument", (200,),
             instruments.patch_customers_payment_instrument_with_http_info, customer_id, instrument_id,
             json.dumps({"card": {"expirationYear": "2032"}}))
    run.call("getInstrumentIdentifierPaymentInstrumentsList", (200,),
             identifiers.get_instrument_identifier_payment_instruments_list_with_http_info, identifier_id)
    run.call("deleteInstrumentIdentifier (in use)", (409,),
             identifiers.delete_instrument_identifier_with_http_info, identifier_id)

    run.call("deleteCustomerPaymentInstrument", (204,),
             instruments.delete_customer_payment_instrument_with_http_info, customer_id, instrument_id)
    run.call("deleteInstrumentIdentifier", (204,),
             identifiers.delete_instrument_identifier_with_http_info, identifier_id)
    run.call("deleteCustomerShippingAddress", (204,),
             addresses.delete_customer_shipping_address_with_http_info, customer_id, address_id)
    run.call("deleteCustomer", (204,), customers.delete_customer_with_http_info, customer_id)

    print(f"{mode}: {run.calls - run.failures} of {run.calls} calls as documented")
    sys.exit(1 if run.failures else 0)


if __name__ == "__main__":
    main()
