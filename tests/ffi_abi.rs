//! The C ABI called from Rust, as a C host would: bad inputs of every kind come back as
//! envelopes (never a crash, never NULL), and a full flow against the sandbox works through it.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use common::*;
use modulpos::ffi::*;
use serde_json::{json, Value};

/// Take an envelope back from the library, parse it, free it.
fn take(ptr: *mut c_char) -> Value {
    assert!(!ptr.is_null(), "an envelope call returned NULL");
    let text = unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .expect("envelope is UTF-8")
        .to_owned();
    unsafe { mk_string_free(ptr) };
    let v: Value = serde_json::from_str(&text).expect("envelope is JSON");
    if v["ok"] == false {
        assert_eq!(v["error"].as_object().unwrap().len(), 11, "{v}");
    }
    v
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn error_of(v: &Value) -> (&str, &str) {
    assert_eq!(v["ok"], false, "{v}");
    (
        v["error"]["code"].as_str().unwrap(),
        v["error"]["field"].as_str().unwrap_or(""),
    )
}

/// A handle pointing at the sandbox with association credentials.
fn new_client(config: Value) -> *mut MkClient {
    let mut handle: *mut MkClient = ptr::null_mut();
    let v = take(unsafe { mk_client_new(c(&config.to_string()).as_ptr(), &mut handle) });
    assert_eq!(v["ok"], true, "{v}");
    assert!(!handle.is_null());
    handle
}

#[test]
fn null_arguments_are_named_in_invalid_argument_envelopes() {
    unsafe {
        assert_eq!(
            error_of(&take(mk_client_new(ptr::null(), ptr::null_mut()))),
            ("invalid_argument", "out_client")
        );
        let doc = c("{}");
        for (v, field) in [
            (take(mk_associate(ptr::null(), doc.as_ptr())), "client"),
            (take(mk_delete_association(ptr::null())), "client"),
            (take(mk_service_status(ptr::null())), "client"),
            (take(mk_send_check(ptr::null(), doc.as_ptr())), "client"),
            (take(mk_status(ptr::null(), doc.as_ptr())), "client"),
            (take(mk_requeue(ptr::null(), doc.as_ptr())), "client"),
            (take(mk_validate(ptr::null(), ptr::null())), "document_json"),
        ] {
            assert_eq!(error_of(&v), ("invalid_argument", field));
        }
        let client = new_client(json!({"base_url": "http://127.0.0.1:9/api/fn"}));
        for (v, field) in [
            (take(mk_associate(client, ptr::null())), "request_json"),
            (take(mk_send_check(client, ptr::null())), "document_json"),
            (take(mk_status(client, ptr::null())), "document_id"),
            (take(mk_requeue(client, ptr::null())), "document_id"),
        ] {
            assert_eq!(error_of(&v), ("invalid_argument", field));
        }
        mk_client_free(client);
        mk_client_free(ptr::null_mut());
        mk_string_free(ptr::null_mut());
    }
}

#[test]
fn null_config_gives_the_defaults_and_sets_the_handle() {
    let mut handle: *mut MkClient = ptr::null_mut();
    let v = take(unsafe { mk_client_new(ptr::null(), &mut handle) });
    // The default, unless the environment overrides it (as a CI might).
    let expected = std::env::var("MODULPOS_BASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "https://my.modulkassa.ru/api/fn".to_owned());
    assert_eq!(v["data"]["base_url"], expected.as_str());
    assert!(!handle.is_null());
    unsafe { mk_client_free(handle) };
}

#[test]
fn bad_configs_leave_the_handle_null() {
    for (config, field) in [
        (r#"{"timeout_ms":"soon"}"#, "timeout_ms"),
        (r#"{"unknown":1}"#, "unknown"),
        (r#"{"base_url":"http://example.com/fn"}"#, "base_url"),
        (r#"{"max_attempts":0}"#, "max_attempts"),
        (r#"[1,2]"#, "config"),
        (r#"{"login":"x"}"#, "password"),
        (r#"{"#, "config_json"),
    ] {
        let mut handle: *mut MkClient = ptr::dangling_mut::<MkClient>();
        let v = take(unsafe { mk_client_new(c(config).as_ptr(), &mut handle) });
        assert_eq!(error_of(&v), ("invalid_argument", field), "{config}");
        assert!(handle.is_null(), "{config}: handle not reset");
    }
}

#[test]
fn invalid_utf8_huge_and_deep_inputs_are_refused() {
    let bad_utf8: &[u8] = b"{\"id\":\"\xff\xfe\"}\0";
    let v = take(unsafe { mk_validate(bad_utf8.as_ptr().cast(), ptr::null()) });
    assert_eq!(error_of(&v), ("invalid_argument", "document_json"));
    assert!(v["error"]["message"].as_str().unwrap().contains("UTF-8"));

    let huge = CString::new(format!("\"{}\"", "x".repeat(MK_MAX_INPUT_BYTES))).unwrap();
    let v = take(unsafe { mk_validate(huge.as_ptr(), ptr::null()) });
    assert_eq!(error_of(&v), ("invalid_argument", "document_json"));

    let deep = c(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
    let v = take(unsafe { mk_validate(deep.as_ptr(), ptr::null()) });
    assert_eq!(error_of(&v), ("invalid_argument", "document_json"));

    for not_json in ["", "{", "nul", "{\"id\":1,}", "\"unterminated"] {
        let v = take(unsafe { mk_validate(c(not_json).as_ptr(), ptr::null()) });
        assert_eq!(error_of(&v).0, "invalid_argument", "{not_json}");
    }
}

#[test]
fn wrong_types_are_validation_or_invalid_argument() {
    for doc in ["[]", "1", "\"text\"", "null"] {
        let v = take(unsafe { mk_validate(c(doc).as_ptr(), ptr::null()) });
        let (code, _) = error_of(&v);
        assert!(
            ["invalid_argument", "validation"].contains(&code),
            "{doc}: {v}"
        );
    }
    let mut doc = receipt("typed");
    doc["inventPositions"][0]["price"] = json!("a lot");
    doc["moneyPositions"] = json!({"not": "an array"});
    let v = take(unsafe { mk_validate(c(&doc.to_string()).as_ptr(), ptr::null()) });
    assert_eq!(error_of(&v).0, "validation");
    assert!(v["error"]["issues"].as_array().unwrap().len() >= 2, "{v}");

    for options in [r#"{"allow_unknown_values":1}"#, r#"{"x":true}"#, "[]", "{"] {
        let v = take(unsafe {
            mk_validate(c(&receipt("o").to_string()).as_ptr(), c(options).as_ptr())
        });
        assert_eq!(error_of(&v).0, "invalid_argument", "{options}");
    }
}

#[test]
fn validate_returns_the_normalized_document_and_options_apply() {
    let doc = receipt("norm-1");
    let v = take(unsafe { mk_validate(c(&doc.to_string()).as_ptr(), ptr::null()) });
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["data"]["document"]["id"], "norm-1");
    assert_eq!(
        v["data"]["document"]["inventPositions"][0]["name"],
        "Кофе в зёрнах"
    );
    assert_eq!(v["data"]["warnings"], json!([]));

    let mut future = receipt("norm-2");
    future["inventPositions"][0]["vatTag"] = json!(1199);
    let text = c(&future.to_string());
    let v = take(unsafe { mk_validate(text.as_ptr(), ptr::null()) });
    assert_eq!(error_of(&v), ("validation", "inventPositions[0].vatTag"));
    let allow = c(r#"{"allow_unknown_values":true}"#);
    let v = take(unsafe { mk_validate(text.as_ptr(), allow.as_ptr()) });
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn validate_warns_about_an_inn_check_digit_and_strict_refuses_it() {
    // The original PHP package's README cashier INN, whose check digits do not match.
    let mut doc = receipt("inn-1");
    doc["cashierInn"] = json!("123456789012");
    let text = c(&doc.to_string());
    let v = take(unsafe { mk_validate(text.as_ptr(), ptr::null()) });
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(
        v["data"]["warnings"],
        json!([{"field": "cashierInn", "rule": "inn_checksum",
                "reason": "is not a valid INN (the check digit does not match)"}])
    );
    let strict = c(r#"{"strict":true}"#);
    let v = take(unsafe { mk_validate(text.as_ptr(), strict.as_ptr()) });
    assert_eq!(error_of(&v), ("validation", "cashierInn"));
    assert_eq!(v["error"]["issues"][0]["rule"], "inn_checksum");
    let v = take(unsafe { mk_validate(text.as_ptr(), c(r#"{"strict":"yes"}"#).as_ptr()) });
    assert_eq!(error_of(&v), ("invalid_argument", "strict"));
}

#[test]
fn tables_version_and_abi() {
    let v = take(mk_tables());
    assert_eq!(v["ok"], true);
    let tables = v["data"].as_object().unwrap();
    assert!(tables["doc_types"].as_array().unwrap().len() >= 8);
    let rules = tables["rules"].as_array().unwrap();
    let inn = rules.iter().find(|r| r["code"] == "inn_checksum").unwrap();
    assert_eq!(inn["severity"], "warning");
    let totals = rules
        .iter()
        .find(|r| r["code"] == "totals_mismatch")
        .unwrap();
    assert_eq!(totals["severity"], "error");
    // The C API guide and the PHP guide list every rule with its severity.
    for readme in ["docs/c-api.md", "bindings/php/README.md"] {
        let path = format!("{}/{readme}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        for rule in rules {
            let code = rule["code"].as_str().unwrap();
            let row = format!("| `{code}` | {} |", rule["severity"].as_str().unwrap());
            assert!(text.contains(&row), "{readme} lacks {row}");
        }
    }
    let codes: Vec<&str> = tables["error_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), modulpos::error::CODES.len());
    assert!(codes.contains(&"validation") && codes.contains(&"internal"));
    assert_eq!(mk_abi_version(), 1);
    let version = unsafe { CStr::from_ptr(mk_version()) }.to_str().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
}

#[test]
fn full_flow_through_the_c_abi() {
    let sb = sandbox();
    unsafe {
        let plain = new_client(json!({"base_url": sb.base_url()}));
        let request = json!({"login": ACCOUNT_LOGIN, "password": ACCOUNT_PASSWORD,
                             "retail_point_id": RETAIL_POINT});
        let v = take(mk_associate(plain, c(&request.to_string()).as_ptr()));
        assert_eq!(v["ok"], true, "{v}");
        let (login, password) = (
            v["data"]["userName"].as_str().unwrap().to_owned(),
            v["data"]["password"].as_str().unwrap().to_owned(),
        );
        let bad = json!({"login": ACCOUNT_LOGIN, "password": "nope-Secret-77",
                         "retail_point_id": RETAIL_POINT});
        let v = take(mk_associate(plain, c(&bad.to_string()).as_ptr()));
        assert_eq!(error_of(&v).0, "authentication");
        assert!(!v.to_string().contains("nope-Secret-77"));
        assert_eq!(v["error"]["http_status"], 401);
        mk_client_free(plain);

        let client = new_client(json!({"base_url": sb.base_url(), "login": login,
                                       "password": password, "retry_backoff_ms": 10}));
        let v = take(mk_service_status(client));
        assert_eq!(v["data"]["status"], "READY", "{v}");

        let id = unique_id("abi");
        let v = take(mk_send_check(client, c(&receipt(&id).to_string()).as_ptr()));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["data"]["document_id"], id.as_str());
        assert_eq!(
            v["data"]["delivery"],
            json!({"attempts": 1, "outcome": "accepted"})
        );
        assert_eq!(v["data"]["document_status"]["status"], "QUEUED");

        let v = take(mk_document_status(client, c(&id).as_ptr()));
        assert_eq!(v["ok"], true, "{v}");
        assert!(v["data"]["status"].is_string());
        // mk_status is the earlier name of the same call.
        assert_eq!(take(mk_status(client, c(&id).as_ptr())), v);

        let v = take(mk_requeue(client, c(&id).as_ptr()));
        assert_eq!(error_of(&v).0, "rejected");
        assert_eq!(v["error"]["http_status"], 400);
        assert!(v["error"]["service_message"].is_string());

        let v = take(mk_document_status(client, c("missing-doc").as_ptr()));
        assert_eq!(error_of(&v).0, "not_found");

        // A lost answer through the ABI: found, not resent.
        let id2 = unique_id("abi-lost");
        faults(
            &sb,
            json!([{"kind": "drop", "phase": "after", "path_contains": "/v2/doc"}]),
        );
        let v = take(mk_send_check(
            client,
            c(&receipt(&id2).to_string()).as_ptr(),
        ));
        assert_eq!(v["data"]["delivery"]["outcome"], "found_existing", "{v}");
        assert_eq!(document_counters(&sb, &id2), (1, true));

        let mut invalid = receipt(&unique_id("abi-invalid"));
        invalid["email"] = json!("nobody");
        let v = take(mk_send_check(client, c(&invalid.to_string()).as_ptr()));
        assert_eq!(error_of(&v), ("validation", "email"));

        let v = take(mk_delete_association(client));
        assert_eq!(v, json!({"ok": true, "data": null}));
        let v = take(mk_service_status(client));
        assert_eq!(error_of(&v).0, "authentication");
        assert!(!v.to_string().contains(&password));
        mk_client_free(client);
    }
}

#[test]
fn one_handle_shared_by_threads_through_the_abi() {
    let sb = sandbox();
    let (login, password) = associate(&sb);
    let client =
        new_client(json!({"base_url": sb.base_url(), "login": login, "password": password}));
    // Raw pointers are not Send; the handle is documented thread-safe, so pass its address.
    let address = client as usize;
    let threads: Vec<_> = (0..6)
        .map(|t| {
            std::thread::spawn(move || {
                let client = address as *const MkClient;
                for i in 0..5 {
                    let id = unique_id(&format!("abi-t{t}-{i}"));
                    let v = take(unsafe {
                        mk_send_check(client, c(&receipt(&id).to_string()).as_ptr())
                    });
                    assert_eq!(v["ok"], true, "{v}");
                    let v = take(unsafe { mk_status(client, c(&id).as_ptr()) });
                    assert_eq!(v["ok"], true, "{v}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    unsafe { mk_client_free(client) };
    assert_eq!(counters(&sb)["documents"].as_object().unwrap().len(), 30);
}

/// What the test transport saw, and how it answers.
struct Host {
    requests: std::sync::Mutex<Vec<Value>>,
    fail: bool,
}

unsafe extern "C" fn host_transport(
    user_data: *mut std::ffi::c_void,
    exchange: *mut MkExchange,
    request_json: *const std::ffi::c_char,
) {
    let host = unsafe { &*(user_data as *const Host) };
    let text = unsafe { std::ffi::CStr::from_ptr(request_json) }
        .to_str()
        .unwrap();
    host.requests
        .lock()
        .unwrap()
        .push(serde_json::from_str(text).unwrap());
    if host.fail {
        let reason = c("proxy: connection refused");
        assert_eq!(unsafe { mk_exchange_fail(exchange, reason.as_ptr()) }, 0);
        return;
    }
    let body = r#"{"status":"QUEUED","fnState":"READY","message":"Document queued for printing"}"#;
    let rc = unsafe { mk_exchange_respond(exchange, 200, body.as_ptr().cast(), body.len()) };
    assert_eq!(rc, 0);
}

#[test]
fn a_host_transport_carries_every_exchange_and_its_failure_is_a_transport_error() {
    for fail in [false, true] {
        let host = Host {
            requests: std::sync::Mutex::new(Vec::new()),
            fail,
        };
        // Port 9 (discard) on loopback: nothing answers there, so only the host can.
        let config = c(
            r#"{"login":"u","password":"s3cret-pw","base_url":"http://127.0.0.1:9/api/fn","max_attempts":2,"retry_backoff_ms":0}"#,
        );
        let mut client = ptr::null_mut();
        let v = take(unsafe { mk_client_new(config.as_ptr(), &mut client) });
        assert_eq!(v["ok"], true, "{v}");
        let v = take(unsafe {
            mk_client_set_transport(client, Some(host_transport), &host as *const Host as *mut _)
        });
        assert_eq!(v, json!({"ok": true, "data": null}));
        let mut doc = receipt("host-1");
        doc["docNum"] = json!(77);
        let v = take(unsafe { mk_send_check(client, c(&doc.to_string()).as_ptr()) });
        let requests = host.requests.lock().unwrap().clone();
        if fail {
            assert_eq!(error_of(&v).0, "transport", "{v}");
            assert_eq!(v["error"]["retryable"], true);
            let message = v["error"]["message"].as_str().unwrap();
            assert!(message.contains("proxy: connection refused"), "{message}");
            assert!(!v.to_string().contains("s3cret-pw") && !v.to_string().contains("Basic"));
            // Lost answers are retried with the same id, asking the status first.
            assert!(requests.len() >= 2, "{requests:?}");
        } else {
            assert_eq!(v["ok"], true, "{v}");
            assert_eq!(v["data"]["document_status"]["status"], "QUEUED");
            assert_eq!(requests.len(), 1);
            let request = &requests[0];
            assert_eq!(request["method"], "POST");
            assert_eq!(request["url"], "http://127.0.0.1:9/api/fn/v2/doc");
            assert!(request["headers"]["Authorization"]
                .as_str()
                .unwrap()
                .starts_with("Basic "));
            let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
            assert_eq!(body["docNum"], "77");
        }
        // Back to the native agent: nothing listens on port 9, so it is a transport error.
        let v = take(unsafe { mk_client_set_transport(client, None, ptr::null_mut()) });
        assert_eq!(v["ok"], true);
        let v = take(unsafe { mk_status(client, c("host-1").as_ptr()) });
        assert_eq!(error_of(&v).0, "transport", "{v}");
        unsafe { mk_client_free(client) };
    }
}

/// A host that answers every exchange 429 with `Retry-After: 60`.
unsafe extern "C" fn throttling_transport(
    _user_data: *mut std::ffi::c_void,
    exchange: *mut MkExchange,
    _request_json: *const std::ffi::c_char,
) {
    let rc = unsafe { mk_exchange_respond(exchange, 429, ptr::null(), 0) };
    assert_eq!(rc, 0);
    let (name, value) = (c("Retry-After"), c("60"));
    assert_eq!(
        unsafe { mk_exchange_header(exchange, name.as_ptr(), value.as_ptr()) },
        0
    );
}

#[test]
fn a_host_transports_retry_after_is_honoured_as_on_the_native_path() {
    // Issue 10: the native path read Retry-After, the host path did not (retry_after_ms null,
    // and resent after the backoff instead of waiting).
    let config = c(
        r#"{"login":"u","password":"p","base_url":"http://127.0.0.1:9/api/fn","deadline_ms":2000}"#,
    );
    let mut client = ptr::null_mut();
    take(unsafe { mk_client_new(config.as_ptr(), &mut client) });
    let v = take(unsafe {
        mk_client_set_transport(client, Some(throttling_transport), ptr::null_mut())
    });
    assert_eq!(v["ok"], true, "{v}");
    let started = std::time::Instant::now();
    let v = take(unsafe { mk_send_check(client, c(&receipt("host-429").to_string()).as_ptr()) });
    // Asked to wait past the deadline: the refusal comes back at once, with the wait it asked.
    assert!(started.elapsed() < std::time::Duration::from_millis(1_500));
    assert_eq!(v["error"]["http_status"], 429, "{v}");
    assert_eq!(v["error"]["retry_after_ms"], 60_000, "{v}");
    assert_eq!(v["error"]["safe_to_resend"], true, "{v}");
    // Bad arguments are refused, never a crash.
    assert_eq!(
        unsafe { mk_exchange_header(ptr::null_mut(), ptr::null(), ptr::null()) },
        -1
    );
    unsafe { mk_client_free(client) };
}

#[test]
fn send_check_carries_the_warnings_and_strict_refuses_them() {
    let sb = sandbox();
    let (login, password) = associate(&sb);
    for strict in [false, true] {
        let client = new_client(json!({
            "base_url": sb.base_url(), "login": login, "password": password, "strict": strict
        }));
        // The original PHP package's README cashier INN: its check digits do not match.
        let mut doc = receipt(&unique_id("warn"));
        doc["cashierInn"] = json!("123456789012");
        let v = take(unsafe { mk_send_check(client, c(&doc.to_string()).as_ptr()) });
        if strict {
            assert_eq!(error_of(&v), ("validation", "cashierInn"));
            assert_eq!(v["error"]["issues"][0]["rule"], "inn_checksum");
        } else {
            assert_eq!(v["ok"], true, "{v}");
            assert_eq!(v["data"]["document_status"]["status"], "QUEUED");
            assert_eq!(
                v["data"]["warnings"],
                json!([{"field": "cashierInn", "rule": "inn_checksum",
                        "reason": "is not a valid INN (the check digit does not match)"}])
            );
        }
        unsafe { mk_client_free(client) };
    }
}
