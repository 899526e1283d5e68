//! `/buses/:bus/rules/new` and `/buses/:bus/rules/:rule/edit`: "Create event rule" as the PAI
//! console has it, in two steps. Step 1 "Event type": name, source, its types grouped by
//! category (or "All event types of this source", `*`), and an optional pattern with a live preview against the catalog samples;
//! then the rule's own message templates with their preview (`rule_template`).
//! Step 2 "Event target": targets of every kind the source allows, "Test connection", and a
//! live quota meter. The server checks everything again at save.

use super::rule_template::{MessageTemplates, Step1};
use super::rules::bus_param;
use super::ErrorNotice;
use crate::api::contacts::list_contacts;
use crate::api::rules::{get_bus_rules, get_rule, request_quota, save_rule};
use crate::api::targets::test_target;
use crate::app::components::frame::Frame;
use crate::app::components::target_test::TestResult;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::{catalog_str, error_text, kind_label};
use crate::domain::catalog::{self, TargetKind};
use crate::domain::models::ContactView;
use crate::domain::rule::{
    self, QuotaRequestView, RuleInput, RuleView, SavedRule, TargetInput, TargetView,
};
use crate::domain::target::{ContentType, PayloadFormat, TargetConfig};
use crate::domain::{quota, AppError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// "Create event rule".
#[component]
pub fn NewRulePage() -> impl IntoView {
    let bus = bus_param();
    let data = Resource::new(bus, |bus| async move {
        let page = get_bus_rules(bus).await?;
        let contacts = list_contacts().await?;
        Ok::<_, AppError>((page, contacts))
    });
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, form.create_title).to_string()/>
        <Frame>
            <h1>{t!(i18n, form.create_title)}</h1>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok((page, _)) if !page.role_granted => {
                            let settings = page
                                .workspace
                                .map(|w| format!("/workspaces/{w}/settings/notifications"))
                                .unwrap_or_else(|| "/workspaces".into());
                            view! {
                                <div class="notice warning" role="note" data-testid="needs-role">
                                    <p>
                                        {t!(i18n, form.needs_role_1)}
                                        <code>{crate::domain::policy::SERVICE_LINKED_ROLE}</code>
                                        {t!(i18n, form.needs_role_2)}
                                        <a href=settings>{t!(i18n, form.grant_first)}</a>
                                    </p>
                                </div>
                            }
                            .into_any()
                        }
                        Ok((page, contacts)) => {
                            view! { <RuleForm bus=page.bus initial=None contacts/> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </Frame>
    }
}

/// Editing a rule.
#[component]
pub fn EditRulePage() -> impl IntoView {
    let bus = bus_param();
    let params = use_params_map();
    let rule_name = move || params.read().get("rule").unwrap_or_default();
    let data = Resource::new(
        move || (bus(), rule_name()),
        |(bus, name)| async move {
            let rule = get_rule(bus, name).await?;
            let contacts = list_contacts().await?;
            Ok::<_, AppError>((rule, contacts))
        },
    );
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, form.edit_page_title, name = rule_name()).to_string()/>
        <Frame>
            <h1>{t!(i18n, form.edit_title)}</h1>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        // Saving a form without the targets it was not shown would drop them.
                        Ok((rule, _)) if rule.targets_hidden => view! {
                            <p class="hint" data-testid="targets-hidden">
                                {t!(i18n, form.targets_hidden)}
                            </p>
                        }
                        .into_any(),
                        Ok((rule, contacts)) => {
                            view! { <RuleForm bus=rule.bus.clone() initial=Some(rule) contacts/> }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </Frame>
    }
}

/// One target of the form, as the user edits it. For a saved target the URL and secret
/// start empty ("keep the stored one"); the masked values are shown as hints.
#[derive(Clone, Copy)]
struct Draft {
    key: usize,
    id: Option<i64>,
    kind: RwSignal<TargetKind>,
    url: RwSignal<String>,
    url_hint: StoredValue<Option<String>>,
    secret: RwSignal<String>,
    secret_hint: StoredValue<Option<String>>,
    clear_secret: RwSignal<bool>,
    /// DingTalk's @mobiles or WeCom's mentioned mobiles, separated by commas.
    mobiles: RwSignal<String>,
    at_all: RwSignal<bool>,
    content_type: RwSignal<ContentType>,
    payload_format: RwSignal<PayloadFormat>,
    /// `Name: value` per line.
    headers: RwSignal<String>,
    stored_headers: StoredValue<Vec<String>>,
    keep_headers: RwSignal<bool>,
    /// An HTTP target's requests-a-second limit; empty for none.
    rate: RwSignal<String>,
    contacts: RwSignal<Vec<i64>>,
}

impl Draft {
    fn new(key: usize, kind: TargetKind) -> Draft {
        Draft {
            key,
            id: None,
            kind: RwSignal::new(kind),
            url: RwSignal::new(String::new()),
            url_hint: StoredValue::new(None),
            secret: RwSignal::new(String::new()),
            secret_hint: StoredValue::new(None),
            clear_secret: RwSignal::new(false),
            mobiles: RwSignal::new(String::new()),
            at_all: RwSignal::new(false),
            content_type: RwSignal::new(ContentType::Json),
            payload_format: RwSignal::new(PayloadFormat::Standard),
            headers: RwSignal::new(String::new()),
            stored_headers: StoredValue::new(vec![]),
            keep_headers: RwSignal::new(false),
            rate: RwSignal::new(String::new()),
            contacts: RwSignal::new(vec![]),
        }
    }

