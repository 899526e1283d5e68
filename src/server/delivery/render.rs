//! What a delivery says: the chat message for robots (naming the workspace, the event, the
//! resource, with a link back to Herald), the HTTP payload in each format (the standard
//! template, CloudEvents structured, CloudEvents binary), and the test event "Test
//! connection" renders in those formats.

use super::channels::Message;
use crate::domain::catalog;
use crate::domain::target::PayloadFormat;
use serde_json::{json, Value};

/// Where an event happened, for messages.
pub struct Context<'a> {
    pub workspace: &'a str,
    pub rule: &'a str,
    /// Herald's page for the event.
    pub link: String,
}

/// The resource an event is about: "job nightly-train (dlc1f9…)", say.
pub fn resource(data: &Value) -> Option<String> {
    catalog::ENTITY_OBJECTS.iter().find_map(|key| {
        let entity = data.get(*key)?.as_object()?;
        let text = |k: &str| entity.get(k).and_then(Value::as_str).map(str::to_string);
        let name = text("name")
            .or_else(|| text("label"))
            .or_else(|| text("project_name"));
        let id = text("id");
        let kind = key.replace('_', " ");
        Some(match (name, id) {
            (Some(n), Some(i)) if n != i => format!("{kind} {n} ({i})"),
            (Some(n), _) => format!("{kind} {n}"),
            (None, Some(i)) => format!("{kind} {i}"),
            (None, None) => kind,
        })
    })
}

/// The chat message for one event. Every value taken from the event (its type, time and
/// data) is made inert first ([`inert_markdown`] for the markdown and the title,
/// [`inert_text`] for the plain lines): a producer cannot add links, headings, mentions or
/// HTML to a message Herald sends in its name.
pub fn message(envelope: &Value, ctx: &Context) -> Message {
    let event_type = envelope["type"].as_str().unwrap_or_default();
    let source = envelope["source"].as_str().unwrap_or_default();
    // An aliased event is told as its catalog entry; one the catalog does not know, by its
    // type as sent.
    let title = catalog::resolve(source, event_type)
        .map(|(_, t)| t.title)
        .unwrap_or(event_type);
    let data = &envelope["data"];
    let time = envelope["time"].as_str().unwrap_or_default();
    let mut facts: Vec<(String, String)> = vec![
        ("Workspace".into(), ctx.workspace.to_string()),
        ("Event".into(), clip(event_type)),
    ];
    if let Some(r) = resource(data) {
        facts.push(("Resource".into(), clip(&r)));
    }
    for key in ["status", "reason_message", "reason", "message"] {
        if let Some(v) = catalog::ENTITY_OBJECTS
            .iter()
            .find_map(|e| data.get(*e)?.get(key)?.as_str())
        {
            facts.push((capitalise(&key.replace('_', " ")), clip(v)));
            break;
        }
    }
    facts.push(("Time".into(), clip(time)));
    facts.push(("Rule".into(), ctx.rule.to_string()));
    let heading = format!("[Herald] {}", inert_markdown(&clip(title)));
    let mut markdown = format!("#### {heading}\n\n");
    for (k, v) in &facts {
        markdown.push_str(&format!("- **{k}:** {}\n", inert_markdown(v)));
    }
    markdown.push_str(&format!("\n[Open in Herald]({})", ctx.link));
    let mut plain: Vec<String> = facts
        .iter()
        .map(|(k, v)| format!("{k}: {}", inert_text(v)))
        .collect();
    plain.push(ctx.link.clone());
    Message {
        title: format!("{heading} · {}", inert_markdown(ctx.workspace)),
        markdown,
        lines: plain,
    }
}

