//! The server's error messages in the UI's language. The free text of an [`AppError`]
//! (a field's `message`, a conflict's, the `what` of a not-found) is written in English
//! where the error is made; [`translate_errors`], a middleware on the UI's server functions
//! (`/api/ui/…`), rewrites it into Japanese or Chinese when the request's locale is one of
//! those, and `api::ctx::respond` does the same with [`translate`] for the server functions
//! a page calls in-process while it renders on the server. The platform's API (`/api/v1/…`) is not behind it and stays English for scripts.
//!
//! The translations are server-only data, `locales/server/{ja,zh}.json`, embedded here and
//! parsed once; none of it is compiled into the WebAssembly. Each file maps English
//! messages to translations, in three tables: `messages`; `prefixes`, the locations some
//! messages start with (`line 3, column 5`); and `not_found` (the `what` of a not-found
//! error, which the UI frames with its own "… not found"). An English key's `{}`
//! holes match any non-empty text (the first place the rest matches, the whole message
//! anchored); the translation puts the captured texts back at its numbered holes `{0}`,
//! `{1}`, … in any order. `{{` and `}}` are literal braces in both. Among keys that match,
//! the one with the most literal text wins. A message none matches, such as a policy
//! error with its location in front (`line 3, column 5: Statement[0].Effect: must be …`),
//! is split at `": "` and the rest translated, the part in front too where a prefix
//! matches it; what still matches nothing stays English.

use super::super::auth::session;
use super::super::state::AppState;
use super::pages;
use crate::app::i18n::Locale;
use crate::domain::AppError;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::LazyLock;
use tower_sessions::Session;

/// Largest error body read for translation; bigger ones pass through as they are.
const MAX_BODY: u64 = 64 * 1024;

/// Longest message translated (an error's text is a sentence or two).
const MAX_MESSAGE: usize = 4096;

/// How many places for its literals one key may try against one message (see [`fill`]).
const MAX_TRIES: usize = 1_000;

/// How many `": "`-separated parts in front of a message are looked through.
const MAX_SPLITS: usize = 6;

/// One English key with holes, and its translation.
#[derive(Debug)]
struct Pattern {
    /// The literal texts around the holes: one more than there are holes.
    parts: Vec<String>,
    /// The translation, text and holes (by number) in its own order.
    translation: Vec<Piece>,
    /// Literal characters of the key, to prefer the most specific key.
    weight: usize,
}

/// A piece of a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Hole(usize),
}

/// One table of one language: keys without holes looked up directly, the others tried in
/// order of [`Pattern::weight`].
#[derive(Debug, Default)]
struct Table {
    exact: HashMap<String, String>,
    patterns: Vec<Pattern>,
}

/// One language's translations.
#[derive(Debug, Default)]
struct Catalog {
    messages: Table,
    prefixes: Table,
    not_found: Table,
}

/// The file of one language, as written.
#[derive(serde::Deserialize)]
struct File {
    messages: HashMap<String, String>,
    prefixes: HashMap<String, String>,
    not_found: HashMap<String, String>,
}

static JA: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::load("ja", include_str!("../../../locales/server/ja.json")));
static ZH: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::load("zh", include_str!("../../../locales/server/zh.json")));

/// An English key split at its holes: the literal texts around them. `None` when a `{` or
/// `}` is neither doubled nor a `{}` hole, or two holes touch (nothing would tell them apart).
fn parse_key(key: &str) -> Option<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                chars.next();
                parts.last_mut()?.push(c);
            }
            ('{', Some('}')) => {
                chars.next();
                if parts.len() > 1 && parts.last()?.is_empty() {
                    return None;
                }
                parts.push(String::new());
            }
            ('{' | '}', _) => return None,
            _ => parts.last_mut()?.push(c),
        }
    }
    Some(parts)
}

/// A translation split into text and numbered holes. `None` when a brace is neither doubled
/// nor a `{N}` hole.
fn parse_translation(text: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('{', Some('{')) | ('}', Some('}')) => {
                chars.next();
                literal.push(c);
            }
            ('{', _) => {
                let mut number = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        d if d.is_ascii_digit() => number.push(d),
                        _ => return None,
                    }
                }
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Hole(number.parse().ok()?));
            }
            ('}', _) => return None,
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Some(pieces)
}

