//! The process-wide agent cache (src/client/agents.rs), seen from the sandbox's count of accepted
//! TCP connections: clients built one after another with the same base URL and credentials (what
//! a PHP-FPM worker does per request) reuse one keep-alive connection; a changed password or base
//! URL gets its own agent and connection.

mod common;

use modulpos::{Client, Config, Secret};

fn connections(sb: &modulpos_sandbox::Sandbox) -> u64 {
    // Each counters request comes over a connection of its own, counted before it is answered.
    common::counters(sb)["connections"].as_u64().unwrap()
}

fn client(base: &str, login: &str, password: &str) -> Client {
    Client::new(Config {
        base_url: Some(base.to_owned()),
        login: Some(login.to_owned()),
        password: Some(Secret::new(password)),
        timeout_ms: 5_000,
        ..Config::default()
    })
    .unwrap()
}

#[test]
fn clients_with_the_same_key_reuse_one_connection_and_others_do_not() {
    let sb = common::sandbox();
    let (login, password) = common::associate(&sb);
    let base = sb.base_url();

    let before = connections(&sb);
    for _ in 0..5 {
        let c = client(&base, &login, &password);
        c.send_document_json(&common::receipt(&common::unique_id("agents")))
            .unwrap();
        c.service_status().unwrap();
    }
    let after = connections(&sb);
    assert_eq!(
        after - before,
        1 + 1,
        "ten requests of five clients: one kept-alive connection (plus the counters request)"
    );

    // A changed password never rides on the old agent: a new connection, and the service's
    // answer for the credentials actually given.
    let changed = client(&base, &login, "another-password");
    assert_eq!(
        changed.service_status().unwrap_err().code(),
        "authentication"
    );
    let after_changed = connections(&sb);
    assert_eq!(after_changed - after, 1 + 1);

    // Another sandbox (another base URL) gets its own connection and leaves this one's count alone.
    let other = common::sandbox();
    let (other_login, other_password) = common::associate(&other);
    client(&other.base_url(), &other_login, &other_password)
        .service_status()
        .unwrap();
    assert_eq!(connections(&sb) - after_changed, 1);

    // And the first agent's connection is still the one in use.
    client(&base, &login, &password).service_status().unwrap();
    assert_eq!(
        connections(&sb) - after_changed,
        2,
        "only the counters requests"
    );
}
