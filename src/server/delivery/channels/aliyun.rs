//! SMS and voice calls through Alibaba Cloud: Short Message Service (`dysmsapi`, `SendSms`)
//! and Voice Messaging Service (`dyvmsapi`, `SingleCallByTts`), both RPC APIs version
//! 2017-05-25 signed with an AccessKey (signature version 1.0, HMAC-SHA1). Both send a
//! pre-approved template: the operator registers an SMS template and a TTS template whose
//! variables are `${title}` and `${detail}`. One request per number (going through a
//! target's contacts is the `phone` channel's); endpoints are configurable so a local fake
//! or a regional endpoint can stand in.

use super::reply::{send_classified, snippet};
use super::Message;
use crate::domain::target::Reason;
use crate::server::delivery::outcome::Outcome;
use base64::Engine as _;
use hmac::{Hmac, Mac};

/// The operator's Alibaba Cloud settings.
#[derive(Clone)]
pub struct Aliyun {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// `https://dysmsapi.aliyuncs.com` unless told otherwise.
    pub sms_endpoint: String,
    /// `https://dyvmsapi.aliyuncs.com` unless told otherwise.
    pub voice_endpoint: String,
    /// The approved SMS signature (`SignName`) and template (`TemplateCode`).
    pub sms_sign_name: Option<String>,
    pub sms_template_code: Option<String>,
    /// The approved TTS template (`TtsCode`) and the number calls show (`CalledShowNumber`).
    pub tts_code: Option<String>,
    pub called_show_number: Option<String>,
}

impl std::fmt::Debug for Aliyun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aliyun")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"[redacted]")
            .field("sms_endpoint", &self.sms_endpoint)
            .field("voice_endpoint", &self.voice_endpoint)
            .field("sms_sign_name", &self.sms_sign_name)
            .field("sms_template_code", &self.sms_template_code)
            .field("tts_code", &self.tts_code)
            .field("called_show_number", &self.called_show_number)
            .finish()
    }
}

/// The API version both services speak.
const VERSION: &str = "2017-05-25";

/// Percent-encoding as the RPC signature wants it: RFC 3986, only `A-Z a-z 0-9 - _ . ~`
/// left as they are, UTF-8 bytes as `%XX` in upper case.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Signature version 1.0 of `params` (all of them but `Signature`) for an HTTP `method`:
/// Base64(HMAC-SHA1(secret + "&", method & %2F & encode(sorted, encoded query))).
pub fn sign(secret: &str, method: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let query = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&query)
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A number as Alibaba wants it: digits only, with a Chinese number's `+86` dropped
/// (international numbers keep their country code).
pub fn phone_number(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("86") {
        Some(rest) if e164.trim_start().starts_with('+') && rest.len() == 11 => rest.to_string(),
        _ => digits,
    }
}

/// The template variables, as rendered for Alibaba (each within its 35 characters).
pub fn template_param(msg: &Message) -> String {
    serde_json::json!({ "title": msg.template.title, "detail": msg.template.detail }).to_string()
}

/// Codes that mean "too many, later": Alibaba's flow control.
fn is_rate_limit(code: &str) -> bool {
    code.starts_with("Throttling")
        || matches!(code, "isv.BUSINESS_LIMIT_CONTROL" | "isv.DAY_LIMIT_CONTROL")
}

/// Read an answer: `{"Code":"OK"}` is sent; flow control and 5xx are retried; bad keys and
/// signatures, unknown templates and bad numbers are permanent, with Alibaba's message.
pub fn classify(status: u16, body: &str) -> Outcome {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let code = v["Code"].as_str().unwrap_or_default();
    let message = v["Message"].as_str().map(str::to_string);
    let detail = |code: &str| match &message {
        Some(m) => format!("{code}: {m}"),
        None => format!("{code} {}", snippet(body)).trim().to_string(),
    };
    if (200..300).contains(&status) && code == "OK" {
        return Outcome::delivered(status);
    }
    if status == 429 || is_rate_limit(code) {
        return Outcome::failed(Reason::RateLimited, Some(status), None, detail(code));
    }
    if status >= 500
        || matches!(
            code,
            "InternalError" | "ServiceUnavailable" | "isp.SYSTEM_ERROR"
        )
    {
        return Outcome::failed(
            Reason::HttpStatus,
            Some(status.max(500)),
            None,
            detail(code),
        );
    }
    if code.starts_with("InvalidAccessKeyId")
        || code == "SignatureDoesNotMatch"
        || code == "Forbidden.RAM"
    {
        return Outcome::failed(Reason::InvalidToken, Some(status), None, detail(code));
    }
    Outcome::failed(Reason::ProviderError, Some(status), None, detail(code))
}

/// SMS or a text-to-speech call.
pub use super::twilio::Medium;

/// What is missing for `medium`, if anything, as the flags that set it.
pub fn missing(aliyun: &Aliyun, medium: Medium) -> Option<&'static str> {
    match medium {
        Medium::Sms if aliyun.sms_sign_name.is_none() || aliyun.sms_template_code.is_none() => {
            Some("--aliyun-sms-sign-name and --aliyun-sms-template-code")
        }
        Medium::Voice if aliyun.tts_code.is_none() || aliyun.called_show_number.is_none() => {
            Some("--aliyun-tts-code and --aliyun-called-show-number")
        }
        _ => None,
    }
}

