//! The command line: `herald serve` and its flags, each with an environment variable.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

/// How long "Test connection" waits for a target: fixed, short enough for a person waiting
/// at the form (deliveries wait `--delivery-timeout-secs`).
pub const TEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Herald: event notifications for machine-learning platforms.
#[derive(Debug, Parser)]
#[command(name = "herald", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (UI and API) on an embedded SQLite database.
    Serve(Box<ServeArgs>),
    /// Manage AccessKeys (API credentials).
    #[command(subcommand)]
    AccessKey(AccessKeyCommand),
    /// Manage a bus's EventBridge ingest token.
    #[command(subcommand)]
    BusToken(BusTokenCommand),
}

/// The `--secret-key` of a one-off command; its `Debug` hides it.
#[derive(Clone)]
pub struct SecretKeyArg(pub String);

impl From<String> for SecretKeyArg {
    fn from(key: String) -> Self {
        SecretKeyArg(key)
    }
}

impl std::fmt::Debug for SecretKeyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `herald bus-token …`
#[derive(Debug, Subcommand)]
pub enum BusTokenCommand {
    /// Make the bus's token, or rotate it (the old one stops working), acting as the user
    /// with this email; prints the token as the last line.
    Create {
        /// The event bus.
        #[arg(long)]
        bus: String,
        /// The user's email (the token acts as this user, for PutEvents on the bus only).
        #[arg(long)]
        email: String,
        /// Database URL, SQLite or PostgreSQL (as for `herald serve`).
        #[arg(
            long,
            env = "HERALD_DATABASE_URL",
            default_value = "sqlite://data/herald.db"
        )]
        database_url: String,
        /// The key that seals secrets at rest (as for `herald serve`): required with
        /// PostgreSQL; SQLite uses the key file beside the database without it.
        #[arg(long, env = "HERALD_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<SecretKeyArg>,
    },
}

/// `herald access-key …`
#[derive(Debug, Subcommand)]
pub enum AccessKeyCommand {
    /// Create a key for the user with this email; prints the token as the last line.
    Create {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// A name to recognise the key by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Database URL, SQLite or PostgreSQL (as for `herald serve`).
        #[arg(
            long,
            env = "HERALD_DATABASE_URL",
            default_value = "sqlite://data/herald.db"
        )]
        database_url: String,
        /// The key that seals secrets at rest (as for `herald serve`): required with
        /// PostgreSQL; SQLite uses the key file beside the database without it.
        #[arg(long, env = "HERALD_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<SecretKeyArg>,
    },
}

/// One duration such as `72h` or `30m`.
pub fn parse_one_duration(text: &str) -> Result<std::time::Duration, String> {
    match parse_schedule(text)?.as_slice() {
        [one] => Ok(*one),
        _ => Err("give one duration, such as 72h".into()),
    }
}

/// How long events are kept: one duration, at most 100 years (0 keeps them forever).
pub fn parse_retention(text: &str) -> Result<std::time::Duration, String> {
    let keep = parse_one_duration(text)?;
    if keep > std::time::Duration::from_secs(36_500 * 86_400) {
        return Err("at most 36500d (100 years); 0 keeps events forever".into());
    }
    Ok(keep)
}

/// Delays before each retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<std::time::Duration>);

/// The longest delay before one retry. Longer ones are refused at start: a delivery due in
/// decades is a typo, and the time it is due at must stay far from `i64` milliseconds' end.
pub const MAX_RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

impl RetrySchedule {
    /// From text such as `5s,30s,2m,1h`; each delay at most [`MAX_RETRY_DELAY`].
    pub fn parse(text: &str) -> Result<RetrySchedule, String> {
        let delays = parse_schedule(text)?;
        if let Some(too_long) = delays.iter().find(|d| **d > MAX_RETRY_DELAY) {
            return Err(format!(
                "a retry delay of {}s is longer than the most, 30d",
                too_long.as_secs()
            ));
        }
        Ok(RetrySchedule(delays))
    }
}

