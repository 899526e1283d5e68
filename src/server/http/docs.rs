//! `/docs/receivers`: the documentation for people writing an HTTP receiver (the standard
//! template field by field, the CloudEvents modes, verifying the signature, a worked
//! example). Its text is README's "Writing an HTTP receiver", rendered by `build.rs`, so the
//! page and the README cannot drift apart. Public: it holds nothing of any account.

use axum::http::header;
use axum::response::IntoResponse;

/// The section's HTML, made at build time.
const BODY: &str = include_str!(concat!(env!("OUT_DIR"), "/receivers.html"));

/// The page: the section in a plain, readable document of its own (no WebAssembly needed).
pub async fn receivers() -> impl IntoResponse {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Writing an HTTP receiver · Herald</title><style>{STYLE}</style></head>\
         <body><main><p><a href=\"/\">Herald</a></p><h1>Writing an HTTP receiver</h1>\n{BODY}\
         </main></body></html>"
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        page,
    )
}

/// Enough style to read tables and code comfortably.
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}\
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.4rem .6rem;vertical-align:top;text-align:left}\
code{font:0.9em ui-monospace,monospace;background:#f6f8fa;padding:.1em .3em;border-radius:4px}\
pre{background:#f6f8fa;padding:1rem;overflow:auto;border-radius:6px}pre code{padding:0;background:none}";
