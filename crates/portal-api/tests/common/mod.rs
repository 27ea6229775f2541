//! The reference server as a process on an ephemeral loopback port, and a
//! small HTTP/1.1 client, for the tests over real HTTP. The server is
//! killed when its handle drops, even when a test fails.
#![allow(dead_code)] // each test file uses part of this

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub address: String,
    /// Every line the server printed before serving.
    pub banner: Vec<String>,
    dist: Option<PathBuf>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dist) = &self.dist {
            let _ = std::fs::remove_dir_all(dist);
        }
    }
}

/// A demo account as `serve --demo` prints it.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub sign_in_url: String,
    pub api_token: String,
}

impl Server {
    /// `portal-api serve --port 0` with `args`, once it is listening.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with_dist(args, None)
    }

    /// A server with a fresh in-memory database, the demo data and the test
    /// hooks, serving an empty app.
    pub fn demo() -> Server {
        let dist =
            std::env::temp_dir().join(format!("portal-dist-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>Voice portal</title>",
        )
        .unwrap();
        let dist_arg = dist.to_str().unwrap().to_string();
        Server::start_with_dist(
            &[
                "--db",
                ":memory:",
                "--demo",
                "--test-hooks",
                "--dist",
                &dist_arg,
            ],
            Some(dist),
        )
    }

    fn start_with_dist(args: &[&str], dist: Option<PathBuf>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portal-api"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start portal-api serve");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).unwrap() == 0 {
                panic!("the server stopped before serving: {banner:?}");
            }
            let line = line.trim_end().to_string();
            let done = line.starts_with("Voice portal: http://");
            banner.push(line);
            if done {
                break;
            }
        }
        let address = banner
            .last()
            .unwrap()
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap()
            .to_string();
        Server {
            child,
            address,
            banner,
            dist,
        }
    }

    /// The demo account with this email.
    pub fn account(&self, email: &str) -> DemoAccount {
        let at = self
            .banner
            .iter()
            .position(|l| l.contains(&format!("<{email}>")))
            .unwrap_or_else(|| panic!("no demo account {email} in {:?}", self.banner));
        let value =
            |line: &str, label: &str| line.trim().strip_prefix(label).unwrap().trim().to_string();
        DemoAccount {
            email: email.to_string(),
            sign_in_url: value(&self.banner[at + 1], "sign in:"),
            api_token: value(&self.banner[at + 2], "API token:"),
        }
    }

    /// A request; `headers` are extra header lines.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        request(&self.address, method, path, headers, body)
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names lowercased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `error` word of a JSON error body.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`).
pub fn request(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PATCH" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before it has read a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked")
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}

/// A temporary path that is removed (with SQLite's side files) on drop.
pub struct TempDb(pub PathBuf);

impl TempDb {
    pub fn new() -> TempDb {
        TempDb(std::env::temp_dir().join(format!(
            "portal-test-{}-{}.db",
            std::process::id(),
            unique()
        )))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}
