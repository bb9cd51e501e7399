//! The library's validator against the sandbox's independent one (the emulator of the service),
//! on thousands of randomly mutated receipts (fixed seed, bounded, loopback only):
//! - a receipt the library accepts, the service accepts: "rejected here first";
//! - a receipt the library rejects, the service rejects too, except where the library is stricter
//!   on purpose: a document `id` over 64 characters (the sandbox allows 128; the service's limit
//!   is unknown), a `measure` outside the table (the fn API does not document the field), a rule
//!   of severity `warning` (checked here under `strict`) and a fraction in a text field.

mod common;

use common::*;
use modulpos::receipt::rules::severity;
use modulpos::receipt::{parse_document, Severity, ValidationOptions};
use serde_json::{json, Value};

/// Values put in place of a random field: the rules' boundaries and wrong types.
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1),
        json!(-0.0),
        json!(0.001),
        json!(1.005),
        json!(0.1),
        json!(12.3456),
        json!(1e300),
        json!(1e-7),
        json!(1e2),
        json!("1105"),
        json!("12.30"),
        json!("1e2"),
        json!("0.001"),
        json!(""),
        json!(" "),
        json!("x".repeat(64)),
        json!("x".repeat(65)),
        json!("я".repeat(128)),
        json!("я".repeat(129)),
        json!("x".repeat(255)),
        json!("x".repeat(256)),
        json!("x".repeat(3001)),
        json!([]),
        json!({}),
        json!(1113),
        json!(1108),
        json!(1114),
        json!("SALE"),
        json!("CARD"),
        json!("BUY_CORRECTION"),
        json!("PREPAID"),
        json!("another"),
        json!("credit"),
        json!("2026-02-30T10:00:00+03:00"),
        json!("2026-11-28T10:00:00"),
        json!("2026-11-28T10:00:00Z"),
        json!("2024-02-29T23:59:59.123+05:30"),
        json!("2026-11-28"),
        json!("+7999123456"),
        json!("+79991234567"),
        json!("89991234567"),
        json!("a@b"),
        json!("a@b.ru"),
        json!("7707083893"),
        json!("7707083894"),
        json!("500100732259"),
        json!("500100732258"),
        json!(3.0005),
        json!("643"),
        json!("6430"),
        json!("00 0A ff"),
        json!("zz"),
        json!(["+74951234567"]),
        json!(["7495"]),
        json!({"reason": "INDEPENDENT", "documentDate": "2026-11-27"}),
        json!({"reason": "BY_ORDER", "documentDate": "2026-11-27"}),
        json!({"types": ["attorney"]}),
        json!({"types": ["nobody"]}),
        json!({"name": "ООО", "inn": "7707083893", "phones": ["+74950000000"]}),
    ]
}

fn base() -> Value {
    json!({
        "id": "oracle", "docNum": "O-1", "docType": "SALE",
        "checkoutDateTime": "2026-11-28T12:00:00+03:00", "email": "buyer@example.com",
        "taxMode": "COMMON", "cashierName": "Иванова", "cashierInn": "500100732259",
        "clientInn": "7707083893", "textToPrint": "Спасибо",
        "inventPositions": [
            {"name": "Чай", "price": 100.5, "quantity": 2, "vatTag": 1105, "discSum": 1,
             "paymentObject": "commodity", "paymentMethod": "full_payment", "measure": "pcs",
             "originCountryCode": "643", "vatSum": 0},
            {"name": "Кружка", "price": 99.99, "quantity": 1, "vatTag": 1102}
        ],
        "moneyPositions": [{"paymentType": "CARD", "sum": 200}, {"paymentType": "CASH", "sum": 99.99}]
    })
}

#[test]
fn what_the_library_accepts_the_service_accepts() {
    let sb = sandbox();
    let (login, password) = associate(&sb);
    let auth = basic_auth(&login, &password);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/v2/doc", sb.base_url());
    // Strict: every rule stops the document, warnings included, so "accepted" means the same
    // for the library as for the service.
    let options = ValidationOptions {
        strict: true,
        ..ValidationOptions::default()
    };
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let replacements = replacements();
    let (mut lenient, mut strict) = (Vec::new(), Vec::new());
    let (mut agree, mut deliberate_strict) = (0, 0);
    for i in 0..6000 {
        let mut doc = base();
        for _ in 0..1 + rng.below(2) {
            if rng.below(5) == 0 {
                remove_a_key(&mut rng, &mut doc);
            } else {
                replace_a_node(&mut rng, &mut doc, &replacements);
            }
        }
        // A fresh id each time (the service answers a repeated id from its store, whatever the
        // body), keeping what a mutation made of it: "x"×300 stays too long, "" stays empty.
        if let Some(id) = doc["id"].as_str().filter(|id| !id.trim().is_empty()) {
            doc["id"] = json!(format!("{id}-{i}"));
        }
        let library = parse_document(&doc, &options);
        // The library sends its normalized form; the service sees exactly that.
        let wire = match &library {
            Ok(d) => serde_json::to_string(d).unwrap(),
            Err(_) => doc.to_string(),
        };
        let mut response = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Authorization", &auth)
            .send(wire.as_bytes())
            .unwrap();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        match (&library, status == 200) {
            (Ok(_), false) => lenient.push(format!("{wire}\n  service: {status} {body}")),
            (Err(e), true) => {
                // Where the library is stricter on purpose (see the module docs), and only there.
                let deliberate = e.issues().iter().all(|issue| {
                    (issue.field == "id" && issue.reason.starts_with("is longer than 64"))
                        || issue.field.ends_with(".measure")
                        // A warning rule: the service is not known to enforce it.
                        || severity(issue.rule) == Severity::Warning
                        // A fraction in a text field: Jackson (and the sandbox) read it as its
                        // text; the library takes integers only (an order number is never 0.1).
                        || (issue.rule == "type" && issue.reason == "must be a string")
                });
                if deliberate {
                    deliberate_strict += 1;
                } else {
                    strict.push(format!("{wire}\n  library: {e}"));
                }
            }
            _ => agree += 1,
        }
    }
    eprintln!(
        "agree {agree}, library more lenient {}, stricter on purpose {deliberate_strict}, \
         stricter otherwise {}",
        lenient.len(),
        strict.len()
    );
    assert!(
        lenient.is_empty(),
        "the library accepted what the service rejects:\n{}",
        lenient.join("\n")
    );
    assert!(
        strict.is_empty(),
        "the library rejected what the service accepts:\n{}",
        strict.join("\n")
    );
    assert!(agree > 5000, "{agree}");
}
