//! `portal-api serve` over real HTTP on an ephemeral loopback port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The server, killed when the test ends (even when it fails).
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dist: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal-api"))
        .args(["serve", "--port", "0", "--dist"])
        .arg(dist)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start portal-api serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("the server prints its address")
        .to_string();
    Server { child, address }
}

/// A GET; returns the status line with the headers, lowercased, and the body.
fn get(server: &Server, path: &str, gzip: bool) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    let accept = if gzip {
        "Accept-Encoding: gzip\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{accept}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    (head, response[split + 4..].to_vec())
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
    let server = start(&dist);

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
