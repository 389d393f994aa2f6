//! Port's API, as `pull`, `push` and `diff` use it: an access token from the client's
//! credentials (`POST /v1/auth/access_token`, asked again once when Port answers 401), and the
//! webhook endpoints (`GET`/`PATCH /v1/webhooks/ID`, `POST /v1/webhooks`), which answer
//! `{ok, integration}` (see the Terraform provider's `internal/cli/webhook.go`).
//!
//! The calls go through the [`Host`], so the native binary and the npm bin make the same ones.

use crate::host::{Host, HttpRequest};
use serde_json::{json, Value};

/// Port's API in Europe (the default).
pub const EU_API: &str = "https://api.port.io";
/// Port's API in the United States (`PORT_API_URL=us`).
pub const US_API: &str = "https://api.us.port.io";

/// Keys of a webhook Port adds and a configuration does not hold: left out of `pull`'s
/// output and of comparisons.
pub const METADATA_KEYS: &[&str] = &[
    "id",
    "url",
    "webhookKey",
    "createdAt",
    "createdBy",
    "updatedAt",
    "updatedBy",
];

/// The keys of a webhook Port's API takes (`POST`/`PATCH /v1/webhooks`; the schema allows no
/// other).
pub const WEBHOOK_KEYS: &[&str] = &[
    "identifier",
    "title",
    "description",
    "icon",
    "mappings",
    "enabled",
    "security",
    "integrationType",
];

/// Why a call to Port's API did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The credentials are not in the environment.
    #[error(
        "{0} is not set: Port's API needs PORT_CLIENT_ID and PORT_CLIENT_SECRET (Port's UI: ... > Credentials), and PORT_API_URL for the US region (`us`)"
    )]
    MissingCredential(&'static str),
    /// `PORT_API_URL` is not a URL.
    #[error("PORT_API_URL={0:?} is not `eu`, `us` or an http(s) URL")]
    BadUrl(String),
    /// No answer came.
    #[error("Port's API did not answer: {0}")]
    Network(String),
    /// Port refused the credentials.
    #[error("Port refused the credentials (HTTP {status}): {message}")]
    Credentials {
        /// The status.
        status: u16,
        /// Port's message.
        message: String,
    },
    /// Port answered with an error.
    #[error("{method} {path}: Port answered HTTP {status}: {message}")]
    Refused {
        /// The method.
        method: &'static str,
        /// The path.
        path: String,
        /// The status.
        status: u16,
        /// Port's message (or the body).
        message: String,
    },
    /// Port's answer is not what its API documents.
    #[error("{method} {path}: unexpected answer from Port (HTTP {status}): {body}")]
    Unexpected {
        /// The method.
        method: &'static str,
        /// The path.
        path: String,
        /// The status.
        status: u16,
        /// The body, cut short.
        body: String,
    },
}

/// A client of Port's API, with the token it holds.
pub struct PortApi {
    base: String,
    client_id: String,
    client_secret: String,
    token: Option<String>,
}

/// The base URL `PORT_API_URL` names: `eu` (or nothing), `us`, or a URL.
pub fn base_url(setting: Option<&str>) -> Result<String, ApiError> {
    match setting.map(str::trim) {
        None | Some("") => Ok(EU_API.to_owned()),
        Some(s) if s.eq_ignore_ascii_case("eu") => Ok(EU_API.to_owned()),
        Some(s) if s.eq_ignore_ascii_case("us") => Ok(US_API.to_owned()),
        Some(s) if s.starts_with("https://") || s.starts_with("http://") => Ok(s.trim_end_matches('/').to_owned()),
        Some(s) => Err(ApiError::BadUrl(s.to_owned())),
    }
}

/// Port's message in an error answer (`{ok: false, error, message}`), else the body cut short.
fn message_of(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => match (
            v.get("error").and_then(Value::as_str),
            v.get("message").and_then(Value::as_str),
        ) {
            (Some(e), Some(m)) => format!("{e}: {m}"),
            (Some(e), None) => e.to_owned(),
            (None, Some(m)) => m.to_owned(),
            (None, None) => cut(body),
        },
        Err(_) => cut(body),
    }
}

fn cut(body: &str) -> String {
    let t = body.trim();
    if t.chars().count() > 300 {
        format!("{}…", t.chars().take(300).collect::<String>())
    } else {
        t.to_owned()
    }
}

