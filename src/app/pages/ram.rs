//! The owner's RAM pages: `/ram/users` (create, disable, delete, reset passwords, attach
//! and detach policies) and `/ram/policies` (write policy JSON from a template, checked as
//! you type with the server's own parser, which points at the line and column).

use super::ErrorNotice;
use crate::api::auth::who_am_i;
use crate::api::ram::{
    list_policies, list_users, save_policy, CreateUser, DeletePolicy, DeleteUser, ResetPassword,
    SetPolicyAttached, SetUserDisabled,
};
use crate::app::components::form::{outcome_of, FieldError, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n, Locale};
use crate::app::locale::time_view;
use crate::domain::models::{PolicyView, RamUserView};
use crate::domain::ram::{self, TEMPLATES};
use crate::domain::validate::PASSWORD_MIN_CHARS;
use crate::domain::AppError;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;

/// The "Users" page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let disable = ServerAction::<SetUserDisabled>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let attach = ServerAction::<SetPolicyAttached>::new();
    let create_outcome = outcome_of(create.value());
    let reset_outcome = outcome_of(reset.value());
    let other_errors = Signal::derive(move || {
        [
            disable.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
            attach.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    let data = Resource::new(
        move || {
            (
                create.version().get(),
                disable.version().get(),
                delete.version().get(),
                reset.version().get(),
                attach.version().get(),
            )
        },
        |_| async move {
            let users = list_users().await?;
            let policies = list_policies().await?;
            Ok::<_, AppError>((users, policies))
        },
    );
    let confirming = RwSignal::new(None::<i64>);
    let resetting = RwSignal::new(None::<i64>);
    let i18n = use_i18n();
    // A created user's initial password does not stay in the form.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    let row = move |u: RamUserView, policies: Vec<PolicyView>| {
        let id = u.id;
        let disabled = u.disabled;
        let login = StoredValue::new(u.login.clone());
        let attachable: Vec<PolicyView> = policies
            .iter()
            .filter(|p| !u.policies.contains(&p.name))
            .cloned()
            .collect();
        let has_attachable = !attachable.is_empty();
        let attachable = StoredValue::new(attachable);
        let attached: Vec<(i64, String)> = u
            .policies
            .iter()
            .filter_map(|name| {
                policies
                    .iter()
                    .find(|p| &p.name == name)
                    .map(|p| (p.id, p.name.clone()))
            })
            .collect();
        let must_change = u.must_change_password;
        let status = move || match (disabled, must_change) {
            (true, _) => t_string!(i18n, ram.status_disabled),
            (false, true) => t_string!(i18n, ram.status_must_change),
            (false, false) => t_string!(i18n, ram.status_active),
        };
        view! {
            <tr data-user=u.login_name.clone()>
                <td><code>{u.login.clone()}</code></td>
                <td>{u.display_name.clone()}</td>
                <td data-testid="user-status">{status}</td>
                <td>
                    <ul class="chips">
                        {attached
                            .into_iter()
                            .map(|(policy_id, name)| {
                                let label = name.clone();
                                view! {
                                <li>
                                    {name.clone()}
                                    <ActionForm action=attach attr:class="inline">
                                        <input type="hidden" name="user_id" value=id/>
                                        <input type="hidden" name="policy_id" value=policy_id/>
                                        <input type="hidden" name="attach" value="false"/>
                                        <button type="submit" class="link" aria-label=move || t_string!(i18n, ram.detach, name = label.clone()).to_string()>"×"</button>
                                    </ActionForm>
                                </li>
                            }})
                            .collect_view()}
                    </ul>
                    <Show when=move || has_attachable>
                        <ActionForm action=attach attr:class="inline">
                            <input type="hidden" name="user_id" value=id/>
                            <input type="hidden" name="attach" value="true"/>
                            <label class="sr-only" for=format!("attach-{id}")>{t!(i18n, ram.policy_to_attach)}</label>
                            <select id=format!("attach-{id}") name="policy_id">
                                {attachable
                                    .get_value()
                                    .into_iter()
                                    .map(|p| view! { <option value=p.id>{p.name}</option> })
                                    .collect_view()}
                            </select>
                            <button type="submit">{t!(i18n, ram.attach)}</button>
                        </ActionForm>
                    </Show>
                </td>
                <td class="actions">
                    <ActionForm action=disable attr:class="inline">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="disabled" value=(!disabled).to_string()/>
                        <button type="submit">
                            {move || if disabled { t_string!(i18n, rules.enable) } else { t_string!(i18n, rules.disable) }}
                        </button>
                    </ActionForm>
                    <Show
                        when=move || resetting.get() == Some(id)
                        fallback=move || view! {
                            <button type="button" on:click=move |_| resetting.set(Some(id))>{t!(i18n, ram.reset_password)}</button>
                        }
                    >
                        <ActionForm action=reset attr:class="inline" attr:aria-label=move || t_string!(i18n, ram.reset_password)>
                            <input type="hidden" name="id" value=id/>
                            <label for=format!("reset-{id}")>{t!(i18n, ram.new_initial_password)}</label>
                            <input id=format!("reset-{id}") name="password" type="password" autocomplete="new-password" minlength=PASSWORD_MIN_CHARS/>
                            <button type="submit">{t!(i18n, ram.set)}</button>
                        </ActionForm>
                    </Show>
                    <Show
                        when=move || confirming.get() == Some(id)
                        fallback=move || view! {
                            <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>{t!(i18n, common.delete)}</button>
                        }
                    >
                        <span role="alert">{t!(i18n, ram.delete_user, name = move || login.get_value())}</span>
                        <ActionForm action=delete attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <button type="submit" class="danger">{t!(i18n, common.yes_delete)}</button>
                        </ActionForm>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <Title text=move || t_string!(i18n, nav.users)/>
        <Frame>
            <h1>{t!(i18n, nav.users)}</h1>
            <p class="hint">
                {t!(i18n, ram.users_hint_1)}
                <code>"name@account"</code>
                {t!(i18n, ram.users_hint_2)}
            </p>
            <section class="card">
                <h2>{t!(i18n, ram.create_user)}</h2>
                <ActionForm action=create node_ref=form attr:aria-label=move || t_string!(i18n, ram.create_user)>
                    <FormError outcome=create_outcome/>
                    <label for="login_name">{t!(i18n, ram.login_name)}</label>
                    <input id="login_name" name="login_name" type="text" required placeholder="alice"/>
                    <FieldError outcome=create_outcome field="login_name"/>
                    <label for="display_name">{t!(i18n, auth.display_name)}</label>
                    <input id="display_name" name="display_name" type="text" placeholder="Alice"/>
                    <FieldError outcome=create_outcome field="display_name"/>
                    <label for="password">{t!(i18n, ram.initial_password)}</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" required minlength=PASSWORD_MIN_CHARS/>
                    <FieldError outcome=create_outcome field="password"/>
                    <button type="submit" disabled=move || create.pending().get()>{t!(i18n, ram.create_user)}</button>
                </ActionForm>
                {move || {
                    create.value().get().and_then(Result::ok).map(|u| view! {
                        <p class="notice" role="status">
                            {t!(i18n, ram.created, name = move || u.login_name.clone(), login = move || u.login.clone())}
                        </p>
                    })
                }}
            </section>
            <FormError outcome=other_errors/>
            <FormError outcome=reset_outcome/>
            <FieldError outcome=reset_outcome field="password"/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok((users, _)) if users.is_empty() => {
                            view! { <p class="empty">{t!(i18n, ram.no_users)}</p> }.into_any()
                        }
                        Ok((users, policies)) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, nav.users)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, ram.login)}</th>
                                        <th scope="col">{t!(i18n, auth.display_name)}</th>
                                        <th scope="col">{t!(i18n, common.status)}</th>
                                        <th scope="col">{t!(i18n, nav.policies)}</th>
                                        <th scope="col">{t!(i18n, common.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {users.into_iter().map(|u| row(u, policies.clone())).collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// What the policy editor holds.
#[derive(Clone, Default)]
struct Draft {
    id: Option<i64>,
    name: String,
    description: String,
    document: String,
}

/// The "Policies" page.
#[component]
pub fn PoliciesPage() -> impl IntoView {
    let delete = ServerAction::<DeletePolicy>::new();
    let delete_outcome = outcome_of(delete.value());
    let draft = RwSignal::new(Draft::default());
    let editing = RwSignal::new(false);
    let save = Action::new(move |d: &Draft| {
        let d = d.clone();
        async move { save_policy(d.id, d.name, d.description, d.document).await }
    });
    let save_outcome = outcome_of(save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(false);
        }
    });
    let list = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_policies(),
    );
    let me = Resource::new(|| (), |_| who_am_i());
    let account = Signal::derive(move || {
        me.get()
            .and_then(|r| r.ok())
            .flatten()
            .map(|u| u.account_id)
            .unwrap_or(0)
    });
    // The same parser the server uses, run as the owner types.
    let check = move || {
        let text = draft.with(|d| d.document.clone());
        if text.trim().is_empty() {
            return None;
        }
        Some(ram::parse(&text, account.get()).map(|_| ()))
    };
    let start = move |d: Draft| {
        draft.set(d);
        editing.set(true);
    };
    let confirming = RwSignal::new(None::<i64>);
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, nav.policies)/>
        <Frame>
            <h1>{t!(i18n, nav.policies)}</h1>
            <p class="hint">
                {t!(i18n, ram.policies_hint_1)} <code>"Effect"</code> {t!(i18n, ram.policies_hint_2)}
                <code>"Action"</code> {t!(i18n, ram.policies_hint_or)} <code>"NotAction"</code>
                {t!(i18n, ram.policies_hint_3)} <code>"eventbridge:"</code> {t!(i18n, ram.policies_hint_4)}
                <code>"Resource"</code> {t!(i18n, ram.policies_hint_or)} <code>"NotResource"</code>
                {t!(i18n, ram.policies_hint_5)} <code>"acs:eventbridge:*:*:eventbus/{bus}[/rule/{rule}]"</code>
                {t!(i18n, ram.policies_hint_6)} <code>"Condition"</code> {t!(i18n, ram.policies_hint_7)}
                {ram::CONDITION_KEYS
                    .into_iter()
                    .map(|(k, what)| view! { <code title=move || condition_key_hint(i18n, k, what)>{k}</code>" " })
                    .collect_view()}
                {t!(i18n, ram.policies_hint_8)} <code>"*"</code> {t!(i18n, ram.policies_hint_9)} <code>"?"</code>
                {t!(i18n, ram.policies_hint_10)}
            </p>
            <section class="card">
                <h2>{t!(i18n, ram.create_policy)}</h2>
                <p>{t!(i18n, ram.start_from)}</p>
                <div class="buttons">
                    {TEMPLATES
                        .iter()
                        .map(|t| {
                            let name = t.name;
                            let description = t.description;
                            let document = t.document;
                            view! {
                                <button type="button" title=move || template_hint(i18n, name, description) on:click=move |_| start(Draft {
                                    id: None,
                                    name: name.to_string(),
                                    description: description.to_string(),
                                    document: document(),
                                })>{t!(i18n, ram.template, name = move || name)}</button>
                            }
                        })
                        .collect_view()}
                    <button type="button" on:click=move |_| start(Draft {
                        document: "{\n  \"Version\": \"1\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [],\n      \"Resource\": \"acs:eventbridge:*:*:eventbus/*\"\n    }\n  ]\n}".into(),
                        ..Draft::default()
                    })>{t!(i18n, ram.blank_policy)}</button>
                </div>
            </section>
            <Show when=move || editing.get()>
                <form class="card" aria-label=move || t_string!(i18n, ram.policy) on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(draft.get());
                }>
                    <h2>
                        {move || if draft.with(|d| d.id.is_some()) {
                            t_string!(i18n, ram.edit_policy)
                        } else {
                            t_string!(i18n, ram.new_policy)
                        }}
                    </h2>
                    <FormError outcome=save_outcome/>
                    <label for="policy-name">{t!(i18n, common.name)}</label>
                    <input id="policy-name" type="text" required
                        prop:value=move || draft.with(|d| d.name.clone())
                        disabled=move || draft.with(|d| d.id.is_some())
                        on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev))/>
                    <FieldError outcome=save_outcome field="name"/>
                    <label for="policy-description">{t!(i18n, common.description)}</label>
                    <input id="policy-description" type="text"
                        prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))/>
                    <FieldError outcome=save_outcome field="description"/>
                    <label for="policy-document">{t!(i18n, ram.document)}</label>
                    <textarea id="policy-document" rows="18" class="code" spellcheck="false"
                        prop:value=move || draft.with(|d| d.document.clone())
                        on:input=move |ev| draft.update(|d| d.document = event_target_value(&ev))></textarea>
                    {move || match check() {
                        None => ().into_any(),
                        Some(Ok(())) => view! { <p class="ok" data-testid="policy-check">{t!(i18n, ram.valid)}</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="field-error" data-testid="policy-check">{format!("✘ {e}")}</p> }.into_any(),
                    }}
                    <FieldError outcome=save_outcome field="document"/>
                    <button type="submit" disabled=move || save.pending().get()>{t!(i18n, ram.save_policy)}</button>
                    <button type="button" class="link" on:click=move |_| editing.set(false)>{t!(i18n, common.cancel)}</button>
                </form>
            </Show>
            <FormError outcome=delete_outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">{t!(i18n, ram.no_policies)}</p> }.into_any()
                        }
                        Ok(items) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, nav.policies)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, common.name)}</th>
                                        <th scope="col">{t!(i18n, common.description)}</th>
                                        <th scope="col">{t!(i18n, nav.users)}</th>
                                        <th scope="col">{t!(i18n, ram.updated)}</th>
                                        <th scope="col">{t!(i18n, common.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {items
                                        .into_iter()
                                        .map(|p| {
                                            let id = p.id;
                                            let stored = StoredValue::new(p.clone());
                                            view! {
                                                <tr data-policy=p.name.clone()>
                                                    <td>{p.name.clone()}</td>
                                                    <td>{p.description.clone()}</td>
                                                    <td>{p.attached}</td>
                                                    <td>{time_view(p.updated_at.clone())}</td>
                                                    <td class="actions">
                                                        <button type="button" on:click=move |_| {
                                                            let p = stored.get_value();
                                                            start(Draft { id: Some(p.id), name: p.name, description: p.description, document: p.document });
                                                        }>{t!(i18n, common.edit)}</button>
                                                        <Show
                                                            when=move || confirming.get() == Some(id)
                                                            fallback=move || view! {
                                                                <button type="button" class="danger" on:click=move |_| confirming.set(Some(id))>{t!(i18n, common.delete)}</button>
                                                            }
                                                        >
                                                            <span role="alert">
                                                                {t!(i18n, ram.delete_policy, name = move || stored.get_value().name, n = move || stored.get_value().attached)}
                                                            </span>
                                                            <ActionForm action=delete attr:class="inline">
                                                                <input type="hidden" name="id" value=id/>
                                                                <button type="submit" class="danger">{t!(i18n, common.yes_delete)}</button>
                                                            </ActionForm>
                                                        </Show>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}

/// What a condition key holds, in the UI's language; the domain's English for a key
/// without a translation.
fn condition_key_hint(i18n: I18nContext<Locale>, key: &str, english: &'static str) -> &'static str {
    match key {
        "herald:Via" => t_string!(i18n, ram.cond_via),
        "herald:UserName" => t_string!(i18n, ram.cond_user_name),
        _ => english,
    }
}

/// A policy template's description, in the UI's language; the domain's English for a
/// template without a translation. (The description a new policy starts with stays the
/// template's own: it is saved with the policy.)
fn template_hint(i18n: I18nContext<Locale>, name: &str, english: &'static str) -> &'static str {
    match name {
        "AliyunEventBridgeFullAccess" => t_string!(i18n, ram.template_full),
        "EventBridgeReadOnly" => t_string!(i18n, ram.template_read_only),
        _ => english,
    }
}
