//! `/api`: the management API for scripts: where its OpenAPI document is, how to
//! authenticate, and a curl example on one of the user's own buses.

use crate::api::eventbridge::list_event_buses;
use crate::app::components::frame::Frame;
use crate::app::i18n::{t, t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

/// The "API" page.
#[component]
pub fn ApiPage() -> impl IntoView {
    let buses = Resource::new(|| (), |_| list_event_buses());
    let i18n = use_i18n();
    // The address the browser uses is the one scripts on this network will use too.
    let origin = RwSignal::new("http://127.0.0.1:3000".to_string());
    Effect::new(move |_| {
        if let Ok(o) = window().location().origin() {
            origin.set(o);
        }
    });
    view! {
        <Title text=move || t_string!(i18n, nav.api)/>
        <Frame>
            <h1>{t!(i18n, apidoc.title)}</h1>
            <p>
                {t!(i18n, apidoc.intro_1)}
                {t!(i18n, apidoc.intro_2)}
                <a href="/api/openapi.json" data-testid="openapi-link">"/api/openapi.json"</a>
                {t!(i18n, apidoc.intro_3)}
            </p>
            <p class="hint">
                {t!(i18n, apidoc.auth_1)} <code>"Authorization: Bearer <token>"</code>
                {t!(i18n, apidoc.auth_2)} <a href="/access-keys">{t!(i18n, nav.access_keys)}</a>
                {t!(i18n, apidoc.auth_3)}
                {t!(i18n, apidoc.errors_1)} <code>"{\"code\", \"message\", \"field\"}"</code> {t!(i18n, apidoc.errors_2)}
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let bus = buses
                        .await
                        .ok()
                        .and_then(|b| b.into_iter().next())
                        .map(|b| b.name)
                        .unwrap_or_else(|| "pai-system-myworkspace".to_string());
                    let bus = StoredValue::new(bus);
                    view! {
                        <h2>{t!(i18n, apidoc.example)}</h2>
                        <pre class="code" data-testid="curl-example">{move || {
                            let base = origin.get();
                            let bus = bus.get_value();
                            format!(
"export HERALD_TOKEN=hk_…   # from Access keys

# The rules on {bus}
curl -s -H \"Authorization: Bearer $HERALD_TOKEN\" \\
  {base}/api/v1/buses/{bus}/rules

# A rule that sends failed DLC jobs to a signed HTTP endpoint
curl -s -X POST -H \"Authorization: Bearer $HERALD_TOKEN\" \\
    -H 'Content-Type: application/json' \\
  {base}/api/v1/buses/{bus}/rules -d '{{
    \"name\": \"dlc-failures\",
    \"source\": \"pai.dlc\",
    \"types\": [\"dlc:Job:Failed\"],
    \"targets\": [{{\"kind\": \"http\", \"url\": \"https://hooks.example.com/herald\"}}]
  }}'"
                            )
                        }}</pre>
                    }
                })}
            </Suspense>
        </Frame>
    }
}
