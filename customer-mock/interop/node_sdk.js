// customer-mock driven by CyberSource's official Node SDK (cybersource-rest-client, pinned
// in package.json), as a user of the mock with that SDK would: every operation the mock
// serves, in one mode, each answer decoded into the SDK's own model, and what went over
// the wire encrypted exactly where the mode says (read by an axios interceptor, before the
// SDK's own decryption). Prints one line per call; exits 0 when every call got its
// documented status and its encryption.
//
//     node node_sdk.js BASE_URL MODE FIXTURES KEYS
//
// MODE: http_signature, jwt_shared_secret, jwt_p12 (the SDK's default JWT mode; the P12
// is tests/fixtures/auth/testrest_cn.p12, whose friendlyName carries `CN=testrest` as
// CyberSource's do: the SDK finds the key by it), request_mle, response_mle, mle_both,
// mle_map, or wrong_secret (the negative control: every call must get 401).
//
// The SDK's own bugs are worked around here, never by loosening the mock:
// - a response it cannot decrypt is an unhandled promise rejection, never a callback:
//   every call has a timeout.
'use strict';

const axios = require('axios');
const cybersource = require('cybersource-rest-client');

const MERCHANT = 'testrest';
const KEY_ID = '08c94330-f618-42a3-b09d-e1e43be5efda';
const SECRET = 'yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=';
const WRONG_SECRET = 'AAAAy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=';
const RESPONSE_KID = 'testrestRespMle0001';
// mle_map: per SDK method, "request::response".
const MLE_MAP = {
  postCustomer: 'true::true',
  getCustomer: 'false::true',
  patchCustomer: 'false::false',
};
const TIMEOUT_MS = 10000;

// Every exchange as on the wire: [body sent, body answered].
const wire = [];
let sent = null;
axios.interceptors.request.use((config) => {
  sent = config.data === undefined ? null : JSON.stringify(config.data);
  return config;
});
axios.interceptors.response.use(
  (response) => {
    wire.push([sent, JSON.stringify(response.data)]);
    return response;
  },
  (error) => {
    wire.push([sent, error.response ? JSON.stringify(error.response.data) : null]);
    return Promise.reject(error);
  },
);

