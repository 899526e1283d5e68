//! The rule form's "Message" part (step 1, below the pattern): the rule's own title and
//! body templates, a hint naming what they can use, and "Preview message", which the
//! server renders over the catalog sample of the first chosen type (the template engine is
//! server-only, so the browser bundle does not carry it). What the form saves and how the
//! server checks it are in `rule_form` and `service::rules`.

use crate::api::rules::preview_message;
use crate::app::i18n::{t, use_i18n};
use crate::app::locale::error_text;
use crate::domain::rule::{MessagePreview, RuleInput, BODY_TEMPLATE, TITLE_TEMPLATE};
use crate::domain::AppError;
use leptos::prelude::*;

/// What the preview needs from the rest of step 1.
#[derive(Clone, Copy)]
pub struct Step1 {
    pub name: RwSignal<String>,
    pub source: RwSignal<String>,
    pub types: RwSignal<Vec<String>>,
    pub language: RwSignal<String>,
}

/// The title and body templates, their errors from the last save, and the preview.
#[component]
pub fn MessageTemplates(
    bus: String,
    title_template: RwSignal<String>,
    body_template: RwSignal<String>,
    step1: Step1,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let bus = StoredValue::new(bus);
    let preview = Action::new(move |input: &RuleInput| {
        let input = input.clone();
        let bus = bus.get_value();
        async move { preview_message(bus, input).await }
    });
    let run = move |_| {
        preview.dispatch(RuleInput {
            name: step1.name.get_untracked(),
            source: step1.source.get_untracked(),
            types: step1.types.get_untracked(),
            language: step1.language.get_untracked(),
            title_template: title_template.get_untracked(),
            body_template: body_template.get_untracked(),
            ..RuleInput::default()
        });
    };
    let saved_error = move |field: &'static str| {
        move || {
            error
                .read()
                .as_ref()
                .and_then(|e| e.for_field(field))
                .map(|m| {
                    view! { <p class="field-error" role="alert" data-field=field>{m}</p> }
                })
        }
    };
    view! {
        <fieldset class="message-template" data-testid="message-template">
            <legend>{t!(i18n, form.message_title)}</legend>
            <label for="rule-title-template">{t!(i18n, form.title_template)}</label>
            <input
                id="rule-title-template"
                class="code"
                type="text"
                spellcheck="false"
                placeholder="{{ headline }}"
                prop:value=title_template
                on:input=move |ev| title_template.set(event_target_value(&ev))
            />
            {saved_error(TITLE_TEMPLATE)}
            <label for="rule-body-template">{t!(i18n, form.body_template)}</label>
            <textarea
                id="rule-body-template"
                class="code"
                rows="5"
                spellcheck="false"
                prop:value=body_template
                on:input=move |ev| body_template.set(event_target_value(&ev))
            ></textarea>
            {saved_error(BODY_TEMPLATE)}
            <p class="hint">
                {t!(i18n, form.template_hint)} " "
                <code>"{{ headline }} · {{ event.data.job.reason_message | default(\"-\") }}"</code>
            </p>
            <p>
                <button type="button" class="secondary" on:click=run data-testid="preview-message">
                    {t!(i18n, form.preview_message)}
                </button>
            </p>
            {move || preview.value().get().map(|result| match result {
                Ok(p) => view! { <Preview p/> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{error_text(i18n, &e)}</p> }.into_any(),
            })}
        </fieldset>
    }
}

/// The previewed message: the error first when a template cannot be used.
#[component]
fn Preview(p: MessagePreview) -> impl IntoView {
    let i18n = use_i18n();
    let MessagePreview {
        event_type,
        title,
        body,
        error,
    } = p;
    view! {
        <div class="preview" data-testid="message-preview">
            {error.map(|e| view! {
                <p class="field-error" role="alert" data-testid="message-preview-error">
                    {t!(i18n, form.preview_failed)} " " {e}
                </p>
            })}
            <p class="hint">{t!(i18n, form.preview_of, event_type = move || event_type.clone())}</p>
            <p><b data-testid="message-preview-title">{title}</b></p>
            <ul data-testid="message-preview-body">
                {body.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        </div>
    }
}
