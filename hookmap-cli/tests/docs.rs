//! The docs cannot go stale: every ```console block of README.md and docs/*.md is run as it
//! is written (each `$ ` line through `sh`, from the repository's root, with this build's
//! `hookmap` first on PATH) and what it prints (stdout and stderr, in order) must be exactly
//! the lines that follow it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One command of a console block, and what the docs say it prints.
struct Example {
    place: String,
    command: String,
    expected: Vec<String>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The console blocks of a markdown file, as commands and their expected output.
fn examples(file: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(file).unwrap();
    let name = file.strip_prefix(repo()).unwrap_or(file).display().to_string();
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    let mut continued = false;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_console = !in_console && line.trim() == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Example {
                place: format!("{name}:{}", n + 1),
                command: cmd.trim_end_matches('\\').to_owned(),
                expected: Vec::new(),
            });
            continued = line.ends_with('\\');
        } else if let Some(last) = out.last_mut() {
            if continued {
                last.command.push_str(line.trim_end_matches('\\'));
                continued = line.ends_with('\\');
            } else {
                last.expected.push(line.trim_end().to_owned());
            }
        }
    }
    out
}

/// PATH with this build's `hookmap` first.
fn path() -> std::ffi::OsString {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hookmap")).parent().unwrap().to_path_buf();
    std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap()
}

fn run(example: &Example) -> Vec<String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("{} 2>&1", example.command))
        .current_dir(repo())
        .env("PATH", path())
        .output()
        .expect("sh runs");
    // A command piped into `head` meets a closed pipe: what it says then is on this stderr.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{}: $ {}\n{stderr}",
        example.place,
        example.command
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim_end().to_owned())
        .collect()
}

/// Every command of the docs, its output read by nobody (as `| head` does once it has its
/// lines): no panic, no "Broken pipe", the exit code it has when its output is read.
#[test]
fn every_console_example_survives_a_closed_pipe() {
    let mut files = vec![repo().join("README.md")];
    files.extend(
        std::fs::read_dir(repo().join("docs"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md")),
    );
    let mut checked = 0;
    for example in files.iter().flat_map(|f| examples(f)) {
        // The command as written, its last stage's output going nowhere.
        let shell = |closed: bool| {
            let mut child = Command::new("bash")
                .arg("-c")
                .arg(format!("set -o pipefail; {}", example.command))
                .current_dir(repo())
                .env("PATH", path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("bash runs");
            if closed {
                drop(child.stdout.take());
            }
            child.wait_with_output().unwrap()
        };
        let read = shell(false);
        let closed = shell(true);
        let stderr = String::from_utf8_lossy(&closed.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{}: $ {}\n{stderr}",
            example.place,
            example.command
        );
        // Only a lone `hookmap` command's code is its own: in a pipeline or a list, the last
        // stage (`head`, `echo`) meets the closed pipe itself.
        if !example.command.starts_with("hookmap ") || example.command.contains(['|', ';', '&']) {
            checked += 1;
            continue;
        }
        assert_eq!(
            closed.status.code(),
            read.status.code(),
            "{}: $ {} exits differently when nobody reads it\n{stderr}",
            example.place,
            example.command
        );
        checked += 1;
    }
    assert!(checked >= 8);
}

#[test]
fn every_console_example_prints_what_the_docs_say() {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let all: Vec<Example> = files.iter().flat_map(|f| examples(f)).collect();
    assert!(all.len() >= 8, "the docs show at least 8 commands; found {}", all.len());
    let mut failures = Vec::new();
    for example in &all {
        let mut got = run(example);
        let mut want = example.expected.clone();
        while want.last().is_some_and(String::is_empty) {
            want.pop();
        }
        while got.last().is_some_and(String::is_empty) {
            got.pop();
        }
        if got != want {
            failures.push(format!(
                "{}: $ {}\n--- the docs say:\n{}\n--- it printed:\n{}",
                example.place,
                example.command,
                want.join("\n"),
                got.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
