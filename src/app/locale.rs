//! The UI's language: which locale a request gets, the switcher that changes it, and dates
//! and numbers written the locale's way. The strings themselves are in `locales/*.json`,
//! compiled into [`crate::app::i18n`] (leptos_i18n) by `build.rs`.
//!
//! The server decides the locale of every page (the user's setting, else the
//! [`COOKIE`], else `Accept-Language`, else English: `server::http::pages`, which is
//! not compiled to WebAssembly) and writes it into `<html lang>`;
//! hydration reads it from there, so both sides render the same words. The switcher
//! changes the locale in the browser at once and asks the server to remember it
//! ([`crate::api::preferences::set_ui_locale`]: the cookie, and the user's setting when
//! signed in), so the next page load agrees.

use crate::app::i18n::{t_string, use_i18n, Locale};
use crate::domain::catalog::TargetKind;
use crate::domain::lang::Lang;
use crate::domain::target::{Reason, TestVerdict};
use crate::domain::AppError;
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};

/// The cookie holding the locale chosen with the switcher.
pub const COOKIE: &str = "herald_locale";

/// The locale the server decided for this request, put into the request's extensions by
/// the page middleware and read by the app while it renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestLocale(pub Locale);

impl From<Lang> for Locale {
    fn from(lang: Lang) -> Locale {
        match lang {
            Lang::En => Locale::en,
            Lang::Ja => Locale::ja,
            Lang::Zh => Locale::zh,
        }
    }
}

impl From<Locale> for Lang {
    fn from(locale: Locale) -> Lang {
        match locale {
            Locale::en => Lang::En,
            Locale::ja => Lang::Ja,
            Locale::zh => Lang::Zh,
        }
    }
}

/// The locale a language tag names: its primary language subtag (`ja-JP` is Japanese,
/// `zh-CN` and `zh-Hans` are Chinese), case-insensitive. `None` for any other language.
pub fn parse_tag(tag: &str) -> Option<Locale> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    Lang::parse(&primary.to_ascii_lowercase()).map(Locale::from)
}

