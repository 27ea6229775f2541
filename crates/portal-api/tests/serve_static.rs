//! `portal-api serve` over real HTTP on an ephemeral loopback port.

mod common;

use common::Server;

/// A GET; returns the status line with the headers, lowercased, and the body.
fn get(server: &Server, path: &str, gzip: bool) -> (String, Vec<u8>) {
    let headers: &[(&str, &str)] = if gzip {
        &[("Accept-Encoding", "gzip")]
    } else {
        &[]
    };
    let response = server.request("GET", path, headers, b"");
    let mut head = format!("http/1.1 {}", response.status);
    for (name, value) in &response.headers {
        head.push_str(&format!("\n{name}: {}", value.to_lowercase()));
    }
    (head, response.body)
}

#[test]
fn serves_the_app_with_the_right_types_caching_and_compression() {
    let dist = std::env::temp_dir().join(format!("dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Voice portal</title>",
    )
    .unwrap();
    let wasm = dist.join("voice-portal-0123456789abcdef_bg.wasm");
    std::fs::write(&wasm, [b"\0asm".as_slice(), &[0u8; 4096]].concat()).unwrap();
    let server = Server::start(&["--db", ":memory:", "--dist", dist.to_str().unwrap()]);

    let (head, body) = get(&server, "/", false);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(head.contains("cache-control: no-cache"), "{head}");
    assert!(body.starts_with(b"<!doctype html>"));

    let (head, _) = get(&server, "/voice-portal-0123456789abcdef_bg.wasm", true);
    assert!(head.contains("content-type: application/wasm"), "{head}");
    assert!(
        head.contains("cache-control: public, max-age=31536000, immutable"),
        "{head}"
    );
    assert!(head.contains("content-encoding: gzip"), "{head}");

    // The app's own routes fall back to index.html.
    let (head, body) = get(&server, "/locations/7/users", false);
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(body.starts_with(b"<!doctype html>"));

    drop(server);
    std::fs::remove_dir_all(dist).unwrap();
}