/// Parse a retry schedule: comma-separated durations such as `5s,30s,2m,1h`.
pub fn parse_schedule(text: &str) -> Result<Vec<std::time::Duration>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (number, unit) = part.split_at(
            part.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(part.len()),
        );
        let n: u64 = number
            .parse()
            .map_err(|_| format!("{part:?} is not a duration like 30s, 2m or 1h"))?;
        let scale: u64 = match unit {
            "ms" => {
                out.push(std::time::Duration::from_millis(n));
                continue;
            }
            "s" | "" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(format!("{part:?}: the unit must be ms, s, m, h or d")),
        };
        let secs = n
            .checked_mul(scale)
            .ok_or_else(|| format!("{part:?} is too long: at most 36500d"))?;
        out.push(std::time::Duration::from_secs(secs));
    }
    // No duration Herald takes is meant to be longer: past this, the milliseconds it is
    // added to or compared with could overflow.
    if out
        .iter()
        .any(|d| *d > std::time::Duration::from_secs(36_500 * 86_400))
    {
        return Err("at most 36500d (100 years)".into());
    }
    if out.is_empty() {
        return Err("the schedule needs at least one delay".into());
    }
    if out.len() > 20 {
        return Err("at most 20 retries".into());
    }
    Ok(out)
}

/// Whether visitors may create accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignupMode {
    /// Anyone who reaches the server may sign up.
    Open,
    /// Nobody may sign up; existing accounts keep working.
    Closed,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Flags of `herald serve`. Its `Debug` hides the secret key.
