//! The built site's `/pkg/` files (the WebAssembly, its JavaScript and the CSS), served from
//! `--site-root` compressed and cached.
//!
//! - **Compressed:** `make build` runs `cargo leptos build --release --precompress`, which
//!   leaves a brotli (`.br`) and a gzip (`.gz`) copy beside every file of the site; the copy
//!   the request's `Accept-Encoding` prefers is sent, with `Content-Encoding` and
//!   `Vary: Accept-Encoding`, the plain file otherwise. Compressing once at build time lets
//!   brotli take its slowest, smallest setting, which no per-request compression could afford.
//! - **Cached:** cargo-leptos' `hash-files` puts each file's content hash in its name
//!   (`herald.<hash>.wasm`, and Leptos' `HydrationScripts`/`HashedStylesheet` read the names
//!   from the `hash.txt` the same build writes beside the server binary). A name with a hash
//!   never changes content, so it is cached `immutable` for a year; any other file is
//!   revalidated on every use (`no-cache`).
//!
//! Pages, server functions and the site's other files (`/favicon.svg`) stay with the Leptos
//! routes and their fallback in `web.rs`, which answer `no-cache, private`.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

/// Where the site's built files are, under the site root and in URLs.
pub const PKG_DIR: &str = "pkg";

/// A file whose name carries its content hash: kept a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Anything else: stored, but asked about again before each use.
pub const REVALIDATE: &str = "no-cache";

/// Pages and server functions: they depend on who asks, so no shared cache keeps them, and
/// the browser asks again each time.
pub const PRIVATE: &str = "no-cache, private";

/// `/pkg/…` from `site_root`'s `pkg` directory, compressed and with its cache policy.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &str) -> Router<S> {
    let files = ServeDir::new(Path::new(site_root).join(PKG_DIR))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{PKG_DIR}"), files)
        .layer(axum::middleware::from_fn(cache_policy))
}

/// Mark what `/pkg/` answers: how long it may be cached, and that its body depends on
/// `Accept-Encoding`.
async fn cache_policy(request: Request, next: Next) -> Response {
    let hashed = has_content_hash(request.uri().path());
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    // A 404 is not cached for a year: the file may appear with the next build.
    let policy = if hashed && found {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether the last segment of `path` has the content hash cargo-leptos puts in names:
/// between the stem and the extension, 22 characters of unpadded base64url (an MD5),
/// as in `herald.Xb3…Q.wasm` or `herald.d.Ab9…z.ts`.
pub fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_cargo_leptos_hashes_are_told_from_plain_names() {
        for hashed in [
            "/pkg/herald.Xb3kP0_q-9ZzYwVuTsRqPo.wasm",
            "/pkg/herald.Xb3kP0_q-9ZzYwVuTsRqPo.js",
            "/pkg/herald.d.Xb3kP0_q-9ZzYwVuTsRqPo.ts",
        ] {
            assert!(has_content_hash(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/herald.wasm",
            "/pkg/herald_bg.wasm",
            "/pkg/herald.d.ts",
            "/pkg/Xb3kP0_q-9ZzYwVuTsRqPo.wasm",
            // One character short, one too many, and one outside base64url.
            "/pkg/herald.Xb3kP0_q-9ZzYwVuTsRqP.wasm",
            "/pkg/herald.Xb3kP0_q-9ZzYwVuTsRqPoo.wasm",
            "/pkg/herald.Xb3kP0_q+9ZzYwVuTsRqPo.wasm",
            "/pkg/herald.Xb3kP0_q-9ZzYwVuTsRqPo",
        ] {
            assert!(!has_content_hash(plain), "{plain}");
        }
    }
}
