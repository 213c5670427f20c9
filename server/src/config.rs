//! Settings, read once from flags and the environment.
//!
//! Every setting has a flag and an environment variable of the same meaning (flags win), so
//! the same binary runs from a terminal, a Makefile or a service manager without a config file.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the database comes from and how the server reaches it.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// PostgreSQL connection string. Without it, Haven runs a private cluster under
    /// `<data-dir>/pg` and stops it on exit.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Optional read replica used for GET requests.
    #[arg(long, env = "DATABASE_REPLICA_URL", hide_env_values = true)]
    pub database_replica_url: Option<String>,

    /// Directory of the private PostgreSQL cluster (used only without `DATABASE_URL`).
    #[arg(long, env = "HAVEN_DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,

    /// Connections per pool.
    #[arg(long, env = "HAVEN_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,

    /// Longest a single SQL statement of a request may run, in seconds (0: no limit).
    #[arg(long, env = "HAVEN_STATEMENT_TIMEOUT", default_value_t = 15)]
    pub statement_timeout: u64,
}

/// Settings of the HTTP server.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "HAVEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory of the built map client, served at `/`.
    #[arg(long, env = "HAVEN_STATIC_DIR", default_value = "map-client/dist")]
    pub static_dir: PathBuf,

    /// Directory of the bundled dataset imported into an empty database.
    #[arg(long, env = "HAVEN_IMPORT_DIR", default_value = "data")]
    pub import_dir: PathBuf,

    /// Do not import the bundled dataset into an empty database.
    #[arg(long, env = "HAVEN_NO_IMPORT")]
    pub no_import: bool,

    /// Public base URL used in links (e.g. `https://haven.example.org`). Without it, links in
    /// answers follow the request's host and links in mail use the address Haven listens on.
    #[arg(long, env = "HAVEN_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Style URL of an external basemap; Haven's own offline style is the default.
    #[arg(long, env = "HAVEN_BASEMAP_STYLE_URL")]
    pub basemap_style_url: Option<String>,

    /// Trust the last hop of `X-Forwarded-For` / `X-Forwarded-Proto` (set this only behind a
    /// proxy that writes them); otherwise rate limits key on the socket's address.
    #[arg(long, env = "HAVEN_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Largest accepted request body in bytes.
    #[arg(long, env = "HAVEN_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,

    /// Bytes of rendered tiles kept in memory; 0 turns the tile cache off.
    #[arg(long, env = "HAVEN_TILE_CACHE_BYTES", default_value_t = DEFAULT_TILE_CACHE_BYTES)]
    pub tile_cache_bytes: usize,

    /// SMTP relay for outgoing mail (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://host`); without it mail waits in the outbox (`haven admin outbox`).
    #[arg(long, env = "HAVEN_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "HAVEN_MAIL_FROM",
        default_value = "Haven <haven@localhost>"
    )]
    pub mail_from: String,

    /// Benchmarks only: serve a constant body of this many bytes at `/__bench/static`.
    #[arg(long, env = "HAVEN_BENCH_STATIC_BYTES", hide = true)]
    pub bench_static_bytes: Option<usize>,

    /// Tests only: every rate limit allows this many times its events, so that a fuzzing run
    /// reaches the checks behind the throttles instead of a wall of 429s.
    #[arg(long, env = "HAVEN_RATE_LIMIT_SCALE", default_value_t = 1, hide = true)]
    pub rate_limit_scale: u16,
}

/// Default size of the tile cache: 256 MiB.
pub const DEFAULT_TILE_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// Runtime settings the request handlers read.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address Haven listens on (links in mail use it when there is no public URL).
    pub listen: SocketAddr,
    pub static_dir: PathBuf,
    pub public_url: Option<String>,
    pub basemap_style_url: Option<String>,
    pub body_limit: usize,
    pub trust_forwarded_for: bool,
    pub tile_cache_bytes: usize,
    pub bench_static_bytes: Option<usize>,
    /// Multiplies every rate limit (1 in production; see [`ServeArgs::rate_limit_scale`]).
    pub rate_limit_scale: u16,
}

impl Config {
    /// Settings for the HTTP server from its arguments.
    #[must_use]
    pub fn from_serve_args(args: &ServeArgs) -> Self {
        Self {
            listen: args.listen,
            static_dir: args.static_dir.clone(),
            public_url: args.public_url.clone(),
            basemap_style_url: args.basemap_style_url.clone(),
            body_limit: args.body_limit,
            trust_forwarded_for: args.trust_forwarded_for,
            tile_cache_bytes: args.tile_cache_bytes,
            bench_static_bytes: args.bench_static_bytes,
            rate_limit_scale: args.rate_limit_scale.max(1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            static_dir: PathBuf::from("map-client/dist"),
            public_url: None,
            basemap_style_url: None,
            body_limit: 1024 * 1024,
            trust_forwarded_for: false,
            tile_cache_bytes: DEFAULT_TILE_CACHE_BYTES,
            bench_static_bytes: None,
            rate_limit_scale: 1,
        }
    }
}

impl Config {
    /// The base of links in mail, without a trailing slash: the public URL, else the address
    /// Haven listens on. Never a request's `Host`, which anyone can set.
    #[must_use]
    pub fn mail_base_url(&self) -> String {
        if let Some(public) = &self.public_url {
            return public.trim_end_matches('/').to_owned();
        }
        let port = self.listen.port();
        match self.listen.ip() {
            ip if ip.is_unspecified() => format!("http://localhost:{port}"),
            std::net::IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
            std::net::IpAddr::V4(ip) => format!("http://{ip}:{port}"),
        }
    }

    /// Whether the request reached Haven over https: the public URL is https, or a trusted
    /// proxy says so in `X-Forwarded-Proto`.
    #[must_use]
    pub fn is_https(&self, headers: &axum::http::HeaderMap) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
            || (self.trust_forwarded_for
                && headers
                    .get("x-forwarded-proto")
                    .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"https")))
    }
}
