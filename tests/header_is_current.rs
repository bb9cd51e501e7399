//! The committed headers declare what the C ABI promises: every export with its doc comment in
//! `include/modulpos.h`, the same prototypes without preprocessor lines in the PHP package's
//! `bindings/php/resources/modulpos_ffi.h`, which PHP's `FFI::cdef` accepts. That they are current
//! (what `cargo xtask headers` generates from src/ffi/) is checked by `cargo xtask headers
//! --check`, which tests/run.sh runs.

use std::path::Path;
use std::process::Command;

const PHP_HEADER: &str = "bindings/php/resources/modulpos_ffi.h";

const EXPORTS: &[&str] = &[
    "mk_client_new",
    "mk_client_free",
    "mk_associate",
    "mk_delete_association",
    "mk_service_status",
    "mk_client_set_transport",
    "mk_exchange_respond",
    "mk_exchange_header",
    "mk_exchange_fail",
    "mk_send_check",
    "mk_document_status",
    "mk_status",
    "mk_requeue",
    "mk_validate",
    "mk_tables",
    "mk_string_free",
    "mk_version",
    "mk_abi_version",
    "mk_client_set_log_callback",
    "mk_callback_url",
    "mk_callback_verify",
];

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn c_header_declares_every_export_with_docs() {
    let header = read("include/modulpos.h");
    assert!(header.contains("#ifndef MODULPOS_H"));
    assert!(header.contains("typedef struct MkClient MkClient;"));
    assert!(header.contains("#define MK_ABI_VERSION 1"));
    let lines: Vec<&str> = header.lines().collect();
    for name in EXPORTS {
        let at = lines
            .iter()
            .position(|l| is_prototype(l) && l.contains(&format!("{name}(")))
            .unwrap_or_else(|| panic!("{name} is not declared"));
        assert_eq!(
            lines[at - 1].trim(),
            "*/",
            "{name} has no doc comment right above it"
        );
    }
    // Results that must be freed are `char *`, never `const char *` (PHP would lose them).
    for name in EXPORTS {
        if *name == "mk_version" {
            continue;
        }
        assert!(!header.contains(&format!("const char *{name}(")), "{name}");
    }
}

/// The version macros are this crate's version (the one `mk_version()` returns), split as
/// SemVer: `cargo xtask headers` writes them from Cargo.toml.
#[test]
fn c_header_version_macros_are_the_crate_version() {
    let header = read("include/modulpos.h");
    let version = env!("CARGO_PKG_VERSION");
    let define = |name: &str| {
        let prefix = format!("#define {name} ");
        header
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {name} in include/modulpos.h"))
            .to_owned()
    };
    assert_eq!(define("MODULPOS_VERSION"), format!("\"{version}\""));
    assert_eq!(
        define("MODULPOS_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        define("MODULPOS_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        define("MODULPOS_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
}

#[test]
fn php_header_has_no_preprocessor_lines_and_the_same_prototypes() {
    let php = read(PHP_HEADER);
    for line in php.lines() {
        assert!(
            !line.trim_start().starts_with('#'),
            "preprocessor line: {line}"
        );
        assert!(!line.contains("extern \"C\""), "{line}");
    }
    assert!(php.contains("typedef struct MkClient MkClient;"));
    let header = read("include/modulpos.h");
    let prototypes: Vec<&str> = php.lines().filter(|l| is_prototype(l)).collect();
    for line in &prototypes {
        assert!(
            header.contains(line),
            "prototype differs from modulpos.h: {line}"
        );
    }
    assert_eq!(prototypes.len(), EXPORTS.len());
}

/// A declaration line (not a comment or a typedef) with a parameter list.
fn is_prototype(line: &str) -> bool {
    line.contains('(')
        && !line.starts_with("/*")
        && !line.starts_with(' ')
        && !line.starts_with("typedef")
}

/// PHP's `FFI::cdef` (no preprocessor) accepts the PHP header against the built library.
/// Skipped when php with FFI is not installed.
#[test]
fn php_ffi_cdef_accepts_the_php_header() {
    let php_has_ffi = Command::new("php")
        .args(["-r", "exit(extension_loaded('ffi') ? 0 : 1);"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !php_has_ffi {
        eprintln!("php with FFI not found; skipping");
        return;
    }
    // target/<profile>/deps/<this test> → target/<profile>/libmodulpos.so
    let exe = std::env::current_exe().unwrap();
    let library = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("libmodulpos.so");
    if !library.exists() {
        eprintln!("{} not built; skipping", library.display());
        return;
    }
    let header = Path::new(env!("CARGO_MANIFEST_DIR")).join(PHP_HEADER);
    let script = "$ffi = FFI::cdef(file_get_contents($argv[1]), $argv[2]);
        $p = $ffi->mk_tables();
        $ok = json_decode(FFI::string($p), true)['ok'];
        $ffi->mk_string_free($p);
        echo $ffi->mk_abi_version(), ' ', $ok ? 'ok' : 'not ok';";
    let output = Command::new("php")
        .args(["-r", script])
        .arg(&header)
        .arg(&library)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout == "1 ok",
        "php said: {stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