/// Why an entry cannot be used, if it cannot: a malformed key or translation, or a
/// translation whose holes are not exactly those of the key (each used, none beyond).
fn check_entry(key: &str, translation: &str) -> Result<(Vec<String>, Vec<Piece>), String> {
    let parts = parse_key(key).ok_or("the key has a stray brace or touching holes")?;
    let pieces =
        parse_translation(translation).ok_or("the translation has a stray brace or bad hole")?;
    let holes = parts.len() - 1;
    let mut used = vec![false; holes];
    for piece in &pieces {
        if let Piece::Hole(n) = piece {
            *used
                .get_mut(*n)
                .ok_or_else(|| format!("hole {{{n}}} beyond the key's {holes}"))? = true;
        }
    }
    if let Some(n) = used.iter().position(|u| !u) {
        return Err(format!("hole {{{n}}} of the key is not used"));
    }
    Ok((parts, pieces))
}

impl Table {
    fn load(language: &str, entries: HashMap<String, String>) -> Table {
        let mut table = Table::default();
        for (key, translation) in entries {
            match check_entry(&key, &translation) {
                Ok((parts, _)) if parts.len() == 1 => {
                    table.exact.insert(parts[0].clone(), text_of(&translation));
                }
                Ok((parts, translation)) => table.patterns.push(Pattern {
                    weight: parts.iter().map(|p| p.chars().count()).sum(),
                    parts,
                    translation,
                }),
                // The unit tests keep this from happening; a bad entry is skipped, not fatal.
                Err(why) => tracing::warn!(language, %key, %why, "server message skipped"),
            }
        }
        table
            .patterns
            .sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.parts.cmp(&b.parts)));
        table
    }

    /// The translation of the whole of `text`, if a key matches it.
    fn whole(&self, text: &str) -> Option<String> {
        if let Some(found) = self.exact.get(text) {
            return Some(found.clone());
        }
        self.patterns.iter().find_map(|p| {
            let captured = captures(&p.parts, text)?;
            Some(
                p.translation
                    .iter()
                    .map(|piece| match piece {
                        Piece::Text(t) => t.as_str(),
                        Piece::Hole(n) => captured[*n],
                    })
                    .collect(),
            )
        })
    }
}

/// A translation without holes, its doubled braces made single.
fn text_of(translation: &str) -> String {
    translation.replace("{{", "{").replace("}}", "}")
}

/// The texts `text` has at the holes between `parts` (each non-empty; the first place the
/// next literal text matches that lets the rest match too), or `None` if it does not fit.
fn captures<'a>(parts: &[String], text: &'a str) -> Option<Vec<&'a str>> {
    let rest = text.strip_prefix(parts.first()?.as_str())?;
    let mut found = Vec::with_capacity(parts.len() - 1);
    let mut budget = MAX_TRIES;
    fill(&parts[1..], rest, &mut found, &mut budget).then_some(found)
}

/// [`captures`] after the first literal: `rest` starts with a hole. Each place tried for a
/// literal spends one of `budget`: a message that repeats a key's literals (quoted user
/// text can) would otherwise cost the product of their counts; out of budget, no match.
fn fill<'a>(parts: &[String], rest: &'a str, found: &mut Vec<&'a str>, budget: &mut usize) -> bool {
    let Some((next, later)) = parts.split_first() else {
        return rest.is_empty();
    };
    if later.is_empty() {
        // The last literal ends the message.
        return match rest.strip_suffix(next.as_str()) {
            Some(hole) if !hole.is_empty() => {
                found.push(hole);
                true
            }
            _ => false,
        };
    }
    // Skip the hole's first character: a hole is never empty.
    let start = rest.chars().next().map_or(rest.len(), char::len_utf8);
    for (at, _) in rest[start..].match_indices(next.as_str()) {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let at = start + at;
        found.push(&rest[..at]);
        if fill(later, &rest[at + next.len()..], found, budget) {
            return true;
        }
        found.pop();
    }
    false
}