/// A value from an event made inert for the chat markdown of DingTalk and WeCom: on one
/// line (no heading, list or quote can start), and with each character that either
/// dialect reads as markup replaced by its full-width or look-alike twin: `[ ]` (links,
/// images), `< >` (HTML such as `<font>`, WeCom's `<@userid>` mentions, Lark's `<at>`,
/// autolinks), `@` (mentions), `` ` `` (code), `*` (emphasis), `#`, `|` (tables), `\`
/// and `&` (escapes and entities). Look-alikes rather than backslashes: WeCom's markdown
/// has no escape character, and DingTalk's is not documented, so only characters that are
/// not markup at all are safe in both. The text stays readable.
pub fn inert_markdown(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            '<' => '＜',
            '>' => '＞',
            '@' => '＠',
            '`' => 'ˋ',
            '*' => '∗',
            '#' => '＃',
            '|' => '│',
            '\\' => '＼',
            '&' => '＆',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A value from an event made inert for plain text (Lark's post `text` elements, SMS,
/// voice, the email's lines): on one line, and with `< >` (Lark's `<at user_id=…>`) and
/// `@` (mentions) replaced by their full-width twins.
pub fn inert_text(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '<' => '＜',
            '>' => '＞',
            '@' => '＠',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Largest digest text: below WeCom's 4,096-byte markdown limit and far below DingTalk's
/// and Lark's body limits.
pub const DIGEST_MAX_BYTES: usize = 3500;
/// Longest value a message quotes from an event (a status reason, say).
const MAX_VALUE_CHARS: usize = 300;

/// How many of `events`, from the first, fit in one digest of at most `max_bytes`.
pub fn digest_fit(workspace: &str, events: &[(Value, String)], max_bytes: usize) -> usize {
    (1..=events.len())
        .take_while(|n| digest(workspace, &events[..*n]).markdown.len() <= max_bytes)
        .last()
        .unwrap_or(0)
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_VALUE_CHARS).collect();
    out.push('…');
    out
}

/// Several events for one robot, as one message: a line per event with its link.
pub fn digest(workspace: &str, events: &[(Value, String)]) -> Message {
    let heading = format!("[Herald] {} events", events.len());
    let workspace = inert_markdown(workspace);
    let mut markdown = format!("#### {heading} in {workspace}\n\n");
    let mut lines = vec![format!("Workspace: {workspace}")];
    for (envelope, link) in events {
        let event_type = envelope["type"].as_str().unwrap_or_default();
        let source = envelope["source"].as_str().unwrap_or_default();
        let title = clip(
            catalog::resolve(source, event_type)
                .map(|(_, t)| t.title)
                .unwrap_or(event_type),
        );
        let what = clip(&resource(&envelope["data"]).unwrap_or_default());
        let time = clip(envelope["time"].as_str().unwrap_or_default());
        markdown.push_str(&format!(
            "- **{}** {} · {} · [open]({link})\n",
            inert_markdown(&title),
            inert_markdown(&what),
            inert_markdown(&time)
        ));
        lines.push(format!(
            "{}: {} at {} {link}",
            inert_text(&title),
            inert_text(&what),
            inert_text(&time)
        ));
    }
    Message {
        title: format!("{heading} · {workspace}"),
        markdown,
        lines,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

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
/// `"test": true` and carries the test message's text. `id` is the test's webhook-id.
pub fn test_event(workspace: &str, id: &str, time: &str) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": "herald",
        "type": TEST_EVENT_TYPE,
        "time": time,
        "data": {
            "test": true,
            "message": Message::test(workspace).lines.join(" "),
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

    #[test]
    fn every_datarobot_sample_names_its_resource() {
        for source in catalog::sources().iter().filter(|s| s.is_datarobot()) {
            for t in source.types() {
                let named = resource(&t.sample_data());
                assert!(named.is_some(), "{}: {named:?}", t.type_id);
            }
        }
        let t = catalog::event_type("datarobot.batch_predictions", "batch_predictions.failed");
        assert_eq!(
            resource(&t.unwrap().sample_data()).as_deref(),
            Some("batch prediction Nightly churn scoring (5e50a1c3c9e77c0017d4d001)")
        );
    }

    fn envelope() -> Value {
        let data = catalog::event_type("pai.dlc", "dlc:Job:Failed")
            .unwrap()
            .sample_data();
        json!({"specversion": "1.0", "id": "e-1", "source": "pai.dlc", "type": "dlc:Job:Failed",
               "time": "2025-11-07T03:19:30Z", "subject": "job one", "data": data})
    }

    #[test]
    fn the_message_names_workspace_event_resource_and_links_back() {
        let ctx = Context {
            workspace: "vision",
            rule: "failures",
            link: "http://herald.local/events/7".into(),
        };
        let m = message(&envelope(), &ctx);
        assert!(
            m.title.contains("Job failed") && m.title.contains("vision"),
            "{}",
            m.title
        );
        assert!(m.markdown.contains("dlc:Job:Failed"), "{}", m.markdown);
        assert!(
            m.markdown
                .contains("job nightly-train-resnet50 (dlc1f9kq3w7zx2m5)"),
            "{}",
            m.markdown
        );
        assert!(
            m.markdown.contains("(http://herald.local/events/7)"),
            "{}",
            m.markdown
        );
        assert!(m.lines.iter().any(|l| l.contains("Workspace: vision")));
    }

    #[test]
    fn a_digest_lists_every_event_with_its_link() {
        let events = vec![
            (envelope(), "http://h/buses/b/events/1".to_string()),
            (envelope(), "http://h/buses/b/events/2".to_string()),
        ];
        let m = digest("vision", &events);
        assert_eq!(m.title, "[Herald] 2 events · vision");
        assert!(
            m.markdown.contains("(http://h/buses/b/events/1)"),
            "{}",
            m.markdown
        );
        assert!(
            m.markdown.contains("(http://h/buses/b/events/2)"),
            "{}",
            m.markdown
        );
        assert_eq!(m.lines.len(), 3);
    }

    #[test]
    fn digests_stop_where_the_size_budget_ends_and_long_values_are_clipped() {
        let events: Vec<(Value, String)> = (0..64)
            .map(|i| (envelope(), format!("http://h/buses/b/events/{i}")))
            .collect();
        let n = digest_fit("vision", &events, DIGEST_MAX_BYTES);
        assert!(n > 1 && n < 64, "{n}");
        assert!(digest("vision", &events[..n]).markdown.len() <= DIGEST_MAX_BYTES);
        assert!(digest("vision", &events[..n + 1]).markdown.len() > DIGEST_MAX_BYTES);
        let mut long = envelope();
        long["data"]["job"]["reason_message"] = json!("x".repeat(10_000));
        let ctx = Context {
            workspace: "w",
            rule: "r",
            link: "http://h".into(),
        };
        assert!(message(&long, &ctx).markdown.len() < 2000);
    }

    /// Values a producer controls, each trying to add markup to a chat message.
    const HOSTILE: &[&str] = &[
        "[click me](http://evil.example)",
        "![img](http://evil.example/x.png)",
        "# Heading",
        "<font color=\"warning\">red</font>",
        "@all",
        "@13800000000",
        "<at user_id=\"all\">everyone</at>",
        "<@zhangsan>",
        "line one\n\n# injected heading\n- item",
        "`code` **bold** <script>x</script> <http://evil.example>",
    ];

    fn hostile_envelope(value: &str) -> Value {
        let mut e = envelope();
        e["type"] = json!(value);
        e["data"]["job"]["name"] = json!(value);
        e["data"]["job"]["id"] = json!(value);
        e["data"]["job"]["reason_message"] = json!(value);
        e["time"] = json!(value);
        e
    }

    /// What a chat renderer would take for markup in `text`: a link or image, raw HTML (a
    /// `<font>`, an `<at>`, an autolink), a mention, code. (Headings and lists need a new
    /// line: the callers count those.)
    fn markup_in(text: &str) -> Option<&'static str> {
        let checks: &[(&str, &str)] = &[
            ("](", "a link or image"),
            ("[", "a link or image"),
            ("<", "HTML, an <at> or <@…> mention, or an autolink"),
            ("@", "an @ mention"),
            ("`", "code"),
        ];
        checks
            .iter()
            .find(|(m, _)| text.contains(m))
            .map(|(_, what)| *what)
    }

    #[test]
    fn event_values_cannot_add_markup_to_chat_messages() {
        let ctx = Context {
            workspace: "vision",
            rule: "failures",
            link: "http://herald.local/events/7".into(),
        };
        // The newlines of a plain message, less the two before the link back.
        let lines = message(&envelope(), &ctx).markdown.matches('\n').count() - 2;
        for value in HOSTILE {
            let e = hostile_envelope(value);
            let m = message(&e, &ctx);
            // Herald's own markup (the heading, the bold keys, the link back) is fixed; what
            // comes from the event is everything between.
            let own_link = "\n\n[Open in Herald](http://herald.local/events/7)";
            let body = m
                .markdown
                .strip_suffix(own_link)
                .expect("the link back stays");
            let body = body.strip_prefix("#### [Herald] ").unwrap();
            assert_eq!(
                markup_in(body),
                None,
                "{value:?} in markdown:\n{}",
                m.markdown
            );
            assert_eq!(
                body.matches('\n').count(),
                lines,
                "{value:?}: {}",
                m.markdown
            );
            let title = m.title.strip_prefix("[Herald] ").unwrap();
            assert_eq!(markup_in(title), None, "{value:?} in title: {}", m.title);
            for line in &m.lines {
                assert!(!line.contains('\n'), "{value:?}: {line:?}");
                assert!(
                    !line.contains('<') && !line.contains('@'),
                    "{value:?}: {line:?}"
                );
            }
            let d = digest("vision", &[(e, "http://h/buses/b/events/1".into())]);
            let body = d
                .markdown
                .strip_suffix(" · [open](http://h/buses/b/events/1)\n")
                .expect("the digest's link stays");
            let body = body.strip_prefix("#### [Herald] ").unwrap();
            assert_eq!(
                markup_in(body),
                None,
                "{value:?} in digest:\n{}",
                d.markdown
            );
            assert_eq!(body.matches('\n').count(), 2, "{value:?}: {}", d.markdown);
        }
        // The text is still readable.
        let m = message(&hostile_envelope("[click me](http://evil.example)"), &ctx);
        assert!(m.markdown.contains("click me"), "{}", m.markdown);
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
        let e = test_event("vision", "msg_test_1", "2026-11-29T06:00:00Z");
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
        let s = http_payload(&envelope(), PayloadFormat::CloudeventsStructured);
        assert_eq!(s.body["id"], "e-1");
        assert_eq!(s.content_type, Some("application/cloudevents+json"));
    }
}
