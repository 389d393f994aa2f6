//! `hookmap test` as CI runs it: several requests per case, blueprints, `--update`, GitHub
//! annotations at the differing value, JUnit XML, and every command ending quietly on a closed
//! pipe.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hookmap_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookmap"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hookmap-ci-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A case with the Spacelift configuration and two requests (`finished.json`, and a copy
/// on another branch `develop.json`), with no expected entities yet.
fn two_request_case(root: &Path) -> PathBuf {
    let case = root.join("cases/spacelift");
    std::fs::create_dir_all(case.join("requests")).unwrap();
    let ex = repo().join("examples/spacelift");
    std::fs::copy(ex.join("config.json"), case.join("config.json")).unwrap();
    std::fs::copy(ex.join("blueprint.json"), case.join("blueprint.json")).unwrap();
    let request = read_json(&ex.join("request.json"));
    std::fs::write(case.join("requests/finished.json"), request.to_string()).unwrap();
    let mut develop = request.clone();
    develop["body"]["run"]["branch"] = json!("develop");
    std::fs::write(case.join("requests/develop.json"), develop.to_string()).unwrap();
    case
}

#[test]
fn update_writes_expected_entities_and_says_which() {
    let root = scratch("update");
    let case = two_request_case(&root);
    // Without expected entities the case fails and says how to write them.
    let out = hookmap_in(&root, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("is missing: write it with `hookmap test --update`"),
        "{}",
        text(&out.stdout)
    );

    let out = hookmap_in(&root, &["test", "--update", "cases"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("CREATED cases/spacelift/expected/develop.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("CREATED cases/spacelift/expected/finished.json"),
        "{stdout}"
    );
    assert!(stdout.ends_with("0 passed, 0 failed, 2 written\n"), "{stdout}");
    // What was written is what Port stores: the example's expected entities for the original
    // request, and the same on the develop branch for the copy.
    let expected = read_json(&repo().join("examples/spacelift/expected.json"));
    assert_eq!(read_json(&case.join("expected/finished.json")), expected);
    let mut develop = expected.clone();
    develop[0]["properties"]["branch"] = json!("develop");
    assert_eq!(read_json(&case.join("expected/develop.json")), develop);

    // Now they pass, one line per request; a second update rewrites nothing.
    let out = hookmap_in(&root, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stdout),
        "PASS cases/spacelift requests/develop.json\nPASS cases/spacelift requests/finished.json\n2 passed, 0 failed\n"
    );
    std::fs::write(case.join("expected/develop.json"), "[]").unwrap();
    let out = hookmap_in(&root, &["test", "--update", "cases"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("UPDATED cases/spacelift/expected/develop.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS cases/spacelift requests/finished.json"),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 passed, 0 failed, 1 written\n"), "{stdout}");
}

#[test]
fn a_blueprint_in_the_case_validates_its_entities() {
    let root = scratch("blueprint");
    let case = two_request_case(&root);
    hookmap_in(&root, &["test", "--update", "cases"]);
    // `link` must be a URL in the blueprint; the configuration now maps a number into it.
    let config = std::fs::read_to_string(case.join("config.json")).unwrap();
    std::fs::write(
        case.join("config.json"),
        config.replace("\".body.stack.url\"", "\".body.stateVersion\""),
    )
    .unwrap();
    let out = hookmap_in(&root, &["test", "cases"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("$[0]: expected"), "the entity is dropped: {stdout}");
    // The diagnostic that explains it, at its place in the configuration.
    let config = std::fs::read_to_string(case.join("config.json")).unwrap();
    let line = config.lines().position(|l| l.contains(".body.stateVersion")).unwrap() + 1;
    assert!(
        stdout.lines().any(|l| l
            .trim_start()
            .starts_with(&format!("diagnostic: cases/spacelift/config.json:{line}:"))
            && l.contains("error[blueprint-type]")),
        "{stdout}"
    );
}

#[test]
fn github_annotations_point_at_the_differing_value_and_the_config() {
    let root = scratch("github");
    let case = two_request_case(&root);
    hookmap_in(&root, &["test", "--update", "cases"]);
    // A wrong expectation, on its own line of a pretty file.
    let path = case.join("expected/finished.json");
    let pretty = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"main\"", "\"mainline\"");
    std::fs::write(&path, &pretty).unwrap();
    let line = pretty.lines().position(|l| l.contains("\"mainline\"")).unwrap() + 1;
    let col = pretty.lines().nth(line - 1).unwrap().find("\"mainline\"").unwrap() + 1;
    // And a mapping error in the other request's run: an identifier that is not a string.
    let out = hookmap_in(&root, &["test", "--reporter", "github", "cases"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let want = format!(
        "::error file=cases/spacelift/expected/finished.json,line={line},col={col},endLine={line},endColumn={}::cases/spacelift requests/finished.json: $[0].properties.branch: expected \"mainline\", got \"main\"",
        col + "\"mainline\"".len()
    );
    assert!(stdout.lines().any(|l| l == want), "want {want}\n{stdout}");

    // An error diagnostic points into the configuration.
    let config_path = case.join("config.json");
    let config = std::fs::read_to_string(&config_path).unwrap();
    std::fs::write(
        &config_path,
        config.replace("\".body.stack.id | tostring\"", "\".body.stack.nope\""),
    )
    .unwrap();
    let out = hookmap_in(&root, &["test", "--reporter", "github", "cases"]);
    let stdout = text(&out.stdout);
    let config = std::fs::read_to_string(&config_path).unwrap();
    let id_line = config.lines().position(|l| l.contains(".body.stack.nope")).unwrap() + 1;
    assert!(
        stdout.lines().any(
            |l| l.starts_with(&format!("::error file=cases/spacelift/config.json,line={id_line},"))
                && l.contains("[identifier-")
        ),
        "{stdout}"
    );
}

#[test]
fn junit_reports_each_request_as_a_testcase() {
    let root = scratch("junit");
    let case = two_request_case(&root);
    hookmap_in(&root, &["test", "--update", "cases"]);
    std::fs::write(case.join("expected/develop.json"), "[]").unwrap();
    let out = hookmap_in(
        &root,
        &["test", "--reporter", "junit", "--output", "report.xml", "cases"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "1 passed, 1 failed (report: report.xml)\n");
    let xml = std::fs::read_to_string(root.join("report.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("2"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 2);
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attribute("name"), Some("requests/develop.json"));
    let failure = failed[0].children().find(|n| n.has_tag_name("failure")).unwrap();
    assert!(failure.text().unwrap().contains("$[0]: unexpected"), "{xml}");
}

#[test]
fn a_terraform_case_runs_and_its_errors_point_into_the_tf_file() {
    let root = scratch("terraform");
    let case = root.join("case");
    std::fs::create_dir_all(&case).unwrap();
    let ex = repo().join("examples/spacelift");
    std::fs::copy(ex.join("request.json"), case.join("request.json")).unwrap();
    std::fs::copy(ex.join("expected.json"), case.join("expected.json")).unwrap();
    let tf = r#"resource "port_webhook" "spacelift" {
  identifier = "spacelift"
  title      = "Spacelift"
  enabled    = true
  mappings = [{
    blueprint = "space_lift_stack"
    filter    = "true"
    entity = {
      identifier = ".body.stack.id | tostring"
      title      = ".body.stack.name | tostring"
      properties = {
        label        = ".body.stack.labels"
        description  = ".body.stack.description"
        link         = ".body.stack.url"
        git_provider = ".body.stack.vcs"
        repository   = ".body.stack.repository"
        branch       = ".body.run.branch"
        state        = ".body.state"
      }
    }
  }]
}
"#;
    std::fs::write(case.join("config.tf"), tf).unwrap();
    let out = hookmap_in(&root, &["test", "case"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    // A jq expression that does not compile, in strict mode: an error at its line in the .tf.
    std::fs::write(case.join("config.tf"), tf.replace(".body.state\"", ".body.state |\"")).unwrap();
    let out = hookmap_in(&root, &["test", "--strict", "--reporter", "github", "case"]);
    assert_eq!(out.status.code(), Some(1));
    let line = tf.lines().position(|l| l.contains(".body.state\"")).unwrap() + 1;
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&format!("::error file=case/config.tf,line={line},")) && l.contains("[jq-compile]")),
        "{stdout}"
    );
}

/// Every command whose output is piped into a reader that is gone (`| head`) ends quietly:
/// no panic, the exit code it has otherwise.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let ex = "examples/spacelift";
    let commands: Vec<Vec<String>> = vec![
        vec![
            "map",
            "--config",
            &format!("{ex}/config.json"),
            &format!("{ex}/request.json"),
        ],
        vec!["jq", ".body", &format!("{ex}/request.json")],
        vec!["jq", "--port", ".body", &format!("{ex}/request.json")],
        vec![
            "scaffold",
            "--blueprint",
            &format!("{ex}/blueprint.json"),
            &format!("{ex}/request.json"),
        ],
        vec!["test", "examples"],
        vec![
            "export",
            "--config",
            &format!("{ex}/config.json"),
            "--format",
            "terraform",
        ],
        vec!["--help"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(str::to_owned).collect())
    .collect();
    for args in commands {
        let normal = Command::new(env!("CARGO_BIN_EXE_hookmap"))
            .args(&args)
            .current_dir(repo())
            .output()
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookmap"))
            .args(&args)
            .current_dir(repo())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let closed = child.wait_with_output().unwrap();
        let stderr = text(&closed.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(closed.status.code(), normal.status.code(), "{args:?}: {stderr}");
    }
}
