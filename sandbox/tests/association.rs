//! The association endpoints (associate, re-associate, revoke), the service status, and routing
//! errors (405 with Allow, 404) of the emulated API.

mod common;

use common::*;
use modulpos_sandbox::{Sandbox, SandboxConfig, DEFAULT_RETAIL_POINT};

#[test]
fn associate_returns_credentials_under_both_prefixes() {
    let sandbox = start();
    let mut account = Client::with_auth(&sandbox, "sandbox-login", "sandbox-password");
    for prefix in ["/api/fn", "/fn"] {
        let response = account.send(
            "POST",
            &format!("{prefix}/v1/associate/{DEFAULT_RETAIL_POINT}?clientId={prefix}"),
            None,
        );
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("Content-Type"),
            Some("application/json;charset=UTF-8")
        );
        let body = response.json();
        let user = body["userName"].as_str().unwrap();
        assert_eq!(user.len(), 36);
        assert_eq!(user.matches('-').count(), 4);
        let password = body["password"].as_str().unwrap();
        assert_eq!(password.len(), 12);
        assert!(password.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(body["name"], "Sandbox shop");
        assert_eq!(body["address"], "Moscow, Sandbox street 1");
        let mut client = Client::with_auth(&sandbox, user, password);
        assert_eq!(client.get(&format!("{prefix}/v1/status")).status, 200);
    }
}

#[test]
fn associate_rejects_bad_account_credentials_with_empty_401() {
    let sandbox = start();
    let target = format!("/api/fn/v1/associate/{DEFAULT_RETAIL_POINT}");
    for auth in [
        Some(("sandbox-login", "wrong")),
        Some(("someone", "sandbox-password")),
        None,
    ] {
        let mut client = match auth {
            Some((u, p)) => Client::with_auth(&sandbox, u, p),
            None => Client::new(&sandbox),
        };
        let response = client.send("POST", &target, None);
        assert_eq!(response.status, 401);
        assert_eq!(
            response.header("WWW-Authenticate"),
            Some("Basic realm=\"modulkassa\"")
        );
        assert!(response.body.is_empty());
    }
    // Association credentials are not account credentials.
    let association = associate(&sandbox, DEFAULT_RETAIL_POINT, None);
    let mut client = Client::with_auth(
        &sandbox,
        association["userName"].as_str().unwrap(),
        association["password"].as_str().unwrap(),
    );
    assert_eq!(client.send("POST", &target, None).status, 401);
}

#[test]
fn associate_unknown_point_is_404_without_body() {
    let sandbox = start();
    let mut account = Client::with_auth(&sandbox, "sandbox-login", "sandbox-password");
    let response = account.send(
        "POST",
        "/api/fn/v1/associate/00000000-0000-4000-8000-000000000000",
        None,
    );
    assert_eq!(response.status, 404);
    assert!(response.body.is_empty());
}

#[test]
fn configured_account_and_points_are_used() {
    let config = SandboxConfig {
        login: "shop".into(),
        password: "secret".into(),
        retail_points: vec!["p-1".into(), "p-2".into()],
        ..fast_config()
    };
    let sandbox = Sandbox::start(config).unwrap();
    let mut account = Client::with_auth(&sandbox, "shop", "secret");
    assert_eq!(
        account
            .send("POST", "/api/fn/v1/associate/p-1", None)
            .status,
        200
    );
    assert_eq!(
        account
            .send("POST", "/api/fn/v1/associate/p-2", None)
            .status,
        200
    );
    assert_eq!(
        account
            .send(
                "POST",
                &format!("/api/fn/v1/associate/{DEFAULT_RETAIL_POINT}"),
                None
            )
            .status,
        404
    );
    let mut default_account = Client::with_auth(&sandbox, "sandbox-login", "sandbox-password");
    assert_eq!(
        default_account
            .send("POST", "/api/fn/v1/associate/p-1", None)
            .status,
        401
    );
}

#[test]
fn reassociation_rotates_the_password() {
    let sandbox = start();
    let first = associate(&sandbox, DEFAULT_RETAIL_POINT, None);
    let second = associate(&sandbox, DEFAULT_RETAIL_POINT, None);
    assert_eq!(first["userName"], second["userName"]);
    assert_ne!(first["password"], second["password"]);
    let user = first["userName"].as_str().unwrap();
    let mut old = Client::with_auth(&sandbox, user, first["password"].as_str().unwrap());
    let response = old.get("/api/fn/v1/status");
    assert_eq!(response.status, 401);
    assert!(response.body.is_empty());
    let mut new = Client::with_auth(&sandbox, user, second["password"].as_str().unwrap());
    assert_eq!(new.get("/api/fn/v1/status").status, 200);
    // Another clientId is a separate association and does not rotate the first one.
    let other = associate(&sandbox, DEFAULT_RETAIL_POINT, Some("app-2"));
    assert_ne!(other["userName"], second["userName"]);
    assert_eq!(new.get("/api/fn/v1/status").status, 200);
}

#[test]
fn delete_association_revokes_the_credentials() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let response = client.send("DELETE", "/api/fn/v1/associate", None);
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty());
    assert_eq!(client.get("/api/fn/v1/status").status, 401);
    assert_eq!(client.send("DELETE", "/fn/v1/associate", None).status, 401);
    assert_eq!(
        Client::new(&sandbox)
            .send("DELETE", "/api/fn/v1/associate", None)
            .status,
        401
    );
}

#[test]
fn service_status_is_uppercase_with_an_offset_date_time() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let body = client.get("/api/fn/v1/status").json();
    assert_eq!(body["status"], "READY");
    let date_time = body["dateTime"].as_str().unwrap();
    assert!(
        modulpos_sandbox::clock::is_valid_date_time_with_offset(date_time),
        "{date_time}"
    );
    assert!(date_time.ends_with("+00:00"));
    assert_eq!(Client::new(&sandbox).get("/api/fn/v1/status").status, 401);
    assert_eq!(
        Client::with_auth(&sandbox, "sandbox-login", "sandbox-password")
            .get("/api/fn/v1/status")
            .status,
        401
    );
}

#[test]
fn wrong_method_is_405_and_unknown_path_404() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let response = client.get("/api/fn/v2/doc");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("Allow"), Some("POST"));
    assert_eq!(response.json()["status"], 405);
    assert_eq!(client.send("POST", "/api/fn/v1/status", None).status, 405);
    assert_eq!(client.get("/api/fn/v1/associate").status, 405);
    assert_eq!(client.get("/api/fn/v3/doc").status, 404);
    assert_eq!(client.get("/other").json()["status"], 404);
    assert_eq!(client.get("/").status, 404);
}