#[derive(Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HERALD_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// SQLite database URL; the file (and its directory) is created on first run.
    #[arg(
        long,
        env = "HERALD_DATABASE_URL",
        default_value = "sqlite://data/herald.db"
    )]
    pub database_url: String,

    /// Whether visitors may sign up.
    #[arg(long, env = "HERALD_SIGNUP", value_enum, default_value = "open")]
    pub signup: SignupMode,

    /// The address users reach Herald at, e.g. https://herald.example.com. When it is
    /// https, session cookies are marked Secure. Defaults to http://{listen}.
    #[arg(long, env = "HERALD_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Directory of the built site (JavaScript, WebAssembly, CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// A network targets may reach although it is not public, in CIDR notation
    /// (e.g. 127.0.0.0/8 for a local receiver). Repeatable; the variable takes a
    /// comma-separated list.
    #[arg(
        long = "allow-target-network",
        env = "HERALD_ALLOW_TARGET_NETWORKS",
        value_delimiter = ','
    )]
    pub allow_target_networks: Vec<String>,

    /// Key that seals secrets at rest: base64 of 32 bytes. Without it, a key file
    /// `secret.key` (mode 0600) beside the SQLite database is used, created on first run;
    /// required with PostgreSQL (every node must have the same).
    #[arg(long, env = "HERALD_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Log format.
    #[arg(long, env = "HERALD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Delays before each retry of a failed delivery (jittered ±20 %), each at most 30d;
    /// after the last one the delivery is dead.
    #[arg(
        long,
        env = "HERALD_RETRY_SCHEDULE",
        default_value = "5s,30s,2m,10m,30m,1h,3h,6h",
        value_parser = RetrySchedule::parse
    )]
    pub retry_schedule: RetrySchedule,

    /// Most delivery attempts running at once, over all targets.
    #[arg(long, env = "HERALD_MAX_IN_FLIGHT", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_in_flight: u32,

    /// Most delivery attempts running at once for one HTTP, email, SMS or voice target (a
    /// chat robot gets one, paced below its provider's limit).
    #[arg(long, env = "HERALD_MAX_IN_FLIGHT_PER_TARGET", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub max_in_flight_per_target: u32,

    /// SMTP relay for email targets: smtps://user:pass@host:465 (implicit TLS),
    /// smtp://user:pass@host:587?tls=required (STARTTLS), or smtp://host:25 for a local relay.
    #[arg(long, env = "HERALD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of notification emails.
    #[arg(
        long,
        env = "HERALD_SMTP_FROM",
        default_value = "Herald <herald@localhost>"
    )]
    pub smtp_from: String,

    /// Twilio (or a Twilio-compatible gateway) for SMS and voice targets: the account SID.
    #[arg(long, env = "HERALD_TWILIO_ACCOUNT_SID")]
    pub twilio_account_sid: Option<String>,

    /// Twilio auth token.
    #[arg(long, env = "HERALD_TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_auth_token: Option<String>,

    /// The number SMS and calls come from (E.164).
    #[arg(long, env = "HERALD_TWILIO_FROM")]
    pub twilio_from: Option<String>,

    /// Base URL of the Twilio API.
    #[arg(
        long,
        env = "HERALD_TWILIO_BASE_URL",
        default_value = "https://api.twilio.com"
    )]
    pub twilio_base_url: String,

    /// Alibaba Cloud SMS and voice (instead of Twilio): the AccessKey id.
    #[arg(long, env = "HERALD_ALIYUN_ACCESS_KEY_ID")]
    pub aliyun_access_key_id: Option<String>,

    /// The AccessKey secret.
    #[arg(long, env = "HERALD_ALIYUN_ACCESS_KEY_SECRET", hide_env_values = true)]
    pub aliyun_access_key_secret: Option<String>,

    /// The approved SMS signature name (`SignName`).
    #[arg(long, env = "HERALD_ALIYUN_SMS_SIGN_NAME")]
    pub aliyun_sms_sign_name: Option<String>,

    /// The approved SMS template (`TemplateCode`); its variables are ${title} and ${detail}.
    #[arg(long, env = "HERALD_ALIYUN_SMS_TEMPLATE_CODE")]
    pub aliyun_sms_template_code: Option<String>,

    /// The approved text-to-speech template (`TtsCode`); variables ${title} and ${detail}.
    #[arg(long, env = "HERALD_ALIYUN_TTS_CODE")]
    pub aliyun_tts_code: Option<String>,

    /// The number voice calls show (`CalledShowNumber`).
    #[arg(long, env = "HERALD_ALIYUN_CALLED_SHOW_NUMBER")]
    pub aliyun_called_show_number: Option<String>,

    /// Endpoint of Short Message Service.
    #[arg(
        long,
        env = "HERALD_ALIYUN_SMS_ENDPOINT",
        default_value = "https://dysmsapi.aliyuncs.com"
    )]
    pub aliyun_sms_endpoint: String,

    /// Endpoint of Voice Messaging Service.
    #[arg(
        long,
        env = "HERALD_ALIYUN_VOICE_ENDPOINT",
        default_value = "https://dyvmsapi.aliyuncs.com"
    )]
    pub aliyun_voice_endpoint: String,

    /// How long a target may fail without a break before it is disabled (e.g. 72h).
    #[arg(long, env = "HERALD_DISABLE_FAILING_AFTER", default_value = "72h", value_parser = parse_one_duration)]
    pub disable_failing_after: std::time::Duration,

    /// How long an event is kept, with its deliveries and attempts, once none of them is
    /// pending (e.g. 30d); 0 keeps everything. The newest event is always kept.
    #[arg(long, env = "HERALD_EVENT_RETENTION", default_value = "30d", value_parser = parse_retention)]
    pub event_retention: std::time::Duration,

    /// How many days an audit log entry is kept; older ones are deleted hourly.
    #[arg(long, env = "HERALD_AUDIT_RETENTION_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub audit_retention_days: u32,

    /// How long one delivery attempt may take.
    #[arg(long, env = "HERALD_DELIVERY_TIMEOUT_SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=120))]
    pub delivery_timeout_secs: u64,

    /// How long a claim holds a delivery; a running attempt renews it every quarter of
    /// this, so only a killed or hung process's deliveries wait this long to come back.
    #[arg(long, env = "HERALD_DELIVERY_LEASE_SECS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub delivery_lease_secs: u64,

    /// Attempts in a row that time out or cannot connect before a target's circuit opens
    /// (its deliveries then wait instead of holding attempt slots).
    #[arg(long, env = "HERALD_CIRCUIT_THRESHOLD", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub circuit_threshold: u32,

    /// How long an open circuit first waits before a probe (doubling after each failed
    /// probe, up to 10 minutes), e.g. 30s.
    #[arg(long, env = "HERALD_CIRCUIT_OPEN", default_value = "30s", value_parser = parse_one_duration)]
    pub circuit_open: std::time::Duration,

    /// Rules one event bus may have: each event is matched against every enabled rule.
    #[arg(long, env = "HERALD_MAX_RULES_PER_BUS", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rules_per_bus: u32,

    /// Deliveries one PutEvents request may create; a request that would create more is
    /// refused as a whole, so one request cannot hold the database's one writer for long.
    #[arg(long, env = "HERALD_MAX_DELIVERIES_PER_REQUEST", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_deliveries_per_request: u32,

    /// Size of the write-ahead log (MiB) at which it is checkpointed and truncated, waiting
    /// for readers; below it, checkpoints never make anybody wait.
    #[arg(long, env = "HERALD_WAL_LIMIT_MIB", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    pub wal_limit_mib: u32,

    /// How long a client may take to send a request's headers; on a kept-alive HTTP/1
    /// connection the clock also runs while it waits for the next request.
    #[arg(long, env = "HERALD_HEADER_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_secs: u64,

    /// How long a connection may stay open with no request running and nothing sent
    /// either way before it is closed.
    #[arg(long, env = "HERALD_IDLE_TIMEOUT_SECS", default_value_t = 75, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout_secs: u64,

    /// How long one request may take from its headers to the answer, reading its body
    /// included; past it the answer is 408 and the connection is closed.
    #[arg(long, env = "HERALD_REQUEST_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_secs: u64,

    /// Most connections open at once; further ones wait to be accepted until one closes.
    /// Lowered at start, with a warning, to leave room under the open-file limit (`ulimit -n`,
    /// raised to its hard limit first) for `--max-in-flight` and the database.
    #[arg(long, env = "HERALD_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// Bearer token `/metrics` requires (at least 16 characters). Without it (or
    /// --metrics-token-file) and without --metrics-listen, `/metrics` answers 404.
    #[arg(long, env = "HERALD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// A file holding the bearer token `/metrics` requires (instead of --metrics-token).
    #[arg(long, env = "HERALD_METRICS_TOKEN_FILE")]
    pub metrics_token_file: Option<std::path::PathBuf>,

    /// A separate address serving `/metrics` (and nothing else); the main address then
    /// answers 404 there. A token, if set, is required there too.
    #[arg(long, env = "HERALD_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// "Test connection" runs one account may have going at once; more are answered 429.
    #[arg(long, env = "HERALD_MAX_TESTS_PER_ACCOUNT", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_tests_per_account: u32,

    /// "Test connection" runs one user may start per minute; more are answered 429.
    #[arg(long, env = "HERALD_TESTS_PER_USER_PER_MINUTE", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub tests_per_user_per_minute: u32,
}

impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url)
            .field("signup", &self.signup)
            .field("public_url", &self.public_url)
            .field("site_root", &self.site_root)
            .field("allow_target_networks", &self.allow_target_networks)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("log_format", &self.log_format)
            .field("retry_schedule", &self.retry_schedule)
            .field("max_in_flight", &self.max_in_flight)
            .field("max_in_flight_per_target", &self.max_in_flight_per_target)
            .field("delivery_timeout_secs", &self.delivery_timeout_secs)
            .field("delivery_lease_secs", &self.delivery_lease_secs)
            .field("circuit_threshold", &self.circuit_threshold)
            .field("circuit_open", &self.circuit_open)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "[redacted]"))
            .field("smtp_from", &self.smtp_from)
            .field("twilio_account_sid", &self.twilio_account_sid)
            .field(
                "twilio_auth_token",
                &self.twilio_auth_token.as_ref().map(|_| "[redacted]"),
            )
            .field("twilio_from", &self.twilio_from)
            .field("twilio_base_url", &self.twilio_base_url)
            .field("aliyun_access_key_id", &self.aliyun_access_key_id)
            .field(
                "aliyun_access_key_secret",
                &self.aliyun_access_key_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("aliyun_sms_sign_name", &self.aliyun_sms_sign_name)
            .field("aliyun_sms_template_code", &self.aliyun_sms_template_code)
            .field("aliyun_tts_code", &self.aliyun_tts_code)
            .field("aliyun_called_show_number", &self.aliyun_called_show_number)
            .field("aliyun_sms_endpoint", &self.aliyun_sms_endpoint)
            .field("aliyun_voice_endpoint", &self.aliyun_voice_endpoint)
            .field("disable_failing_after", &self.disable_failing_after)
            .field("event_retention", &self.event_retention)
            .field("audit_retention_days", &self.audit_retention_days)
            .field("max_rules_per_bus", &self.max_rules_per_bus)
            .field(
                "max_deliveries_per_request",
                &self.max_deliveries_per_request,
            )
            .field("wal_limit_mib", &self.wal_limit_mib)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("idle_timeout_secs", &self.idle_timeout_secs)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "[redacted]"),
            )
            .field("metrics_token_file", &self.metrics_token_file)
            .field("metrics_listen", &self.metrics_listen)
            .field("max_tests_per_account", &self.max_tests_per_account)
            .field("tests_per_user_per_minute", &self.tests_per_user_per_minute)
            .finish()
    }
}