    fn from_view(key: usize, t: &TargetView) -> Draft {
        let d = Draft::new(key, t.kind);
        let mobiles = if t.kind == TargetKind::WeCom {
            &t.mentioned_mobiles
        } else {
            &t.at_mobiles
        };
        d.url_hint.set_value(t.url_masked.clone());
        d.secret_hint.set_value(t.secret_masked.clone());
        d.mobiles.set(mobiles.join(", "));
        d.at_all.set(t.at_all);
        d.content_type.set(t.content_type);
        d.payload_format.set(t.payload_format);
        d.stored_headers.set_value(t.header_names.clone());
        d.keep_headers.set(!t.header_names.is_empty());
        d.rate
            .set(t.max_per_second.map(|n| n.to_string()).unwrap_or_default());
        d.contacts.set(t.contacts.iter().map(|c| c.id).collect());
        Draft {
            id: Some(t.id),
            ..d
        }
    }

    fn units(&self) -> u32 {
        quota::target_units(self.kind.get(), self.contacts.read().len())
    }

    fn config(&self) -> TargetConfig {
        let url = self.url.get_untracked().trim().to_string();
        let secret = Some(self.secret.get_untracked().trim().to_string()).filter(|s| !s.is_empty());
        let mobiles: Vec<String> = self
            .mobiles
            .get_untracked()
            .split([',', '\n', ';'])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(String::from)
            .collect();
        let contacts = self.contacts.get_untracked();
        match self.kind.get_untracked() {
            TargetKind::DingTalk => TargetConfig::DingTalk {
                url,
                secret,
                at_mobiles: mobiles,
                at_all: self.at_all.get_untracked(),
            },
            TargetKind::WeCom => TargetConfig::WeCom {
                url,
                mentioned_mobiles: mobiles,
            },
            TargetKind::Lark => TargetConfig::Lark { url, secret },
            TargetKind::Http => TargetConfig::Http {
                url,
                content_type: self.content_type.get_untracked(),
                headers: self
                    .headers
                    .get_untracked()
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| match l.split_once(':') {
                        Some((n, v)) => (n.trim().to_string(), v.trim().to_string()),
                        None => (l.trim().to_string(), String::new()),
                    })
                    .collect(),
                payload_format: self.payload_format.get_untracked(),
                secret,
                // Not a number is sent as 0, which the server refuses with the field named.
                max_per_second: match self.rate.get_untracked().trim() {
                    "" => None,
                    n => Some(n.parse().unwrap_or(0)),
                },
            },
            TargetKind::Voice => TargetConfig::Voice { contacts },
            TargetKind::Sms => TargetConfig::Sms { contacts },
            TargetKind::Email => TargetConfig::Email { contacts },
        }
    }

    fn input(&self) -> TargetInput {
        TargetInput {
            id: self.id,
            config: self.config(),
            clear_secret: self.clear_secret.get_untracked(),
            keep_headers: self.keep_headers.get_untracked(),
        }
    }
}

/// Whether `t`, in a rule on catalog source `source`, is one the catalog does not list
/// (a type the bus has received, or a prefix): the "Types not in the catalog" box holds it.
fn is_other_type(source: &str, t: &str) -> bool {
    t != catalog::ALL_TYPES && catalog::event_type(source, t).is_none()
}

/// The rule's types that [`is_other_type`].
fn other_types(source: &str, types: &[String]) -> Vec<String> {
    types
        .iter()
        .filter(|t| is_other_type(source, t))
        .cloned()
        .collect()
}

/// The non-empty lines of a types box, trimmed.
fn typed_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The message for exactly `field`, if the error concerns it.
fn field_message(error: RwSignal<Option<AppError>>, field: &str) -> Option<String> {
    error.read().as_ref().and_then(|e| e.for_field(field))
}

/// An error shown under the field it concerns.
fn field_error(
    error: RwSignal<Option<AppError>>,
    field: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let name = field();
        field_message(error, &name).map(|m| {
            view! { <p class="field-error" role="alert" data-field=name>{m}</p> }
        })
    }
}

