//! Signing algorithms for outgoing deliveries: pure functions, no I/O.
//!
//! - DingTalk custom robots: `timestamp` (ms) and `sign` query parameters.
//! - Lark / Feishu custom bots: `timestamp` (s) and `sign` fields in the JSON body.
//! - Standard Webhooks v1: the `webhook-signature` header, and its verification.
//! - GitHub style: the `X-Hub-Signature-256` header.
//!
//! Every algorithm is HMAC-SHA256; they differ in what is the key, what is the message and how
//! the digest is encoded. See `PROTOCOLS.md` for the providers' rules and the test vectors.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a Standard Webhooks secret's text form.
const WHSEC_PREFIX: &str = "whsec_";
/// Fewest key bytes a Standard Webhooks secret may have.
const MIN_KEY_LEN: usize = 24;
/// Most key bytes a Standard Webhooks secret may have.
const MAX_KEY_LEN: usize = 64;
/// Key bytes of a freshly generated secret.
const GENERATED_KEY_LEN: usize = 32;
/// How far (either way) a Standard Webhooks timestamp may be from "now", in seconds.
const TOLERANCE_SECS: u64 = 5 * 60;

/// A MAC keyed with `key`, ready for `update`. HMAC accepts keys of any length.
fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// HMAC-SHA256 of the concatenation of `parts`, keyed with `key`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = mac(key);
    for part in parts {
        m.update(part);
    }
    m.finalize().into_bytes().into()
}

/// Percent-encode everything except the RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - _ . ~`), with upper-case hex digits.
fn url_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 3);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0x0f)] as char);
        }
    }
    out
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

/// DingTalk: sign = urlEncode(base64(HmacSHA256(key=secret, msg=timestamp+"\n"+secret))). Returns the URL-encoded value ready for the query string.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let ts = timestamp_ms.to_string();
    let digest = hmac_sha256(
        secret.as_bytes(),
        &[ts.as_bytes(), b"\n", secret.as_bytes()],
    );
    url_encode(&BASE64.encode(digest))
}

/// Lark/Feishu: base64(HmacSHA256(key = timestamp+"\n"+secret, msg = "")), timestamp in seconds.
pub fn lark_sign(timestamp_s: i64, secret: &str) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    BASE64.encode(hmac_sha256(key.as_bytes(), &[]))
}

