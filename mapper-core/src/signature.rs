//! Webhook signature verification over the raw body, as Port does it: HMAC-SHA1/SHA256 in
//! hex after an optional prefix, or a plain shared secret; compared in constant time.

use crate::config::{SecurityConfig, SignatureAlgorithm};
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

/// Why a request's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature header is absent.
    #[error("missing signature header `{0}`")]
    MissingHeader(String),
    /// The header doesn't start with the configured prefix.
    #[error("the `{header}` header does not start with the prefix \"{prefix}\"")]
    MissingPrefix {
        /// Header name.
        header: String,
        /// The expected prefix.
        prefix: String,
    },
    /// The header's digest isn't hexadecimal of the right length.
    #[error("the `{0}` header does not hold a hex {1} digest")]
    Malformed(String, &'static str),
    /// The signature doesn't match the body and secret.
    #[error("the signature in `{0}` does not match the body (wrong secret, or the body was changed)")]
    Mismatch(String),
    /// Some but not all of the settings needed to verify are present.
    #[error("security is incomplete: `{0}` is missing (set secret, signatureHeaderName and signatureAlgorithm, or none of them)")]
    Incomplete(&'static str),
}

impl SignatureError {
    /// The diagnostic code of this refusal (decide by it, not by the message).
    pub fn code(&self) -> crate::diagnostic::Code {
        use crate::diagnostic::Code;
        match self {
            Self::MissingHeader(_) => Code::SignatureMissing,
            Self::MissingPrefix { .. } | Self::Malformed(..) | Self::Mismatch(_) => Code::SignatureMismatch,
            Self::Incomplete(_) => Code::SecurityIncomplete,
        }
    }
}

/// The outcome of a successful check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// The signature matched.
    Valid,
    /// The configuration asks for no check.
    NotRequired,
}

/// What a configuration needs to verify, once its settings are complete.
struct Settings<'a> {
    secret: &'a str,
    header: &'a str,
    algorithm: SignatureAlgorithm,
    prefix: &'a str,
}

fn settings(security: Option<&SecurityConfig>) -> Result<Option<Settings<'_>>, SignatureError> {
    let Some(s) = security else { return Ok(None) };
    let (secret, header, algorithm) = (
        s.secret.as_deref(),
        s.signature_header_name.as_deref(),
        s.signature_algorithm,
    );
    match (secret, header, algorithm) {
        (None, None, None) => Ok(None),
        (Some(secret), Some(header), Some(algorithm)) => Ok(Some(Settings {
            secret,
            header,
            algorithm,
            prefix: s.signature_prefix.as_deref().unwrap_or(""),
        })),
        (None, _, _) => Err(SignatureError::Incomplete("secret")),
        (_, None, _) => Err(SignatureError::Incomplete("signatureHeaderName")),
        (_, _, None) => Err(SignatureError::Incomplete("signatureAlgorithm")),
    }
}

fn hmac_hex(algorithm: SignatureAlgorithm, secret: &[u8], body: &[u8]) -> Vec<u8> {
    match algorithm {
        SignatureAlgorithm::Sha1 => {
            let mut m = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
            m.update(body);
            m.finalize().into_bytes().to_vec()
        }
        SignatureAlgorithm::Sha256 => {
            let mut m =
                <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
            m.update(body);
            m.finalize().into_bytes().to_vec()
        }
        SignatureAlgorithm::Plain => secret.to_vec(),
    }
}

