//! Two gates in front of the app: every page but sign-up and login needs a session (a
//! visitor without one is redirected to the login page before any page code runs, a RAM
//! user on its initial password to `/password`), and
//! server functions refuse cross-site posts (login CSRF and friends). The first also
//! decides each page's language ([`negotiate`]), since it has the user at hand; the
//! server functions' error messages are put into the same language ([`request_locale`]).

use super::super::auth::session;
use super::super::state::AppState;
use crate::app::i18n::Locale;
use crate::app::locale::{self, parse_tag, COOKIE};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::cookie::Cookie;
use tower_sessions::Session;

/// Paths anyone may load: the two public pages, the receivers' documentation, assets,
/// server functions (which check the session themselves) and plain HTTP endpoints.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/signup" | "/healthz" | "/metrics" | "/favicon.svg" | "/docs/receivers"
    ) || path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path.starts_with("/assets/")
}

/// Put the page's language into the request for the app to render in: the user's
/// setting, else the locale cookie, else `Accept-Language`, else English.
fn decide_locale(request: &mut Request, user_locale: Option<&str>) {
    let locale = request_locale(request.headers(), user_locale);
    request
        .extensions_mut()
        .insert(locale::RequestLocale(locale));
}

/// The language of a request with these headers ([`negotiate`] over its `Cookie` and
/// `Accept-Language`), for pages and for the server functions' error messages
/// (`super::messages`).
pub(crate) fn request_locale(headers: &HeaderMap, user_locale: Option<&str>) -> Locale {
    let header = |name, separator| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(separator)
    };
    let cookies = header(axum::http::header::COOKIE, "; ");
    let accept = header(axum::http::header::ACCEPT_LANGUAGE, ", ");
    negotiate(
        user_locale,
        cookie_value(&cookies).as_deref(),
        Some(accept.as_str()).filter(|a| !a.is_empty()),
    )
}

/// The first supported language of an `Accept-Language` header by preference (`q`),
/// ties kept in the header's order; languages with `q=0` are refused, not chosen.
fn from_accept_language(header: &str) -> Option<Locale> {
    let mut ranked: Vec<(f32, usize, Locale)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut pieces = part.split(';');
            let locale = parse_tag(pieces.next()?)?;
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, locale))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2)
}

/// The value of [`COOKIE`] in a `Cookie` header (the `cookie` crate's parser, the one the
/// session layer uses).
fn cookie_value(header: &str) -> Option<String> {
    Cookie::split_parse(header)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
}

/// The locale of a page: the user's setting, else the cookie, else `Accept-Language`,
/// else English. Values that name no supported locale are skipped, not errors: a stale
/// cookie must not break a page.
fn negotiate(user: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    user.and_then(parse_tag)
        .or_else(|| cookie.and_then(parse_tag))
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(Locale::en)
}

