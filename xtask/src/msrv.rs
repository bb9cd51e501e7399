//! `cargo xtask msrv`: every workspace crate's `rust-version` is at least the highest one its
//! locked normal and build dependencies declare, transitively.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;

pub fn check(root: &Path) -> ExitCode {
    let output = match Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
    {
        Ok(output) if output.status.success() => output.stdout,
        Ok(output) => {
            eprintln!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot run cargo metadata: {e}");
            return ExitCode::FAILURE;
        }
    };
    let metadata: Value = match serde_json::from_slice(&output) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cargo metadata printed unreadable JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();

    let mut failed = false;
    for member in &members {
        let package = packages[member];
        let name = package["name"].as_str().unwrap_or("?");
        let Some(declared) = package["rust_version"].as_str() else {
            println!("{name}: no rust-version declared");
            continue;
        };
        let (highest, by) = closure(member, &nodes)
            .into_iter()
            .filter_map(|id| {
                let p = packages[id];
                Some((
                    version(p["rust_version"].as_str()?),
                    p["name"].as_str()?.to_owned(),
                ))
            })
            .max()
            .unwrap_or(((0, 0), String::new()));
        if highest > version(declared) {
            eprintln!(
                "{name}: rust-version {declared}, but {by} needs {}.{}",
                highest.0, highest.1
            );
            failed = true;
        } else {
            println!(
                "{name}: rust-version {declared} (dependencies need at most {}.{}, {by})",
                highest.0, highest.1
            );
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The ids of every package a user's build of `start` compiles: its normal and build
/// dependencies, transitively. Dev-dependencies are left out: only the crate's own tests build
/// them (the library's tests use the sandbox, whose rust-version is checked on its own).
fn closure<'a>(start: &'a str, nodes: &HashMap<&'a str, &'a Value>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let Some(dep_id) = dep["pkg"].as_str() else {
                continue;
            };
            let built = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].as_str() != Some("dev"));
            if built && seen.insert(dep_id) {
                stack.push(dep_id);
            }
        }
    }
    seen
}

/// "1.85" or "1.85.0" as (major, minor).
fn version(text: &str) -> (u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}
