//! CloudEvents 1.0 in: structured (`application/cloudevents+json`), batch
//! (`application/cloudevents-batch+json`) and binary (`ce-*` headers, body = data) modes,
//! each event checked against the catalog, DataRobot's required fields included. A bad
//! entry gets an error that names its field; the good ones in the same batch still count.

use crate::domain::catalog;
use serde::Serialize;
use serde_json::{Map, Value};

/// The source and type DataRobot's "Test connection" webhook is recorded under: a source of
/// its own, outside the catalog, so that no rule can name it (not even one on all types of
/// `datarobot.misc`) and it is delivered to nobody.
pub const CONNECTION_TEST_SOURCE: &str = "datarobot.connection_test";
pub const CONNECTION_TEST_TYPE: &str = "misc.webhook_connection_test";

/// Is this DataRobot's connection test?
pub fn is_connection_test(source: &str, event_type: &str) -> bool {
    source == CONNECTION_TEST_SOURCE && event_type == CONNECTION_TEST_TYPE
}

/// Largest event accepted, in bytes of JSON.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;
/// Most events in one batch.
pub const MAX_BATCH: usize = 100;
/// Longest `id`, `subject`.
const MAX_ID: usize = 256;
/// The longest attribute name taken (CloudEvents recommends at most 20 characters).
const MAX_ATTRIBUTE_NAME: usize = 64;

/// A valid event, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub id: String,
    pub source: String,
    pub event_type: String,
    pub subject: Option<String>,
    /// RFC 3339.
    pub time: String,
    pub data: Value,
    /// The whole CloudEvent (attributes, extensions and data) as JSON text, as stored and
    /// delivered; serialised once, here, where its size is checked.
    pub envelope: String,
}

/// Why one entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryError {
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> EntryError {
    EntryError {
        code: "InvalidArgument",
        field: field.to_string(),
        message: message.into(),
    }
}

