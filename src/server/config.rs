//! The command line: `herald serve` and its flags, each with an environment variable.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

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
    Serve(ServeArgs),
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
    /// `secret.key` (mode 0600) beside the database is used, created on first run.
    #[arg(long, env = "HERALD_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Log format.
    #[arg(long, env = "HERALD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
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
        }
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
        let cli = Cli::try_parse_from(["herald", "serve"]).unwrap();
        let Command::Serve(args) = cli.command;
        assert_eq!(args.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(args.database_url, "sqlite://data/herald.db");
        assert_eq!(args.signup, SignupMode::Open);
        assert!(!args.secure_cookies());

        let cli = Cli::try_parse_from([
            "herald",
            "serve",
            "--listen",
            "0.0.0.0:8080",
            "--signup",
            "closed",
            "--public-url",
            "https://herald.example.com/",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command;
        assert_eq!(args.listen.port(), 8080);
        assert_eq!(args.signup, SignupMode::Closed);
        assert_eq!(args.public_url(), "https://herald.example.com");
        assert!(args.secure_cookies());
    }

    #[test]
    fn debug_hides_the_secret_key() {
        let cli =
            Cli::try_parse_from(["herald", "serve", "--secret-key", "c2VjcmV0LWtleQ=="]).unwrap();
        let Command::Serve(args) = cli.command;
        let shown = format!("{args:?}");
        assert!(!shown.contains("c2VjcmV0LWtleQ"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn bad_flag_values_are_refused() {
        assert!(Cli::try_parse_from(["herald", "serve", "--signup", "maybe"]).is_err());
        assert!(Cli::try_parse_from(["herald", "serve", "--listen", "nowhere"]).is_err());
    }
}