/// Redirect anonymous page requests to `/login?next=…`.
pub async fn require_login(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if request.method() != Method::GET || is_public(&path) {
        if request.method() == Method::GET {
            decide_locale(&mut request, None);
        }
        return next.run(request).await;
    }
    match session::current(&session, &state.pool).await {
        // A RAM user still on its initial password may only change it.
        Ok(Some(actor)) if actor.must_change_password && path != "/password" => {
            Redirect::to("/password").into_response()
        }
        Ok(Some(actor)) => {
            decide_locale(&mut request, actor.locale.as_deref());
            next.run(request).await
        }
        // No session, or the user was disabled: log in (again).
        Ok(None) | Err(crate::domain::AppError::Unauthorized { .. }) => {
            let target = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let next_param: String = url_encode(target);
            Redirect::to(&format!("/login?next={next_param}")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "checking the session for a page");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Refuse POSTs to server functions that a browser says come from another site.
///
/// SameSite=Lax cookies already keep a victim's session out of cross-site posts, but not a
/// forced login into the attacker's account, nor posts from sibling subdomains. Browsers
/// label every request with `Sec-Fetch-Site` and POSTs with `Origin`; requests without
/// either (scripts, tests) carry no ambient cookie risk and pass.
///
/// `Origin` is compared with `--public-url`'s origin when one is set: behind a proxy that
/// rewrites `Host`, the browser's page is on the public URL, not on the address the
/// request reaches Herald at. Without one, with the request's `Host`.
pub async fn same_origin_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() == Method::POST && request.uri().path().starts_with("/api/ui/") {
        let headers = request.headers();
        let fetch_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let cross_fetch = matches!(fetch_site, "cross-site" | "same-site");
        let origin = headers.get("origin").and_then(|v| v.to_str().ok());
        let cross_origin = match (origin, &state.config.public_url) {
            (None, _) => false,
            (Some(origin), Some(public)) => origin != public_origin(public),
            (Some(origin), None) => {
                let host = headers.get("host").and_then(|v| v.to_str().ok());
                let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
                host != Some(origin_host)
            }
        };
        if cross_fetch || cross_origin {
            tracing::warn!(path = request.uri().path(), "cross-site post refused");
            return (
                axum::http::StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({
                    "code": "request",
                    "message": "cross-site requests are refused; use Herald's own pages",
                })),
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// The origin (scheme, host, port unless the scheme's default) browsers send in `Origin`
/// from pages at `public_url`.
fn public_origin(public_url: &str) -> String {
    match url::Url::parse(public_url.trim()) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => public_url.trim().trim_end_matches('/').to_string(),
    }
}

/// Percent-encode everything but unreserved characters and `/`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_login_signup_assets_and_endpoints_are_public() {
        for p in [
            "/login",
            "/signup",
            "/healthz",
            "/pkg/herald.wasm",
            "/api/ui/login",
        ] {
            assert!(is_public(p), "{p}");
        }
        for p in [
            "/",
            "/workspaces",
            "/workspaces/a/settings",
            "/buses",
            "/loginx",
        ] {
            assert!(!is_public(p), "{p}");
        }
    }

    #[test]
    fn the_users_setting_wins_then_the_cookie_then_accept_language_then_english() {
        assert_eq!(negotiate(Some("zh"), Some("ja"), Some("en")), Locale::zh);
        assert_eq!(negotiate(None, Some("ja"), Some("zh-CN")), Locale::ja);
        assert_eq!(negotiate(None, None, Some("zh-CN,zh;q=0.9")), Locale::zh);
        assert_eq!(negotiate(None, None, Some("fr-FR,de")), Locale::en);
        assert_eq!(negotiate(None, None, None), Locale::en);
        // A stale or forged value is skipped, not trusted.
        assert_eq!(
            negotiate(Some("xx"), Some("<script>"), Some("ja")),
            Locale::ja
        );
    }

    #[test]
    fn accept_language_is_ranked_by_quality_and_zero_refuses() {
        assert_eq!(from_accept_language("en;q=0.5, ja;q=0.8"), Some(Locale::ja));
        assert_eq!(from_accept_language("fr, ja-JP, en"), Some(Locale::ja));
        assert_eq!(from_accept_language("ja;q=0, en;q=0.1"), Some(Locale::en));
        assert_eq!(from_accept_language("ja;q=0"), None);
        assert_eq!(from_accept_language("*"), None);
    }

    #[test]
    fn the_locale_cookie_is_found_among_others() {
        assert_eq!(
            cookie_value("a=1; herald_locale=ja; b=2").as_deref(),
            Some("ja")
        );
        assert_eq!(cookie_value("herald_session=x"), None);
    }

    #[test]
    fn the_public_origin_is_what_browsers_send() {
        assert_eq!(
            public_origin("https://herald.example.com/"),
            "https://herald.example.com"
        );
        assert_eq!(
            public_origin("https://Herald.example.com:443/herald/"),
            "https://herald.example.com"
        );
        assert_eq!(
            public_origin("http://10.0.0.5:8080"),
            "http://10.0.0.5:8080"
        );
    }

    #[test]
    fn next_parameter_is_encoded() {
        assert_eq!(
            url_encode("/workspaces?x=a b&y"),
            "/workspaces%3Fx%3Da%20b%26y"
        );
    }
}