function configuration(baseUrl, mode, fixtures, keys) {
  const config = {
    merchantID: MERCHANT,
    // The SDK's usual host: it claims it in `request-host`; the mock stands in for it.
    runEnvironment: 'apitest.cybersource.com',
    intermediateHost: baseUrl,
    logConfiguration: { enableLog: false },
  };
  const shared = { authenticationType: 'jwt', jwtKeyType: 'SHARED_SECRET', merchantKeyId: KEY_ID };
  const request = { mleForRequestPublicCertPath: `${keys}/mle_request_cert.pem` };
  const response = {
    responseMleKID: RESPONSE_KID,
    responseMlePrivateKeyFilePath: `${keys}/mle_response_private_key.pem`,
  };
  switch (mode) {
    case 'http_signature':
      return { ...config, authenticationType: 'http_signature', merchantKeyId: KEY_ID, merchantsecretKey: SECRET };
    case 'jwt_shared_secret':
      return { ...config, ...shared, merchantsecretKey: SECRET };
    case 'wrong_secret':
      return { ...config, ...shared, merchantsecretKey: WRONG_SECRET };
    case 'jwt_p12':
      return {
        ...config, authenticationType: 'jwt', keysDirectory: `${fixtures}/auth`,
        keyFileName: 'testrest_cn', keyAlias: MERCHANT, keyPass: 'testpass',
      };
    case 'request_mle':
      return { ...config, ...shared, merchantsecretKey: SECRET, ...request, enableRequestMLEForOptionalApisGlobally: true };
    case 'response_mle':
      return { ...config, ...shared, merchantsecretKey: SECRET, ...response, enableResponseMleGlobally: true };
    case 'mle_both':
      return {
        ...config, ...shared, merchantsecretKey: SECRET, ...request, ...response,
        enableRequestMLEForOptionalApisGlobally: true, enableResponseMleGlobally: true,
      };
    case 'mle_map':
      return { ...config, ...shared, merchantsecretKey: SECRET, ...request, ...response, mapToControlMLEonAPI: MLE_MAP };
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

function encryptedWays(mode, operationId) {
  if (mode === 'mle_map') {
    const [request, response] = (MLE_MAP[operationId] || 'false::false').split('::');
    return [request === 'true', response === 'true'];
  }
  return [mode === 'request_mle' || mode === 'mle_both', mode === 'response_mle' || mode === 'mle_both'];
}

class Run {
  constructor(mode) {
    this.mode = mode;
    this.calls = 0;
    this.failures = 0;
  }

  // `method(...args, callback)` of an SDK API: its status must be one of `expected`
  // (401 in the negative control); resolves to the SDK's decoded model.
  async call(name, expected, api, method, ...args) {
    this.calls += 1;
    const wanted = this.mode === 'wrong_secret' ? [401] : expected;
    const before = wire.length;
    const [status, data] = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(['timeout', null]), TIMEOUT_MS);
      api[method](...args, (error, data, response) => {
        clearTimeout(timer);
        if (error) {
          resolve([error.status || (error.response && error.response.status) || String(error.message), null]);
        } else {
          resolve([response.status, data]);
        }
      });
    });
    let ok = wanted.includes(status);
    const notes = [];
    if (wire.length > before) {
      const [sentBody, answered] = wire[wire.length - 1];
      const [requestWay, responseWay] = encryptedWays(this.mode, name.split(' ')[0]);
      if (sentBody) {
        const encrypted = sentBody.includes('encryptedRequest');
        notes.push(`request ${encrypted ? 'encrypted' : 'plain'}`);
        ok = ok && encrypted === requestWay;
      }
      if (answered && typeof status === 'number' && status >= 200 && status < 300 && answered !== '""') {
        const encrypted = answered.includes('encryptedResponse');
        notes.push(`answer ${encrypted ? 'encrypted' : 'plain'}`);
        ok = ok && encrypted === responseWay;
      }
    }
    // A success with a body must have decoded into the SDK's model (its classes are
    // named `exports`).
    if (typeof status === 'number' && status >= 200 && status < 300 && status !== 204 && status !== 202 && !data) {
      ok = false;
    }
    const model = data && data.constructor ? data.constructor.name : '-';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${status} (expected ${wanted.join('/')}), ${notes.join(', ') || 'no body'}, decoded as ${model}`);
    if (!ok) this.failures += 1;
    return data;
  }
}

async function main() {
  const [baseUrl, mode, fixtures, keys] = process.argv.slice(2);
  const config = configuration(baseUrl, mode, fixtures, keys);
  const client = new cybersource.ApiClient();
  const customers = new cybersource.CustomerApi(config, client);
  const addresses = new cybersource.CustomerShippingAddressApi(config, client);
  const instruments = new cybersource.CustomerPaymentInstrumentApi(config, client);
  const identifiers = new cybersource.InstrumentIdentifierApi(config, client);
  const run = new Run(mode);
  // Ids for the negative control, where nothing is created.
  let customerId = 'A'.repeat(32);
  let addressId = 'B'.repeat(32);
  let instrumentId = 'C'.repeat(32);
  let identifierId = '7010000000016241111';

  const created = await run.call('postCustomer', [201], customers, 'postCustomer',
    { buyerInformation: { merchantCustomerID: 'sdk-customer', email: 'sdk@cybs.com' } }, {});
  if (created && created.id) customerId = created.id;
  await run.call('getCustomer', [200], customers, 'getCustomer', customerId, {});
  await run.call('patchCustomer', [200], customers, 'patchCustomer', customerId,
    { buyerInformation: { email: 'updated@cybs.com' } }, {});

  const added = await run.call('postCustomerShippingAddress', [201], addresses, 'postCustomerShippingAddress', customerId,
    { shipTo: { firstName: 'John', lastName: 'Doe', address1: '1 Market St', locality: 'San Francisco', country: 'US' } }, {});
  if (added && added.id) addressId = added.id;
  await run.call('getCustomerShippingAddress', [200], addresses, 'getCustomerShippingAddress', customerId, addressId, {});
  await run.call('getCustomerShippingAddressesList', [200], addresses, 'getCustomerShippingAddressesList', customerId,
    { offset: 0, limit: 10 });
  await run.call('patchCustomersShippingAddress', [200], addresses, 'patchCustomersShippingAddress', customerId, addressId,
    { shipTo: { locality: 'Austin' } }, {});

  const card = { card: { number: '4111111111111111' } };
  const identifier = await run.call('postInstrumentIdentifier', [201], identifiers, 'postInstrumentIdentifier', card, {});
  if (identifier && identifier.id) identifierId = identifier.id;
  await run.call('postInstrumentIdentifier (the same number)', [200], identifiers, 'postInstrumentIdentifier', card, {});
  await run.call('getInstrumentIdentifier', [200], identifiers, 'getInstrumentIdentifier', identifierId,
    { retrieveBinDetails: true });
  await run.call('patchInstrumentIdentifier', [200], identifiers, 'patchInstrumentIdentifier', identifierId,
    { processingInformation: { authorizationOptions: { initiator: { merchantInitiatedTransaction: { previousTransactionId: '123456789012345' } } } } }, {});
  await run.call('postInstrumentIdentifierEnrollment', [202, 204], identifiers, 'postInstrumentIdentifierEnrollment', identifierId,
    { type: 'enrollable card', card: { expirationMonth: '12', expirationYear: '2031' } }, {});

  const attached = await run.call('postCustomerPaymentInstrument', [201], instruments, 'postCustomerPaymentInstrument', customerId,
    { card: { expirationMonth: '12', expirationYear: '2031', type: '001' }, instrumentIdentifier: { id: identifierId } }, {});
  if (attached && attached.id) instrumentId = attached.id;
  await run.call('getCustomerPaymentInstrument', [200], instruments, 'getCustomerPaymentInstrument', customerId, instrumentId, {});
  await run.call('getCustomerPaymentInstrumentsList', [200], instruments, 'getCustomerPaymentInstrumentsList', customerId, {});
  await run.call('patchCustomersPaymentInstrument', [200], instruments, 'patchCustomersPaymentInstrument', customerId, instrumentId,
    { card: { expirationYear: '2032' } }, {});
  await run.call('getInstrumentIdentifierPaymentInstrumentsList', [200], identifiers, 'getInstrumentIdentifierPaymentInstrumentsList',
    identifierId, {});
  await run.call('deleteInstrumentIdentifier (in use)', [409], identifiers, 'deleteInstrumentIdentifier', identifierId, {});

  await run.call('deleteCustomerPaymentInstrument', [204], instruments, 'deleteCustomerPaymentInstrument', customerId, instrumentId, {});
  await run.call('deleteInstrumentIdentifier', [204], identifiers, 'deleteInstrumentIdentifier', identifierId, {});
  await run.call('deleteCustomerShippingAddress', [204], addresses, 'deleteCustomerShippingAddress', customerId, addressId, {});
  await run.call('deleteCustomer', [204], customers, 'deleteCustomer', customerId, {});

  console.log(`${mode}: ${run.calls - run.failures} of ${run.calls} calls as documented`);
  process.exit(run.failures ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
