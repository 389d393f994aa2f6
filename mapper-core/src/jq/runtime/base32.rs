//! `@base32`/`@base32d` (RFC 4648 alphabet, `=` padding) and jq's lenient `@base64d` and
//! strict `@urid` decoders. Decoding errors carry only the end of jq's message; the prelude
//! puts the input in front, worded per dialect.

use jaq_json::Val;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn bytes(v: &Val) -> Result<&[u8], String> {
    match v {
        Val::TStr(s) | Val::BStr(s) => Ok(s),
        _ => Err("base32 works on strings only".to_owned()),
    }
}

/// Encode a string's UTF-8 bytes.
pub fn encode(v: &Val) -> Result<Val, String> {
    let input = bytes(v)?;
    let mut out = Vec::with_capacity(input.len().div_ceil(5) * 8);
    for chunk in input.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            out.push(if i < chars {
                ALPHABET[((n >> (35 - 5 * i)) & 31) as usize]
            } else {
                b'='
            });
        }
    }
    Ok(Val::utf8_str(out))
}

/// Decode base32 text; like jq, stray characters are skipped and a partial final group keeps
/// its whole bytes.
pub fn decode(v: &Val) -> Result<Val, String> {
    let input = bytes(v)?;
    let mut out = Vec::with_capacity(input.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in input {
        let Some(d) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 5) | d as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(Val::utf8_str(out))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decode base64 as jq does: padding is optional, a lone trailing character is an error.
pub fn decode_base64(v: &Val) -> Result<Val, String> {
    let input = bytes(v)?;
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut n) = (0u32, 0u32);
    for &c in input.iter().take_while(|&&c| c != b'=') {
        let Some(d) = BASE64.iter().position(|&a| a == c) else {
            return Err("is not valid base64 data".to_owned());
        };
        acc = (acc << 6) | d as u32;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            (acc, n) = (0, 0);
        }
    }
    match n {
        1 => return Err("trailing base64 byte found".to_owned()),
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    // Bytes that are no UTF-8 become U+FFFD as jq replaces them.
    Ok(Val::utf8_str(super::utf8::jq_lossy(&out)))
}

/// Decode `%XX` escapes; a malformed escape or invalid UTF-8 is an error.
pub fn decode_uri(v: &Val) -> Result<Val, String> {
    let input = bytes(v)?;
    let bad = || "is not a valid uri encoding".to_owned();
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let hex = input.get(i + 1..i + 3).ok_or_else(bad)?;
            let hex = core::str::from_utf8(hex).map_err(|_| bad())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map(Val::utf8_str).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val::utf8_str(x.to_owned())
    }

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(
                crate::value::compact(&encode(&s(plain)).unwrap()),
                format!("\"{coded}\"")
            );
            assert_eq!(
                crate::value::compact(&decode(&s(coded)).unwrap()),
                format!("\"{plain}\"")
            );
        }
    }

    #[test]
    fn base64d_and_urid_as_jq_suite_says() {
        // base64.test: "cWl4YmF6Cg" is "qixbaz\n"; "QUJDa" has a trailing byte.
        assert_eq!(
            crate::value::compact(&decode_base64(&s("cWl4YmF6Cg")).unwrap()),
            r#""qixbaz\n""#
        );
        assert_eq!(decode_base64(&s("QUJDa")).unwrap_err(), "trailing base64 byte found");
        // uri.test: "%F0%93%81" is a truncated UTF-8 sequence.
        assert!(decode_uri(&s("%F0%93%81")).is_err());
        assert_eq!(
            crate::value::compact(&decode_uri(&s("%F0%9F%98%8E")).unwrap()),
            "\"\u{1F60E}\""
        );
    }
}
