//! `/api`: the management API for scripts: where its OpenAPI document is, how to
//! authenticate, and a curl example on one of the user's own buses.

use crate::api::eventbridge::list_event_buses;
use crate::app::components::frame::Frame;
use leptos::prelude::*;
use leptos_meta::Title;

/// The "API" page.
#[component]
pub fn ApiPage() -> impl IntoView {
    let buses = Resource::new(|| (), |_| list_event_buses());
    // The address the browser uses is the one scripts on this network will use too.
    let origin = RwSignal::new("http://127.0.0.1:3000".to_string());
    Effect::new(move |_| {
        if let Ok(o) = window().location().origin() {
            origin.set(o);
        }
    });
    view! {
        <Title text="API"/>
        <Frame>
            <h1>"Management API"</h1>
            <p>
                "Scripts manage buses, rules, targets, contacts and events over HTTP with JSON. "
                "The OpenAPI 3 document: "
                <a href="/api/openapi.json" data-testid="openapi-link">"/api/openapi.json"</a>
                "."
            </p>
            <p class="hint">
                "Authenticate with " <code>"Authorization: Bearer <token>"</code>
                " using a key from " <a href="/access-keys">"Access keys"</a>
                ". A key acts as its user, with that user's policies; a refusal names the action and the resource. "
                "Errors are " <code>"{\"code\", \"message\", \"field\"}"</code> "."
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
                        <h2>"Example"</h2>
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
