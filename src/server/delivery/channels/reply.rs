//! Reading a provider's answer: send a prepared request (transport failures become
//! outcomes), keep at most 64 KiB of the body, honour `Retry-After`, and read a chat robot's
//! JSON code. Which code means what lives with each channel.

use crate::domain::target::Reason;
use crate::server::delivery::outcome::Outcome;
use std::time::Instant;

/// A response as read from the wire.
pub struct Reply {
    pub status: u16,
    /// `Retry-After` in seconds (either form: a delay, or an HTTP date).
    pub retry_after_s: Option<u64>,
    pub body: String,
    pub latency_ms: u64,
}

impl Reply {
    /// The outcome this answer was classified as, with the answer's `Retry-After` and body;
    /// and the latency.
    pub fn read_as(self, mut outcome: Outcome) -> (Outcome, u64) {
        outcome.retry_after_s = self.retry_after_s;
        outcome.response = self.body;
        (outcome, self.latency_ms)
    }
}

/// A `Retry-After` value in seconds from `now`: a delay, or an HTTP date (a date already
/// past is 0). `None` when it is neither.
pub fn retry_after(value: &str, now: std::time::SystemTime) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).map(|d| d.as_secs()).unwrap_or(0))
}

/// Send a prepared request; transport failures become outcomes.
pub async fn send(request: reqwest::RequestBuilder) -> Result<Reply, (Outcome, u64)> {
    let started = Instant::now();
    let result = async {
        let res = request.send().await?;
        let status = res.status().as_u16();
        let retry_after_s = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, std::time::SystemTime::now()));
        // Providers answer in a few hundred bytes; cap what is read so a hostile endpoint
        // cannot make Herald buffer gigabytes.
        let bytes = read_capped(res, 64 * 1024).await?;
        Ok::<_, reqwest::Error>((
            status,
            retry_after_s,
            String::from_utf8_lossy(&bytes).into_owned(),
        ))
    }
    .await;
    let latency_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok((status, retry_after_s, body)) => Ok(Reply {
            status,
            retry_after_s,
            body,
            latency_ms,
        }),
        Err(e) => Err((Outcome::from_transport(&e), latency_ms)),
    }
}

async fn read_capped(mut res: reqwest::Response, cap: usize) -> Result<Vec<u8>, reqwest::Error> {
    let mut out = Vec::new();
    while let Some(chunk) = res.chunk().await? {
        let room = cap.saturating_sub(out.len());
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= cap {
            break;
        }
    }
    Ok(out)
}

/// Send to a chat robot and read its answer's `code_key`/`msg_key` with `classify`.
pub async fn send_to_robot(
    request: reqwest::RequestBuilder,
    code_key: &str,
    msg_key: &str,
    classify: fn(i64, &str, u16) -> Outcome,
) -> (Outcome, u64) {
    match send(request).await {
        Err(failed) => failed,
        Ok(reply) => {
            let outcome = match robot_answer(&reply, code_key, msg_key) {
                Ok((code, msg)) => classify(code, &msg, reply.status),
                Err(outcome) => outcome,
            };
            reply.read_as(outcome)
        }
    }
}

/// Read a chat robot's JSON answer: `errcode`/`errmsg` (DingTalk, WeCom) or `code`/`msg`
/// (Lark). Non-2xx statuses and unreadable bodies are classified here too.
pub fn robot_answer(
    reply: &Reply,
    code_key: &str,
    msg_key: &str,
) -> Result<(i64, String), Outcome> {
    if reply.status == 429 {
        return Err(Outcome::failed(
            Reason::RateLimited,
            Some(429),
            None,
            "HTTP 429",
        ));
    }
    if !(200..300).contains(&reply.status) {
        return Err(Outcome::failed(
            Reason::HttpStatus,
            Some(reply.status),
            None,
            snippet(&reply.body),
        ));
    }
    let v: serde_json::Value = serde_json::from_str(&reply.body).map_err(|_| {
        Outcome::failed(
            Reason::ProviderError,
            Some(reply.status),
            None,
            format!("the answer is not JSON: {}", snippet(&reply.body)),
        )
    })?;
    let code = v.get(code_key).and_then(|c| c.as_i64()).ok_or_else(|| {
        Outcome::failed(
            Reason::ProviderError,
            Some(reply.status),
            None,
            format!("the answer has no {code_key}: {}", snippet(&reply.body)),
        )
    })?;
    let msg = v
        .get(msg_key)
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_string();
    Ok((code, msg))
}

/// The first 300 characters of a body, for messages and logs.
pub fn snippet(body: &str) -> String {
    let mut s: String = body.chars().take(300).collect();
    if body.chars().count() > 300 {
        s.push('…');
    }
    s
}

/// Send a prepared request and read the answer with `classify`, honouring `Retry-After`.
pub async fn send_classified(
    request: reqwest::RequestBuilder,
    classify: fn(u16, &str) -> Outcome,
) -> (Outcome, u64) {
    match send(request).await {
        Err(failed) => failed,
        Ok(reply) => {
            let outcome = classify(reply.status, &reply.body);
            reply.read_as(outcome)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn retry_after_takes_a_delay_or_an_http_date() {
        // Sun, 06 Nov 1994 08:49:37 GMT, as RFC 9110 writes it.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777 - 120);
        assert_eq!(retry_after(" 30 ", now), Some(30));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(120));
        // The obsolete forms a server may still send.
        assert_eq!(
            retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(120)
        );
        assert_eq!(retry_after("Sun Nov  6 08:49:37 1994", now), Some(120));
        let later = now + Duration::from_secs(3600);
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", later), Some(0));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