/// The signed form of one request to `number`.
pub fn request_form(
    aliyun: &Aliyun,
    medium: Medium,
    number: &str,
    msg: &Message,
    timestamp: &str,
    nonce: &str,
) -> Vec<(String, String)> {
    let param = template_param(msg);
    let mut form: Vec<(String, String)> = vec![
        ("AccessKeyId".into(), aliyun.access_key_id.clone()),
        ("Format".into(), "JSON".into()),
        ("RegionId".into(), "cn-hangzhou".into()),
        ("SignatureMethod".into(), "HMAC-SHA1".into()),
        ("SignatureNonce".into(), nonce.into()),
        ("SignatureVersion".into(), "1.0".into()),
        ("Timestamp".into(), timestamp.into()),
        ("Version".into(), VERSION.into()),
    ];
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    match medium {
        Medium::Sms => form.extend([
            ("Action".into(), "SendSms".into()),
            ("PhoneNumbers".into(), phone_number(number)),
            ("SignName".into(), opt(&aliyun.sms_sign_name)),
            ("TemplateCode".into(), opt(&aliyun.sms_template_code)),
            ("TemplateParam".into(), param),
        ]),
        Medium::Voice => form.extend([
            ("Action".into(), "SingleCallByTts".into()),
            ("CalledNumber".into(), phone_number(number)),
            ("CalledShowNumber".into(), opt(&aliyun.called_show_number)),
            ("TtsCode".into(), opt(&aliyun.tts_code)),
            ("TtsParam".into(), param),
        ]),
    }
    let signature = sign(&aliyun.access_key_secret, "POST", &form);
    form.push(("Signature".into(), signature));
    form
}

/// The endpoint of `medium`.
pub fn endpoint(aliyun: &Aliyun, medium: Medium) -> String {
    let base = match medium {
        Medium::Sms => &aliyun.sms_endpoint,
        Medium::Voice => &aliyun.voice_endpoint,
    };
    format!("{}/", base.trim_end_matches('/'))
}

/// What an attempt's record shows: the endpoint with its action, and the template
/// variables (never the key or the signature).
pub fn describe(aliyun: &Aliyun, medium: Medium, msg: &Message) -> (String, String) {
    let action = match medium {
        Medium::Sms => "SendSms",
        Medium::Voice => "SingleCallByTts",
    };
    (
        format!("{}?Action={action}", endpoint(aliyun, medium)),
        template_param(msg),
    )
}

/// Send `msg` to one number (the `phone` channel goes through the contacts, after checking
/// [`missing`]).
pub async fn send_one(
    client: &reqwest::Client,
    aliyun: &Aliyun,
    medium: Medium,
    phone: String,
    msg: &Message,
) -> (Outcome, u64) {
    let timestamp = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let nonce = format!("{:032x}", rand::random::<u128>());
    let form = request_form(aliyun, medium, &phone, msg, &timestamp, &nonce);
    let request = client.post(endpoint(aliyun, medium)).form(&form);
    send_classified(request, classify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Alibaba Cloud's "Signature mechanism" page (RPC, version 1.0).
    #[test]
    fn the_documented_signature_example_is_reproduced() {
        let params: Vec<(String, String)> = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            sign("testsecret", "GET", &params),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn encoding_leaves_only_unreserved_characters() {
        assert_eq!(percent_encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(percent_encode("作业"), "%E4%BD%9C%E4%B8%9A");
        assert_eq!(
            percent_encode("2016-02-23T12:46:24Z"),
            "2016-02-23T12%3A46%3A24Z"
        );
    }

    #[test]
    fn numbers_and_variables_take_alibabas_shape() {
        assert_eq!(phone_number("+86 138 0000 0001"), "13800000001");
        assert_eq!(phone_number("+85291234567"), "85291234567");
        let msg = crate::server::delivery::render::test_message(
            "a workspace with a rather long name",
            crate::domain::lang::Lang::En,
        );
        let v: serde_json::Value = serde_json::from_str(&template_param(&msg)).unwrap();
        assert_eq!(v["title"], msg.template.title);
        assert_eq!(v["detail"], msg.template.detail);
    }

    #[test]
    fn answers_are_classified() {
        assert!(classify(200, r#"{"Code":"OK","Message":"OK","BizId":"1"}"#).is_delivered());
        let limited = classify(
            200,
            r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1"}"#,
        );
        assert_eq!(limited.reason, Reason::RateLimited);
        assert!(limited.is_retryable());
        let bad_number = classify(
            200,
            r#"{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}"#,
        );
        assert!(!bad_number.is_retryable());
        assert!(bad_number.detail.contains("isv.MOBILE_NUMBER_ILLEGAL"));
        let bad_key = classify(
            400,
            r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched"}"#,
        );
        assert_eq!(bad_key.reason, Reason::InvalidToken);
        assert!(!bad_key.is_retryable());
        assert!(classify(503, "busy").is_retryable());
        assert!(
            classify(
                200,
                r#"{"Code":"isp.SYSTEM_ERROR","Message":"isp.SYSTEM_ERROR"}"#
            )
            .is_retryable(),
            "Alibaba's own trouble is worth a retry"
        );
    }
}
