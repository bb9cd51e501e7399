//! Tests of the client config (`config.rs`): keys, defaults, limits and their errors.

use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn defaults_follow_the_readme_table() {
    let c = Config::from_json_str("{}").unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(c.connect_timeout_ms, 5000);
    assert_eq!(c.timeout_ms, 30000);
    assert_eq!(c.max_attempts, 3);
    assert_eq!(c.retry_backoff_ms, 200);
    assert!(!c.test_mode && !c.allow_insecure_http && !c.allow_unknown_values);
    assert_eq!(Config::from_json_str("null").unwrap(), Config::default());
}

#[test]
fn every_key_is_read() {
    let c = Config::from_json_str(
        r#"{"login":"u","password":"p","test_mode":true,"base_url":"https://x.example/api/fn",
            "connect_timeout_ms":1,"timeout_ms":2,"max_attempts":4,"retry_backoff_ms":5,
            "deadline_ms":6,
            "allow_insecure_http":true,"allow_unknown_values":true}"#,
    )
    .unwrap();
    assert_eq!(c.login.as_deref(), Some("u"));
    assert_eq!(c.password.as_ref().unwrap().expose(), "p");
    assert!(c.test_mode && c.allow_insecure_http && c.allow_unknown_values);
    assert_eq!(
        (
            c.connect_timeout_ms,
            c.timeout_ms,
            c.max_attempts,
            c.retry_backoff_ms
        ),
        (1, 2, 4, 5)
    );
}