impl Catalog {
    fn load(language: &str, json: &str) -> Catalog {
        match serde_json::from_str::<File>(json) {
            Ok(file) => Catalog {
                messages: Table::load(language, file.messages),
                prefixes: Table::load(language, file.prefixes),
                not_found: Table::load(language, file.not_found),
            },
            Err(e) => {
                tracing::error!(language, error = %e, "the server messages do not parse");
                Catalog::default()
            }
        }
    }

    /// The catalog of `locale`; `None` for English, the language of the keys.
    fn of(locale: Locale) -> Option<&'static Catalog> {
        match locale {
            Locale::en => None,
            Locale::ja => Some(&*JA),
            Locale::zh => Some(&*ZH),
        }
    }

    /// A message in this language: wholly matched, else split at `": "` (see the module doc).
    fn message(&self, text: &str, separator: &str) -> Option<String> {
        if text.len() > MAX_MESSAGE {
            return None;
        }
        self.split(text, separator, MAX_SPLITS)
    }

    fn split(&self, text: &str, separator: &str, depth: usize) -> Option<String> {
        if let Some(whole) = self.messages.whole(text) {
            return Some(whole);
        }
        if depth == 0 {
            return None;
        }
        let (head, tail) = text.split_once(": ")?;
        let tail = self.split(tail, separator, depth - 1)?;
        let head = self
            .prefixes
            .whole(head)
            .unwrap_or_else(|| head.to_string());
        Some(format!("{head}{separator}{tail}"))
    }

    /// `error` with its free text in this language where the tables have it.
    fn error(&self, error: AppError, separator: &str) -> AppError {
        let say = |message: String| self.message(&message, separator).unwrap_or(message);
        match error {
            AppError::Invalid { field, message } => AppError::Invalid {
                field,
                message: say(message),
            },
            AppError::Conflict { field, message } => AppError::Conflict {
                field,
                message: say(message),
            },
            AppError::Unauthorized { message } => AppError::Unauthorized {
                message: say(message),
            },
            AppError::TooManyRequests {
                message,
                retry_after_secs,
            } => AppError::TooManyRequests {
                message: say(message),
                retry_after_secs,
            },
            AppError::Precondition { message } => AppError::Precondition {
                message: say(message),
            },
            AppError::NotFound { what } => AppError::NotFound {
                what: self.not_found.whole(&what).unwrap_or(what),
            },
            // Named by the UI itself (forbidden, internal) or the framework's (request).
            other
            @ (AppError::Forbidden { .. } | AppError::Internal | AppError::Request { .. }) => other,
        }
    }
}

/// `error` with its free text in `locale`; unchanged for English and for texts the
/// tables lack.
pub fn translate(error: AppError, locale: Locale) -> AppError {
    match Catalog::of(locale) {
        None => error,
        Some(catalog) => catalog.error(error, separator(locale)),
    }
}

/// What joins a location to a message in `locale` (`line 3, column 5: …`).
fn separator(locale: Locale) -> &'static str {
    match locale {
        Locale::zh => "：",
        _ => ": ",
    }
}

