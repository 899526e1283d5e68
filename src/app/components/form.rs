//! Showing a server function's error next to the field it concerns, or above the form.

use crate::app::i18n::use_i18n;
use crate::app::locale::error_text;
use crate::domain::AppError;
use leptos::prelude::*;

/// The error of the last submission, if any.
pub type Outcome = Signal<Option<AppError>>;

/// Derive the error signal from an action's value.
pub fn outcome_of<T, V>(value: V) -> Outcome
where
    T: Clone + Send + Sync + 'static,
    V: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The message for `field`, shown under its input; announced to screen readers.
#[component]
pub fn FieldError(outcome: Outcome, field: &'static str) -> impl IntoView {
    let message = move || outcome.get().and_then(|e| e.for_field(field));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" id=format!("{field}-error") data-field=field>
                {message}
            </p>
        </Show>
    }
}

/// An error that concerns no single field, shown above the form.
#[component]
pub fn FormError(outcome: Outcome) -> impl IntoView {
    let i18n = use_i18n();
    let message = move || {
        outcome
            .get()
            .filter(|e| !e.has_field())
            .map(|e| error_text(i18n, &e))
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="form-error" role="alert">
                {message}
            </div>
        </Show>
    }
}
