//! Configuration from `CYBERSOURCE_*` environment variables.

use crate::auth::credentials::Credentials;
use crate::{Client, ClientBuilder, Environment, Error};

/// The environment variables [`ClientBuilder::from_env`] reads.
pub mod vars {
    /// Merchant id (required).
    pub const MERCHANT_ID: &str = "CYBERSOURCE_MERCHANT_ID";
    /// Key id of the shared secret (required for shared-secret modes).
    pub const KEY_ID: &str = "CYBERSOURCE_KEY_ID";
    /// Shared secret key, base64 (required for shared-secret modes).
    pub const SECRET_KEY: &str = "CYBERSOURCE_SECRET_KEY";
    /// `jwt` (default) or `http-signature`.
    pub const AUTH: &str = "CYBERSOURCE_AUTH";
    /// `sandbox` (default), `production` or `india`.
    pub const ENVIRONMENT: &str = "CYBERSOURCE_ENVIRONMENT";
    /// Any base URL instead of an environment, e.g. `http://127.0.0.1:4010`.
    pub const BASE_URL: &str = "CYBERSOURCE_BASE_URL";
    /// Path of a P12 certificate file: JWT signed with its key (RS256).
    pub const P12_PATH: &str = "CYBERSOURCE_P12_PATH";
    /// Password of the P12 file.
    pub const P12_PASSWORD: &str = "CYBERSOURCE_P12_PASSWORD";
    /// Portfolio id, to sign on behalf of the merchant with a MetaKey (optional).
    pub const PORTFOLIO_ID: &str = "CYBERSOURCE_PORTFOLIO_ID";
    /// `1`/`true`: encrypt the request body of every operation whose request MLE is
    /// optional (`0`/`false`, the default: do not).
    pub const MLE_REQUEST: &str = "CYBERSOURCE_MLE_REQUEST";
    /// Path of CyberSource's MLE certificate (PEM); with a P12, optional.
    pub const MLE_REQUEST_CERT: &str = "CYBERSOURCE_MLE_REQUEST_CERT";
    /// Subject CN of the MLE certificate (default `CyberSource_SJC_US`).
    pub const MLE_REQUEST_KEY_ALIAS: &str = "CYBERSOURCE_MLE_REQUEST_KEY_ALIAS";
    /// Path of the merchant's private key for encrypted answers (PEM or P12); setting
    /// it turns response MLE on for every operation.
    pub const MLE_RESPONSE_KEY: &str = "CYBERSOURCE_MLE_RESPONSE_KEY";
    /// Password of that key (P12, encrypted PEM).
    pub const MLE_RESPONSE_KEY_PASSWORD: &str = "CYBERSOURCE_MLE_RESPONSE_KEY_PASSWORD";
    /// Key id of that key, sent as `v-c-response-mle-kid` (read from a
    /// CyberSource-generated P12 when not set).
    pub const MLE_RESPONSE_KID: &str = "CYBERSOURCE_MLE_RESPONSE_KID";
    /// Per-operation overrides, e.g. `postCustomer=request,patchCustomer=off`; each
    /// value is `off`, `request`, `response` or `request+response`.
    pub const MLE_OPERATIONS: &str = "CYBERSOURCE_MLE_OPERATIONS";

    /// The MLE variables (they need the `mle` feature).
    pub const MLE: [&str; 7] = [
        MLE_REQUEST,
        MLE_REQUEST_CERT,
        MLE_REQUEST_KEY_ALIAS,
        MLE_RESPONSE_KEY,
        MLE_RESPONSE_KEY_PASSWORD,
        MLE_RESPONSE_KID,
        MLE_OPERATIONS,
    ];
}