/// Rewrite the JSON error a UI server function answers with (status 400 or above) into the
/// request's language, decided as for pages (the user's setting, else the cookie, else
/// `Accept-Language`). Anything else passes through untouched: successes, other paths,
/// English, bodies over [`MAX_BODY`] or of unknown size, bodies that are not an
/// [`AppError`]. Status and headers are kept, `Content-Length` set to the new body's.
pub async fn translate_errors(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/api/ui/") {
        return next.run(request).await;
    }
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    if response
        .body()
        .size_hint()
        .upper()
        .is_none_or(|n| n > MAX_BODY)
    {
        return response;
    }
    // Only now, for an error, is the session worth reading (the user's setting wins).
    let user_locale = match session::current(&session, &state.pool).await {
        Ok(Some(actor)) => actor.locale,
        _ => None,
    };
    let locale = pages::request_locale(&headers, user_locale.as_deref());
    if locale == Locale::en {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY as usize).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The body was already made in full; this does not happen, but say so if it does.
            tracing::warn!(error = %e, "reading an error body to translate");
            return Response::from_parts(parts, Body::empty());
        }
    };
    let Ok(error) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let Ok(translated) = serde_json::to_vec(&translate(error, locale)) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts
        .headers
        .insert(http::header::CONTENT_LENGTH, translated.len().into());
    Response::from_parts(parts, Body::from(translated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate;

    const FILES: [(&str, &str); 2] = [
        ("ja", include_str!("../../../locales/server/ja.json")),
        ("zh", include_str!("../../../locales/server/zh.json")),
    ];

    fn file(json: &str) -> File {
        serde_json::from_str(json).expect("the file parses")
    }

    #[test]
    fn both_languages_have_the_same_keys_and_every_hole_in_each_translation() {
        let [(_, ja), (_, zh)] = FILES;
        let (ja, zh) = (file(ja), file(zh));
        let keys = |t: &HashMap<String, String>| {
            let mut k: Vec<String> = t.keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(keys(&ja.messages), keys(&zh.messages));
        assert_eq!(keys(&ja.prefixes), keys(&zh.prefixes));
        assert_eq!(keys(&ja.not_found), keys(&zh.not_found));
        for (language, json) in FILES {
            let f = file(json);
            let entries = f.messages.iter().chain(&f.prefixes).chain(&f.not_found);
            for (key, translation) in entries {
                if let Err(why) = check_entry(key, translation) {
                    panic!("{language}: {key:?} → {translation:?}: {why}");
                }
                assert!(
                    !translation.trim().is_empty(),
                    "{language}: {key:?} is empty"
                );
            }
        }
    }

    fn table(entries: &[(&str, &str)]) -> Table {
        Table::load(
            "test",
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn keys_match_whole_messages_and_put_the_holes_back_in_the_translations_order() {
        let t = table(&[
            ("is required", "必須です"),
            ("must be at most {} characters", "{0} 文字以内"),
            ("Target {} of rule {}", "ルール {1} のターゲット {0}"),
            ("{} has no {}; add one", "{0} には {1} がありません"),
            (
                "an ARN reads eventbus/{{bus}}",
                "ARN は eventbus/{{bus}} の形式",
            ),
            ("a {} URL", "{0} の URL"),
            ("a DingTalk {} URL", "DingTalk の {0} URL"),
        ]);
        assert_eq!(t.whole("is required").as_deref(), Some("必須です"));
        assert_eq!(
            t.whole("must be at most 64 characters").as_deref(),
            Some("64 文字以内")
        );
        assert_eq!(
            t.whole(r#"Target 7 of rule "nightly""#).as_deref(),
            Some(r#"ルール "nightly" のターゲット 7"#)
        );
        // The first `; ` after the hole that lets the rest match.
        assert_eq!(
            t.whole("Ada; Bob has no email address; add one").as_deref(),
            Some("Ada; Bob には email address がありません")
        );
        assert_eq!(
            t.whole("an ARN reads eventbus/{bus}").as_deref(),
            Some("ARN は eventbus/{bus} の形式")
        );
        // The key with the most literal text wins.
        assert_eq!(
            t.whole("a DingTalk webhook URL").as_deref(),
            Some("DingTalk の webhook URL")
        );
        assert_eq!(t.whole("a WeCom URL").as_deref(), Some("WeCom の URL"));
        // Anchored at both ends, holes never empty, unknown text not translated.
        assert_eq!(t.whole("is required!"), None);
        assert_eq!(t.whole("it is required"), None);
        assert_eq!(t.whole("must be at most  characters"), None);
        assert_eq!(t.whole("something else entirely"), None);
    }

    #[test]
    fn a_message_repeating_a_keys_literals_spends_a_bounded_number_of_tries() {
        let parts = parse_key("{} is not {} or {} here").unwrap();
        // Every " is not " and " or " is a place to try; without a bound the tries would be
        // the product of their counts (about 200 × 200 here), on every such key.
        let hostile = " is not  or ".repeat(200);
        let mut found = Vec::new();
        let mut budget = MAX_TRIES;
        assert!(!fill(&parts[1..], &hostile, &mut found, &mut budget));
        assert_eq!(budget, 0, "the search stopped because its budget ran out");
        // A message that fits still matches, well within the budget.
        assert_eq!(
            captures(&parts, "x is not y or z here"),
            Some(vec!["x", "y", "z"])
        );
    }

    #[test]
    fn malformed_entries_are_refused() {
        assert!(check_entry("a {} b", "{0} c").is_ok());
        assert!(check_entry("a {} b", "c").is_err(), "a hole left out");
        assert!(
            check_entry("a {} b", "{0} {1}").is_err(),
            "a hole beyond the key's"
        );
        assert!(check_entry("a {}{} b", "{0}{1}").is_err(), "touching holes");
        assert!(
            check_entry("a {x} b", "c").is_err(),
            "a named hole in a key"
        );
        assert!(check_entry("a } b", "c").is_err(), "a stray brace");
    }

    #[test]
    fn unknown_messages_and_english_stay_as_they_are() {
        let unknown = AppError::invalid("name", "a message no table has");
        assert_eq!(translate(unknown.clone(), Locale::ja), unknown);
        let known = AppError::invalid("name", "is required");
        assert_eq!(translate(known.clone(), Locale::en), known);
        assert_eq!(
            translate(AppError::Internal, Locale::zh),
            AppError::Internal,
            "the UI names internal errors itself"
        );
    }

    #[test]
    fn a_location_in_front_is_translated_apart_from_the_message() {
        let policy = AppError::invalid(
            "document",
            r#"line 3, column 5: Statement[0].Effect: must be "Allow" or "Deny", not "Permit""#,
        );
        assert_eq!(
            translate(policy, Locale::ja),
            AppError::invalid(
                "document",
                r#"3 行 5 列: Statement[0].Effect: "Permit" ではなく "Allow" または "Deny" にしてください"#
            )
        );
        let pattern = AppError::invalid(
            "pattern",
            "data.status: nested arrays are not allowed; list the values directly",
        );
        assert_eq!(
            translate(pattern, Locale::zh),
            AppError::invalid("pattern", "data.status：不允许嵌套数组；请直接列出各个值")
        );
    }

    /// Errors the UI's forms get from the code itself: the table must keep up with it.
    #[test]
    fn real_messages_from_the_code_are_translated() {
        let name = rule_name_error("");
        let long_name = rule_name_error(&"x".repeat(200));
        let email = validate::email("email", "ada@").unwrap_err();
        let password = validate::new_password("password", "short").unwrap_err();
        let phone = validate::e164_phone("phone", "13800000000").unwrap_err();
        let http: crate::domain::target::TargetConfig =
            serde_json::from_value(serde_json::json!({"kind": "http", "url": "ftp://example.com"}))
                .expect("an HTTP target");
        let url = http.validate("target").unwrap_err();
        assert!(url.for_field("target.url").is_some(), "{url:?}");
        let quota = crate::domain::quota::check(9, 5).unwrap_err();
        let locked = super::super::super::auth::throttle::locked_error(61);
        for error in [name, long_name, email, password, phone, url, quota, locked] {
            for locale in [Locale::ja, Locale::zh] {
                let translated = translate(error.clone(), locale);
                assert_ne!(translated, error, "{locale:?} lacks {error:?}");
                assert!(
                    !translated.to_string().is_ascii(),
                    "{locale:?}: {translated}"
                );
            }
        }
        let missing = AppError::NotFound {
            what: r#"Event rule "nightly""#.into(),
        };
        assert_eq!(
            translate(missing, Locale::ja),
            AppError::NotFound {
                what: r#"イベントルール "nightly""#.into()
            }
        );
    }

    fn rule_name_error(name: &str) -> AppError {
        crate::domain::rule::rule_name("name", name).unwrap_err()
    }
}
