//! `/quota-requests`: the account owner's page for quota increase requests: approve (the
//! rule's quota becomes the requested value) or reject.

use super::ErrorNotice;
use crate::api::rules::{list_quota_requests, DecideQuotaRequest};
use crate::app::components::form::{outcome_of, FormError};
use crate::app::components::frame::Frame;
use crate::domain::rule::{QuotaRequestView, RequestStatus};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "Quota requests" page.
#[component]
pub fn QuotaRequestsPage() -> impl IntoView {
    let decide = ServerAction::<DecideQuotaRequest>::new();
    let outcome = outcome_of(decide.value());
    let list = Resource::new(move || decide.version().get(), |_| list_quota_requests());
    let row = move |r: QuotaRequestView| {
        let pending = r.status == RequestStatus::Pending;
        let decided = match (&r.decided_by, &r.decided_at) {
            (Some(by), Some(at)) => format!("{} by {by} on {at}", r.status.as_str()),
            _ => r.status.as_str().to_string(),
        };
        let rule_link = format!("/buses/{}/rules/{}/edit", r.bus, r.rule);
        let id = r.id;
        view! {
            <tr data-request=id>
                <td><a href=rule_link>{r.rule.clone()}</a><div class="hint"><code>{r.bus.clone()}</code></div></td>
                <td>{format!("{} → {} units", r.current, r.requested)}</td>
                <td class="reason">{r.reason.clone()}</td>
                <td>{r.requested_by.clone()}<div class="hint">{r.created_at.clone()}</div></td>
                <td data-testid="request-status">{decided}</td>
                <td class="actions">
                    <Show when=move || pending>
                        <ActionForm action=decide attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="approve" value="true"/>
                            <button type="submit">"Approve"</button>
                        </ActionForm>
                        <ActionForm action=decide attr:class="inline">
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="approve" value="false"/>
                            <button type="submit" class="danger">"Reject"</button>
                        </ActionForm>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <Title text="Quota requests"/>
        <Frame>
            <h1>"Quota requests"</h1>
            <p class="hint">
                "A rule may use 5 target units unless you approve more (up to 100). "
                "Each chat or HTTP target takes 1 unit; voice, SMS and email targets take 1 unit per contact."
            </p>
            <FormError outcome/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(items) if items.is_empty() => {
                            view! { <p class="empty">"No quota requests."</p> }.into_any()
                        }
                        Ok(items) => view! {
                            <table class="list" aria-label="Quota requests">
                                <thead>
                                    <tr>
                                        <th scope="col">"Rule"</th>
                                        <th scope="col">"Quota"</th>
                                        <th scope="col">"Reason"</th>
                                        <th scope="col">"Requested by"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Actions"</th>
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
