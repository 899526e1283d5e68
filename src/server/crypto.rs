//! Secrets at rest: signing keys, webhook URLs (their tokens), HTTP secrets and provider
//! credentials are sealed with XChaCha20-Poly1305 before they reach the database, and shown
//! masked afterwards.
//!
//! A target's settings are sealed bound to their row ([`target_row`]: the account and the
//! target's id as associated data, format `v2.`), so a ciphertext copied into another row,
//! another tenant's say, does not open there. Values sealed before that (`v1.`, no
//! associated data) are bound to their row when the server starts, and never opened as a
//! row's settings afterwards (one pasted in later, from an old backup say, does not open).
//!
//! The key comes from `HERALD_SECRET_KEY` (base64 of 32 bytes) or, failing that, from
//! `secret.key` beside the database, created with mode 0600 on first run. Losing the key
//! loses the sealed secrets, nothing else.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::path::Path;

/// Prefix of sealed values without associated data (all values before row binding).
const VERSION: &str = "v1.";
/// Prefix of values sealed bound to a row: associated data that must match to open.
const BOUND: &str = "v2.";
/// Name of the key file in the data directory.
pub const KEY_FILE: &str = "secret.key";

/// Seals and opens secrets. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([redacted])")
    }
}

impl SecretBox {
    /// A box with this key.
    pub fn from_key(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// Parse a base64 key of 32 bytes (the `HERALD_SECRET_KEY` form).
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| anyhow::anyhow!("HERALD_SECRET_KEY is not valid base64"))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            anyhow::anyhow!("HERALD_SECRET_KEY must decode to 32 bytes, not {}", b.len())
        })?;
        Ok(Self::from_key(&key))
    }

    /// The key from `env_key` if given, else from `dir/secret.key`, created (mode 0600) with
    /// a random key when missing.
    pub fn load(env_key: Option<&str>, dir: Option<&Path>) -> anyhow::Result<Self> {
        if let Some(k) = env_key.filter(|k| !k.trim().is_empty()) {
            return Self::from_base64(k);
        }
        let Some(dir) = dir else {
            return Err(anyhow::anyhow!(
                "--secret-key (HERALD_SECRET_KEY) is required with PostgreSQL: every node \
                 must seal and open target secrets with the same key, so none can be made \
                 up by one of them"
            ));
        };
        let path = dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                Self::from_base64(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                write_private(&path, &B64.encode(key))?;
                tracing::info!(path = %path.display(), "created a new secret key");
                Ok(Self::from_key(&key))
            }
            Err(e) => Err(anyhow::anyhow!("reading {}: {e}", path.display())),
        }
    }

    /// Seal `plaintext`: `v1.` + base64(nonce ‖ ciphertext ‖ tag). A fresh nonce each time.
    pub fn seal(&self, plaintext: &str) -> String {
        self.seal_with(VERSION, plaintext, b"")
    }

    /// Seal `plaintext` bound to `row` (see [`target_row`]): `v2.` + base64(nonce ‖
    /// ciphertext ‖ tag), opening only with the same `row`.
    pub fn seal_bound(&self, plaintext: &str, row: &[u8]) -> String {
        self.seal_with(BOUND, plaintext, row)
    }

    fn seal_with(&self, version: &str, plaintext: &str, aad: &[u8]) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad,
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{version}{}", B64.encode(out))
    }

    /// Open a value made by [`seal`](Self::seal). Fails on tampering or a different key.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let body = sealed
            .strip_prefix(VERSION)
            .ok_or_else(|| anyhow::anyhow!("sealed secret has an unknown format"))?;
        self.open_with(body, b"")?
            .map_err(|()| anyhow::anyhow!("sealed secret does not open with this key"))
    }

    /// Open a value sealed for `row` by [`seal_bound`](Self::seal_bound). A value copied from
    /// another row fails, saying so; so does an unbound one (`v1.`): start-up binds every
    /// stored one, so a `v1.` value found later was put there by hand (an old backup's,
    /// another row's), and opening it would undo the binding.
    pub fn open_bound(&self, sealed: &str, row: &[u8]) -> anyhow::Result<String> {
        let Some(body) = sealed.strip_prefix(BOUND) else {
            anyhow::bail!(
                "sealed secret is not bound to its row (an unbound value written after start?)"
            );
        };
        self.open_with(body, row)?.map_err(|()| {
            anyhow::anyhow!(
                "sealed secret does not open for this row: sealed for another row (copied?), tampered with, or under another key"
            )
        })
    }

    /// `Err(())`: the tag does not verify. The outer result: the value is malformed.
    fn open_with(&self, body: &str, aad: &[u8]) -> anyhow::Result<Result<String, ()>> {
        let bytes = B64
            .decode(body)
            .map_err(|_| anyhow::anyhow!("sealed secret is not base64"))?;
        if bytes.len() < 24 + 16 {
            anyhow::bail!("sealed secret is truncated");
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let Ok(plain) = self.cipher.decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        ) else {
            return Ok(Err(()));
        };
        String::from_utf8(plain)
            .map(Ok)
            .map_err(|_| anyhow::anyhow!("sealed secret is not UTF-8"))
    }
}