/// A webhook identifier as one path segment.
fn segment(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl PortApi {
    /// A client from `PORT_CLIENT_ID`, `PORT_CLIENT_SECRET` and `PORT_API_URL`.
    pub fn from_env(host: &dyn Host) -> Result<Self, ApiError> {
        let var = |name: &'static str| {
            host.env(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ApiError::MissingCredential(name))
        };
        Ok(Self {
            client_id: var("PORT_CLIENT_ID")?,
            client_secret: var("PORT_CLIENT_SECRET")?,
            base: base_url(host.env("PORT_API_URL").as_deref())?,
            token: None,
        })
    }

    /// The API's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn fetch_token(&mut self, host: &mut dyn Host) -> Result<String, ApiError> {
        let request = HttpRequest {
            method: "POST".into(),
            url: format!("{}/v1/auth/access_token", self.base),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Some(json!({"clientId": self.client_id, "clientSecret": self.client_secret}).to_string()),
        };
        let response = host.http(&request).map_err(ApiError::Network)?;
        let body: Option<Value> = serde_json::from_str(&response.body).ok();
        let token = body
            .as_ref()
            .and_then(|b| b.get("accessToken"))
            .and_then(Value::as_str)
            .filter(|_| response.status == 200 || response.status == 201);
        match token {
            Some(t) => {
                self.token = Some(t.to_owned());
                Ok(t.to_owned())
            }
            None => Err(ApiError::Credentials {
                status: response.status,
                message: message_of(&response.body),
            }),
        }
    }

    /// One call with the bearer token; a 401 gets a new token and one more try (a token lives
    /// three hours, and Port keeps one per client).
    fn call(
        &mut self,
        host: &mut dyn Host,
        method: &'static str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), ApiError> {
        for attempt in 0..2 {
            let token = match (&self.token, attempt) {
                (Some(t), 0) => t.clone(),
                _ => self.fetch_token(host)?,
            };
            let mut headers = vec![("Authorization".to_owned(), format!("Bearer {token}"))];
            if body.is_some() {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            let request = HttpRequest {
                method: method.into(),
                url: format!("{}{path}", self.base),
                headers,
                body: body.map(Value::to_string),
            };
            let response = host.http(&request).map_err(ApiError::Network)?;
            if response.status == 401 && attempt == 0 {
                self.token = None;
                continue;
            }
            let value = serde_json::from_str(&response.body).map_err(|_| ApiError::Unexpected {
                method,
                path: path.to_owned(),
                status: response.status,
                body: cut(&response.body),
            })?;
            return Ok((response.status, value));
        }
        unreachable!("the second attempt returns")
    }

    /// The `integration` of an `{ok: true, integration}` answer.
    fn integration(method: &'static str, path: &str, status: u16, answer: Value) -> Result<Value, ApiError> {
        let ok = answer.get("ok").and_then(Value::as_bool) == Some(true) && (200..300).contains(&status);
        if !ok {
            return Err(ApiError::Refused {
                method,
                path: path.to_owned(),
                status,
                message: message_of(&answer.to_string()),
            });
        }
        match answer {
            Value::Object(mut o) => match o.remove("integration") {
                Some(w @ Value::Object(_)) => Ok(w),
                _ => Err(ApiError::Unexpected {
                    method,
                    path: path.to_owned(),
                    status,
                    body: "no `integration` object in the answer".into(),
                }),
            },
            _ => unreachable!("ok was read from an object"),
        }
    }

    /// The webhook `id` as Port holds it, or `None` when there is none.
    pub fn get_webhook(&mut self, host: &mut dyn Host, id: &str) -> Result<Option<Value>, ApiError> {
        let path = format!("/v1/webhooks/{}", segment(id));
        let (status, answer) = self.call(host, "GET", &path, None)?;
        if status == 404 {
            return Ok(None);
        }
        Self::integration("GET", &path, status, answer).map(Some)
    }

    /// Create a webhook (`POST /v1/webhooks`); Port's answer.
    pub fn create_webhook(&mut self, host: &mut dyn Host, body: &Value) -> Result<Value, ApiError> {
        let path = "/v1/webhooks";
        let (status, answer) = self.call(host, "POST", path, Some(body))?;
        Self::integration("POST", path, status, answer)
    }

    /// Change the keys `body` holds of the webhook `id` (`PATCH /v1/webhooks/ID`: keys left
    /// out stay as they are); Port's answer.
    pub fn patch_webhook(&mut self, host: &mut dyn Host, id: &str, body: &Value) -> Result<Value, ApiError> {
        let path = format!("/v1/webhooks/{}", segment(id));
        let (status, answer) = self.call(host, "PATCH", &path, Some(body))?;
        Self::integration("PATCH", &path, status, answer)
    }
}

/// A webhook as Port returns it, as a configuration: Port's metadata left out, and the
/// secret (a credential does not belong in a file; `push` keeps Port's).
pub fn configuration_of(mut webhook: Value) -> Value {
    if let Value::Object(o) = &mut webhook {
        for k in METADATA_KEYS {
            o.shift_remove(*k);
        }
        if let Some(Value::Object(s)) = o.get_mut("security") {
            s.shift_remove("secret");
        }
    }
    webhook
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_names_a_base_url() {
        assert_eq!(base_url(None).unwrap(), EU_API);
        assert_eq!(base_url(Some("US")).unwrap(), US_API);
        assert_eq!(base_url(Some("http://127.0.0.1:9/")).unwrap(), "http://127.0.0.1:9");
        assert!(base_url(Some("api.port.io")).is_err());
    }

    #[test]
    fn identifiers_are_one_path_segment() {
        assert_eq!(segment("spacelift-runs"), "spacelift-runs");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn a_pulled_webhook_keeps_no_metadata_and_no_secret() {
        let w = json!({"identifier": "x", "url": "u", "webhookKey": "k", "createdAt": "t",
            "security": {"secret": "s", "signatureHeaderName": "h"}, "mappings": []});
        assert_eq!(
            configuration_of(w),
            json!({"identifier": "x", "security": {"signatureHeaderName": "h"}, "mappings": []})
        );
    }
}