/// Verify `body` (the raw bytes, before any parsing) against the signature header found among
/// `headers` (names matched case-insensitively) per the configuration's `security`.
pub fn verify<'h>(
    security: Option<&SecurityConfig>,
    body: &[u8],
    headers: impl IntoIterator<Item = (&'h str, &'h str)>,
) -> Result<Verified, SignatureError> {
    let Some(s) = settings(security)? else {
        return Ok(Verified::NotRequired);
    };
    let value = headers
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(s.header))
        .map(|(_, v)| v)
        .ok_or_else(|| SignatureError::MissingHeader(s.header.to_owned()))?;
    if s.algorithm == SignatureAlgorithm::Plain {
        let ok: bool = value.as_bytes().ct_eq(s.secret.as_bytes()).into();
        return if ok {
            Ok(Verified::Valid)
        } else {
            Err(SignatureError::Mismatch(s.header.to_owned()))
        };
    }
    let digest = value
        .strip_prefix(s.prefix)
        .ok_or_else(|| SignatureError::MissingPrefix {
            header: s.header.to_owned(),
            prefix: s.prefix.to_owned(),
        })?;
    let name = if s.algorithm == SignatureAlgorithm::Sha1 {
        "SHA-1"
    } else {
        "SHA-256"
    };
    let given = hex::decode(digest.trim()).map_err(|_| SignatureError::Malformed(s.header.to_owned(), name))?;
    let expected = hmac_hex(s.algorithm, s.secret.as_bytes(), body);
    if given.len() != expected.len() {
        return Err(SignatureError::Malformed(s.header.to_owned(), name));
    }
    if bool::from(given.ct_eq(&expected)) {
        Ok(Verified::Valid)
    } else {
        Err(SignatureError::Mismatch(s.header.to_owned()))
    }
}

/// The header (name, value) a sender would attach to `body` under this configuration; `None`
/// when the configuration asks for no signature.
pub fn sign(security: Option<&SecurityConfig>, body: &[u8]) -> Result<Option<(String, String)>, SignatureError> {
    let Some(s) = settings(security)? else { return Ok(None) };
    let value = match s.algorithm {
        SignatureAlgorithm::Plain => s.secret.to_owned(),
        algorithm => format!(
            "{}{}",
            s.prefix,
            hex::encode(hmac_hex(algorithm, s.secret.as_bytes(), body))
        ),
    };
    Ok(Some((s.header.to_owned(), value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sec(alg: SignatureAlgorithm, prefix: &str) -> SecurityConfig {
        SecurityConfig {
            secret: Some("dev-secret".into()),
            signature_header_name: Some("x-signature-256".into()),
            signature_algorithm: Some(alg),
            signature_prefix: Some(prefix.into()),
            request_identifier_path: None,
        }
    }

    #[test]
    fn known_hmac_sha256_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut s = sec(SignatureAlgorithm::Sha256, "sha256=");
        s.secret = Some("Jefe".into());
        let body = b"what do ya want for nothing?";
        let header = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(
            verify(Some(&s), body, [("X-Signature-256", header)]),
            Ok(Verified::Valid)
        );
        assert_eq!(sign(Some(&s), body).unwrap().unwrap().1, header);
    }

    #[test]
    fn known_hmac_sha1_vector() {
        // RFC 2202 test case 2.
        let mut s = sec(SignatureAlgorithm::Sha1, "sha1=");
        s.secret = Some("Jefe".into());
        let header = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
        assert_eq!(
            verify(Some(&s), b"what do ya want for nothing?", [("x-signature-256", header)]),
            Ok(Verified::Valid)
        );
    }

    #[test]
    fn refusals_say_why() {
        let s = sec(SignatureAlgorithm::Sha256, "sha256=");
        assert_eq!(
            verify(Some(&s), b"{}", []),
            Err(SignatureError::MissingHeader("x-signature-256".into()))
        );
        assert!(matches!(
            verify(Some(&s), b"{}", [("x-signature-256", "deadbeef")]),
            Err(SignatureError::MissingPrefix { .. })
        ));
        assert!(matches!(
            verify(Some(&s), b"{}", [("x-signature-256", "sha256=zz")]),
            Err(SignatureError::Malformed(..))
        ));
        let (_, good) = sign(Some(&s), b"{}").unwrap().unwrap();
        assert_eq!(
            verify(Some(&s), b"{} ", [("x-signature-256", good.as_str())]),
            Err(SignatureError::Mismatch("x-signature-256".into()))
        );
        let plain = sec(SignatureAlgorithm::Plain, "");
        assert_eq!(
            verify(Some(&plain), b"", [("X-SIGNATURE-256", "dev-secret")]),
            Ok(Verified::Valid)
        );
        assert!(verify(Some(&plain), b"", [("x-signature-256", "dev-secreT")]).is_err());
        assert_eq!(verify(None, b"", []), Ok(Verified::NotRequired));
        let incomplete = SecurityConfig {
            secret: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(
            verify(Some(&incomplete), b"", []),
            Err(SignatureError::Incomplete("signatureHeaderName"))
        );
    }
}