impl ClientBuilder {
    /// A builder configured from the `CYBERSOURCE_*` environment variables (see [`vars`]).
    ///
    /// Missing or malformed settings are an [`Error::Config`] naming the variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading each variable through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let environment = match (get(vars::ENVIRONMENT), get(vars::BASE_URL)) {
            (Some(_), Some(_)) => {
                return Err(config(
                    vars::BASE_URL,
                    format!("set {} or {}, not both", vars::ENVIRONMENT, vars::BASE_URL),
                ));
            }
            (Some(name), None) => match name.trim().to_ascii_lowercase().as_str() {
                "sandbox" => Environment::Sandbox,
                "production" => Environment::Production,
                "india" => Environment::India,
                other => {
                    return Err(config(
                        vars::ENVIRONMENT,
                        format!("`{other}` is not one of sandbox, production, india"),
                    ));
                }
            },
            (None, Some(url)) => {
                Environment::custom(url.trim()).map_err(|e| rename(e, vars::BASE_URL))?
            }
            (None, None) => Environment::Sandbox,
        };
        let require = |name: &str| get(name).ok_or_else(|| config(name, "is not set".to_owned()));
        let merchant_id = require(vars::MERCHANT_ID)?;
        let mode = get(vars::AUTH).unwrap_or_else(|| "jwt".to_owned());
        let credentials = match mode.trim().to_ascii_lowercase().as_str() {
            "jwt" if get(vars::P12_PATH).is_some() => p12_credentials(&merchant_id, &get)?,
            "jwt" | "http-signature" => {
                let key_id = require(vars::KEY_ID)?;
                let secret = require(vars::SECRET_KEY)?;
                let made = if mode.eq_ignore_ascii_case("jwt") {
                    Credentials::jwt_shared_secret(&merchant_id, &key_id, &secret)
                } else {
                    Credentials::http_signature(&merchant_id, &key_id, &secret)
                };
                made.map_err(|e| match &e {
                    Error::Config { setting, .. } if setting == "secret key" => {
                        rename(e, vars::SECRET_KEY)
                    }
                    Error::Config { setting, .. } if setting == "key id" => rename(e, vars::KEY_ID),
                    _ => rename(e, vars::MERCHANT_ID),
                })?
            }
            other => {
                return Err(config(
                    vars::AUTH,
                    format!("`{other}` is not one of jwt, http-signature"),
                ));
            }
        };
        let credentials = match get(vars::PORTFOLIO_ID) {
            Some(portfolio) => credentials
                .with_portfolio_id(&portfolio)
                .map_err(|e| rename(e, vars::PORTFOLIO_ID))?,
            None => credentials,
        };
        mle_from_lookup(Client::builder(environment).credentials(credentials), &get)
    }
}

#[cfg(feature = "mle")]
fn mle_from_lookup(
    mut builder: ClientBuilder,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<ClientBuilder, Error> {
    if let Some(on) = get(vars::MLE_REQUEST) {
        builder = builder.mle_request(match on.trim().to_ascii_lowercase().as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            other => {
                return Err(config(
                    vars::MLE_REQUEST,
                    format!("`{other}` is not one of 1, true, 0, false"),
                ));
            }
        });
    }
    if let Some(path) = get(vars::MLE_REQUEST_CERT) {
        builder = builder.mle_request_certificate(path.trim());
    }
    if let Some(alias) = get(vars::MLE_REQUEST_KEY_ALIAS) {
        builder = builder.mle_request_key_alias(alias.trim());
    }
    if let Some(path) = get(vars::MLE_RESPONSE_KEY) {
        // A password is taken as it is: spaces may be part of it.
        let password = get(vars::MLE_RESPONSE_KEY_PASSWORD);
        builder = builder.mle_response_key(path.trim(), password.as_deref());
    }
    if let Some(kid) = get(vars::MLE_RESPONSE_KID) {
        builder = builder.mle_response_kid(kid.trim());
    }
    if let Some(list) = get(vars::MLE_OPERATIONS) {
        for item in list.split(',').filter(|item| !item.trim().is_empty()) {
            let (id, mode) = item.split_once('=').ok_or_else(|| {
                config(
                    vars::MLE_OPERATIONS,
                    format!("`{}` is not operationId=mode", item.trim()),
                )
            })?;
            let mode = mode
                .parse::<crate::MleOperation>()
                .map_err(|why| config(vars::MLE_OPERATIONS, format!("{}: {why}", id.trim())))?;
            builder = builder.mle_operation(id.trim(), mode);
        }
    }
    Ok(builder)
}