/// The Standard Webhooks MAC over `"{id}.{ts}.{body}"`, not yet finalized.
fn standard_webhooks_mac(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp_s: i64,
    body: &[u8],
) -> HmacSha256 {
    let mut m = mac(secret.key());
    m.update(msg_id.as_bytes());
    m.update(b".");
    m.update(timestamp_s.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// Standard Webhooks v1: "v1," + base64(HMAC-SHA256(key = base64-decoded part after "whsec_", msg = "{id}.{ts}.{body}")).
pub fn standard_webhooks_sign(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp_s: i64,
    body: &[u8],
) -> String {
    let digest = standard_webhooks_mac(secret, msg_id, timestamp_s, body)
        .finalize()
        .into_bytes();
    format!("v1,{}", BASE64.encode(digest))
}

/// Verify a `webhook-signature` header value (space-separated list, any v1 entry matching counts; constant-time compare) with a ±300 s tolerance against `now_s`.
///
/// Entries of other versions (`v1a,...`, `v2,...`) and entries that are not valid base64 are
/// skipped, not errors: a sender may list signatures this verifier does not understand.
pub fn standard_webhooks_verify(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp_s: i64,
    body: &[u8],
    header: &str,
    now_s: i64,
) -> bool {
    if timestamp_s.abs_diff(now_s) > TOLERANCE_SECS {
        return false;
    }
    let expected = standard_webhooks_mac(secret, msg_id, timestamp_s, body);
    header.split_whitespace().any(|entry| {
        let Some(("v1", encoded)) = entry.split_once(',') else {
            return false;
        };
        let Ok(signature) = BASE64.decode(encoded) else {
            return false;
        };
        // `verify_slice` compares in constant time.
        expected.clone().verify_slice(&signature).is_ok()
    })
}

/// GitHub style: "sha256=" + hex(HMAC-SHA256(secret, body)).
pub fn github_signature(secret: &[u8], body: &[u8]) -> String {
    format!("sha256={}", hex(&hmac_sha256(secret, &[body])))
}

/// A Standard Webhooks secret: "whsec_" + base64 of 24..=64 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl WebhookSecret {
    /// A new secret of 32 random bytes from the thread-local CSPRNG.
    pub fn generate() -> WebhookSecret {
        let key: [u8; GENERATED_KEY_LEN] = rand::random();
        WebhookSecret { key: key.to_vec() }
    }

    /// Parse the text form `whsec_<base64>`. Surrounding whitespace (a pasted newline, say) is
    /// ignored. The error says which rule failed and never repeats the secret.
    pub fn parse(text: &str) -> Result<WebhookSecret, String> {
        let text = text.trim();
        let Some(encoded) = text.strip_prefix(WHSEC_PREFIX) else {
            return Err(format!(
                "a webhook secret must start with \"{WHSEC_PREFIX}\" followed by base64"
            ));
        };
        // The decoder's own message is not shown: it can quote a character of the secret.
        let key = BASE64.decode(encoded).map_err(|_| {
            format!(
                "the part of the webhook secret after \"{WHSEC_PREFIX}\" is not valid base64 \
                 (standard alphabet A-Z a-z 0-9 + /, padded with =)"
            )
        })?;
        if !(MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) {
            return Err(format!(
                "a webhook secret must decode to {MIN_KEY_LEN} to {MAX_KEY_LEN} bytes; \
                 this one has {}",
                key.len()
            ));
        }
        Ok(WebhookSecret { key })
    }

    /// The text form, `whsec_` + base64 of the key.
    pub fn to_text(&self) -> String {
        format!("{WHSEC_PREFIX}{}", BASE64.encode(&self.key))
    }

    /// The raw key bytes (the HMAC key).
    pub fn key(&self) -> &[u8] {
        &self.key
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SW_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    const SW_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
    const SW_TS: i64 = 1649367553;
    const SW_BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
    const SW_SIG: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

    fn sw_secret() -> WebhookSecret {
        WebhookSecret::parse(SW_SECRET).unwrap()
    }

    fn verify_at(header: &str, now: i64) -> bool {
        standard_webhooks_verify(&sw_secret(), SW_ID, SW_TS, SW_BODY, header, now)
    }

    // --- provider vectors (PROTOCOLS.md) ---

    #[test]
    fn dingtalk_vector() {
        assert_eq!(
            dingtalk_sign(1599360473000, "SECdemo"),
            "tGWkA5eQOQNCNPDgphtxIoNLO%2B%2FgD8Lcb705KQoRzeY%3D"
        );
    }

    #[test]
    fn lark_vector() {
        assert_eq!(
            lark_sign(1599360473, "demo"),
            "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
        );
    }

    #[test]
    fn standard_webhooks_vector() {
        assert_eq!(
            standard_webhooks_sign(&sw_secret(), SW_ID, SW_TS, SW_BODY),
            SW_SIG
        );
    }

    #[test]
    fn github_vector() {
        assert_eq!(
            github_signature(b"It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    // --- DingTalk / Lark details ---

    #[test]
    fn dingtalk_depends_on_timestamp_and_secret() {
        let a = dingtalk_sign(1599360473000, "SECdemo");
        assert_ne!(a, dingtalk_sign(1599360473001, "SECdemo"));
        assert_ne!(a, dingtalk_sign(1599360473000, "SECdemo2"));
        // Output is query-safe: only unreserved characters and %XX escapes.
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
    }

    #[test]
    fn lark_is_not_the_dingtalk_construction() {
        // Same inputs, different key/message roles: must differ.
        let dingtalk_raw = {
            let d = hmac_sha256(b"demo", &[b"1599360473\ndemo"]);
            BASE64.encode(d)
        };
        assert_ne!(lark_sign(1599360473, "demo"), dingtalk_raw);
    }

    #[test]
    fn url_encode_rules() {
        assert_eq!(url_encode("a+b/c=d"), "a%2Bb%2Fc%3Dd");
        assert_eq!(url_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(url_encode(" &?#%"), "%20%26%3F%23%25");
        assert_eq!(url_encode("é"), "%C3%A9");
        assert_eq!(url_encode(""), "");
    }

    #[test]
    fn hex_encoding() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn github_empty_inputs() {
        // HMAC-SHA256 with an empty key over an empty message (well-known value).
        assert_eq!(
            github_signature(b"", b""),
            "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        );
    }

    // --- Standard Webhooks verification ---

    #[test]
    fn verify_accepts_vector_within_tolerance() {
        for now in [
            SW_TS,
            SW_TS + 1,
            SW_TS - 1,
            SW_TS + 299,
            SW_TS + 300,
            SW_TS - 300,
        ] {
            assert!(verify_at(SW_SIG, now), "now = ts{:+}", now - SW_TS);
        }
    }

    #[test]
    fn verify_rejects_outside_tolerance() {
        for now in [
            SW_TS + 301,
            SW_TS - 301,
            SW_TS + 3600,
            0,
            i64::MAX,
            i64::MIN,
        ] {
            assert!(!verify_at(SW_SIG, now), "now = {now}");
        }
        // Extreme timestamps must not overflow.
        assert!(!standard_webhooks_verify(
            &sw_secret(),
            SW_ID,
            i64::MIN,
            SW_BODY,
            SW_SIG,
            i64::MAX
        ));
    }

    #[test]
    fn verify_rejects_tampering() {
        let s = sw_secret();
        let now = SW_TS;
        let tampered = br#"{"email":"test@example.com","username":"test_usex"}"#;
        assert!(!standard_webhooks_verify(
            &s, SW_ID, SW_TS, tampered, SW_SIG, now
        ));
        assert!(!standard_webhooks_verify(
            &s,
            "msg_other",
            SW_TS,
            SW_BODY,
            SW_SIG,
            now
        ));
        assert!(!standard_webhooks_verify(
            &s,
            SW_ID,
            SW_TS + 1,
            SW_BODY,
            SW_SIG,
            now
        ));
        let other = WebhookSecret::generate();
        assert!(!standard_webhooks_verify(
            &other, SW_ID, SW_TS, SW_BODY, SW_SIG, now
        ));
        // A flipped signature character.
        let bad_sig = SW_SIG.replace("tZ1", "tZ2");
        assert!(!verify_at(&bad_sig, now));
        // A truncated signature.
        assert!(!verify_at(
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3",
            now
        ));
    }

    #[test]
    fn verify_accepts_match_anywhere_in_list() {
        // A well-formed v1 signature, but over another body.
        let wrong = standard_webhooks_sign(&sw_secret(), SW_ID, SW_TS, b"other");
        assert!(verify_at(&format!("{wrong} {SW_SIG}"), SW_TS));
        assert!(verify_at(&format!("{SW_SIG} {wrong}"), SW_TS));
        assert!(verify_at(&format!("v1a,abc {wrong}  {SW_SIG} "), SW_TS));
        assert!(!verify_at(&wrong, SW_TS));
    }

    #[test]
    fn verify_ignores_other_versions_and_garbage() {
        let digest = SW_SIG.strip_prefix("v1,").unwrap();
        assert!(!verify_at(&format!("v2,{digest}"), SW_TS));
        assert!(!verify_at(&format!("V1,{digest}"), SW_TS));
        assert!(!verify_at(digest, SW_TS));
        assert!(!verify_at("v1,", SW_TS));
        assert!(!verify_at("v1,!!!not-base64!!!", SW_TS));
        assert!(!verify_at("", SW_TS));
        assert!(!verify_at("   ", SW_TS));
        // Garbage entries do not stop a later valid one from counting.
        assert!(verify_at(&format!("v1,!!! v2,{digest} {SW_SIG}"), SW_TS));
    }

    #[test]
    fn sign_then_verify_round_trip() {
        let s = WebhookSecret::generate();
        let body = b"\x00binary\xffbody";
        let sig = standard_webhooks_sign(&s, "msg_1", 1_700_000_000, body);
        assert!(sig.starts_with("v1,"));
        assert!(standard_webhooks_verify(
            &s,
            "msg_1",
            1_700_000_000,
            body,
            &sig,
            1_700_000_100
        ));
    }

    // --- WebhookSecret ---

    #[test]
    fn secret_parse_vector() {
        let s = sw_secret();
        assert_eq!(s.key().len(), 24);
        assert_eq!(s.to_text(), SW_SECRET);
        assert_eq!(
            WebhookSecret::parse(&format!("  {SW_SECRET}\n")).unwrap(),
            s
        );
    }

    #[test]
    fn secret_parse_missing_prefix() {
        let err = WebhookSecret::parse("C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap_err();
        assert!(err.contains("must start with \"whsec_\""), "{err}");
        let err = WebhookSecret::parse("WHSEC_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap_err();
        assert!(err.contains("must start with"), "{err}");
        assert!(WebhookSecret::parse("")
            .unwrap_err()
            .contains("must start with"));
    }

    #[test]
    fn secret_parse_bad_base64() {
        for text in [
            "whsec_not base64 at all!!",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7o", // bad length / padding
            "whsec_C2FVsBQIhrscChlQIMV-b5sSYspob7oD", // URL-safe alphabet
        ] {
            let err = WebhookSecret::parse(text).unwrap_err();
            assert!(err.contains("not valid base64"), "{text}: {err}");
            assert!(
                !err.contains("C2FVsBQ"),
                "error must not echo the secret: {err}"
            );
        }
    }

    #[test]
    fn secret_parse_length_rules() {
        let with_len = |n: usize| format!("whsec_{}", BASE64.encode(vec![7u8; n]));
        for n in [0, 1, 16, 23, 65, 128] {
            let err = WebhookSecret::parse(&with_len(n)).unwrap_err();
            assert!(err.contains("24 to 64 bytes"), "{n}: {err}");
            assert!(err.contains(&format!("has {n}")), "{n}: {err}");
        }
        for n in [24, 32, 64] {
            assert_eq!(WebhookSecret::parse(&with_len(n)).unwrap().key().len(), n);
        }
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = sw_secret();
        let shown = format!("{s:?} {s:#?}");
        assert_eq!(format!("{s:?}"), "WebhookSecret([redacted])");
        assert!(!shown.contains("C2FVsBQ"));
        assert!(!shown.contains(&format!("{:?}", s.key())));
    }

    #[test]
    fn secret_generate_round_trips() {
        let a = WebhookSecret::generate();
        assert_eq!(a.key().len(), 32);
        let text = a.to_text();
        assert!(text.starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&text).unwrap(), a);
        let b = WebhookSecret::generate();
        assert_ne!(a, b, "two generated secrets should differ");
    }
}