/// The associated data binding a target's sealed settings to its row: the account and
/// the target's id, both stable for the row's life.
pub fn target_row(account_id: i64, target_id: i64) -> Vec<u8> {
    format!("herald:target:{account_id}:{target_id}").into_bytes()
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents).map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))
}

/// Most characters of a secret a mask shows.
pub const MASK_SHOWN: usize = 4;

/// A secret as the browser may see it: a hint of its end ([`MASK_SHOWN`] characters at
/// most), never more. Short secrets show nothing but dots.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return "••••••".into();
    }
    let tail: String = chars[chars.len() - MASK_SHOWN..].iter().collect();
    format!("••••••{tail}")
}

/// `text` with each of `secrets` (those of 6 characters or more: shorter ones are not worth
/// hiding and would garble the text) replaced by `[redacted]`.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    let mut long: Vec<&str> = secrets.iter().copied().filter(|s| s.len() >= 6).collect();
    // Longest first, so a secret that contains another is replaced whole.
    long.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in long {
        if out.contains(s) {
            out = out.replace(s, "[redacted]");
        }
    }
    out
}

/// A webhook URL as the browser may see it: scheme, host and path kept, the values of its
/// query parameters and any path segment that looks like a token masked.
pub fn mask_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or_default();
    let path: Vec<String> = parts
        .map(|seg| {
            // Long segments, or shorter ones with digits, look like tokens; words do not.
            let tokenish =
                seg.len() >= 16 || (seg.len() >= 8 && seg.chars().any(|c| c.is_ascii_digit()));
            if tokenish {
                mask(seg)
            } else {
                seg.to_string()
            }
        })
        .collect();
    let mut out = if scheme.is_empty() {
        host.to_string()
    } else {
        format!("{scheme}://{host}")
    };
    for seg in path {
        out.push('/');
        out.push_str(&seg);
    }
    if let Some(q) = query {
        let masked: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if !v.is_empty() => format!("{k}={}", mask(v)),
                // A bare part (`?rawtoken`) may be the token itself.
                None if kv.len() >= 8 => mask(kv),
                _ => kv.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_and_hides_the_plaintext() {
        let b = SecretBox::from_key(&[7u8; 32]);
        let sealed = b.seal("SECabcdef0123456789");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("SECabcdef"));
        assert_eq!(b.open(&sealed).unwrap(), "SECabcdef0123456789");
        assert_ne!(b.seal("same"), b.seal("same"), "fresh nonce each time");
    }

    #[test]
    fn tampered_or_foreign_secrets_do_not_open() {
        let b = SecretBox::from_key(&[7u8; 32]);
        let other = SecretBox::from_key(&[8u8; 32]);
        let sealed = b.seal("token");
        assert!(other.open(&sealed).is_err());
        let mut bytes = B64.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(b.open(&format!("v1.{}", B64.encode(bytes))).is_err());
        assert!(b.open("v0.abc").is_err());
        assert!(b.open("v1.AAAA").is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretBox::load(None, Some(dir.path())).unwrap();
        let sealed = a.seal("x");
        let path = dir.path().join(KEY_FILE);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let b = SecretBox::load(None, Some(dir.path())).unwrap();
        assert_eq!(b.open(&sealed).unwrap(), "x");
    }

    #[test]
    fn env_key_wins_and_bad_keys_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let key = B64.encode([1u8; 32]);
        let b = SecretBox::load(Some(&key), Some(dir.path())).unwrap();
        assert!(!dir.path().join(KEY_FILE).exists());
        assert_eq!(
            b.open(&SecretBox::from_key(&[1u8; 32]).seal("y")).unwrap(),
            "y"
        );
        let err = SecretBox::from_base64(&B64.encode([1u8; 16])).unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");
        assert!(SecretBox::from_base64("%%%").is_err());
    }

    #[test]
    fn scrub_hides_each_secret_and_leaves_words() {
        let text = "echo: key=abc123secret&x=1 auth=Bearer tok-0123456789 ok";
        assert_eq!(
            scrub(text, &["abc123secret", "Bearer tok-0123456789", "1", "ok"]),
            "echo: key=[redacted]&x=1 auth=[redacted] ok"
        );
    }

    #[test]
    fn masks_show_only_a_hint() {
        assert_eq!(mask("SEC0123456789abcdef"), "••••••cdef");
        assert_eq!(mask("short"), "••••••");
        assert_eq!(
            mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789abcdef"),
            "https://oapi.dingtalk.com/robot/send?access_token=••••••cdef"
        );
        assert_eq!(
            mask_url("https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef0123"),
            "https://open.feishu.cn/open-apis/bot/v2/hook/••••••0123"
        );
        assert_eq!(
            mask_url("https://x.example/hooks/abcd1234efgh?rawtoken1234"),
            "https://x.example/hooks/••••••efgh?••••••1234"
        );
    }

    #[test]
    fn a_mask_never_shows_more_than_four_characters_of_the_secret() {
        for secret in [
            "SEC0123456789abcdef",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "0123456789ab",
            "四五六七八九十一二三四五六",
        ] {
            let shown: Vec<char> = mask(secret).chars().filter(|c| *c != '•').collect();
            assert!(shown.len() <= 4, "{secret}: {}", mask(secret));
        }
    }

    #[test]
    fn a_bound_secret_opens_only_for_its_row_and_unbound_values_not_as_a_row_s() {
        let b = SecretBox::from_key(&[7u8; 32]);
        let sealed = b.seal_bound("whsec_tenant_a", &target_row(1, 10));
        assert!(sealed.starts_with("v2."), "{sealed}");
        assert_eq!(
            b.open_bound(&sealed, &target_row(1, 10)).unwrap(),
            "whsec_tenant_a"
        );
        let err = b.open_bound(&sealed, &target_row(2, 10)).unwrap_err();
        assert!(err.to_string().contains("another row"), "{err}");
        assert!(b.open_bound(&sealed, &target_row(1, 11)).is_err());
        assert!(b.open(&sealed).is_err(), "v1 opening refuses a v2 value");
        // Values sealed before row binding open only as such (start-up binds them), never
        // as a row's settings.
        let legacy = b.seal("old");
        assert_eq!(b.open(&legacy).unwrap(), "old");
        assert!(b.open_bound(&legacy, &target_row(1, 10)).is_err());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let b = SecretBox::from_key(&[9u8; 32]);
        assert_eq!(format!("{b:?}"), "SecretBox([redacted])");
    }
}
