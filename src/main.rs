//! The `herald` binary: parses the command line and runs the server. Browser code lives in
//! the library (`hydrate`); this file is server-only.

/// mimalloc rather than the system allocator: see its line in Cargo.toml.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use clap::Parser;
    use herald::server::config::{AccessKeyCommand, BusTokenCommand, Cli, Command, LogFormat};
    use herald::server::web;

    let cli = Cli::parse();
    match cli.command {
        Command::AccessKey(AccessKeyCommand::Create {
            email,
            name,
            database_url,
            secret_key,
        }) => {
            let token = async {
                let state = web::state(cli_args(database_url, secret_key)).await?;
                let token =
                    herald::server::service::access_keys::create_for_email(&state, &email, &name)
                        .await;
                state.pool.close().await;
                token
            };
            print_token(
                &format!("Access key for {email} (shown once; keep it secret):"),
                token.await,
            )
        }
        Command::BusToken(BusTokenCommand::Create {
            bus,
            email,
            database_url,
            secret_key,
        }) => {
            let token = async {
                let state = web::state(cli_args(database_url, secret_key)).await?;
                let token =
                    herald::server::service::bus_tokens::create_for_email(&state, &email, &bus)
                        .await;
                state.pool.close().await;
                token
            };
            print_token(
                &format!("EventBridge token of bus {bus} (shown once; keep it secret; send it as x-eventbridge-signature-token):"),
                token.await,
            )
        }
        Command::Serve(args) => {
            init_tracing(args.log_format == LogFormat::Json);
            let run = async {
                let listener = tokio::net::TcpListener::bind(args.listen)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
                let bound = listener.local_addr()?;
                let metrics = match args.metrics_listen {
                    Some(at) => Some(tokio::net::TcpListener::bind(at).await.map_err(|e| {
                        anyhow::anyhow!("cannot listen on {at} (--metrics-listen): {e}")
                    })?),
                    None => None,
                };
                let public = args.public_url.clone();
                let state = web::state(*args).await?;
                tracing::info!(
                    "Herald is listening on http://{bound}{}",
                    public
                        .map(|p| format!(" (public URL {p})"))
                        .unwrap_or_default()
                );
                if let Some(at) = &metrics {
                    tracing::info!("metrics are served on http://{}/metrics", at.local_addr()?);
                }
                web::serve(state, listener, metrics, web::shutdown_signal()).await
            };
            match run.await {
                Ok(()) => {
                    tracing::info!("stopped");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    tracing::error!("{e:#}");
                    eprintln!("herald: {e:#}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
    }
}

/// The settings a one-off command opens the database with: those of `herald serve`, on
/// `database_url`, with `secret_key` (PostgreSQL has no key file to fall back on).
#[cfg(feature = "ssr")]
fn cli_args(
    database_url: String,
    secret_key: Option<herald::server::config::SecretKeyArg>,
) -> herald::server::config::ServeArgs {
    let mut args = herald::server::config::ServeArgs::new(([127, 0, 0, 1], 0).into(), database_url);
    args.secret_key = secret_key.map(|k| k.0);
    args
}

/// A command's new token: `heading`, then the token as the last line; or the error.
#[cfg(feature = "ssr")]
fn print_token(heading: &str, token: anyhow::Result<String>) -> std::process::ExitCode {
    match token {
        Ok(token) => {
            println!("{heading}");
            println!("{token}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("herald: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "ssr")]
fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("HERALD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser side has no `main`: see `herald::hydrate`.
}