/// A stored UTC timestamp (`2026-11-29T05:12:03.179Z`, or with a space for the `T`)
/// written the locale's way, to the second: `Nov 29, 2026, 05:12:03 UTC`,
/// `2026年11月29日 05:12:03 UTC`. Anything else (a time with an offset) is shown as it is.
pub fn format_time(locale: Locale, stamp: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parsed = (|| {
        let (date, time) = stamp.split_once(['T', ' '])?;
        let mut d = date.split('-');
        let (y, m, day) = (d.next()?, d.next()?, d.next()?);
        let (y, m, day): (u32, usize, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
        let clock = time.get(..8)?;
        // Herald's own stamps are UTC; one with an offset is someone else's, shown as it is.
        let zone = time[8..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        if !(zone.is_empty() || zone == "Z") {
            return None;
        }
        let month = MONTHS.get(m.checked_sub(1)?)?;
        Some((y, m, month, day, clock))
    })();
    match parsed {
        None => stamp.to_string(),
        Some((y, m, month, day, clock)) => match locale {
            Locale::en => format!("{month} {day}, {y}, {clock} UTC"),
            Locale::ja | Locale::zh => format!("{y}年{m}月{day}日 {clock} UTC"),
        },
    }
}

/// A whole number with the locale's digit grouping (all three group by thousands with a
/// comma).
pub fn format_number(locale: Locale, n: i64) -> String {
    let separator = match locale {
        Locale::en | Locale::ja | Locale::zh => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A stored timestamp in the current locale, reactive to a switch.
pub fn time_view(stamp: String) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    let i18n = use_i18n();
    move || format_time(i18n.get_locale(), &stamp)
}

/// A target kind's name in the UI's language (the PAI console's words: DingTalk 通知, 音声通話).
pub fn kind_label(i18n: I18nContext<Locale>, kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::DingTalk => t_string!(i18n, kind.dingtalk),
        TargetKind::WeCom => t_string!(i18n, kind.wecom),
        TargetKind::Lark => t_string!(i18n, kind.lark),
        TargetKind::Http => t_string!(i18n, kind.http),
        TargetKind::Voice => t_string!(i18n, kind.voice),
        TargetKind::Sms => t_string!(i18n, kind.sms),
        TargetKind::Email => t_string!(i18n, kind.email),
    }
}

/// A "Test connection" verdict in the UI's language: `(summary, hint)`. English is the
/// server's own wording (with the provider's code and the timeout); the others are
/// translated from the verdict's reason, with the status where it matters.
pub fn verdict_text(i18n: I18nContext<Locale>, v: &TestVerdict) -> (String, String) {
    if i18n.get_locale() == Locale::en {
        return (v.summary.clone(), v.hint.clone());
    }
    let status = v.status.map(|s| s.to_string()).unwrap_or_default();
    let (summary, hint): (String, &str) = match v.reason {
        Reason::Delivered => (t_string!(i18n, verdict.delivered).to_string(), ""),
        Reason::SignatureMismatch => (
            t_string!(i18n, verdict.signature_mismatch).to_string(),
            t_string!(i18n, verdict.signature_mismatch_hint),
        ),
        Reason::KeywordMissing => (
            t_string!(i18n, verdict.keyword_missing).to_string(),
            t_string!(i18n, verdict.keyword_missing_hint),
        ),
        Reason::InvalidToken => (
            t_string!(i18n, verdict.invalid_token).to_string(),
            t_string!(i18n, verdict.invalid_token_hint),
        ),
        Reason::RateLimited => (
            t_string!(i18n, verdict.rate_limited).to_string(),
            t_string!(i18n, verdict.rate_limited_hint),
        ),
        Reason::IpNotAllowed => (
            t_string!(i18n, verdict.ip_not_allowed).to_string(),
            t_string!(i18n, verdict.ip_not_allowed_hint),
        ),
        Reason::HttpStatus => (
            t_string!(i18n, verdict.http_status, status = status).to_string(),
            t_string!(i18n, verdict.http_status_hint),
        ),
        Reason::ProviderError => (
            t_string!(i18n, verdict.provider_error).to_string(),
            t_string!(i18n, verdict.provider_error_hint),
        ),
        Reason::Timeout => (
            t_string!(i18n, verdict.timeout).to_string(),
            t_string!(i18n, verdict.timeout_hint),
        ),
        Reason::Dns => (
            t_string!(i18n, verdict.dns).to_string(),
            t_string!(i18n, verdict.dns_hint),
        ),
        Reason::Tls => (
            t_string!(i18n, verdict.tls).to_string(),
            t_string!(i18n, verdict.tls_hint),
        ),
        Reason::Connect => (
            t_string!(i18n, verdict.connect).to_string(),
            t_string!(i18n, verdict.connect_hint),
        ),
        Reason::Blocked => (
            t_string!(i18n, verdict.blocked).to_string(),
            t_string!(i18n, verdict.blocked_hint),
        ),
        Reason::InvalidTarget => (t_string!(i18n, verdict.invalid_target).to_string(), ""),
        Reason::Gone => (
            t_string!(i18n, verdict.gone).to_string(),
            t_string!(i18n, verdict.gone_hint),
        ),
        Reason::CircuitOpen => (
            t_string!(i18n, verdict.circuit_open).to_string(),
            t_string!(i18n, verdict.circuit_open_hint),
        ),
    };
    // The provider's own words (its code and message, a resolver's or TLS library's
    // error) stay as the server reported them: they are what to search for.
    let detail = if v.ok {
        String::new()
    } else {
        t_string!(i18n, verdict.detail, detail = v.summary.clone()).to_string()
    };
    (
        summary,
        [hint, detail.as_str()].join(" ").trim().to_string(),
    )
}

/// An error from the server in the UI's language. English is the server's own wording. The
/// others translate what the error's kind says (not found, not allowed, a failure on the
/// server or on the way to it) here; the server's own words inside it (a field's message, a
/// not-found subject) come translated by the server (`server::http::messages`), and the
/// action and resource refused stay as they are, as a verdict's provider detail does.
pub fn error_text(i18n: I18nContext<Locale>, error: &AppError) -> String {
    if i18n.get_locale() == Locale::en {
        return error.to_string();
    }
    match error {
        AppError::NotFound { what } => {
            t_string!(i18n, errors.not_found, what = what.clone()).to_string()
        }
        AppError::Forbidden { action, resource } => t_string!(
            i18n,
            errors.forbidden,
            action = action.clone(),
            resource = resource.clone()
        )
        .to_string(),
        AppError::Internal => t_string!(i18n, errors.internal).to_string(),
        AppError::Request { message } => {
            t_string!(i18n, errors.request, message = message.clone()).to_string()
        }
        other => other.to_string(),
    }
}

// `catalog_text(i18n, english) -> Option<&'static str>`, generated by build.rs.
include!(concat!(env!("OUT_DIR"), "/i18n/catalog_text.rs"));

/// A catalog name or title (a source, a category, an event type's title) in the UI's
/// language; English, as the catalog has it, where no translation exists.
pub fn catalog_str(i18n: I18nContext<Locale>, english: &'static str) -> &'static str {
    catalog_text(i18n, english).unwrap_or(english)
}

/// The language switcher: changes the page's language at once, and has the server
/// remember it (cookie, and the user's setting when signed in) for the next page load.
/// Its name is the same in every language, so anyone can find it.
#[component]
pub fn LocaleSwitcher(#[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    let save = Action::new(|locale: &String| {
        let locale = locale.clone();
        async move { crate::api::preferences::set_ui_locale(locale).await }
    });
    view! {
        <select
            class="locale-switcher"
            id=id
            aria-label="Language · 言語 · 语言"
            data-testid="locale-switcher"
            on:change=move |ev| {
                if let Some(locale) = parse_tag(&event_target_value(&ev)) {
                    i18n.set_locale(locale);
                    save.dispatch(locale.as_str().to_string());
                }
            }
        >
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    let (locale, name) = (Locale::from(lang), lang.label());
                    view! {
                        <option
                            value=locale.as_str()
                            lang=locale.as_str()
                            selected=move || i18n.get_locale() == locale
                        >
                            {name}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_message_language_is_a_ui_locale_and_back() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from(Locale::from(lang)), lang);
            assert_eq!(Locale::from(lang).as_str(), lang.as_str());
        }
        assert_eq!(parse_tag("ZH-Hans"), Some(Locale::zh));
        assert_eq!(parse_tag("ja_JP"), Some(Locale::ja));
        assert_eq!(parse_tag("fr"), None);
    }

    #[test]
    fn timestamps_and_numbers_are_written_the_locales_way() {
        let at = "2026-11-29T05:12:03.179Z";
        assert_eq!(format_time(Locale::en, at), "Nov 29, 2026, 05:12:03 UTC");
        assert_eq!(format_time(Locale::ja, at), "2026年11月29日 05:12:03 UTC");
        assert_eq!(
            format_time(Locale::zh, "2026-01-02 03:04:05"),
            "2026年1月2日 03:04:05 UTC"
        );
        assert_eq!(format_time(Locale::ja, "yesterday"), "yesterday");
        let offset = "2026-11-29T13:12:03+08:00";
        assert_eq!(format_time(Locale::en, offset), offset);
        assert_eq!(format_number(Locale::en, 1_234_567), "1,234,567");
        assert_eq!(format_number(Locale::ja, -1000), "-1,000");
        assert_eq!(format_number(Locale::zh, 999), "999");
    }

    /// Every key path of a locale file (`nav.workspaces`), with the `{{ name }}`
    /// placeholders each value uses.
    fn keys(locale: &str) -> BTreeSet<String> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let path = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(&path, v, out);
                    }
                }
                serde_json::Value::String(s) => {
                    let mut vars: Vec<&str> = s
                        .split("{{")
                        .skip(1)
                        .filter_map(|rest| rest.split_once("}}").map(|(v, _)| v.trim()))
                        .collect();
                    vars.sort_unstable();
                    vars.dedup();
                    out.insert(format!("{prefix} {{{}}}", vars.join(",")));
                }
                other => {
                    out.insert(format!("{prefix} (not a string: {other})"));
                }
            }
        }
        let path = format!("{}/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut out = BTreeSet::new();
        walk("", &json, &mut out);
        out
    }

    /// leptos_i18n only warns when Japanese or Chinese lack a key (and shows English
    /// there): this makes it a failure, and also catches a placeholder that one
    /// translation dropped or misspelt.
    #[test]
    fn every_ui_string_exists_in_every_locale_with_the_same_placeholders() {
        let english = keys("en");
        assert!(
            english.len() > 10,
            "the English locale file is nearly empty"
        );
        for locale in ["ja", "zh"] {
            let other = keys(locale);
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "locales/{locale}.json differs from en.json:\n  missing or different: {missing:?}\n  only in {locale}: {extra:?}"
            );
        }
    }
}