/// Check one CloudEvent in structured form (a JSON object).
pub fn check(value: Value, now_rfc3339: &str) -> Result<Incoming, EntryError> {
    let Value::Object(mut obj) = value else {
        return Err(bad("", "an event must be a JSON object"));
    };
    let text = |obj: &Map<String, Value>, name: &str| -> Result<Option<String>, EntryError> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(name, "must be a string")),
        }
    };
    match text(&obj, "specversion")?.as_deref() {
        Some("1.0") => {}
        Some(other) => {
            return Err(bad(
                "specversion",
                format!("{other:?} is not supported; use \"1.0\""),
            ))
        }
        None => return Err(bad("specversion", "is required (\"1.0\")")),
    }
    // CloudEvents 1.0: attribute names are lower-case ASCII letters and digits (they become
    // `ce-` headers in binary mode), and extension values are strings, integers or booleans.
    for (name, value) in &obj {
        if matches!(name.as_str(), "data" | "data_base64") {
            continue;
        }
        if name.is_empty()
            || name.len() > MAX_ATTRIBUTE_NAME
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            // An empty name is named as written in JSON, so the refusal still names it.
            let field = if name.is_empty() { "\"\"" } else { name };
            return Err(bad(
                field,
                format!("{name:?} is not a CloudEvents attribute name: use 1 to {MAX_ATTRIBUTE_NAME} lower-case letters a-z and digits 0-9"),
            ));
        }
        if !matches!(value, Value::String(_) | Value::Bool(_) | Value::Null) && !value.is_i64() {
            return Err(bad(
                name,
                "must be a string, an integer or a boolean (CloudEvents attribute types)",
            ));
        }
    }
    let id = text(&obj, "id")?.unwrap_or_default();
    if id.trim().is_empty() {
        return Err(bad("id", "is required"));
    }
    if id.len() > MAX_ID {
        return Err(bad("id", format!("may be at most {MAX_ID} bytes")));
    }
    let source_id = text(&obj, "source")?.unwrap_or_default();
    let event_type = text(&obj, "type")?.unwrap_or_default();
    // DataRobot's connection test: recorded on the bus, under a source no rule can name (see
    // [`CONNECTION_TEST_SOURCE`]).
    let entry = if is_connection_test(&source_id, &event_type) {
        None
    } else {
        let Some(source) = catalog::source(&source_id) else {
            let known: Vec<&str> = catalog::sources().iter().map(|s| s.id).collect();
            return Err(bad(
                "source",
                if source_id.is_empty() {
                    format!("is required; one of {}", known.join(", "))
                } else {
                    format!(
                        "{source_id:?} is not a known source; one of {}",
                        known.join(", ")
                    )
                },
            ));
        };
        let Some(entry) = catalog::event_type(source.id, &event_type) else {
            return Err(bad(
                "type",
                if event_type.is_empty() {
                    "is required".to_string()
                } else {
                    format!("{event_type:?} is not an event type of {}", source.id)
                },
            ));
        };
        Some(entry)
    };
    let content_type = text(&obj, "datacontenttype")?;
    if let Some(ct) = &content_type {
        if ct.len() > MAX_ID || !ct.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(bad(
                "datacontenttype",
                format!("{ct:?} is not a media type: use 1 to {MAX_ID} printable ASCII characters"),
            ));
        }
        if !is_media_type(ct) {
            return Err(bad(
                "datacontenttype",
                format!("{ct:?} is not a media type: write type/subtype, as in application/json"),
            ));
        }
    }
    let json_data = content_type.as_deref().is_none_or(is_json_type);
    let subject = text(&obj, "subject")?;
    if subject.as_ref().is_some_and(|s| s.len() > MAX_ID) {
        return Err(bad("subject", format!("may be at most {MAX_ID} bytes")));
    }
    let time = match text(&obj, "time")? {
        None => now_rfc3339.to_string(),
        Some(t) => {
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)
                .map_err(|e| bad("time", format!("{t:?} is not an RFC 3339 timestamp: {e}")))?;
            t
        }
    };
    // The data, as CloudEvents carries it: JSON (any JSON value), text (a string, with a
    // datacontenttype that is not JSON), or bytes (`data_base64`). Only JSON data has fields
    // for patterns and required fields; the rest is stored and delivered as received.
    let base64 = obj.get("data_base64").filter(|v| !v.is_null()).cloned();
    let data = match (obj.get("data").cloned(), base64.as_ref()) {
        (Some(d), Some(_)) if !d.is_null() => {
            return Err(bad("data_base64", "send data or data_base64, not both"))
        }
        (_, Some(Value::String(b64))) => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| bad("data_base64", format!("is not base64: {e}")))?;
            Value::Null
        }
        (_, Some(_)) => return Err(bad("data_base64", "must be a string of base64")),
        (None | Some(Value::Null), None) => {
            return Err(bad(
                "data",
                "is required (JSON, text, or data_base64 for bytes)",
            ))
        }
        (Some(Value::String(s)), None) if json_data => {
            // Some clients send JSON data as a string; take it as the object it holds.
            match serde_json::from_str::<Value>(&s) {
                Ok(v @ Value::Object(_)) => {
                    obj.insert("data".into(), v.clone());
                    v
                }
                _ => Value::String(s),
            }
        }
        (Some(d), None) if json_data => d,
        (Some(Value::String(s)), None) => Value::String(s),
        (Some(_), None) => return Err(bad(
            "data",
            "is not JSON (datacontenttype says so): send it as a string, or bytes in data_base64",
        )),
    };
    // Text and bytes have no fields to require: they are delivered as received. JSON data of
    // any shape must have them.
    let has_fields = json_data && base64.is_none();
    if let Some(missing) = entry
        .filter(|_| has_fields)
        .and_then(|entry| catalog::missing_required(entry, &data))
    {
        return Err(bad(
            &format!("data.{missing}"),
            format!("is required for {event_type} events"),
        ));
    }
    obj.insert("time".into(), Value::String(time.clone()));
    let envelope = Value::Object(obj).to_string();
    if envelope.len() > MAX_EVENT_BYTES {
        return Err(EntryError {
            code: "EventTooLarge",
            field: String::new(),
            message: format!(
                "the event is {} bytes; the limit is {MAX_EVENT_BYTES} (256 KiB)",
                envelope.len()
            ),
        });
    }
    Ok(Incoming {
        id,
        source: source_id,
        event_type,
        subject,
        time,
        data,
        envelope,
    })
}