#[test]
fn unknown_key_is_named() {
    let e = Config::from_json_str(r#"{"timout_ms":5}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_argument");
    assert_eq!(e.field(), Some("timout_ms"));
    assert!(e.to_string().contains("unknown field"), "{e}");
}

#[test]
fn wrong_type_is_named_and_secret_not_echoed() {
    let e = Config::from_json_str(r#"{"timeout_ms":"soon"}"#).unwrap_err();
    assert_eq!(e.field(), Some("timeout_ms"));
    let e = Config::from_json_str(r#"{"password":9876543210}"#).unwrap_err();
    assert_eq!(e.field(), Some("password"));
    assert!(!e.to_string().contains("9876543210"), "{e}");
    for bad in ["[]", "1", "\"x\"", "{", ""] {
        let e = Config::from_json_str(bad).unwrap_err();
        assert_eq!(e.code(), "invalid_argument", "{bad}");
    }
}

#[test]
fn ranges_are_checked() {
    for (json, field) in [
        (r#"{"timeout_ms":0}"#, "timeout_ms"),
        (r#"{"connect_timeout_ms":0}"#, "connect_timeout_ms"),
        (r#"{"max_attempts":0}"#, "max_attempts"),
        (r#"{"max_attempts":11}"#, "max_attempts"),
        (r#"{"retry_backoff_ms":600001}"#, "retry_backoff_ms"),
        (r#"{"timeout_ms":3000000000}"#, "timeout_ms"),
    ] {
        let e = Config::from_json_str(json).unwrap().check().unwrap_err();
        assert_eq!(e.field(), Some(field), "{json}");
    }
    Config::default().check().unwrap();
}

#[test]
fn deadline_and_login_are_checked() {
    assert_eq!(Config::default().deadline_ms, DEFAULT_DEADLINE_MS);
    let c = Config::from_json_str(r#"{"deadline_ms":2500}"#).unwrap();
    assert_eq!(c.deadline_ms, 2500);
    for json in [r#"{"deadline_ms":0}"#, r#"{"deadline_ms":3600001}"#] {
        let e = Config::from_json_str(json).unwrap().check().unwrap_err();
        assert_eq!(e.field(), Some("deadline_ms"), "{json}");
    }
    // Issue 10, item 5: a login with `:` splits differently in Basic auth.
    let e = Config::from_json_str(r#"{"login":"abuse-account:Acct","password":"p"}"#)
        .unwrap()
        .check()
        .unwrap_err();
    assert_eq!(e.field(), Some("login"));
    assert!(check_login("user\u{7}").is_err());
    check_login("association-user-name").unwrap();
}

#[test]
fn duplicate_keys_are_refused_naming_the_key() {
    let e = Config::from_json_str(r#"{"password":"a","login":"u","password":"b"}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_argument");
    assert_eq!(e.field(), Some("password"));
    assert!(e.to_string().contains("`password` twice"), "{e}");
    assert!(!e.to_string().contains("\"b\""), "{e}");
}

#[test]
fn debug_hides_the_password() {
    let c = Config {
        password: Some(Secret::new("hunter2-very-secret")),
        ..Config::default()
    };
    let shown = format!("{c:?} {:?}", c.password);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("***"));
    // A password in the URL (refused by the checks) is hidden from Debug too.
    for (url, expected) in [
        ("https://u:hunter2@x.example/fn", "https://***@x.example/fn"),
        ("u:hunter2@x.example/fn?a=b@c", "***@x.example/fn?a=b@c"),
        ("https://x.example/a@b", "https://x.example/a@b"),
        ("https://x.example", "https://x.example"),
    ] {
        assert_eq!(without_credentials(url), expected);
        let c = Config {
            base_url: Some(url.into()),
            ..Config::default()
        };
        assert!(!format!("{c:?}").contains("hunter2"), "{url}");
    }
}

#[test]
fn base_url_precedence_explicit_then_env_then_default() {
    let env = |name: &str| match name {
        ENV_BASE_URL => Some("https://prod.example/api/fn".to_owned()),
        ENV_TEST_BASE_URL => Some("http://127.0.0.1:9/api/fn/".to_owned()),
        _ => None,
    };
    let mut c = Config::default();
    assert_eq!(
        resolve_base_url(&c, no_env).unwrap().as_str(),
        DEFAULT_BASE_URL
    );
    assert_eq!(
        resolve_base_url(&c, env).unwrap().as_str(),
        "https://prod.example/api/fn"
    );
    c.test_mode = true;
    assert_eq!(
        resolve_base_url(&c, no_env).unwrap().as_str(),
        DEFAULT_TEST_BASE_URL
    );
    let test = resolve_base_url(&c, env).unwrap();
    assert_eq!(test.as_str(), "http://127.0.0.1:9/api/fn");
    assert!(test.is_loopback());
    c.base_url = Some("https://explicit.example/fn///".into());
    assert_eq!(
        resolve_base_url(&c, env).unwrap().as_str(),
        "https://explicit.example/fn"
    );
    // An empty variable counts as unset.
    c.base_url = None;
    c.test_mode = false;
    let empty = |_: &str| Some("  ".to_owned());
    assert_eq!(
        resolve_base_url(&c, empty).unwrap().as_str(),
        DEFAULT_BASE_URL
    );
}

#[test]
fn plain_http_only_on_loopback_unless_allowed() {
    for ok in [
        "http://127.0.0.1:8080/api/fn",
        "http://127.9.9.9/fn",
        "http://localhost:1/api/fn",
        "http://[::1]:8080/api/fn",
        "https://my.modulkassa.ru/api/fn",
    ] {
        assert!(parse_base_url("base_url", ok, false).is_ok(), "{ok}");
    }
    for bad in [
        "http://my.modulkassa.ru/api/fn",
        "http://10.0.0.1/api/fn",
        "http://localhost.evil.example/api/fn",
        "ftp://127.0.0.1/fn",
        "my.modulkassa.ru/api/fn",
        "https://user:pass@my.modulkassa.ru/api/fn",
        "https://my.modulkassa.ru/api/fn?x=1",
        "",
        "not a url",
        // Issue 10, item 3: ports out of range or not numbers were accepted and misdirected.
        "http://127.0.0.1:99999/api/fn",
        "http://127.0.0.1:-1/api/fn",
        "http://127.0.0.1:1a/api/fn",
        "http://127.0.0.1:0/api/fn",
        "http://127.0.0.1:/api/fn",
        "http://127.0.0.1:65536/api/fn",
        "https://my.modulkassa.ru/api/fn#frag",
        "https://@my.modulkassa.ru/api/fn",
        "https://my.modulkassa.ru/api/../fn",
        "https://my.modulkassa.ru/api//fn",
        "https://my modulkassa.ru/api/fn",
        "https://my.modulkassa.ru/api fn",
        "https:///api/fn",
        "http://[::1/api/fn",
        "http://[::1]x/api/fn",
        "http://[zz]/api/fn",
    ] {
        let e = parse_base_url("base_url", bad, false).unwrap_err();
        assert_eq!(e.field(), Some("base_url"), "{bad}");
        assert!(!e.to_string().contains("pass@"), "{e}");
    }
    assert!(parse_base_url("base_url", "http://10.0.0.1/api/fn", true).is_ok());
    for (raw, port_ok) in [
        ("http://127.0.0.1:1/api/fn", "http://127.0.0.1:1/api/fn"),
        ("http://127.0.0.1:65535/", "http://127.0.0.1:65535"),
        (
            "HTTPS://my.modulkassa.ru/api/fn",
            "https://my.modulkassa.ru/api/fn",
        ),
        ("http://[::1]:8080/api/fn", "http://[::1]:8080/api/fn"),
    ] {
        assert_eq!(
            parse_base_url("base_url", raw, false).unwrap().as_str(),
            port_ok
        );
    }
    // The error names the variable it came from.
    let env = |_: &str| Some("http://example.com/fn".to_owned());
    let e = resolve_base_url(&Config::default(), env).unwrap_err();
    assert_eq!(e.field(), Some(ENV_BASE_URL));
}
