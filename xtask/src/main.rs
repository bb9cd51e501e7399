//! Developer commands of this repository (CI runs both checks through tests/run.sh):
//!
//! `cargo xtask headers` writes the C headers from `src/ffi/` with a pinned cbindgen;
//! `cargo xtask headers --check` writes nothing and fails when a committed header differs from
//! what would be generated. A build never writes into the source tree: this explicit command is
//! the only thing that writes these files.
//!
//! `cargo xtask msrv` checks each workspace crate's `rust-version` against the locked
//! dependencies it builds with: none may declare a newer one. Only the installed toolchain is
//! available here (rustup cannot download an old one), so this and clippy's `incompatible_msrv`
//! lint stand in for building with the minimum toolchain itself.
//!
//! - `include/modulpos.h` from `cbindgen.toml`: the C header (doc comments, include guard, C++
//!   `extern "C"`), and the version macros `MODULPOS_VERSION_MAJOR`/`_MINOR`/`_PATCH` and
//!   `MODULPOS_VERSION` from the `version` in Cargo.toml's `[package]` (so a version bump without
//!   regenerating fails the check).
//! - `bindings/php/resources/modulpos_ffi.h` from `cbindgen-php.toml`: the same declarations for
//!   PHP's `FFI::cdef`, which has no preprocessor, so every `#` line cbindgen emits is dropped.
//!   The PHP package holds the only copy, so it works when installed away from this repository.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod msrv;

struct Header {
    config: &'static str,
    output: &'static str,
    php_safe: bool,
    /// The `MODULPOS_VERSION*` macros after the includes (not in the PHP copy: FFI::cdef has no
    /// preprocessor, and PHP asks the loaded library, mk_version()).
    version_macros: bool,
}

const HEADERS: &[Header] = &[
    Header {
        config: "cbindgen.toml",
        output: "include/modulpos.h",
        php_safe: false,
        version_macros: true,
    },
    Header {
        config: "cbindgen-php.toml",
        output: "bindings/php/resources/modulpos_ffi.h",
        php_safe: true,
        version_macros: false,
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["headers"] => false,
        ["headers", "--check"] => true,
        ["msrv"] => return msrv::check(&repository_root()),
        _ => {
            eprintln!("usage: cargo xtask headers [--check] | cargo xtask msrv");
            return ExitCode::from(2);
        }
    };
    let root = repository_root();
    let mut stale = Vec::new();
    for header in HEADERS {
        let content = match generate(&root, header) {
            Ok(content) => content,
            Err(message) => {
                eprintln!("{}: {message}", header.output);
                return ExitCode::FAILURE;
            }
        };
        let path = root.join(header.output);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(content.as_str()) {
            continue;
        }
        if check {
            stale.push(header.output);
            continue;
        }
        if let Err(e) = write(&path, &content) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", header.output);
    }
    if stale.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "generated headers differ from the committed ones: {}\nrun `cargo xtask headers` and commit the result",
        stale.join(", ")
    );
    ExitCode::FAILURE
}

/// The workspace root: the parent of this crate's directory.
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives in the repository root")
        .to_path_buf()
}

fn generate(root: &Path, header: &Header) -> Result<String, String> {
    let mut config = cbindgen::Config::from_file(root.join(header.config))?;
    if header.version_macros {
        config.after_includes = Some(version_macros(&package_version(root)?)?);
    }
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        // cbindgen follows the `mod` declarations of src/ffi/mod.rs into its files, in order.
        .with_src(root.join("src/ffi/mod.rs"))
        // The host transport's opaque exchange and callback type (mk_client_set_transport).
        .with_src(root.join("src/client/transport.rs"))
        .generate()
        .map_err(|e| format!("cbindgen could not read src/ffi/: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    let text = String::from_utf8(out).map_err(|_| "cbindgen wrote non-UTF-8".to_owned())?;
    Ok(if header.php_safe {
        php_safe(&text)
    } else {
        text
    })
}

/// The `version` of Cargo.toml's `[package]` (the library's; `mk_version()` returns it).
fn package_version(root: &Path) -> Result<String, String> {
    let path = root.join("Cargo.toml");
    let manifest =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(value) = line.strip_prefix("version = \"") {
                if let Some(version) = value.strip_suffix('"') {
                    return Ok(version.to_owned());
                }
            }
        }
    }
    Err(format!(
        "{}: no `version = \"...\"` in [package]",
        path.display()
    ))
}

/// The version macros for the C header: numeric MAJOR/MINOR/PATCH (for `#if`) and the whole
/// version string, pre-release and build metadata included (what `mk_version()` returns).
fn version_macros(version: &str) -> Result<String, String> {
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<u64> = core
        .split('.')
        .map(|part| part.parse::<u64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("Cargo.toml version {version:?} is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!(
            "Cargo.toml version {version:?} is not MAJOR.MINOR.PATCH"
        ));
    };
    Ok(format!(
        "\n/**\n * The version of the library this header belongs to (Cargo.toml's). `mk_version()` returns\n \
         * the loaded library's at run time: a program built against this header can compare the two.\n \
         */\n#define MODULPOS_VERSION_MAJOR {major}\n#define MODULPOS_VERSION_MINOR {minor}\n\
         #define MODULPOS_VERSION_PATCH {patch}\n#define MODULPOS_VERSION \"{version}\""
    ))
}

/// Drop every preprocessor line and constant cbindgen may emit; keep typedefs and prototypes,
/// with runs of blank lines folded into one.
fn php_safe(header: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in header.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            continue;
        }
        if trimmed.is_empty() {
            if !blank && !out.is_empty() {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        blank = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn write(path: &Path, content: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, content)
}