impl ServeArgs {
    /// Settings for a server on `listen` with `database_url`, everything else default.
    pub fn new(listen: SocketAddr, database_url: impl Into<String>) -> Self {
        ServeArgs {
            listen,
            database_url: database_url.into(),
            signup: SignupMode::Open,
            public_url: None,
            site_root: "target/site".into(),
            allow_target_networks: Vec::new(),
            secret_key: None,
            log_format: LogFormat::Text,
            retry_schedule: RetrySchedule::parse("5s,30s,2m,10m,30m,1h,3h,6h")
                .expect("the default schedule parses"),
            max_in_flight: 256,
            max_in_flight_per_target: 4,
            delivery_timeout_secs: 15,
            delivery_lease_secs: 120,
            circuit_threshold: 5,
            circuit_open: std::time::Duration::from_secs(30),
            smtp_url: None,
            smtp_from: "Herald <herald@localhost>".into(),
            twilio_account_sid: None,
            twilio_auth_token: None,
            twilio_from: None,
            twilio_base_url: "https://api.twilio.com".into(),
            aliyun_access_key_id: None,
            aliyun_access_key_secret: None,
            aliyun_sms_sign_name: None,
            aliyun_sms_template_code: None,
            aliyun_tts_code: None,
            aliyun_called_show_number: None,
            aliyun_sms_endpoint: "https://dysmsapi.aliyuncs.com".into(),
            aliyun_voice_endpoint: "https://dyvmsapi.aliyuncs.com".into(),
            disable_failing_after: std::time::Duration::from_secs(72 * 3600),
            event_retention: std::time::Duration::from_secs(30 * 86_400),
            audit_retention_days: 365,
            max_rules_per_bus: 100,
            max_deliveries_per_request: 10_000,
            wal_limit_mib: 64,
            header_timeout_secs: 30,
            idle_timeout_secs: 75,
            request_timeout_secs: 60,
            max_connections: 4096,
            metrics_token: None,
            metrics_token_file: None,
            metrics_listen: None,
            max_tests_per_account: 8,
            tests_per_user_per_minute: 30,
        }
    }

    /// `--wal-limit-mib` in bytes.
    pub fn wal_limit_bytes(&self) -> u64 {
        u64::from(self.wal_limit_mib) * 1024 * 1024
    }

    /// The token `/metrics` requires: `--metrics-token`, or the contents of
    /// `--metrics-token-file` (surrounding whitespace trimmed); `None` without either.
    /// Errors name the flag, never the token.
    pub fn read_metrics_token(&self) -> Result<Option<String>, String> {
        let token = match (&self.metrics_token, &self.metrics_token_file) {
            (Some(_), Some(_)) => {
                return Err("give --metrics-token or --metrics-token-file, not both".into())
            }
            (Some(token), None) => token.trim().to_string(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| format!("--metrics-token-file {}: {e}", path.display()))?
                .trim()
                .to_string(),
            (None, None) => return Ok(None),
        };
        if token.chars().count() < 16 {
            return Err(
                "--metrics-token: must be at least 16 characters (a long random string)".into(),
            );
        }
        Ok(Some(token))
    }