/// How the request carried its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Structured,
    Batch,
    Binary,
}

/// Pick the mode: structured and batch by their content types; binary when a
/// `ce-specversion` header is there, whatever the content type (the data's own, or none, as
/// the official SDKs send it), or for JSON without one (refused, naming the missing header);
/// `None` for anything else.
pub fn mode(content_type: &str, ce_specversion: bool) -> Option<Mode> {
    let essence = essence(content_type);
    match essence.as_str() {
        "application/cloudevents+json" => Some(Mode::Structured),
        "application/cloudevents-batch+json" => Some(Mode::Batch),
        _ if ce_specversion => Some(Mode::Binary),
        "application/json" | "" => Some(Mode::Binary),
        _ => None,
    }
}

/// The mode of a request from an EventBridge HTTP target (it carries the bus's token):
/// EventBridge posts the complete CloudEvent as the body, typed `application/json`, so JSON
/// without `ce-specversion` is structured mode there; anything else as [`mode`].
pub fn eventbridge_mode(content_type: &str, ce_specversion: bool) -> Option<Mode> {
    let essence = essence(content_type);
    match essence.as_str() {
        "application/json" | "" if !ce_specversion => Some(Mode::Structured),
        _ => mode(content_type, ce_specversion),
    }
}

/// Rebuild a structured event from binary mode: `ce-*` headers are the attributes
/// (percent-decoded), the body is `data`.
pub fn from_binary<'a>(
    headers: impl Iterator<Item = (&'a str, &'a str)>,
    content_type: &str,
    body: &[u8],
) -> Result<Value, EntryError> {
    let mut obj = Map::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if let Some(attr) = lower.strip_prefix("ce-") {
            let decoded = percent_decode(value)
                .ok_or_else(|| bad(&lower, "is not valid percent-encoded UTF-8"))?;
            obj.insert(attr.to_string(), Value::String(decoded));
        }
    }
    if !obj.contains_key("specversion") {
        return Err(bad(
            "specversion",
            "binary mode needs a ce-specversion header (or send application/cloudevents+json)",
        ));
    }
    if !content_type.is_empty() {
        obj.insert(
            "datacontenttype".into(),
            Value::String(content_type.to_string()),
        );
    }
    // The body is the data: JSON when the content type says so (or says nothing and the
    // body parses), text for a text type, bytes (`data_base64`) otherwise.
    let text = std::str::from_utf8(body).ok();
    let (name, data) = if !content_type.is_empty() && is_json_type(content_type) {
        let data = serde_json::from_slice(body)
            .map_err(|e| bad("data", format!("the body is not JSON: {e}")))?;
        ("data", data)
    } else if let (true, Ok(data)) = (content_type.is_empty(), serde_json::from_slice(body)) {
        ("data", data)
    } else if let (true, Some(text)) =
        (content_type.to_ascii_lowercase().starts_with("text/"), text)
    {
        ("data", Value::String(text.to_string()))
    } else {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(body);
        if content_type.is_empty() {
            obj.entry("datacontenttype")
                .or_insert_with(|| Value::String("application/octet-stream".into()));
        }
        ("data_base64", Value::String(encoded))
    };
    if name == "data" && content_type.is_empty() {
        obj.entry("datacontenttype")
            .or_insert_with(|| Value::String("application/json".into()));
    }
    obj.insert(name.into(), data);
    Ok(Value::Object(obj))
}

