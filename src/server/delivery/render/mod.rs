//! What a delivery says: the HTTP payload in each format (the standard template,
//! CloudEvents structured, CloudEvents binary) and the test event "Test connection" renders
//! in those formats, here; the messages people read (chat, email, SMS, voice, template
//! variables) in `message`; a rule's own title and body templates in `template`.

pub mod message;
pub mod template;

pub use message::{
    digest, digest_fit, inert_markdown, inert_text, is_test_event, message, test_message, Budget,
    Context, DigestOf, Form, DIGEST_MAX_BYTES, TEST_ATTRIBUTE,
};
pub use template::Templates;

use crate::domain::lang::Lang;
use crate::domain::target::PayloadFormat;
use serde_json::{json, Value};

/// Unix seconds of an RFC 3339 time (0 if unreadable).
pub fn unix_seconds(time: &str) -> i64 {
    time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .unwrap_or(0)
}

/// The standard template: the event's `data` plus `event_type` and `timestamp`, exactly as
/// DataRobot's webhooks deliver it.
///
/// Data that is not a JSON object (text, bytes, an array…) has no fields to spread: it goes
/// as `data` (or `data_base64`), as received.
pub fn standard(envelope: &Value) -> Value {
    let mut body = match &envelope["data"] {
        Value::Object(o) => o.clone(),
        _ => {
            let mut body = serde_json::Map::new();
            for name in ["data", "data_base64"] {
                if let Some(v) = envelope.get(name).filter(|v| !v.is_null()) {
                    body.insert(name.into(), v.clone());
                }
            }
            body
        }
    };
    body.insert("event_type".into(), envelope["type"].clone());
    body.insert(
        "timestamp".into(),
        json!(unix_seconds(envelope["time"].as_str().unwrap_or_default())),
    );
    Value::Object(body)
}

/// The type of the event "Test connection" sends to HTTP targets.
pub const TEST_EVENT_TYPE: &str = "herald.test";

/// The clearly marked event "Test connection" sends to an HTTP target, which renders it in
/// its payload format like any event (so the test proves the receiver takes that format):
/// a CloudEvent of type [`TEST_EVENT_TYPE`] from source `herald`, whose data says
/// `"test": true` and carries the test message's text in `lang`. `id` is the test's webhook-id.
pub fn test_event(workspace: &str, id: &str, time: &str, lang: Lang) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": "herald",
        "type": TEST_EVENT_TYPE,
        "time": time,
        "data": {
            "test": true,
            "message": test_message(workspace, lang).lines.join(" "),
            "workspace": workspace,
            "event": { "entity_id": "test" },
        },
    })
}

/// An HTTP request body: its bytes' source and the `ce-*` headers of binary mode.
pub struct HttpPayload {
    pub body: Value,
    /// Binary mode's body when the data is not JSON: the bytes as received and their
    /// content type (`datacontenttype`); `body` is then unused.
    pub raw: Option<(Vec<u8>, String)>,
    /// `None`: the target's content type decides (JSON or form).
    pub content_type: Option<&'static str>,
    pub headers: Vec<(String, String)>,
}

/// The payload for an HTTP target in `format`.
pub fn http_payload(envelope: &Value, format: PayloadFormat) -> HttpPayload {
    match format {
        PayloadFormat::Standard => HttpPayload {
            body: standard(envelope),
            raw: None,
            content_type: None,
            headers: vec![],
        },
        PayloadFormat::CloudeventsStructured => HttpPayload {
            body: envelope.clone(),
            raw: None,
            content_type: Some("application/cloudevents+json"),
            headers: vec![],
        },
        PayloadFormat::CloudeventsBinary => {
            let mut headers = Vec::new();
            if let Value::Object(attrs) = envelope {
                for (name, value) in attrs {
                    if matches!(name.as_str(), "data" | "data_base64" | "datacontenttype") {
                        continue;
                    }
                    let text = match value {
                        Value::String(s) => s.clone(),
                        Value::Null => continue,
                        other => other.to_string(),
                    };
                    headers.push((format!("ce-{name}"), percent_encode_header(&text)));
                }
            }
            let data_type = envelope["datacontenttype"].as_str().unwrap_or_default();
            let raw = match (&envelope["data"], &envelope["data_base64"]) {
                (_, Value::String(b64)) => {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .unwrap_or_default();
                    Some((bytes, data_type.to_string()))
                }
                (Value::String(text), _) if !crate::server::ingest::is_json_type(data_type) => {
                    Some((text.clone().into_bytes(), data_type.to_string()))
                }
                // JSON under a media type of its own (`application/vnd.acme+json`): the
                // binding says Content-Type is the datacontenttype.
                (data, _) if !data_type.is_empty() => Some((
                    serde_json::to_vec(data).unwrap_or_default(),
                    data_type.to_string(),
                )),
                _ => None,
            };
            let raw = raw.map(|(bytes, ct)| {
                let ct = if ct.is_empty() {
                    "application/octet-stream".to_string()
                } else {
                    ct
                };
                (bytes, ct)
            });
            HttpPayload {
                body: envelope["data"].clone(),
                raw,
                content_type: Some("application/json"),
                headers,
            }
        }
    }
}

