//! CloudEvents 1.0 in: structured (`application/cloudevents+json`), batch
//! (`application/cloudevents-batch+json`) and binary (`ce-*` headers, body = data) modes,
//! each event checked against the catalog (through its aliases), DataRobot's required
//! fields included. An event the catalog does not know is refused naming its type (or
//! source) on a bus that refuses them, and taken as [`Identity::Unlisted`] on one that
//! accepts them. A bad entry gets an error that names its field; the good ones in the same
//! batch still count.

use crate::domain::catalog;
use crate::domain::models::UnknownTypes;
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

/// The source DataRobot events of a family no catalog source knows are recorded under on
/// a bus that accepts unknown types (outside the catalog, so it is listed under "Types
/// seen but not in the catalog").
pub const DATAROBOT_UNKNOWN_SOURCE: &str = "datarobot.unknown";

/// What an event is to the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// A catalog entry: the event's own source and type, or those an alias maps them onto
    /// (see `catalog::ALIASES`); matching and messages use these.
    Catalog {
        source: &'static str,
        event_type: &'static str,
    },
    /// DataRobot's connection test: stored, matched by no rule.
    ConnectionTest,
    /// Not in the catalog, taken by a bus that accepts unknown types: counted under "Types
    /// seen but not in the catalog", matched by rules on its own source and type.
    Unlisted,
}

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
    /// What the catalog makes of `source` and `type`.
    pub identity: Identity,
}

impl Incoming {
    /// The `(source, type)` pairs rules are matched on: the event's own, and the catalog
    /// entry an alias maps it onto when that differs. A rule on either takes it, so rules
    /// saved before an alias existed keep working and rules on catalog ids take aliased
    /// events. None for the connection test.
    pub fn match_keys(&self) -> impl Iterator<Item = (&str, &str)> {
        let own = (self.source.as_str(), self.event_type.as_str());
        let (first, second) = match self.identity {
            Identity::ConnectionTest => (None, None),
            Identity::Unlisted => (Some(own), None),
            Identity::Catalog { source, event_type } => (
                Some(own),
                Some((source, event_type)).filter(|alias| *alias != own),
            ),
        };
        first.into_iter().chain(second)
    }
}

/// Why an unknown source or type was refused, and what would take it.
const REFUSES_UNKNOWN: &str =
    "this bus refuses types the catalog does not know (set it to accept them to store and list them)";

pub use crate::domain::models::EntryError;

fn bad(field: &str, message: impl Into<String>) -> EntryError {
    EntryError {
        code: "InvalidArgument",
        field: field.to_string(),
        message: message.into(),
        unknown_type: false,
    }
}

/// A refusal of a source or type the catalog does not know, on a bus that refuses them.
fn refused_unknown(field: &str, message: String) -> EntryError {
    EntryError {
        unknown_type: true,
        ..bad(field, message)
    }
}

