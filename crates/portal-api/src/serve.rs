//! `portal-api serve`: serves the built app (`dist/`) on 127.0.0.1.
//!
//! The API itself (sign-in, locations, users, import) is the reference
//! server's next step; this part already serves the static files the way a
//! production host should: `application/wasm`, gzip, long-lived caching for
//! trunk's hashed file names and none for `index.html`, and `index.html`
//! for any other path so the app's own routes survive a reload.

use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::PathBuf;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// 0 picks a free port (tests); the chosen one is printed.
    pub port: u16,
    pub dist: PathBuf,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            port: 8080,
            dist: PathBuf::from("dist"),
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
                other => return Err(format!("unknown option '{other}'")),
            }
        }
        Ok(options)
    }
}

/// The router for the static app.
pub fn app(dist: PathBuf) -> Router {
    let index = dist.join("index.html");
    let files = ServeDir::new(&dist).fallback(ServeFile::new(index));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
        .layer(CompressionLayer::new().gzip(true))
}

/// trunk names assets `name-<16 hex digits>.ext`: such a file never
/// changes, so it may be cached for a year; everything else is revalidated.
async fn cache_headers(request: Request<axum::body::Body>, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
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

/// Serves until Ctrl-C.
pub fn run(options: &Options) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let address = listener.local_addr()?;
        println!(
            "Voice portal: http://{address}/ (serving {})",
            options.dist.display()
        );
        axum::serve(listener, app(options.dist.clone()))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
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
        let args: Vec<String> = ["--port", "0", "--dist", "x"].map(String::from).to_vec();
        assert_eq!(
            Options::parse(&args).unwrap(),
            Options {
                port: 0,
                dist: "x".into()
            }
        );
        assert!(Options::parse(&["--port".to_string(), "x".to_string()]).is_err());
        assert!(Options::parse(&["--demo".to_string()]).is_err());
    }
}