    /// The public URL, defaulting to the listen address.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_string()
    }

    /// True when cookies must carry `Secure`: the public URL is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_default_as_documented() {
        use std::time::Duration;
        let cli = Cli::try_parse_from(["herald", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("serve")
        };
        assert_eq!(args.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(args.database_url, "sqlite://data/herald.db");
        assert_eq!(args.signup, SignupMode::Open);
        assert!(!args.secure_cookies());
        assert_eq!(args.event_retention, Duration::from_secs(30 * 86_400));
        let new = ServeArgs::new(args.listen, "sqlite::memory:");
        assert_eq!(args.event_retention, new.event_retention);
        assert_eq!(args.audit_retention_days, 365);
        assert_eq!(args.audit_retention_days, new.audit_retention_days);
        assert_eq!(
            (
                args.max_rules_per_bus,
                args.max_deliveries_per_request,
                args.wal_limit_mib
            ),
            (100, 10_000, 64)
        );
        assert_eq!(
            (
                new.max_rules_per_bus,
                new.max_deliveries_per_request,
                new.wal_limit_mib
            ),
            (100, 10_000, 64)
        );
        let timers = |a: &ServeArgs| {
            (
                a.header_timeout_secs,
                a.idle_timeout_secs,
                a.request_timeout_secs,
                a.max_connections,
                a.max_tests_per_account,
                a.tests_per_user_per_minute,
            )
        };
        assert_eq!(timers(&args), (30, 75, 60, 4096, 8, 30));
        assert_eq!(timers(&new), timers(&args));
        assert!(args.metrics_token.is_none() && args.metrics_listen.is_none());

        let cli = Cli::try_parse_from([
            "herald",
            "serve",
            "--listen",
            "0.0.0.0:8080",
            "--signup",
            "closed",
            "--public-url",
            "https://herald.example.com/",
            "--event-retention",
            "7d",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("serve")
        };
        assert_eq!(args.event_retention, Duration::from_secs(7 * 86_400));
        assert_eq!(args.listen.port(), 8080);
        assert_eq!(args.signup, SignupMode::Closed);
        assert_eq!(args.public_url(), "https://herald.example.com");
        assert!(args.secure_cookies());
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let cli =
            Cli::try_parse_from(["herald", "serve", "--secret-key", "c2VjcmV0LWtleQ=="]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("serve")
        };
        let shown = format!("{args:?}");
        assert!(!shown.contains("c2VjcmV0LWtleQ"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn debug_hides_the_secret_key_of_the_token_commands() {
        for args in [
            &["herald", "access-key", "create", "--email", "a@example.com"][..],
            &[
                "herald",
                "bus-token",
                "create",
                "--bus",
                "b",
                "--email",
                "a@example.com",
            ][..],
        ] {
            let mut args = args.to_vec();
            args.extend(["--secret-key", "c2VjcmV0LWtleQ=="]);
            let cli = Cli::try_parse_from(&args).unwrap();
            let shown = format!("{cli:?}");
            assert!(!shown.contains("c2VjcmV0LWtleQ"), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }

    #[test]
    fn absurd_retry_delays_are_refused_not_overflowed() {
        for text in [
            "10000000000d",
            "5s,18446744073709551615ms",
            "31d",
            "99999999999999h",
        ] {
            let err = RetrySchedule::parse(text).unwrap_err();
            assert!(err.contains("most"), "{text}: {err}");
        }
        assert!(RetrySchedule::parse("30d").is_ok());
        assert!(parse_one_duration("10000000000d").is_err());
    }

    #[test]
    fn retry_schedules_parse_with_units() {
        use std::time::Duration;
        assert_eq!(
            parse_schedule("5s, 2m,1h,250ms").unwrap(),
            [
                Duration::from_secs(5),
                Duration::from_secs(120),
                Duration::from_secs(3600),
                Duration::from_millis(250)
            ]
        );
        assert_eq!(parse_one_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_one_duration("0"), Ok(Duration::ZERO));
        assert!(parse_one_duration("999999999999999999d").is_err());
        assert!(parse_retention("36501d").is_err());
        assert_eq!(parse_retention("0"), Ok(Duration::ZERO));
        assert!(parse_schedule("5x").is_err());
        assert!(parse_schedule("").is_err());
    }

    #[test]
    fn metrics_tokens_come_from_the_flag_or_a_file_and_are_long() {
        let mut args = ServeArgs::new(([127, 0, 0, 1], 0).into(), "sqlite::memory:");
        assert_eq!(args.read_metrics_token(), Ok(None));
        args.metrics_token = Some("short".into());
        let e = args.read_metrics_token().unwrap_err();
        assert!(e.contains("--metrics-token") && !e.contains("short"), "{e}");
        args.metrics_token = Some(" a-long-enough-token-123 ".into());
        assert_eq!(
            args.read_metrics_token(),
            Ok(Some("a-long-enough-token-123".into()))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-the-file-0123456789\n").unwrap();
        args.metrics_token_file = Some(file.clone());
        assert!(args.read_metrics_token().unwrap_err().contains("not both"));
        args.metrics_token = None;
        assert_eq!(
            args.read_metrics_token(),
            Ok(Some("from-the-file-0123456789".into()))
        );
        args.metrics_token_file = Some(dir.path().join("missing"));
        assert!(args
            .read_metrics_token()
            .unwrap_err()
            .contains("--metrics-token-file"));
    }

    #[test]
    fn bad_flag_values_are_refused() {
        assert!(Cli::try_parse_from(["herald", "serve", "--signup", "maybe"]).is_err());
        assert!(Cli::try_parse_from(["herald", "serve", "--listen", "nowhere"]).is_err());
        let e = Cli::try_parse_from(["herald", "serve", "--event-retention", "1y"]).unwrap_err();
        assert!(
            e.to_string().contains("the unit must be ms, s, m, h or d"),
            "{e}"
        );
    }
}