#[cfg(not(feature = "mle"))]
fn mle_from_lookup(
    builder: ClientBuilder,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<ClientBuilder, Error> {
    match vars::MLE.iter().find(|name| get(name).is_some()) {
        Some(name) => Err(config(
            name,
            "needs the `mle` feature of customer-client, which this build does not have".to_owned(),
        )),
        None => Ok(builder),
    }
}

#[cfg(feature = "p12")]
fn p12_credentials(
    merchant_id: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, Error> {
    let path = get(vars::P12_PATH).unwrap_or_default();
    let bytes = std::fs::read(&path)
        .map_err(|e| config(vars::P12_PATH, format!("cannot read `{path}`: {e}")))?;
    let password = get(vars::P12_PASSWORD).unwrap_or_default();
    crate::auth::credentials::P12Key::from_pkcs12(merchant_id, &bytes, &password)
        .map(Credentials::JwtP12)
        .map_err(|e| rename(e, vars::P12_PATH))
}

#[cfg(not(feature = "p12"))]
fn p12_credentials(
    _merchant_id: &str,
    _get: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, Error> {
    Err(config(
        vars::P12_PATH,
        "needs the `p12` feature of customer-client, which this build does not have".to_owned(),
    ))
}

fn config(setting: &str, message: String) -> Error {
    Error::Config {
        setting: setting.to_owned(),
        message,
    }
}

/// Names the environment variable in an error about a setting.
fn rename(error: Error, variable: &str) -> Error {
    match error {
        Error::Config { message, .. } => config(variable, message),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "yBJxy6LjM2TmcPGu+GaJrHtkke25fPpUX+UY6/L/1tE=";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn error(pairs: &[(&str, &str)]) -> (String, String) {
        match ClientBuilder::from_lookup(lookup(pairs)) {
            Err(Error::Config { setting, message }) => (setting, message),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    const BASE: &[(&str, &str)] = &[
        (vars::MERCHANT_ID, "testrest"),
        (vars::KEY_ID, "08c94330-f618-42a3-b09d-e1e43be5efda"),
        (vars::SECRET_KEY, SECRET),
    ];

    #[test]
    fn shared_secret_modes() {
        let builder = ClientBuilder::from_lookup(lookup(BASE)).unwrap();
        assert_eq!(builder.credentials.as_ref().unwrap().mode(), "jwt");
        assert_eq!(builder.environment, Environment::Sandbox);
        let mut pairs = BASE.to_vec();
        pairs.push((vars::AUTH, "http-signature"));
        pairs.push((vars::ENVIRONMENT, "india"));
        let builder = ClientBuilder::from_lookup(lookup(&pairs)).unwrap();
        assert_eq!(
            builder.credentials.as_ref().unwrap().mode(),
            "http-signature"
        );
        assert_eq!(builder.environment, Environment::India);
    }

    #[test]
    fn errors_name_the_variable() {
        assert_eq!(error(&[]).0, vars::MERCHANT_ID);
        assert_eq!(error(&BASE[..2]).0, vars::SECRET_KEY);
        let mut bad_secret = BASE.to_vec();
        bad_secret[2] = (vars::SECRET_KEY, "not base64!");
        let (setting, message) = error(&bad_secret);
        assert_eq!(
            (setting.as_str(), message.as_str()),
            (vars::SECRET_KEY, "is not valid base64")
        );
        let mut bad_auth = BASE.to_vec();
        bad_auth.push((vars::AUTH, "oauth"));
        assert_eq!(error(&bad_auth).0, vars::AUTH);
        let mut bad_env = BASE.to_vec();
        bad_env.push((vars::ENVIRONMENT, "staging"));
        assert_eq!(error(&bad_env).0, vars::ENVIRONMENT);
        let mut both = BASE.to_vec();
        both.push((vars::ENVIRONMENT, "sandbox"));
        both.push((vars::BASE_URL, "http://127.0.0.1:1"));
        assert_eq!(error(&both).0, vars::BASE_URL);
        let mut bad_url = BASE.to_vec();
        bad_url.push((vars::BASE_URL, "127.0.0.1:1"));
        assert_eq!(error(&bad_url).0, vars::BASE_URL);
    }

    #[test]
    fn secrets_stay_out_of_errors_and_debug() {
        let mut bad_secret = BASE.to_vec();
        bad_secret[2] = (vars::SECRET_KEY, "secret-value-that-is-not-base64");
        let shown = format!(
            "{:?} {}",
            error(&bad_secret),
            ClientBuilder::from_lookup(lookup(&bad_secret)).unwrap_err()
        );
        assert!(!shown.contains("secret-value"), "{shown}");
        let builder = ClientBuilder::from_lookup(lookup(BASE)).unwrap();
        let debug = format!("{builder:?} {:?}", builder.clone().build().unwrap());
        assert!(
            !debug.contains(SECRET) && !debug.contains("08c94330"),
            "{debug}"
        );
    }
}