/// CloudEvents' HTTP binding: percent-encode outside printable ASCII, and space, `"`, `%`.
pub fn percent_encode_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if (0x21..=0x7e).contains(&b) && b != b'"' && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Value {
        let data = crate::domain::catalog::event_type("pai.dlc", "dlc:Job:Failed")
            .unwrap()
            .sample_data();
        json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc", "type": "dlc:Job:Failed",
               "time": "2025-11-07T03:19:30Z", "subject": "job one", "data": data})
    }

    #[test]
    fn the_standard_template_is_data_plus_type_and_unix_time() {
        let body = standard(&envelope());
        assert_eq!(body["event_type"], "dlc:Job:Failed");
        assert_eq!(body["timestamp"], 1762485570);
        assert_eq!(body["job"]["name"], "nightly-train-resnet50");
        assert!(body.get("specversion").is_none());
    }

    #[test]
    fn the_test_event_is_marked_in_every_format() {
        let e = test_event("vision", "msg_test_1", "2026-11-29T06:00:00Z", Lang::En);
        let standard = http_payload(&e, PayloadFormat::Standard).body;
        assert_eq!(standard["event_type"], TEST_EVENT_TYPE);
        assert_eq!(standard["test"], true);
        assert_eq!(standard["timestamp"], 1_795_932_000);
        assert!(standard["message"].as_str().unwrap().contains("vision"));
        let structured = http_payload(&e, PayloadFormat::CloudeventsStructured).body;
        assert_eq!(structured["type"], TEST_EVENT_TYPE);
        assert_eq!(structured["data"]["test"], true);
        let binary = http_payload(&e, PayloadFormat::CloudeventsBinary);
        assert_eq!(binary.body["test"], true);
        assert!(binary
            .headers
            .contains(&("ce-type".into(), TEST_EVENT_TYPE.into())));
        assert!(binary
            .headers
            .contains(&("ce-id".into(), "msg_test_1".into())));
    }

    #[test]
    fn binary_mode_moves_attributes_to_encoded_headers() {
        let p = http_payload(&envelope(), PayloadFormat::CloudeventsBinary);
        assert_eq!(p.body["job"]["status"], "Failed");
        assert!(p
            .headers
            .contains(&("ce-subject".into(), "job%20one".into())));
        assert!(p
            .headers
            .contains(&("ce-type".into(), "dlc:Job:Failed".into())));
        assert!(!p.headers.iter().any(|(n, _)| n == "ce-data"));
        // JSON data goes out as application/json, or under the datacontenttype it came with.
        assert!(p.raw.is_none() && p.content_type == Some("application/json"));
        let mut vendor = envelope();
        vendor["datacontenttype"] = json!("application/vnd.acme+json; charset=utf-8");
        let v = http_payload(&vendor, PayloadFormat::CloudeventsBinary);
        let (bytes, content_type) = v.raw.expect("the data under its own media type");
        assert_eq!(content_type, "application/vnd.acme+json; charset=utf-8");
        assert_eq!(
            serde_json::from_slice::<Value>(&bytes).unwrap(),
            vendor["data"]
        );
        assert!(!v.headers.iter().any(|(n, _)| n == "ce-datacontenttype"));
        let s = http_payload(&envelope(), PayloadFormat::CloudeventsStructured);
        assert_eq!(s.body["id"], "e-1");
        assert_eq!(s.content_type, Some("application/cloudevents+json"));
    }
}