/// Check one CloudEvent in structured form (a JSON object), for a bus whose choice for
/// unknown types is `unknown`.
pub fn check(
    value: Value,
    now_rfc3339: &str,
    unknown: UnknownTypes,
) -> Result<Incoming, EntryError> {
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
        // CloudEvents 1.0 strings exclude the control characters U+0000-U+001F and
        // U+007F-U+009F (and PostgreSQL's text cannot hold U+0000 at all).
        if let Some(c) = value
            .as_str()
            .and_then(|s| s.chars().find(|c| c.is_control()))
        {
            return Err(bad(
                name,
                format!(
                    "holds the control character U+{:04X}, which CloudEvents attribute values may not contain",
                    u32::from(c)
                ),
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
    if source_id.is_empty() {
        let known: Vec<&str> = catalog::sources().iter().map(|s| s.id).collect();
        return Err(bad(
            "source",
            format!("is required; one of {}", known.join(", ")),
        ));
    }
    if event_type.is_empty() {
        return Err(bad("type", "is required"));
    }
    // DataRobot's connection test: recorded on the bus, under a source no rule can name (see
    // [`CONNECTION_TEST_SOURCE`]).
    let (entry, identity) = if is_connection_test(&source_id, &event_type) {
        (None, Identity::ConnectionTest)
    } else if let Some((source, entry)) = catalog::resolve(&source_id, &event_type) {
        let identity = Identity::Catalog {
            source: source.id,
            event_type: entry.type_id,
        };
        (Some(entry), identity)
    } else if unknown == UnknownTypes::Accept {
        // Listed, shown, and named by rules: it must be a name a rule can take.
        for (field, value) in [("source", &source_id), ("type", &event_type)] {
            if let Some(why) = crate::domain::rule::unlisted_problem(value) {
                return Err(bad(field, why));
            }
        }
        (None, Identity::Unlisted)
    } else if catalog::source(&source_id).is_none() && !catalog::is_alias_source(&source_id) {
        let known: Vec<&str> = catalog::sources().iter().map(|s| s.id).collect();
        return Err(refused_unknown(
            "source",
            format!(
                "{source_id:?} is not a known source; one of {}; {REFUSES_UNKNOWN}",
                known.join(", ")
            ),
        ));
    } else {
        return Err(refused_unknown(
            "type",
            format!("{event_type:?} is not an event type of {source_id}; {REFUSES_UNKNOWN}"),
        ));
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
            ..bad(
                "",
                format!(
                    "the event is {} bytes; the limit is {MAX_EVENT_BYTES} (256 KiB)",
                    envelope.len()
                ),
            )
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
        identity,
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
                ..bad(
                    "content-type",
                    format!(
                        "{other:?} is not accepted; DataRobot sends application/json (json mode) or application/x-www-form-urlencoded with a payload field (form mode)"
                    ),
                )
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
    // The source holding the type; for a type the catalog does not list, its family's
    // source (`model_version.archived` is a `datarobot.model_version` event), or
    // [`DATAROBOT_UNKNOWN_SOURCE`]. Whether an unknown type is taken is the bus's choice,
    // made by [`check`].
    let source = if event_type == CONNECTION_TEST_TYPE {
        CONNECTION_TEST_SOURCE
    } else {
        catalog::datarobot_source_for(&event_type).map_or(DATAROBOT_UNKNOWN_SOURCE, |s| s.id)
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

/// A refusal from [`check`] of an event made by [`from_datarobot`], said in the terms of
/// the payload DataRobot sent: `data.event.deletion_time` is its `event.deletion_time`,
/// `subject` its `event.entity_id`, `time` its `timestamp`, `source` and `type` its
/// `event_type` (an unknown one said as such), anything else (`data`, the event as a whole)
/// its `payload`.
pub fn as_datarobot_refusal(e: EntryError, event_type: &str) -> EntryError {
    let (field, message) = match e.field.as_str() {
        "source" | "type" if e.unknown_type => (
            "event_type".to_string(),
            format!("{event_type:?} is not a DataRobot event type Herald knows; {REFUSES_UNKNOWN}"),
        ),
        "source" | "type" => ("event_type".to_string(), e.message),
        "subject" => ("event.entity_id".to_string(), e.message),
        "time" => ("timestamp".to_string(), e.message),
        other => match other.strip_prefix("data.") {
            Some(path) => (path.to_string(), e.message),
            None => ("payload".to_string(), e.message),
        },
    };
    EntryError {
        field,
        message,
        ..e
    }
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
        check(v, NOW, UnknownTypes::Refuse).unwrap_err().field
    }

    #[test]
    fn a_catalog_event_is_accepted_and_gets_a_time() {
        let e = check(dlc_failed(), NOW, UnknownTypes::Refuse).unwrap();
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
        assert!(check(v, NOW, UnknownTypes::Refuse).is_ok());
        for name in ["my attr", "Tenant", "tenant_id", "x-trace", &"a".repeat(65)] {
            let mut v = dlc_failed();
            v[name] = json!("1");
            let e = check(v, NOW, UnknownTypes::Refuse).unwrap_err();
            assert_eq!(e.field, name);
            assert!(e.message.contains("lower-case letters"), "{e:?}");
        }
        for value in [json!({"a": 1}), json!([1]), json!(1.5)] {
            let mut v = dlc_failed();
            v["tenant"] = value;
            assert_eq!(field_of(v), "tenant");
        }
        // String values hold no control characters (U+0000 included), in any attribute.
        for (name, value) in [
            ("subject", "job\u{0}1"),
            ("id", "e\u{1f}1"),
            ("tenant", "a\nb"),
            ("source", "pai\u{85}.dlc"),
        ] {
            let mut v = dlc_failed();
            v[name] = json!(value);
            let e = check(v, NOW, UnknownTypes::Refuse).unwrap_err();
            assert_eq!(e.field, name);
            assert!(e.message.contains("control character U+00"), "{e:?}");
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
        assert!(check(v, NOW, UnknownTypes::Refuse).is_ok());
        let missing = entry.required.last().unwrap();
        let (head, last) = missing.rsplit_once('.').unwrap_or(("", missing));
        let parent = if head.is_empty() {
            &mut data
        } else {
            head.split('.').fold(&mut data, |v, k| &mut v[k])
        };
        parent.as_object_mut().unwrap().remove(last);
        let v = json!({"specversion": "1.0", "id": "p", "source": "datarobot.project", "type": "project.deleted", "data": data});
        let e = check(v, NOW, UnknownTypes::Refuse).unwrap_err();
        assert_eq!(e.field, format!("data.{missing}"));
    }

    #[test]
    fn an_unknown_type_is_refused_naming_it_or_taken_as_unlisted_by_the_bus_s_choice() {
        let mut v = dlc_failed();
        v["type"] = json!("dlc:Job:Exploded");
        let e = check(v.clone(), NOW, UnknownTypes::Refuse).unwrap_err();
        assert_eq!(e.field, "type");
        assert!(e.message.contains("dlc:Job:Exploded"), "{e:?}");
        let taken = check(v, NOW, UnknownTypes::Accept).unwrap();
        assert_eq!(taken.identity, Identity::Unlisted);
        assert_eq!(
            taken.match_keys().collect::<Vec<_>>(),
            [("pai.dlc", "dlc:Job:Exploded")]
        );
        // An alias is a catalog event on either kind of bus; rules on both names take it.
        let mut v = dlc_failed();
        v["source"] = json!("acs.pai");
        v["type"] = json!("pai:dlc:Job:Failed");
        let aliased = check(v, NOW, UnknownTypes::Refuse).unwrap();
        assert_eq!(aliased.source, "acs.pai");
        assert_eq!(
            aliased.match_keys().collect::<Vec<_>>(),
            [
                ("acs.pai", "pai:dlc:Job:Failed"),
                ("pai.dlc", "dlc:Job:Failed")
            ]
        );
        // Control characters are refused even where unknown types are taken, and so is
        // whatever no rule could name (a space, an over-long type).
        let mut v = dlc_failed();
        v["source"] = json!("acme\u{7}jobs");
        assert_eq!(
            check(v, NOW, UnknownTypes::Accept).unwrap_err().field,
            "source"
        );
        for unnamable in ["Job Failed".to_string(), "j".repeat(257)] {
            let mut v = dlc_failed();
            v["type"] = json!(unnamable);
            let e = check(v, NOW, UnknownTypes::Accept).unwrap_err();
            assert_eq!(e.field, "type", "{e:?}");
            assert!(
                crate::domain::rule::unlisted_problem(&unnamable).is_some(),
                "{unnamable}"
            );
        }
    }

    #[test]
    fn datarobot_refusals_name_the_fields_datarobot_sent() {
        let named = |field| as_datarobot_refusal(bad(field, "m"), "x.y").field;
        assert_eq!(named("data.event.deletion_time"), "event.deletion_time");
        assert_eq!(named("subject"), "event.entity_id");
        assert_eq!(named("type"), "event_type");
        assert_eq!(named("source"), "event_type");
        assert_eq!(named("time"), "timestamp");
        assert_eq!(named("data"), "payload");
        assert_eq!(named(""), "payload");
        // Only an unknown type is said to be one; any other fault of the type keeps its
        // own reason.
        let unknown = as_datarobot_refusal(refused_unknown("type", "m".into()), "x.y");
        assert!(unknown
            .message
            .contains("not a DataRobot event type Herald knows"));
        let long = as_datarobot_refusal(bad("type", "must be 1 to 256 bytes long"), "x.y");
        assert_eq!(
            (long.field.as_str(), long.message.as_str()),
            ("event_type", "must be 1 to 256 bytes long")
        );
    }

    #[test]
    fn oversized_events_are_refused() {
        let mut v = dlc_failed();
        v["data"]["padding"] = json!("x".repeat(MAX_EVENT_BYTES));
        assert_eq!(
            check(v, NOW, UnknownTypes::Refuse).unwrap_err().code,
            "EventTooLarge"
        );
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
        let e = check(v, NOW, UnknownTypes::Refuse).unwrap();
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