/// A media type without its parameters, lower-cased: `application/json; charset=utf-8` →
/// `application/json`.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Is this `type/subtype` (RFC 9110's tokens), parameters after a `;` aside?
fn is_media_type(content_type: &str) -> bool {
    let is_token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| is_token(kind) && is_token(subtype))
}

/// Is this media type JSON (`application/json`, `…+json`, parameters aside)? An empty one
/// is JSON by CloudEvents' default.
pub fn is_json_type(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence.is_empty() || essence == "application/json" || essence.ends_with("+json")
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A DataRobot webhook as DataRobot sends it — the payload as a JSON body (json mode) or as
/// the form field `payload` (form mode) — turned into a structured CloudEvent for [`check`]:
/// `type` is `event_type`, `source` the DataRobot source that holds that type, `time` the
/// `timestamp` (Unix seconds), `subject` the `event.entity_id`, `id` a hash of the payload
/// (DataRobot sends no id, so a re-sent webhook is the same event), and `data` the payload
/// without `event_type` and `timestamp`, which the HTTP standard template puts back.
pub fn from_datarobot(content_type: &str, body: &[u8]) -> Result<Value, EntryError> {
    let essence = essence(content_type);
    let payload: Value = match essence.as_str() {
        "application/x-www-form-urlencoded" => {
            let text = url::form_urlencoded::parse(body)
                .find(|(name, _)| name == "payload")
                .map(|(_, value)| value.into_owned())
                .ok_or_else(|| bad("payload", "is required: the form field with the event's JSON"))?;
            serde_json::from_str(&text)
                .map_err(|e| bad("payload", format!("is not valid JSON: {e}")))?
        }
        "application/json" => serde_json::from_slice(body)
            .map_err(|e| bad("body", format!("is not valid JSON: {e}")))?,
        other => {
            return Err(EntryError {
                code: "UnsupportedMediaType",
                field: "content-type".into(),
                message: format!(
                    "{other:?} is not accepted; DataRobot sends application/json (json mode) or application/x-www-form-urlencoded with a payload field (form mode)"
                ),
            })
        }
    };
    let Value::Object(mut data) = payload else {
        return Err(bad("payload", "must be a JSON object"));
    };
    // The id: the payload's hash, keys in order (serde_json's maps are sorted), so the
    // same webhook sent again is the same event whatever its key order or spacing.
    let id = {
        use sha2::Digest;
        let canonical = serde_json::to_vec(&data).expect("a JSON object serialises");
        let digest = sha2::Sha256::digest(&canonical);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("datarobot-{hex}")
    };
    let event_type = match data.remove("event_type") {
        Some(Value::String(t)) if !t.trim().is_empty() => t,
        None | Some(Value::Null) => return Err(bad("event_type", "is required")),
        Some(_) => return Err(bad("event_type", "must be a non-empty string")),
    };
    let time = match data.remove("timestamp") {
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 253_402_300_800.0)
            .and_then(|s| time::OffsetDateTime::from_unix_timestamp_nanos((s * 1e9) as i128).ok())
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .ok_or_else(|| bad("timestamp", format!("{n} is not a time in Unix seconds")))?,
        None | Some(Value::Null) => return Err(bad("timestamp", "is required (Unix seconds)")),
        Some(_) => return Err(bad("timestamp", "must be a number of Unix seconds")),
    };
    let source = if event_type == CONNECTION_TEST_TYPE {
        CONNECTION_TEST_SOURCE
    } else {
        catalog::sources()
            .iter()
            .filter(|s| s.is_datarobot())
            .find(|s| s.types().any(|t| t.type_id == event_type))
            .map(|s| s.id)
            .ok_or_else(|| {
                bad(
                    "event_type",
                    format!("{event_type:?} is not a DataRobot event type Herald knows"),
                )
            })?
    };
    let subject = match data.get("event").and_then(|e| e.get("entity_id")) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let mut event = Map::new();
    event.insert("specversion".into(), "1.0".into());
    event.insert("id".into(), id.into());
    event.insert("source".into(), source.into());
    event.insert("type".into(), event_type.into());
    if let Some(subject) = subject {
        event.insert("subject".into(), subject.into());
    }
    event.insert("time".into(), time.into());
    event.insert("datacontenttype".into(), "application/json".into());
    event.insert("data".into(), Value::Object(data));
    Ok(Value::Object(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: &str = "2026-11-22T10:00:00Z";

    fn dlc_failed() -> Value {
        let data = catalog::event_type("pai.dlc", "dlc:Job:Failed")
            .unwrap()
            .sample_data();
        json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc", "type": "dlc:Job:Failed", "data": data})
    }

    fn field_of(v: Value) -> String {
        check(v, NOW).unwrap_err().field
    }

    #[test]
    fn a_catalog_event_is_accepted_and_gets_a_time() {
        let e = check(dlc_failed(), NOW).unwrap();
        assert_eq!(e.event_type, "dlc:Job:Failed");
        assert_eq!(e.time, NOW);
        let stored: Value = serde_json::from_str(&e.envelope).unwrap();
        assert_eq!(stored["time"], NOW);
    }

    #[test]
    fn each_bad_attribute_is_named() {
        let mut v = dlc_failed();
        v["specversion"] = json!("0.3");
        assert_eq!(field_of(v), "specversion");
        let mut v = dlc_failed();
        v["id"] = json!("");
        assert_eq!(field_of(v), "id");
        let mut v = dlc_failed();
        v["source"] = json!("pai.nope");
        assert_eq!(field_of(v), "source");
        let mut v = dlc_failed();
        v["type"] = json!("flow:Task:Failed");
        assert_eq!(field_of(v), "type");
        let mut v = dlc_failed();
        v["time"] = json!("yesterday");
        assert_eq!(field_of(v), "time");
        // JSON data without the type's required fields: the first missing one.
        let mut v = dlc_failed();
        v["data"] = json!([1]);
        assert_eq!(field_of(v), "data.event.entity_id");
        // An object where the content type says text.
        let mut v = dlc_failed();
        v["datacontenttype"] = json!("text/plain");
        assert_eq!(field_of(v), "data");
        let mut v = dlc_failed();
        v["datacontenttype"] = json!("text/plain\u{1}");
        assert_eq!(field_of(v), "datacontenttype");
        for not_a_media_type in ["1.0", "", "json", "text/", "/plain", "text plain/x"] {
            let mut v = dlc_failed();
            v["datacontenttype"] = json!(not_a_media_type);
            assert_eq!(field_of(v), "datacontenttype", "{not_a_media_type:?}");
        }
        let mut v = dlc_failed();
        v["data_base64"] = json!("aGk=");
        assert_eq!(field_of(v), "data_base64");
    }

    #[test]
    fn eventbridge_json_without_ce_headers_is_structured() {
        assert_eq!(
            eventbridge_mode("application/json; charset=utf-8", false),
            Some(Mode::Structured)
        );
        assert_eq!(
            eventbridge_mode("application/json", true),
            Some(Mode::Binary)
        );
        assert_eq!(
            eventbridge_mode("application/cloudevents-batch+json", false),
            Some(Mode::Batch)
        );
        assert_eq!(mode("application/json", false), Some(Mode::Binary));
    }

    #[test]
    fn attribute_names_and_extension_values_follow_cloudevents() {
        // Extensions: lower-case letters and digits, string / integer / boolean values.
        let mut v = dlc_failed();
        v["traceparent2"] = json!("00-abc");
        v["retries"] = json!(3);
        v["replay"] = json!(true);
        assert!(check(v, NOW).is_ok());
        for name in ["my attr", "Tenant", "tenant_id", "x-trace", &"a".repeat(65)] {
            let mut v = dlc_failed();
            v[name] = json!("1");
            let e = check(v, NOW).unwrap_err();
            assert_eq!(e.field, name);
            assert!(e.message.contains("lower-case letters"), "{e:?}");
        }
        for value in [json!({"a": 1}), json!([1]), json!(1.5)] {
            let mut v = dlc_failed();
            v["tenant"] = value;
            assert_eq!(field_of(v), "tenant");
        }
        // Binary mode: a header that is no attribute name is refused by name too.
        let data = dlc_failed()["data"].to_string();
        let headers = [
            ("ce-specversion", "1.0"),
            ("ce-id", "b-1"),
            ("ce-source", "pai.dlc"),
            ("ce-type", "dlc:Job:Failed"),
            ("ce-my_attr", "x"),
        ];
        let v = from_binary(headers.into_iter(), "application/json", data.as_bytes()).unwrap();
        assert_eq!(field_of(v), "my_attr");
    }

    #[test]
    fn datarobot_required_fields_are_enforced_by_name() {
        let entry = catalog::event_type("datarobot.project", "project.deleted").unwrap();
        let mut data = entry.sample_data();
        let v = json!({"specversion": "1.0", "id": "p", "source": "datarobot.project", "type": "project.deleted", "data": data.clone()});
        assert!(check(v, NOW).is_ok());
        let missing = entry.required.last().unwrap();
        let (head, last) = missing.rsplit_once('.').unwrap_or(("", missing));
        let parent = if head.is_empty() {
            &mut data
        } else {
            head.split('.').fold(&mut data, |v, k| &mut v[k])
        };
        parent.as_object_mut().unwrap().remove(last);
        let v = json!({"specversion": "1.0", "id": "p", "source": "datarobot.project", "type": "project.deleted", "data": data});
        let e = check(v, NOW).unwrap_err();
        assert_eq!(e.field, format!("data.{missing}"));
    }

    #[test]
    fn oversized_events_are_refused() {
        let mut v = dlc_failed();
        v["data"]["padding"] = json!("x".repeat(MAX_EVENT_BYTES));
        assert_eq!(check(v, NOW).unwrap_err().code, "EventTooLarge");
    }

    #[test]
    fn binary_mode_rebuilds_the_event_from_headers() {
        let data = dlc_failed()["data"].to_string();
        let headers = [
            ("ce-specversion", "1.0"),
            ("ce-id", "b-1"),
            ("ce-source", "pai.dlc"),
            ("ce-type", "dlc:Job:Failed"),
            ("ce-subject", "job%20one"),
            ("x-other", "ignored"),
        ];
        let v = from_binary(headers.into_iter(), "application/json", data.as_bytes()).unwrap();
        let e = check(v, NOW).unwrap();
        assert_eq!(e.id, "b-1");
        assert_eq!(e.subject.as_deref(), Some("job one"));
        // No Content-Type: a ce-datacontenttype the producer sent is kept.
        let mut with_type = headers.to_vec();
        with_type.push(("ce-datacontenttype", "application/vnd.example+json"));
        let v = from_binary(with_type.into_iter(), "", data.as_bytes()).unwrap();
        assert_eq!(v["datacontenttype"], "application/vnd.example+json");
        assert!(from_binary([].into_iter(), "application/json", b"{}").is_err());
    }

    #[test]
    fn modes_follow_the_content_type() {
        assert_eq!(
            mode("application/cloudevents+json; charset=utf-8", false),
            Some(Mode::Structured)
        );
        assert_eq!(
            mode("application/cloudevents-batch+json", false),
            Some(Mode::Batch)
        );
        assert_eq!(mode("application/json", false), Some(Mode::Binary));
        assert_eq!(mode("text/plain", false), None);
        // With ce-specversion, any content type (or none) is binary mode's data type.
        assert_eq!(mode("text/plain", true), Some(Mode::Binary));
        assert_eq!(mode("", true), Some(Mode::Binary));
    }
}
