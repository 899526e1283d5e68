//! `/quota-requests`: the account owner's page for quota increase requests: approve (the
//! rule's quota becomes the requested value) or reject.

use super::ErrorNotice;
use crate::api::rules::{list_quota_requests, DecideQuotaRequest};
use crate::app::components::form::{outcome_of, FormError};
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use crate::app::locale::time_view;
use crate::domain::rule::{QuotaRequestView, RequestStatus};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Quota requests" page.
#[component]
pub fn QuotaRequestsPage() -> impl IntoView {
    let decide = ServerAction::<DecideQuotaRequest>::new();
    let outcome = outcome_of(decide.value());
    let list = Resource::new(move || decide.version().get(), |_| list_quota_requests());
    let i18n = use_i18n();
    let row = move |r: QuotaRequestView| {
        let pending = r.status == RequestStatus::Pending;
        let status = match r.status {
            RequestStatus::Pending => t_string!(i18n, quota.pending),
            RequestStatus::Approved => t_string!(i18n, quota.approved),
            RequestStatus::Rejected => t_string!(i18n, quota.rejected),
        };
        let decided = match (r.decided_by.clone(), r.decided_at.clone()) {
            (Some(by), Some(at)) => t!(
                i18n,
                quota.decided,
                status = move || status,
                by = move || by.clone(),
                at = time_view(at)
            )
            .into_any(),
            _ => status.into_any(),
        };
        let (current, requested) = (r.current, r.requested);
        let rule_link = format!("/buses/{}/rules/{}/edit", r.bus, r.rule);
        let id = r.id;
        view! {
            <tr data-request=id>
                <td><a href=rule_link>{r.rule.clone()}</a><div class="hint"><code>{r.bus.clone()}</code></div></td>
                <td>{t!(i18n, quota.units, current = move || current, requested = move || requested)}</td>
                <td class="reason">{r.reason.clone()}</td>
                <td>{r.requested_by.clone()}<div class="hint">{time_view(r.created_at.clone())}</div></td>
                <td data-testid="request-status">{decided}</td>
                <td class="actions">
                    <Show when=move || pending>
                        <ActionForm action=decide attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="approve" value="true"/>
                            <button type="submit">{t!(i18n, quota.approve)}</button>
                        </ActionForm>
                        <ActionForm action=decide attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="approve" value="false"/>
                            <button type="submit" class="danger">{t!(i18n, quota.reject)}</button>
                        </ActionForm>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <Title text=move || t_string!(i18n, nav.quota)/>
        <Frame>
            <h1>{t!(i18n, nav.quota)}</h1>
            <p class="hint">{t!(i18n, quota.hint)}</p>
            <FormError outcome/>
            <Transition fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">{t!(i18n, quota.empty)}</p> }.into_any()
                        }
                        Ok(items) => view! {
                            <table class="list" aria-label=move || t_string!(i18n, nav.quota)>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, quota.rule)}</th>
                                        <th scope="col">{t!(i18n, quota.quota)}</th>
                                        <th scope="col">{t!(i18n, quota.reason)}</th>
                                        <th scope="col">{t!(i18n, quota.requested_by)}</th>
                                        <th scope="col">{t!(i18n, common.status)}</th>
                                        <th scope="col">{t!(i18n, common.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Frame>
    }
}