/// The two-step rule form.
#[component]
fn RuleForm(bus: String, initial: Option<RuleView>, contacts: Vec<ContactView>) -> impl IntoView {
    let original = StoredValue::new(initial.as_ref().map(|r| r.name.clone()));
    let quota_units = initial
        .as_ref()
        .map_or(quota::DEFAULT_RULE_QUOTA, |r| r.quota);
    let pending = initial.as_ref().and_then(|r| r.pending_request.clone());
    let bus = StoredValue::new(bus);
    let contacts = StoredValue::new(contacts);
    let step = RwSignal::new(1u8);
    let name = RwSignal::new(initial.as_ref().map(|r| r.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default(),
    );
    let enabled = RwSignal::new(initial.as_ref().is_none_or(|r| r.enabled));
    // A new rule may come prefilled from "Types seen but not in the catalog"
    // (`?source=…&type=…`).
    let query = leptos_router::hooks::use_query_map().get_untracked();
    let prefill = |key: &str| initial.is_none().then(|| query.get(key)).flatten();
    let language = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.language.clone())
            .unwrap_or_default(),
    );
    let source = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.source.clone())
            .or_else(|| prefill("source"))
            .unwrap_or_default(),
    );
    let types = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.types.clone())
            .or_else(|| prefill("type").map(|t| vec![t]))
            .unwrap_or_default(),
    );
    let pattern = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.pattern.clone())
            .unwrap_or_default(),
    );
    let title_template = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.title_template.clone())
            .unwrap_or_default(),
    );
    let body_template = RwSignal::new(
        initial
            .as_ref()
            .map(|r| r.body_template.clone())
            .unwrap_or_default(),
    );
    let first: Vec<Draft> = initial
        .as_ref()
        .map(|r| {
            r.targets
                .iter()
                .enumerate()
                .map(|(i, t)| Draft::from_view(i, t))
                .collect()
        })
        .unwrap_or_default();
    let next_key = StoredValue::new(first.len());
    let drafts = RwSignal::new(first);
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<SavedRule>);
    let navigate = use_navigate();

    let rule_input = move || RuleInput {
        name: name.get_untracked(),
        description: description.get_untracked(),
        enabled: enabled.get_untracked(),
        source: source.get_untracked(),
        types: types.get_untracked(),
        pattern: pattern.get_untracked(),
        targets: drafts.get_untracked().iter().map(Draft::input).collect(),
        language: language.get_untracked(),
        title_template: title_template.get_untracked(),
        body_template: body_template.get_untracked(),
    };
    let save = Action::new(move |input: &RuleInput| {
        let input = input.clone();
        let bus = bus.get_value();
        let original = original.get_value();
        async move { save_rule(bus, original, input).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(result)) => {
            error.set(None);
            if result.new_secrets.is_empty() {
                navigate(&format!("/buses/{}", bus.get_value()), Default::default());
            } else {
                saved.set(Some(result));
            }
        }
        Some(Err(e)) => {
            let on_step_one = matches!(
                &e,
                AppError::Invalid { field, .. } | AppError::Conflict { field: Some(field), .. }
                    if !field.starts_with("targets")
            );
            step.set(if on_step_one { 1 } else { 2 });
            error.set(Some(e));
        }
        None => {}
    });

    // An error stays until the field it names is changed.
    let touched = move |field: &'static str| {
        if error
            .read_untracked()
            .as_ref()
            .is_some_and(|e| e.for_field(field).is_some())
        {
            error.set(None);
        }
    };
    let next = move |_| match rule_input().definition() {
        Ok(_) => {
            error.set(None);
            step.set(2);
        }
        Err(e) => error.set(Some(e)),
    };
    let add_target = move |_| {
        let kind = catalog::source(&source.get_untracked())
            .map_or(TargetKind::DingTalk, |s| s.allowed_targets()[0]);
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        drafts.update(|d| d.push(Draft::new(key, kind)));
    };
    let used = Memo::new(move |_| drafts.get().iter().map(Draft::units).sum::<u32>());
    // The quota error goes once the targets change.
    Effect::new(move |previous: Option<u32>| {
        let now = used.get();
        if previous.is_some_and(|p| p != now) {
            touched("targets");
        }
        now
    });
    let over_quota = move || {
        quota::check(used.get(), quota_units)
            .err()
            .and_then(|e| e.for_field("targets"))
    };
    let i18n = use_i18n();
    let general_error = move || {
        error
            .get()
            .filter(|e| !e.has_field())
            .map(|e| view! { <div class="form-error" role="alert">{error_text(i18n, &e)}</div> })
    };
    let step_class = move |n: u8| if step.get() == n { "current" } else { "" };

    view! {
        <Show when=move || saved.get().is_some()>
            <SavedSecrets saved=saved bus=bus.get_value()/>
        </Show>
        <form
            class="rule-form"
            aria-label=move || t_string!(i18n, form.event_rule)
            hidden=move || saved.get().is_some()
            on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(rule_input());
            }
        >
            <ol class="steps">
                <li class=move || step_class(1) aria-current=move || (step.get() == 1).then_some("step")>
                    {t!(i18n, form.step_1)}
                </li>
                <li class=move || step_class(2) aria-current=move || (step.get() == 2).then_some("step")>
                    {t!(i18n, form.step_2)}
                </li>
            </ol>
            {general_error}

            <section class="step" hidden=move || step.get() != 1 data-testid="step-1">
                <label for="rule-name">{t!(i18n, form.rule_name)}</label>
                <input
                    id="rule-name"
                    type="text"
                    autocomplete="off"
                    prop:value=name
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        touched("name");
                    }
                />
                <p class="hint">{t!(i18n, form.rule_name_hint)}</p>
                {field_error(error, || "name".into())}
                <label for="rule-description">{t!(i18n, form.description)}</label>
                <textarea
                    id="rule-description"
                    rows="2"
                    prop:value=description
                    on:input=move |ev| {
                        description.set(event_target_value(&ev));
                        touched("description");
                    }
                ></textarea>
                {field_error(error, || "description".into())}
                <MessageLanguage language=language />
                {field_error(error, || "language".into())}
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=enabled
                        on:change=move |ev| enabled.set(event_target_checked(&ev))
                    />
                    {t!(i18n, form.enabled)}
                </label>

                <fieldset class="sources">
                    <legend>{t!(i18n, form.source)}</legend>
                    {catalog::sources()
                        .iter()
                        .map(|s| {
                            let id = s.id;
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="source"
                                        value=id
                                        prop:checked=move || source.get() == id
                                        on:change=move |_| {
                                            source.set(id.to_string());
                                            types.update(|t| t.clear());
                                            touched("source");
                                        }
                                    />
                                    {move || catalog_str(i18n, s.name)}
                                    " "
                                    <code>{id}</code>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                {field_error(error, || "source".into())}

                <div class="types" data-testid="event-types">
                    {move || {
                        // A source outside the catalog (one this bus has received): its types
                        // typed in, a trailing `*` for a prefix.
                        let id = source.get();
                        (!id.is_empty() && catalog::source(&id).is_none()).then(|| view! {
                            <div class="notice" data-testid="unlisted-source">
                                <p>{t!(i18n, form.unlisted_source, id = id.clone())}</p>
                                <label for="rule-unlisted-types">{t!(i18n, form.unlisted_types)}</label>
                                <textarea
                                    id="rule-unlisted-types"
                                    class="code"
                                    rows="3"
                                    prop:value=types.get_untracked().join("\n")
                                    on:input=move |ev| {
                                        types.set(typed_lines(&event_target_value(&ev)));
                                        touched("types");
                                    }
                                ></textarea>
                            </div>
                        })
                    }}
                    {move || {
                        catalog::source(&source.get())
                            .map(|s| {
                                let all = view! {
                                    <label class="choice all-types">
                                        <input
                                            type="checkbox"
                                            value=catalog::ALL_TYPES
                                            data-testid="all-types"
                                            prop:checked=move || rule::takes_all_types(&types.read())
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                types.set(if on { vec![catalog::ALL_TYPES.to_string()] } else { Vec::new() });
                                                touched("types");
                                            }
                                        />
                                        {t!(i18n, form.all_types)}
                                        " "
                                        <span class="hint">{t!(i18n, form.all_types_hint)}</span>
                                    </label>
                                };
                                let categories = s.categories
                                    .iter()
                                    .map(|c| {
                                        view! {
                                            <fieldset class="category">
                                                <legend>{move || catalog_str(i18n, c.name)}</legend>
                                                {c
                                                    .types
                                                    .iter()
                                                    .map(|t| {
                                                        let tid = t.type_id;
                                                        view! {
                                                            <label class="choice">
                                                                <input
                                                                    type="checkbox"
                                                                    value=tid
                                                                    prop:checked=move || rule::takes_type(&types.read(), tid)
                                                                    prop:disabled=move || rule::takes_all_types(&types.read())
                                                                    on:change=move |ev| {
                                                                        let on = event_target_checked(&ev);
                                                                        types.update(|v| {
                                                                            v.retain(|x| x != tid);
                                                                            if on {
                                                                                v.push(tid.to_string());
                                                                            }
                                                                        });
                                                                        touched("types");
                                                                    }
                                                                />
                                                                {move || catalog_str(i18n, t.title)}
                                                                " "
                                                                <code>{tid}</code>
                                                            </label>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </fieldset>
                                        }
                                    })
                                    .collect_view();
                                // Types of this source the catalog does not list (one the bus
                                // has received, or a prefix): typed in, kept beside the boxes.
                                let sid = s.id;
                                let other = view! {
                                    <details class="other-types" data-testid="other-types" open=!other_types(sid, &types.read_untracked()).is_empty()>
                                        <summary>{t!(i18n, form.other_types)}</summary>
                                        <label for="rule-other-types">{t!(i18n, form.other_types_label)}</label>
                                        <textarea
                                            id="rule-other-types"
                                            class="code"
                                            rows="2"
                                            spellcheck="false"
                                            prop:value=other_types(sid, &types.read_untracked()).join("\n")
                                            on:input=move |ev| {
                                                let typed = typed_lines(&event_target_value(&ev));
                                                types.update(|v| {
                                                    v.retain(|t| !is_other_type(sid, t));
                                                    v.extend(typed);
                                                });
                                                touched("types");
                                            }
                                        ></textarea>
                                    </details>
                                };
                                view! { {all} {categories} {other} }
                            })
                    }}
                </div>
                {field_error(error, || "types".into())}

                <label for="rule-pattern">{t!(i18n, form.pattern)}</label>
                <textarea
                    id="rule-pattern"
                    class="code"
                    rows="4"
                    spellcheck="false"
                    placeholder=r#"{"job": {"name": [{"prefix": "nightly-"}]}}"#
                    prop:value=pattern
                    on:input=move |ev| {
                        pattern.set(event_target_value(&ev));
                        touched("pattern");
                    }
                ></textarea>
                <p class="hint">
                    {t!(i18n, form.pattern_hint)}
                </p>
                {field_error(error, || "pattern".into())}
                <PatternPreview source types pattern/>
                <MessageTemplates
                    bus=bus.get_value()
                    title_template
                    body_template
                    step1=Step1 { name, source, types, language }
                    error
                />

                <div class="buttons">
                    <a class="button secondary" href=move || format!("/buses/{}", bus.get_value())>{t!(i18n, common.cancel)}</a>
                    <button type="button" on:click=next>{t!(i18n, form.next)}</button>
                </div>
            </section>

            <section class="step" hidden=move || step.get() != 2 data-testid="step-2">
                <p class="hint">
                    {move || {
                        catalog::source(&source.get())
                            .map(|s| {
                                let kinds: Vec<&str> = s.allowed_targets().iter().map(|k| kind_label(i18n, *k)).collect();
                                t_string!(i18n, form.can_go_to, source = catalog_str(i18n, s.name), kinds = kinds.join(", ")).to_string()
                            })
                    }}
                </p>
                <div class="quota" data-testid="quota-meter">
                    <meter min="0" max=quota_units high=quota_units optimum="0" value=move || used.get()></meter>
                    <span>{t!(i18n, rules.units, used = move || used.get(), quota = move || quota_units)}</span>
                </div>
                {move || over_quota().map(|m| view! { <p class="field-error" role="alert" data-testid="quota-over">{m}</p> })}
                <For
                    each=move || drafts.get()
                    key=|d| d.key
                    children=move |d: Draft| {
                        view! { <TargetRow draft=d drafts source contacts error bus original language/> }
                    }
                />
                {field_error(error, || "targets".into())}
                <p>
                    <button type="button" class="secondary" on:click=add_target>{t!(i18n, form.add_target)}</button>
                </p>
                <QuotaRequest bus=bus.get_value() rule=original.get_value() current=quota_units pending/>
                <div class="buttons">
                    <button type="button" class="secondary" on:click=move |_| step.set(1)>{t!(i18n, form.back)}</button>
                    <button type="submit" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { t_string!(i18n, form.saving) } else { t_string!(i18n, form.save) }}
                    </button>
                </div>
            </section>
        </form>
    }
}

/// "matches the sample / does not match" for each chosen type, as the pattern is typed.
#[component]
fn PatternPreview(
    source: RwSignal<String>,
    types: RwSignal<Vec<String>>,
    pattern: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let src = catalog::source(&source.get())?;
        let text = pattern.get();
        if text.trim().is_empty() {
            return None;
        }
        Some(match rule::parse_pattern(&text) {
            Err(e) => view! {
                <p class="field-error" role="alert" data-testid="pattern-invalid">
                    {e.for_field("pattern")}
                </p>
            }
            .into_any(),
            Ok(p) => {
                let rows = rule::preview(src, &types.get(), p.as_ref());
                if rows.is_empty() {
                    view! { <p class="hint">{t!(i18n, form.pick_types)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="preview" aria-label=move || t_string!(i18n, form.pattern_preview) data-testid="pattern-preview">
                            {rows
                                .into_iter()
                                .map(|(t, matched)| {
                                    let (class, words) = if matched {
                                        ("match", t_string!(i18n, form.matches))
                                    } else {
                                        ("no-match", t_string!(i18n, form.no_match))
                                    };
                                    view! { <li class=class><code>{t}</code> ": " {words}</li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }
        })
    }
}

/// One target of step 2.
#[component]
fn TargetRow(
    draft: Draft,
    drafts: RwSignal<Vec<Draft>>,
    source: RwSignal<String>,
    contacts: StoredValue<Vec<ContactView>>,
    error: RwSignal<Option<AppError>>,
    bus: StoredValue<String>,
    original: StoredValue<Option<String>>,
    language: RwSignal<String>,
) -> impl IntoView {
    let key = draft.key;
    let i18n = use_i18n();
    let index = Memo::new(move |_| drafts.read().iter().position(|d| d.key == key).unwrap_or(0));
    let field = move |name: &'static str| move || format!("targets[{}].{name}", index.get());
    let id = move |name: &str| format!("t{key}-{name}");
    let incompatible = move |kind: TargetKind| {
        catalog::source(&source.get()).and_then(|s| catalog::incompatibility(s, kind))
    };
    let test = Action::new(move |input: &TargetInput| {
        let input = input.clone();
        let bus = bus.get_value();
        let rule = original.get_value();
        // In the rule's message language, as its messages will be.
        let language = language.get_untracked();
        async move {
            test_target(
                bus,
                input.config,
                rule,
                input.id,
                input.clear_secret,
                input.keep_headers,
                language,
            )
            .await
        }
    });
    let remove = move |_| {
        drafts.update(|d| d.retain(|x| x.key != key));
        // Errors name targets by position, which just changed.
        error.set(None);
    };
    // Editing a target clears the errors about it.
    Effect::new(move |first: Option<()>| {
        draft.url.track();
        draft.secret.track();
        draft.mobiles.track();
        draft.headers.track();
        draft.contacts.track();
        draft.kind.track();
        if first.is_some() {
            let prefix = format!("targets[{}]", index.get_untracked());
            let concerns_me = matches!(
                &*error.read_untracked(),
                Some(AppError::Invalid { field, .. }) if field.starts_with(&prefix)
            );
            if concerns_me {
                error.set(None);
            }
        }
    });
    // Errors of this target about fields that have no place of their own (mobiles, headers).
    let other_errors = move || {
        let prefix = format!("targets[{}]", index.get());
        error.get().and_then(|e| match e {
            AppError::Invalid { field, message } if field.starts_with(&prefix) => {
                let rest = field[prefix.len()..].trim_start_matches('.').to_string();
                let placed = ["url", "secret", "kind", "contacts", "max_per_second"].contains(&rest.as_str());
                (!placed).then(|| {
                    view! { <p class="field-error" role="alert" data-field=field.clone()>{format!("{rest}: {message}")}</p> }
                })
            }
            _ => None,
        })
    };

    let url_input = move || {
        let hint = draft.url_hint.get_value();
        let placeholder = hint
            .clone()
            .map(|h| format!("{h} (leave empty to keep)"))
            .unwrap_or_default();
        view! {
            <label for=id("url")>{t!(i18n, form.webhook_url)}</label>
            <input
                id=id("url")
                type="url"
                autocomplete="off"
                placeholder=placeholder
                prop:value=draft.url
                on:input=move |ev| draft.url.set(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="hint">{t!(i18n, form.saved_keep, value = move || view! { <code>{h.clone()}</code> })}</p> })}
            {field_error(error, field("url"))}
        }
    };
    let secret_input = move |label: Signal<&'static str>| {
        let hint = draft.secret_hint.get_value();
        view! {
            <label for=id("secret")>{label}</label>
            <input
                id=id("secret")
                type="password"
                autocomplete="off"
                prop:value=draft.secret
                on:input=move |ev| draft.secret.set(event_target_value(&ev))
            />
            {hint.map(|h| view! {
                <p class="hint">{t!(i18n, form.saved_keep, value = move || view! { <code>{h.clone()}</code> })}</p>
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=draft.clear_secret
                        on:change=move |ev| draft.clear_secret.set(event_target_checked(&ev))
                    />
                    {t!(i18n, form.remove_saved_key)}
                </label>
            })}
            {field_error(error, field("secret"))}
        }
    };
    let mobiles_input = move |label: Signal<&'static str>| {
        view! {
            <label for=id("mobiles")>{label}</label>
            <input
                id=id("mobiles")
                type="text"
                placeholder="+8613800000000, +8613900000000"
                prop:value=draft.mobiles
                on:input=move |ev| draft.mobiles.set(event_target_value(&ev))
            />
        }
    };
    let contact_picker = move |kind: TargetKind| {
        let list = contacts.get_value();
        if list.is_empty() {
            return view! {
                <p class="notice warning" role="note">
                    {t!(i18n, form.no_contacts_1)} <a href="/contacts">{t!(i18n, form.no_contacts_link)}</a>
                    {t!(i18n, form.no_contacts_2)}
                </p>
                {field_error(error, field("contacts"))}
            }
            .into_any();
        }
        view! {
            <fieldset class="contacts">
                <legend>{t!(i18n, form.contacts)}</legend>
                {list
                    .into_iter()
                    .map(|c| {
                        let cid = c.id;
                        let reach = if kind == TargetKind::Email { c.email.clone() } else { c.phone.clone() };
                        let missing = reach.is_none();
                        view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    value=cid
                                    disabled=missing && !draft.contacts.read_untracked().contains(&cid)
                                    prop:checked=move || draft.contacts.read().contains(&cid)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        draft.contacts.update(|v| {
                                            v.retain(|x| *x != cid);
                                            if on {
                                                v.push(cid);
                                            }
                                        });
                                    }
                                />
                                {c.name.clone()}
                                " "
                                <span class="hint">
                                    {reach.unwrap_or_else(|| if kind == TargetKind::Email { t_string!(i18n, form.no_email).into() } else { t_string!(i18n, form.no_phone).into() })}
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {field_error(error, field("contacts"))}
        }
        .into_any()
    };

    let fields = move || match draft.kind.get() {
        TargetKind::DingTalk => view! {
            {url_input()}
            {secret_input(Signal::derive(move || t_string!(i18n, form.signing_key)))}
            {mobiles_input(Signal::derive(move || t_string!(i18n, form.at_mobiles)))}
            <label class="choice">
                <input
                    type="checkbox"
                    prop:checked=draft.at_all
                    on:change=move |ev| draft.at_all.set(event_target_checked(&ev))
                />
                "@all"
            </label>
        }
        .into_any(),
        TargetKind::WeCom => view! {
            {url_input()}
            {mobiles_input(Signal::derive(move || t_string!(i18n, form.mentioned_mobiles)))}
        }
        .into_any(),
        TargetKind::Lark => view! {
            {url_input()}
            {secret_input(Signal::derive(move || t_string!(i18n, form.lark_secret)))}
        }
        .into_any(),
        TargetKind::Http => {
            let stored = draft.stored_headers.get_value();
            view! {
                {url_input()}
                <label for=id("content-type")>{t!(i18n, form.content_type)}</label>
                <select
                    id=id("content-type")
                    prop:value=move || match draft.content_type.get() {
                        ContentType::Json => "json",
                        ContentType::Form => "form",
                    }
                    on:change=move |ev| {
                        draft.content_type.set(if event_target_value(&ev) == "form" { ContentType::Form } else { ContentType::Json })
                    }
                >
                    <option value="json">"JSON (application/json)"</option>
                    <option value="form">{t!(i18n, form.content_form)}</option>
                </select>
                <label for=id("format")>{t!(i18n, form.payload_format)}</label>
                <select
                    id=id("format")
                    prop:value=move || match draft.payload_format.get() {
                        PayloadFormat::Standard => "standard",
                        PayloadFormat::CloudeventsStructured => "cloudevents_structured",
                        PayloadFormat::CloudeventsBinary => "cloudevents_binary",
                    }
                    on:change=move |ev| {
                        draft.payload_format.set(match event_target_value(&ev).as_str() {
                            "cloudevents_structured" => PayloadFormat::CloudeventsStructured,
                            "cloudevents_binary" => PayloadFormat::CloudeventsBinary,
                            _ => PayloadFormat::Standard,
                        })
                    }
                >
                    <option value="standard">{t!(i18n, form.standard_template)}</option>
                    <option value="cloudevents_structured">{t!(i18n, form.ce_structured)}</option>
                    <option value="cloudevents_binary">{t!(i18n, form.ce_binary)}</option>
                </select>
                // A plain page outside the app (rel="external": not a client-side route).
                <p class="hint">
                    <a href="/docs/receivers" rel="external" target="_blank" data-testid="receivers-doc">{t!(i18n, form.receivers_doc)}</a>
                </p>
                {(!stored.is_empty()).then(|| view! {
                    <label class="choice">
                        <input
                            type="checkbox"
                            prop:checked=draft.keep_headers
                            on:change=move |ev| draft.keep_headers.set(event_target_checked(&ev))
                        />
                        {t!(i18n, form.keep_headers, names = move || stored.join(", "))}
                    </label>
                })}
                <label for=id("headers")>{t!(i18n, form.headers)}</label>
                <textarea
                    id=id("headers")
                    class="code"
                    rows="2"
                    disabled=move || draft.keep_headers.get()
                    prop:value=draft.headers
                    on:input=move |ev| draft.headers.set(event_target_value(&ev))
                ></textarea>
                {secret_input(Signal::derive(move || t_string!(i18n, form.http_secret)))}
                <label for=id("rate")>{t!(i18n, form.rate)}</label>
                <input
                    id=id("rate")
                    type="number"
                    min="1"
                    max="1000"
                    prop:value=draft.rate
                    on:input=move |ev| draft.rate.set(event_target_value(&ev))
                />
                {field_error(error, field("max_per_second"))}
            }
            .into_any()
        }
        kind => contact_picker(kind),
    };

    view! {
        <fieldset class="target" data-testid="target" data-kind=move || draft.kind.get().as_str()>
            <legend>
                {move || t_string!(i18n, form.target_n, n = index.get() + 1, kind = kind_label(i18n, draft.kind.get())).to_string()}
            </legend>
            <label for=id("kind")>{t!(i18n, form.target_type)}</label>
            <select
                id=id("kind")
                prop:value=move || draft.kind.get().as_str()
                on:change=move |ev| {
                    if let Some(k) = TargetKind::parse(&event_target_value(&ev)) {
                        // Another kind is a new target: nothing saved carries over.
                        draft.url_hint.set_value(None);
                        draft.secret_hint.set_value(None);
                        draft.stored_headers.set_value(vec![]);
                        draft.keep_headers.set(false);
                        draft.kind.set(k);
                    }
                }
            >
                {TargetKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <option value=k.as_str() disabled=move || incompatible(k).is_some()>
                                {move || if incompatible(k).is_some() {
                                    t_string!(i18n, form.not_available, kind = kind_label(i18n, k)).to_string()
                                } else {
                                    kind_label(i18n, k).to_string()
                                }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            {move || incompatible(draft.kind.get()).map(|m| view! {
                <p class="field-error" role="alert" data-testid="incompatible">{m}</p>
            })}
            {move || {
                let name = field("kind")();
                field_message(error, &name)
                    .filter(|_| incompatible(draft.kind.get()).is_none())
                    .map(|m| view! { <p class="field-error" role="alert" data-field=name>{m}</p> })
            }}
            {fields}
            {other_errors}
            <p class="hint">{t!(i18n, form.uses_units, n = move || draft.units())}</p>
            <div class="buttons">
                <Show when=move || !draft.kind.get().uses_contacts()>
                    <button
                        type="button"
                        class="secondary"
                        disabled=move || test.pending().get()
                        on:click=move |_| {
                            test.dispatch(draft.input());
                        }
                    >
                        {move || if test.pending().get() { t_string!(i18n, form.testing) } else { t_string!(i18n, form.test) }}
                    </button>
                </Show>
                <button type="button" class="danger" on:click=remove>{t!(i18n, form.remove_target)}</button>
            </div>
            <TestResult result=Signal::derive(move || test.value().get())/>
        </fieldset>
    }
}

/// "Request quota increase" for a saved rule, or why it must be saved first.
#[component]
fn QuotaRequest(
    bus: String,
    rule: Option<String>,
    current: u32,
    pending: Option<QuotaRequestView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let requested = RwSignal::new((current + 5).min(quota::MAX_RULE_QUOTA).to_string());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let bus = StoredValue::new(bus);
    let rule_name = StoredValue::new(rule.clone());
    let send = Action::new(move |(value, why): &(u32, String)| {
        let (value, why) = (*value, why.clone());
        let bus = bus.get_value();
        let rule = rule_name.get_value().unwrap_or_default();
        async move { request_quota(bus, rule, value, why).await }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = send.value().get() {
            error.set(Some(e));
        }
    });
    let sent = move || send.value().get().and_then(Result::ok);
    let submit = move |_| {
        error.set(None);
        match requested.get_untracked().trim().parse::<u32>() {
            Ok(v) => {
                send.dispatch((v, reason.get_untracked()));
            }
            Err(_) => error.set(Some(AppError::invalid(
                "requested",
                "enter a whole number of units",
            ))),
        }
    };
    if rule.is_none() {
        return view! {
            <p class="hint">
                {t!(i18n, form.quota_new, n = move || current)}
            </p>
        }
        .into_any();
    }
    if let Some(p) = pending {
        return view! {
            <p class="notice" role="note" data-testid="quota-pending">
                {t!(i18n, form.quota_pending, n = move || p.requested)}
            </p>
        }
        .into_any();
    }
    view! {
        <div class="quota-request">
            <Show
                when=move || sent().is_some()
                fallback=move || view! {
                    <Show
                        when=move || open.get()
                        fallback=move || view! {
                            <button type="button" class="link" on:click=move |_| open.set(true)>
                                {t!(i18n, form.quota_request)}
                            </button>
                        }
                    >
                        <fieldset>
                            <legend>{t!(i18n, form.quota_request)}</legend>
                            <label for="quota-requested">{t!(i18n, form.quota_units_wanted)}</label>
                            <input
                                id="quota-requested"
                                type="number"
                                min=current + 1
                                max=quota::MAX_RULE_QUOTA
                                prop:value=requested
                                on:input=move |ev| requested.set(event_target_value(&ev))
                            />
                            {field_error(error, || "requested".into())}
                            <label for="quota-reason">{t!(i18n, form.reason)}</label>
                            <textarea
                                id="quota-reason"
                                rows="2"
                                prop:value=reason
                                on:input=move |ev| reason.set(event_target_value(&ev))
                            ></textarea>
                            {field_error(error, || "reason".into())}
                            {move || error.get().filter(|e| !e.has_field()).map(|e| view! {
                                <div class="form-error" role="alert">{error_text(i18n, &e)}</div>
                            })}
                            <button type="button" on:click=submit disabled=move || send.pending().get()>
                                {t!(i18n, form.send_request)}
                            </button>
                        </fieldset>
                    </Show>
                }
            >
                <p class="notice" role="status" data-testid="quota-requested">
                    {move || sent().map(|r| t_string!(i18n, form.request_sent, n = r.requested).to_string())}
                </p>
            </Show>
        </div>
    }
    .into_any()
}

/// After a save that generated signing secrets: show them once.
#[component]
fn SavedSecrets(saved: RwSignal<Option<SavedRule>>, bus: String) -> impl IntoView {
    let done = format!("/buses/{bus}");
    let i18n = use_i18n();
    view! {
        <section class="notice" role="status" data-testid="saved-secrets">
            <h2>{t!(i18n, form.rule_saved)}</h2>
            <p>
                {t!(i18n, form.secrets_generated)}
            </p>
            <ul>
                {move || {
                    saved
                        .get()
                        .map(|s| {
                            s.new_secrets
                                .into_iter()
                                .map(|n| view! {
                                    <li>{t_string!(i18n, form.target_secret, n = n.position + 1).to_string()} <code class="secret">{n.secret}</code></li>
                                })
                                .collect_view()
                        })
                }}
            </ul>
            <a class="button" href=done>{t!(i18n, form.done)}</a>
        </section>
    }
}

/// The language of the rule's messages: the account's unless one is picked.
#[component]
fn MessageLanguage(language: RwSignal<String>) -> impl IntoView {
    use crate::domain::lang::Lang;
    let i18n = use_i18n();
    view! {
        <label for="rule-language">{t!(i18n, form.message_language)}</label>
        <select
            id="rule-language"
            prop:value=language
            on:change=move |ev| language.set(event_target_value(&ev))
        >
            <option value="">{t!(i18n, form.account_language)}</option>
            {Lang::ALL
                .into_iter()
                .map(|l| view! { <option value=l.as_str()>{l.label()}</option> })
                .collect_view()}
        </select>
    }
}
