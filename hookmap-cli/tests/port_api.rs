//! `hookmap pull`, `push` and `diff` against a fake Port API on 127.0.0.1: the calls they
//! make, in order, with what body, and what they refuse to send.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// One call the fake API received.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Value,
}

/// The fake API's state: its webhooks, the tokens it accepts, every call received.
#[derive(Default)]
struct State {
    webhooks: serde_json::Map<String, Value>,
    /// The token the next access-token request hands out.
    next_token: u32,
    /// Tokens that are valid now.
    valid: Vec<String>,
    calls: Vec<Call>,
    /// Expire every token once a GET of a webhook was answered (the next call meets a 401).
    expire_after_get: bool,
}

struct FakePort {
    url: String,
    state: Arc<Mutex<State>>,
}

impl FakePort {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        // The thread ends with the test process; each connection is one request.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { url, state }
    }

    fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    fn put(&self, webhook: Value) {
        let id = webhook["identifier"].as_str().unwrap().to_owned();
        self.state.lock().unwrap().webhooks.insert(id, webhook);
    }

    fn webhook(&self, id: &str) -> Option<Value> {
        self.state.lock().unwrap().webhooks.get(id).cloned()
    }

    /// Tokens handed out so far expire (Port answers 401 to them).
    fn expire_tokens(&self) {
        self.state.lock().unwrap().valid.clear();
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let path = parts.next().unwrap_or("").to_owned();
    let (mut length, mut authorization) = (0, None);
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap(),
            "authorization" => authorization = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, answer) = {
        let mut s = state.lock().unwrap();
        s.calls.push(Call {
            method: method.clone(),
            path: path.clone(),
            authorization: authorization.clone(),
            body: body.clone(),
        });
        respond(&mut s, &method, &path, authorization.as_deref(), body)
    };
    let text = answer.to_string();
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

fn respond(s: &mut State, method: &str, path: &str, auth: Option<&str>, body: Value) -> (u16, Value) {
    if (method, path) == ("POST", "/v1/auth/access_token") {
        if body == json!({"clientId": "id-1", "clientSecret": "secret-1"}) {
            s.next_token += 1;
            let token = format!("token-{}", s.next_token);
            s.valid.push(token.clone());
            return (
                200,
                json!({"ok": true, "accessToken": token, "expiresIn": 10800, "tokenType": "Bearer"}),
            );
        }
        return (
            401,
            json!({"ok": false, "error": "unauthorized", "message": "bad credentials"}),
        );
    }
    let token = auth.and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
    if !s.valid.iter().any(|t| t == token) {
        return (
            401,
            json!({"ok": false, "error": "token_expired", "message": "the token expired"}),
        );
    }
    let id = path.strip_prefix("/v1/webhooks/").map(str::to_owned);
    match (method, id) {
        ("GET", Some(id)) => match s.webhooks.get(&id) {
            Some(w) => {
                let answer = json!({"ok": true, "integration": w});
                if s.expire_after_get {
                    s.valid.clear();
                }
                (200, answer)
            }
            None => (
                404,
                json!({"ok": false, "error": "not_found", "message": format!("webhook {id} not found")}),
            ),
        },
        ("PATCH", Some(id)) => match s.webhooks.get_mut(&id) {
            Some(Value::Object(w)) => {
                for (k, v) in body.as_object().unwrap() {
                    w.insert(k.clone(), v.clone());
                }
                (200, json!({"ok": true, "integration": w}))
            }
            _ => (404, json!({"ok": false, "error": "not_found"})),
        },
        ("POST", None) if path == "/v1/webhooks" => {
            let mut w = body.clone();
            w["webhookKey"] = json!("KEY");
            w["url"] = json!("https://ingest.port.io/KEY");
            s.webhooks
                .insert(body["identifier"].as_str().unwrap().to_owned(), w.clone());
            (200, json!({"ok": true, "integration": w}))
        }
        _ => (404, json!({"ok": false, "error": "no_route"})),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hookmap(port: &FakePort, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookmap"))
        .args(args)
        .current_dir(repo())
        .env("PORT_CLIENT_ID", "id-1")
        .env("PORT_CLIENT_SECRET", "secret-1")
        .env("PORT_API_URL", &port.url)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A webhook as Port holds it: the Spacelift example, with Port's metadata and a secret.
fn live_spacelift() -> Value {
    let mut w: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("examples/spacelift/config.json")).unwrap()).unwrap();
    w["identifier"] = json!("spacelift-runs");
    w["title"] = json!("Spacelift runs");
    w["enabled"] = json!(true);
    w["security"] = json!({"secret": "s3cr3t", "signatureHeaderName": "x-signature-256", "signatureAlgorithm": "sha256", "signaturePrefix": "sha256="});
    w["webhookKey"] = json!("KEY");
    w["url"] = json!("https://ingest.port.io/KEY");
    w["createdAt"] = json!("2026-01-01T00:00:00.000Z");
    w["createdBy"] = json!("someone");
    w["updatedAt"] = json!("2026-01-02T00:00:00.000Z");
    w["updatedBy"] = json!("someone");
    w
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookmap-port-api-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A case folder holding the Spacelift request and its expected entities (`branch` changed
/// when `break_it`), with no configuration of its own but case.json naming `config`.
fn case_dir(name: &str, config: &std::path::Path, break_it: bool) -> PathBuf {
    let dir = scratch(name).join("case");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo().join("examples/spacelift/request.json"), dir.join("request.json")).unwrap();
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("examples/spacelift/expected.json")).unwrap())
            .unwrap();
    if break_it {
        expected[0]["properties"]["branch"] = json!("not-main");
    }
    std::fs::write(dir.join("expected.json"), expected.to_string()).unwrap();
    std::fs::write(dir.join("case.json"), json!({"config": config}).to_string()).unwrap();
    dir
}

