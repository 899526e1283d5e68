//! "Test connection" for a chat robot or HTTP target: the fields a target needs, a button
//! that sends a real test message through the server, and the verdict with a fix hint.
//! The rule form's target step reuses this.

use crate::api::targets::test_target;
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

/// A small form that tests a target on `bus` without saving it.
#[component]
pub fn TargetTester(bus: String) -> impl IntoView {
    let kind = RwSignal::new("dingtalk".to_string());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let bus = StoredValue::new(bus);
    let test = Action::new(move |cfg: &TargetConfig| {
        let cfg = cfg.clone();
        let bus = bus.get_value();
        async move { test_target(bus, cfg, None, None, false, false).await }
    });
    let secret_label = move || match kind.get().as_str() {
        "http" => "Signing secret (whsec_…, optional)",
        "lark" => "Signing secret (optional)",
        _ => "Signing key (SEC…, optional)",
    };
    view! {
        <form
            class="tester"
            aria-label="Test connection"
            on:submit=move |ev| {
                ev.prevent_default();
                test.dispatch(config(&kind.get(), url.get(), secret.get()));
            }
        >
            <label for="tester-kind">"Target"</label>
            <select id="tester-kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=kind>
                {[TargetKind::DingTalk, TargetKind::WeCom, TargetKind::Lark, TargetKind::Http]
                    .into_iter()
                    .map(|k| view! { <option value=k.as_str()>{k.label()}</option> })
                    .collect_view()}
            </select>
            <label for="tester-url">"Webhook URL"</label>
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
                {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
            </button>
        </form>
        <TestResult result=Signal::derive(move || test.value().get())/>
    }
}

/// The verdict of the last "Test connection": what the provider said and how to fix it.
#[component]
pub fn TestResult(result: Signal<Option<Result<TestVerdict, AppError>>>) -> impl IntoView {
    move || match result.get() {
        None => ().into_any(),
        Some(Ok(v)) => {
            let class = if v.ok { "verdict ok" } else { "verdict failed" };
            let hint = v.hint.clone();
            view! {
                <div class=class role="status" data-testid="verdict" data-reason=format!("{:?}", v.reason)>
                    <p class="summary">{v.summary}</p>
                    <Show when=move || !hint.is_empty()>
                        <p class="hint">{v.hint.clone()}</p>
                    </Show>
                    <p class="hint">{format!("{} ms", v.latency_ms)}</p>
                </div>
            }
            .into_any()
        }
        Some(Err(e)) => view! {
            <div class="form-error" role="alert" data-testid="verdict-error">{e.to_string()}</div>
        }
        .into_any(),
    }
}
