//! `portal-api serve`: the API under `/api` (see [`crate::api`]) and the
//! built app (`dist/`) on 127.0.0.1.
//!
//! The static files are served the way a production host should:
//! `application/wasm`, gzip, long-lived caching for trunk's hashed file
//! names and none for `index.html`, and `index.html` for any other path so
//! the app's own routes survive a reload. API responses are never cached.

use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{self, AppState, Faults};
use crate::db::Db;
use crate::demo;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// 0 picks a free port (tests); the chosen one is printed.
    pub port: u16,
    pub dist: PathBuf,
    /// The SQLite file, or `:memory:`.
    pub db: String,
    /// Create the demo data and print its sign-in links.
    pub demo: bool,
    /// Mount the test-only fault switches (`/api/test/...`).
    pub test_hooks: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            port: 8080,
            dist: PathBuf::from("dist"),
            db: "portal.db".to_string(),
            demo: false,
            test_hooks: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "--port" => {
                    let port = value("--port")?;
                    options.port = port
                        .parse()
                        .map_err(|_| format!("--port takes a number, not '{port}'"))?;
                }
                "--dist" => options.dist = PathBuf::from(value("--dist")?),
                "--db" => options.db = value("--db")?.clone(),
                "--demo" => options.demo = true,
                "--test-hooks" => options.test_hooks = true,
                other => return Err(format!("unknown option '{other}'")),
            }
        }
        Ok(options)
    }
}

/// The whole server: the API under `/api`, the app for every other path.
pub fn app(dist: PathBuf, state: AppState) -> Router {
    let index = dist.join("index.html");
    let files = ServeDir::new(&dist).fallback(ServeFile::new(index));
    Router::new()
        .nest("/api", api::router(state))
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
        .layer(CompressionLayer::new().gzip(true))
}

/// trunk names assets `name-<16 hex digits>.ext`: such a file never
/// changes, so it may be cached for a year; everything else is revalidated.
async fn cache_headers(request: Request<axum::body::Body>, next: Next) -> Response {
    let path = request.uri().path();
    let value = if path.starts_with("/api/") {
        "no-store"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Serves until Ctrl-C. Prints the demo accounts (with `--demo`), then, as
/// the last line before serving, `Voice portal: http://ADDRESS/ …`.
pub fn run(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::open(&options.db)
        .map_err(|e| format!("cannot open the database '{}': {e}", options.db))?;
    let sign_ins = if options.demo {
        db.run_now(demo::create)?
    } else {
        Vec::new()
    };
    let state = AppState {
        db,
        faults: options.test_hooks.then(|| Arc::new(Faults::default())),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}/");
        if !sign_ins.is_empty() {
            println!("{}", demo::describe(&sign_ins, &base_url));
        }
        if options.test_hooks {
            println!("Test hooks are on: /api/test/... can make imports fail. Never use this in production.");
        }
        println!(
            "Voice portal: {base_url} (serving {}, database {})",
            options.dist.display(),
            options.db
        );
        axum::serve(listener, app(options.dist.clone(), state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_recognized() {
        assert!(is_hashed_asset("/voice-portal-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/voice-portal.js"));
        assert!(!is_hashed_asset("/"));
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--port", "0", "--dist", "x", "--db", ":memory:", "--demo"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            Options::parse(&args).unwrap(),
            Options {
                port: 0,
                dist: "x".into(),
                db: ":memory:".into(),
                demo: true,
                test_hooks: false,
            }
        );
        assert!(Options::parse(&["--port".to_string(), "x".to_string()]).is_err());
        assert!(Options::parse(&["--db".to_string()]).is_err());
        assert!(Options::parse(&["--fast".to_string()]).is_err());
    }
}