#[test]
fn pull_prints_the_configuration_without_metadata_or_secret() {
    let port = FakePort::start();
    port.put(live_spacelift());
    let out = hookmap(&port, &["pull", "spacelift-runs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pulled: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut want = live_spacelift();
    for k in ["webhookKey", "url", "createdAt", "createdBy", "updatedAt", "updatedBy"] {
        want.as_object_mut().unwrap().shift_remove(k);
    }
    want["security"].as_object_mut().unwrap().shift_remove("secret");
    assert_eq!(pulled, want);
    assert!(!text(&out.stdout).contains("s3cr3t"));
    assert!(text(&out.stderr).contains("security.secret left out"));
    // The first call is for a token; the GET carries it.
    let calls = port.calls();
    assert_eq!(calls[0].path, "/v1/auth/access_token");
    assert_eq!(calls[1].method, "GET");
    assert_eq!(calls[1].authorization.as_deref(), Some("Bearer token-1"));

    let missing = hookmap(&port, &["pull", "nope"]);
    assert_eq!(missing.status.code(), Some(4));
    assert!(
        text(&missing.stderr).contains("no webhook \"nope\""),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn wrong_credentials_and_no_credentials_are_said_plainly() {
    let port = FakePort::start();
    let out = Command::new(env!("CARGO_BIN_EXE_hookmap"))
        .args(["pull", "x"])
        .env_remove("PORT_CLIENT_ID")
        .env_remove("PORT_CLIENT_SECRET")
        .env("PORT_API_URL", &port.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("PORT_CLIENT_ID is not set"),
        "{}",
        text(&out.stderr)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hookmap"))
        .args(["pull", "x"])
        .env("PORT_CLIENT_ID", "id-1")
        .env("PORT_CLIENT_SECRET", "wrong")
        .env("PORT_API_URL", &port.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("refused the credentials (HTTP 401)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn push_refuses_over_a_failing_case_and_sends_nothing() {
    let port = FakePort::start();
    port.put(live_spacelift());
    let dir = scratch("refused");
    let config = dir.join("webhook.json");
    let mut local = live_spacelift();
    local["title"] = json!("Changed");
    std::fs::write(&config, local.to_string()).unwrap();
    let case = case_dir("refused-case", &config, true);
    let out = hookmap(
        &port,
        &[
            "push",
            "--config",
            config.to_str().unwrap(),
            "--cases",
            case.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("FAIL"), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("push refused"), "{}", text(&out.stderr));
    assert!(port.calls().is_empty(), "nothing was sent: {:?}", port.calls());
    assert_eq!(port.webhook("spacelift-runs").unwrap()["title"], "Spacelift runs");
}

#[test]
fn push_patches_what_the_file_holds_and_keeps_the_secret() {
    let port = FakePort::start();
    port.put(live_spacelift());
    let dir = scratch("patch");
    // A pulled file (no secret, no metadata), with a changed title and property.
    let mut local = live_spacelift();
    for k in ["webhookKey", "url", "createdAt", "createdBy", "updatedAt", "updatedBy"] {
        local.as_object_mut().unwrap().shift_remove(k);
    }
    local["security"].as_object_mut().unwrap().shift_remove("secret");
    local["title"] = json!("Spacelift (tested)");
    let config = dir.join("webhook.json");
    std::fs::write(&config, serde_json::to_string_pretty(&local).unwrap()).unwrap();
    let case = case_dir("patch-case", &config, false);
    let out = hookmap(
        &port,
        &[
            "push",
            "--config",
            config.to_str().unwrap(),
            "--cases",
            case.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("updated webhook spacelift-runs"), "{stdout}");
    assert!(
        stdout.contains("~ title: \"Spacelift runs\" → \"Spacelift (tested)\""),
        "{stdout}"
    );
    let calls = port.calls();
    let patch = calls.iter().find(|c| c.method == "PATCH").expect("a PATCH");
    assert_eq!(patch.path, "/v1/webhooks/spacelift-runs");
    assert_eq!(
        patch.body["security"]["secret"], "s3cr3t",
        "the secret is sent back as it was"
    );
    assert!(calls
        .iter()
        .all(|c| c.method != "PUT" && c.method != "POST" || c.path == "/v1/auth/access_token"));
    let stored = port.webhook("spacelift-runs").unwrap();
    assert_eq!(stored["title"], "Spacelift (tested)");
    assert_eq!(stored["security"]["secret"], "s3cr3t");
    assert_eq!(stored["webhookKey"], "KEY");

    // Pushing the same file again changes nothing and sends no PATCH.
    let before = port.calls().len();
    let again = hookmap(&port, &["push", "--config", config.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("unchanged webhook spacelift-runs"),
        "{}",
        text(&again.stdout)
    );
    assert!(port.calls()[before..].iter().all(|c| c.method != "PATCH"));
}

#[test]
fn push_creates_a_webhook_port_does_not_have() {
    let port = FakePort::start();
    let dir = scratch("create");
    let mut local = live_spacelift();
    for k in [
        "webhookKey",
        "url",
        "createdAt",
        "createdBy",
        "updatedAt",
        "updatedBy",
        "security",
        "enabled",
    ] {
        local.as_object_mut().unwrap().shift_remove(k);
    }
    local["identifier"] = json!("new-hook");
    let config = dir.join("webhook.json");
    std::fs::write(&config, local.to_string()).unwrap();
    let out = hookmap(&port, &["push", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("created webhook new-hook"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("without a secret"), "{}", text(&out.stderr));
    let post = port
        .calls()
        .into_iter()
        .find(|c| c.method == "POST" && c.path == "/v1/webhooks")
        .unwrap();
    assert_eq!(post.body["enabled"], true, "Port's API requires enabled on creation");
    assert_eq!(post.body["mappings"], local["mappings"]);
}

#[test]
fn an_expired_token_is_renewed_once() {
    let port = FakePort::start();
    port.put(live_spacelift());
    // A first run gets token-1; then Port expires it.
    assert_eq!(hookmap(&port, &["pull", "spacelift-runs"]).status.code(), Some(0));
    port.expire_tokens();
    let dir = scratch("refresh");
    let mut local = live_spacelift();
    local["title"] = json!("Renewed");
    let config = dir.join("webhook.json");
    std::fs::write(&config, local.to_string()).unwrap();
    // Port expires the token right after answering the GET, so the PATCH meets a 401.
    port.state.lock().unwrap().expire_after_get = true;
    let out = hookmap(&port, &["push", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let calls = port.calls();
    let tokens: Vec<&Call> = calls.iter().filter(|c| c.path == "/v1/auth/access_token").collect();
    let patches: Vec<&Call> = calls.iter().filter(|c| c.method == "PATCH").collect();
    assert_eq!(tokens.len(), 3, "{calls:#?}");
    // The PATCH went out with the old token, met a 401, and went again with a new one.
    assert_eq!(patches.len(), 2, "{calls:#?}");
    assert_eq!(patches[0].authorization.as_deref(), Some("Bearer token-2"));
    assert_eq!(patches[1].authorization.as_deref(), Some("Bearer token-3"));
    assert_eq!(port.webhook("spacelift-runs").unwrap()["title"], "Renewed");
}

#[test]
fn diff_shows_the_fields_and_the_entities_that_change() {
    let port = FakePort::start();
    port.put(live_spacelift());
    let dir = scratch("diff");
    let mut local = live_spacelift();
    local["mappings"][0]["entity"]["properties"]["branch"] = json!(".body.run.commit.hash");
    let config = dir.join("webhook.json");
    std::fs::write(&config, local.to_string()).unwrap();
    let case = case_dir("diff-case", &config, false);
    let out = hookmap(
        &port,
        &[
            "diff",
            "--config",
            config.to_str().unwrap(),
            "--cases",
            case.to_str().unwrap(),
            "--exit-code",
        ],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("webhook spacelift-runs at"), "{stdout}");
    assert!(
        stdout.contains("~ mappings[0].entity.properties.branch: \".body.run.branch\" → \".body.run.commit.hash\""),
        "{stdout}"
    );
    assert!(stdout.contains("cases: 1 request, 0 unchanged, 1 changed"), "{stdout}");
    assert!(stdout.contains("properties.branch: \"main\" →"), "{stdout}");
    assert!(port.calls().iter().all(|c| c.method != "PATCH" && c.method != "PUT"));

    // No change: exit 0 even with --exit-code.
    std::fs::write(&config, live_spacelift().to_string()).unwrap();
    let same = hookmap(&port, &["diff", "--config", config.to_str().unwrap(), "--exit-code"]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stdout));
    assert!(text(&same.stdout).contains(": 0 changes"), "{}", text(&same.stdout));
}
