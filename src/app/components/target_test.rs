//! "Test connection" for a chat robot or HTTP target: the fields a target needs, a button
//! that sends a real test message through the server, and the verdict with a fix hint.
//! The rule form's target step reuses this.

use crate::api::targets::test_target;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{error_text, format_number, kind_label, verdict_text};
use crate::domain::catalog::TargetKind;
use crate::domain::target::{ContentType, PayloadFormat, TargetConfig, TestVerdict};
use crate::domain::AppError;
use leptos::prelude::*;

fn config(kind: &str, url: String, secret: String) -> TargetConfig {
    let secret = Some(secret).filter(|s| !s.trim().is_empty());
    match TargetKind::parse(kind) {
        Some(TargetKind::WeCom) => TargetConfig::WeCom {
            url,
            mentioned_mobiles: vec![],
        },
        Some(TargetKind::Lark) => TargetConfig::Lark { url, secret },
        Some(TargetKind::Http) => TargetConfig::Http {
            url,
            content_type: ContentType::Json,
            headers: vec![],
            payload_format: PayloadFormat::Standard,
            secret,
            max_per_second: None,
        },
        _ => TargetConfig::DingTalk {
            url,
            secret,
            at_mobiles: vec![],
            at_all: false,
        },
    }
}

/// A small form that tests a target on `bus` without saving it (the message in the
/// account's language).
#[component]
pub fn TargetTester(bus: String) -> impl IntoView {
    let kind = RwSignal::new("dingtalk".to_string());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let bus = StoredValue::new(bus);
    let i18n = use_i18n();
    let test = Action::new(move |cfg: &TargetConfig| {
        let cfg = cfg.clone();
        let bus = bus.get_value();
        async move { test_target(bus, cfg, None, None, false, false, String::new()).await }
    });
    let secret_label = move || match kind.get().as_str() {
        "http" => t_string!(i18n, form.tester_http_secret),
        "lark" => t_string!(i18n, form.lark_secret),
        _ => t_string!(i18n, form.signing_key),
    };
    view! {
        <form
            class="tester"
            aria-label=move || t_string!(i18n, form.test)
            on:submit=move |ev| {
                ev.prevent_default();
                test.dispatch(config(&kind.get(), url.get(), secret.get()));
            }
        >
            <label for="tester-kind">{t!(i18n, form.target)}</label>
            <select id="tester-kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=kind>
                {[TargetKind::DingTalk, TargetKind::WeCom, TargetKind::Lark, TargetKind::Http]
                    .into_iter()
                    .map(|k| view! { <option value=k.as_str()>{move || kind_label(i18n, k)}</option> })
                    .collect_view()}
            </select>
            <label for="tester-url">{t!(i18n, form.webhook_url)}</label>
            <input
                id="tester-url"
                type="url"
                autocomplete="off"
                prop:value=url
                on:input=move |ev| url.set(event_target_value(&ev))
            />
            <label for="tester-secret">{secret_label}</label>
            <input
                id="tester-secret"
                type="password"
                autocomplete="off"
                prop:value=secret
                on:input=move |ev| secret.set(event_target_value(&ev))
            />
            <button type="submit" disabled=move || test.pending().get()>
                {move || if test.pending().get() { t_string!(i18n, form.testing) } else { t_string!(i18n, form.test) }}
            </button>
        </form>
        <TestResult result=Signal::derive(move || test.value().get())/>
    }
}

/// The verdict of the last "Test connection": what the provider said and how to fix it.
#[component]
pub fn TestResult(result: Signal<Option<Result<TestVerdict, AppError>>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match result.get() {
        None => ().into_any(),
        Some(Ok(v)) => {
            let class = if v.ok { "verdict ok" } else { "verdict failed" };
            let (summary, hint) = verdict_text(i18n, &v);
            let shown_hint = hint.clone();
            let latency = format_number(i18n.get_locale(), v.latency_ms as i64);
            view! {
                <div class=class role="status" data-testid="verdict" data-reason=format!("{:?}", v.reason)>
                    <p class="summary">{summary}</p>
                    <Show when=move || !hint.is_empty()>
                        <p class="hint">{shown_hint.clone()}</p>
                    </Show>
                    <p class="hint">{format!("{latency} ms")}</p>
                </div>
            }
            .into_any()
        }
        Some(Err(e)) => view! {
            <div class="form-error" role="alert" data-testid="verdict-error">{error_text(i18n, &e)}</div>
        }
        .into_any(),
    }
    }
}
