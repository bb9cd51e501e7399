//! The service's document checks, through the HTTP API: each rejection is a 400 with the Spring
//! JSON body whose message names the field and the reason, and creates nothing.

mod common;

use common::*;
use serde_json::{json, Value};

/// Applies `edit` to a valid document, submits it and returns the 400 message.
fn rejection(client: &mut Client, edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = valid_doc("v-1");
    edit(&mut doc);
    let response = client.submit(&doc);
    assert_eq!(response.status, 400, "accepted: {doc}");
    let body = response.json();
    assert_eq!(body["status"], 400);
    assert_eq!(body["error"], "Bad Request");
    assert_eq!(body["path"], "/api/fn/v2/doc");
    body["message"].as_str().unwrap().to_string()
}

fn remove(doc: &mut Value, key: &str) {
    doc.as_object_mut().unwrap().remove(key);
}

fn position(doc: &mut Value) -> &mut Value {
    &mut doc["inventPositions"][0]
}

/// Sets the only position to price × quantity − discSum and the payment to `sum` (number texts).
fn amounts(doc: &mut Value, price: &str, quantity: &str, disc: Option<&str>, sum: &str) {
    let p = position(doc);
    p["price"] = serde_json::from_str(price).unwrap();
    p["quantity"] = serde_json::from_str(quantity).unwrap();
    match disc {
        Some(d) => p["discSum"] = serde_json::from_str(d).unwrap(),
        None => {
            p.as_object_mut().unwrap().remove("discSum");
        }
    }
    doc["moneyPositions"][0]["sum"] = serde_json::from_str(sum).unwrap();
}

#[test]
fn required_fields() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    for key in [
        "id",
        "docNum",
        "docType",
        "checkoutDateTime",
        "email",
        "inventPositions",
        "moneyPositions",
    ] {
        assert_eq!(
            rejection(&mut client, |d| remove(d, key)),
            format!("{key}: is required")
        );
        assert_eq!(
            rejection(&mut client, |d| d[key] = Value::Null),
            format!("{key}: is required")
        );
    }
    for key in ["name", "price", "quantity", "vatTag"] {
        let message = rejection(&mut client, |d| {
            position(d).as_object_mut().unwrap().remove(key);
        });
        assert_eq!(message, format!("inventPositions[0].{key}: is required"));
    }
    for key in ["paymentType", "sum"] {
        let message = rejection(&mut client, |d| {
            d["moneyPositions"][0].as_object_mut().unwrap().remove(key);
        });
        assert_eq!(message, format!("moneyPositions[0].{key}: is required"));
    }
    assert_eq!(
        rejection(&mut client, |d| d["inventPositions"] = json!([])),
        "inventPositions: must contain at least 1 position"
    );
    assert_eq!(
        rejection(&mut client, |d| d["moneyPositions"] = json!([])),
        "moneyPositions: must contain at least 1 payment"
    );
    assert_eq!(
        rejection(&mut client, |d| d["docNum"] = json!("  ")),
        "docNum: must not be empty"
    );
    assert_eq!(
        rejection(&mut client, |d| d["id"] = json!("")),
        "id: must not be empty"
    );
    assert_eq!(counters(&sandbox)["documents"]["v-1"]["created"], false);
}

#[test]
fn types() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    assert_eq!(
        rejection(&mut client, |d| d["id"] = json!(true)),
        "id: must be a string, not a boolean"
    );
    assert_eq!(
        rejection(&mut client, |d| d["printReceipt"] = json!("yes")),
        "printReceipt: must be a boolean, not a string"
    );
    assert_eq!(
        rejection(&mut client, |d| d["inventPositions"] = json!({})),
        "inventPositions: must be an array, not an object"
    );
    assert_eq!(
        rejection(&mut client, |d| d["inventPositions"][0] = json!(1)),
        "inventPositions[0]: must be an object, not a number"
    );
    assert_eq!(
        rejection(&mut client, |d| position(d)["price"] = json!("52 rub")),
        "inventPositions[0].price: must be a number, not a non-numeric string"
    );
    assert_eq!(
        rejection(&mut client, |d| position(d)["quantity"] = json!(true)),
        "inventPositions[0].quantity: must be a number, not a boolean"
    );
    assert_eq!(
        rejection(&mut client, |d| d["moneyPositions"][0]["sum"] = json!([1])),
        "moneyPositions[0].sum: must be a number, not an array"
    );
    let mut client2 = Client::associated(&sandbox);
    let response = client2.send_bytes("POST", "/api/fn/v2/doc", b"[1,2]");
    assert_eq!(
        response.json()["message"],
        "document: must be a JSON object, not an array"
    );
}

#[test]
fn enum_values() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let message = rejection(&mut client, |d| d["docType"] = json!("SALE_PREPAYMENT"));
    assert!(
        message.starts_with(
            "docType: unknown value \"SALE_PREPAYMENT\" (allowed: SALE, RETURN, BUY, BUY_RETURN,"
        ),
        "{message}"
    );
    assert!(rejection(&mut client, |d| d["taxMode"] = json!("USN"))
        .starts_with("taxMode: unknown value \"USN\""));
    assert!(rejection(&mut client, |d| position(d)["paymentObject"] =
        json!("goods"))
    .starts_with("inventPositions[0].paymentObject: unknown value \"goods\""));
    assert!(rejection(&mut client, |d| position(d)["paymentMethod"] =
        json!("FULL_PAYMENT"))
    .starts_with("inventPositions[0].paymentMethod: unknown value"));
    assert!(
        rejection(&mut client, |d| d["moneyPositions"][0]["paymentType"] =
            json!("CASHLESS"))
        .starts_with("moneyPositions[0].paymentType: unknown value \"CASHLESS\"")
    );
    for vat in [
        json!(1108),
        json!(1101),
        json!(1115),
        json!(1102.5),
        json!(0),
    ] {
        let message = rejection(&mut client, |d| position(d)["vatTag"] = vat.clone());
        assert!(
            message.starts_with("inventPositions[0].vatTag: unknown VAT code"),
            "{message}"
        );
    }
    assert!(rejection(&mut client, |d| d["agentInfo"] =
        json!({"types": ["agent"]}))
    .starts_with("agentInfo.types[0]: unknown value \"agent\""));
}

#[test]
fn every_listed_enum_value_is_accepted() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let mut n = 0;
    let mut accept = |client: &mut Client, edit: &dyn Fn(&mut Value)| {
        n += 1;
        let mut doc = valid_doc(&format!("ok-{n}"));
        edit(&mut doc);
        let response = client.submit(&doc);
        assert_eq!(response.status, 200, "{doc} → {}", response.text());
    };
    for vat in [
        1102, 1103, 1104, 1105, 1106, 1107, 1109, 1110, 1111, 1112, 1113, 1114,
    ] {
        accept(&mut client, &|d| position(d)["vatTag"] = json!(vat));
    }
    for tax in [
        "COMMON",
        "SIMPLIFIED",
        "SIMPLIFIED_WITH_EXPENSE",
        "ENVD",
        "COMMON_AGRICULTURAL",
        "PATENT",
    ] {
        accept(&mut client, &|d| d["taxMode"] = json!(tax));
    }
    for object in modulpos_sandbox::codes::PAYMENT_OBJECTS {
        accept(&mut client, &|d| {
            position(d)["paymentObject"] = json!(object)
        });
    }
    for method in modulpos_sandbox::codes::PAYMENT_METHODS {
        accept(&mut client, &|d| {
            position(d)["paymentMethod"] = json!(method)
        });
    }
    for money in ["CARD", "CASH", "PREPAID", "POSTPAY", "OTHER"] {
        accept(&mut client, &|d| {
            d["moneyPositions"][0]["paymentType"] = json!(money)
        });
    }
    for doc_type in ["SALE", "RETURN", "BUY", "BUY_RETURN"] {
        accept(&mut client, &|d| d["docType"] = json!(doc_type));
    }
    for doc_type in [
        "SALE_CORRECTION",
        "SALE_RETURN_CORRECTION",
        "BUY_CORRECTION",
        "BUY_RETURN_CORRECTION",
    ] {
        accept(&mut client, &|d| {
            d["docType"] = json!(doc_type);
            d["correctionInfo"] = json!({"reason": "INDEPENDENT", "documentDate": "2024-02-29"});
        });
    }
}

#[test]
fn formats() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    for bad in [
        "2020-02-26T06:41:04",
        "2020-02-26",
        "26.02.2020 06:41",
        "2020-02-30T06:41:04+07:00",
    ] {
        assert!(
            rejection(&mut client, |d| d["checkoutDateTime"] = json!(bad))
                .starts_with("checkoutDateTime: must be an ISO-8601 date-time with offset")
        );
    }
    for bad in [
        "buyer",
        "buyer@localhost",
        "89001234567",
        "+7 900 123 45 67",
        "+7900123456",
    ] {
        assert_eq!(
            rejection(&mut client, |d| d["email"] = json!(bad)),
            "email: must be an e-mail address or a phone number +7XXXXXXXXXX"
        );
    }
    assert_eq!(
        rejection(&mut client, |d| d["cashierInn"] = json!("770708389X")),
        "cashierInn: is not a valid INN (10 or 12 digits)"
    );
    assert!(rejection(&mut client, |d| d["clientInn"] = json!("12345"))
        .starts_with("clientInn: is not a valid INN"));
    assert!(rejection(&mut client, |d| position(d)["supplierInfo"] =
        json!({"inn": "50010073225"}))
    .starts_with("inventPositions[0].supplierInfo.inn: is not a valid INN"));
    assert_eq!(
        rejection(&mut client, |d| d["responseURL"] = json!("ftp://x/cb")),
        "responseURL: must be an http:// or https:// URL"
    );
    assert_eq!(
        rejection(&mut client, |d| position(d)["originCountryCode"] =
            json!("6430")),
        "inventPositions[0].originCountryCode: must be 1 to 3 digits (OKSM code)"
    );
    assert!(rejection(&mut client, |d| position(d)["nomenclatureCode"] =
        json!("zz"))
    .starts_with("inventPositions[0].nomenclatureCode: must be at most 32 bytes"));
    assert!(rejection(&mut client, |d| d["agentInfo"] =
        json!({"payingAgent": {"phones": ["+7 900"]}}))
    .starts_with("agentInfo.payingAgent.phones[0]: must be digits"));
    assert_eq!(
        rejection(&mut client, |d| d["id"] = json!("a/b")),
        "id: must not contain control characters or '/'"
    );
    assert_eq!(
        rejection(&mut client, |d| d["id"] = json!("a\tb")),
        "id: must not contain control characters or '/'"
    );
    // A space is fine (PHP microtime() ids), and the document is found by its encoded id.
    let spaced = "0.52454700 1582723456";
    assert_eq!(client.submit(&valid_doc(spaced)).status, 200);
    assert_eq!(client.status_of("0.52454700%201582723456").status, 200);
    // Valid alternatives are accepted.
    let mut doc = valid_doc("formats-ok");
    doc["email"] = json!("+79001234567");
    doc["checkoutDateTime"] = json!("2020-02-26T00:31:19.000+0000");
    doc["cashierInn"] = json!("7707083893");
    doc["clientInn"] = json!("500100732259");
    doc["responseURL"] = json!("https://shop.example/cb?order=1");
    doc["inventPositions"][0]["nomenclatureCode"] = json!("15 20 2F");
    doc["inventPositions"][0]["originCountryCode"] = json!("643");
    doc["agentInfo"] = json!({"types": ["paying_agent"], "payingAgent": {"operation": "op", "phones": ["+79001234567"]},
        "moneyTransferOperator": {"inn": "7707083893", "phones": ["88001234567"]}});
    doc["unknownField"] = json!({"ignored": true});
    assert_eq!(client.submit(&doc).status, 200);
}

#[test]
fn lengths() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    let cases: &[(&str, usize)] = &[
        ("cashierName", 64),
        ("cashierPosition", 64),
        ("textToPrint", 3000),
    ];
    for (key, max) in cases {
        assert_eq!(
            rejection(&mut client, |d| d[*key] = json!("ж".repeat(max + 1))),
            format!("{key}: is longer than {max} characters")
        );
        let mut doc = valid_doc(&format!("len-{key}"));
        doc[*key] = json!("ж".repeat(*max)); // characters, not bytes
        assert_eq!(client.submit(&doc).status, 200);
    }
    let position_cases: &[(&str, usize)] = &[
        ("name", 128),
        ("customsDeclarationNumber", 32),
        ("productMark", 255),
    ];
    for (key, max) in position_cases {
        assert_eq!(
            rejection(&mut client, |d| position(d)[*key] =
                json!("x".repeat(max + 1))),
            format!("inventPositions[0].{key}: is longer than {max} characters")
        );
    }
    assert_eq!(
        rejection(&mut client, |d| d["agentInfo"] =
            json!({"payingAgent": {"operation": "x".repeat(25)}})),
        "agentInfo.payingAgent.operation: is longer than 24 characters"
    );
    let url = "http://127.0.0.1:9/cb?pad=";
    assert_eq!(
        rejection(&mut client, |d| d["responseURL"] =
            json!(format!("{url}{}", "x".repeat(2049 - url.len())))),
        "responseURL: is longer than 2048 characters"
    );
}

#[test]
fn money_and_quantity_precision() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "10.001", "1", None, "10.00")),
        "inventPositions[0].price: has more than 2 decimals"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "10", "1.0001", None, "10.00")),
        "inventPositions[0].quantity: has more than 3 decimals"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(
            d,
            "10",
            "1",
            Some("0.005"),
            "10.00"
        )),
        "inventPositions[0].discSum: has more than 2 decimals"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "10", "1", None, "10.001")),
        "moneyPositions[0].sum: has more than 2 decimals"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "-1", "1", None, "0")),
        "inventPositions[0].price: must not be negative"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "1", "0", None, "0")),
        "inventPositions[0].quantity: must be greater than 0"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "1", "-2", None, "0")),
        "inventPositions[0].quantity: must be greater than 0"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "10", "1", Some("11"), "0")),
        "inventPositions[0].discSum: is larger than price × quantity"
    );
    assert_eq!(
        rejection(&mut client, |d| amounts(d, "1e12", "1", None, "0")),
        "inventPositions[0].price: is too large"
    );
    assert_eq!(
        rejection(&mut client, |d| position(d)["vatSum"] = json!(0.001)),
        "inventPositions[0].vatSum: has more than 2 decimals"
    );
    // Trailing zeros and exponents are just numbers.
    let mut n = 0;
    for (price, quantity, disc, sum) in [
        ("10.10", "1.000", None, "10.1"),
        ("1e1", "2", None, "20"),
        ("0.33", "3", None, "0.99"),
        ("0", "1", None, "0"),
        ("5", "0.001", None, "0.01"), // 0.005 rounds half up to 0.01
        ("5", "0.0009e1", Some("0"), "0.05"),
    ] {
        n += 1;
        let mut doc = valid_doc(&format!("prec-{n}"));
        amounts(&mut doc, price, quantity, disc, sum);
        let response = client.submit(&doc);
        assert_eq!(
            response.status,
            200,
            "{price} × {quantity}: {}",
            response.text()
        );
    }
}

#[test]
fn totals_rule_in_exact_decimals() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    // 3 × 0.1 is exactly 0.30 (f64 would say 0.30000000000000004).
    let mut doc = valid_doc("tot-1");
    doc["inventPositions"] = json!([
        {"name": "a", "price": 0.1, "quantity": 3, "vatTag": 1105},
        {"name": "b", "price": 19.99, "quantity": 1.5, "vatTag": 1102},  // 29.985 → 29.99
        {"name": "c", "price": 100, "quantity": 0.333, "discSum": 0.3, "vatTag": 1103} // 33.3 − 0.3 = 33.00
    ]);
    doc["moneyPositions"] =
        json!([{"paymentType": "CARD", "sum": 60}, {"paymentType": "CASH", "sum": 3.29}]);
    let response = client.submit(&doc);
    assert_eq!(response.status, 200, "{}", response.text());
    let printed = wait_for_status(
        &mut client,
        "tot-1",
        "PRINTED",
        std::time::Duration::from_secs(2),
    );
    assert_eq!(printed["fiscalInfo"]["sum"], "63.29");

    // Rounding is per line: two lines of 0.005 are 0.01 + 0.01, not round(0.01).
    let message = rejection(&mut client, |d| {
        d["inventPositions"] = json!([
            {"name": "a", "price": 0.01, "quantity": 0.5, "vatTag": 1105},
            {"name": "b", "price": 0.01, "quantity": 0.5, "vatTag": 1105}
        ]);
        d["moneyPositions"] = json!([{"paymentType": "CARD", "sum": 0.01}]);
    });
    assert_eq!(
        message,
        "moneyPositions: the payments total 0.01 does not equal the positions total 0.02 (sum of price × quantity − discSum, rounded to kopecks)"
    );
    assert!(
        rejection(&mut client, |d| amounts(d, "52", "1", Some("5.2"), "46.79")).starts_with(
            "moneyPositions: the payments total 46.79 does not equal the positions total 46.80"
        )
    );
}

#[test]
fn correction_info() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    assert_eq!(
        rejection(&mut client, |d| d["docType"] = json!("SALE_CORRECTION")),
        "correctionInfo: is required for SALE_CORRECTION"
    );
    let with = |info: Value| {
        move |d: &mut Value| {
            d["docType"] = json!("SALE_CORRECTION");
            d["correctionInfo"] = info;
        }
    };
    assert_eq!(
        rejection(&mut client, with(json!({"documentDate": "2024-01-01"}))),
        "correctionInfo.reason: is required"
    );
    assert_eq!(
        rejection(&mut client, with(json!({"reason": "INDEPENDENT"}))),
        "correctionInfo.documentDate: is required"
    );
    assert_eq!(
        rejection(
            &mut client,
            with(json!({"reason": "BY_ORDER", "documentDate": "2024-01-01"}))
        ),
        "correctionInfo.documentNum: is required"
    );
    assert!(rejection(
        &mut client,
        with(json!({"reason": "INDEPENDENT", "documentDate": "2023-02-29"}))
    )
    .starts_with("correctionInfo.documentDate: must be a date"));
    assert_eq!(
        rejection(
            &mut client,
            with(
                json!({"reason": "INDEPENDENT", "documentDate": "2024-01-01", "fiscalSign": "12345678901"})
            )
        ),
        "correctionInfo.fiscalSign: must be 1 to 10 digits"
    );
}

#[test]
fn jackson_style_scalar_coercions_are_accepted() {
    let sandbox = start();
    let mut client = Client::associated(&sandbox);
    // Exactly what the original PHP package (bigperson/modulpos-php-api-client) posts for its
    // README example: `docNum` a PHP integer from rand(), integer prices, `taxMode` null, and the
    // README cashier's INN, whose check digits do not match.
    let original = r#"{"id":"5f3a1c2b9d4e7","checkoutDateTime":"2026-11-28T12:00:00+03:00","docNum":482913,"docType":"SALE","printReceipt":true,"responseURL":"https://internet.shop.ru/order/982340931/checkout?completed=1","email":"test@example.com","taxMode":null,"cashierName":"Test Cashier","cashierInn":"123456789012","cashierPosition":"salesman","inventPositions":[{"name":"Test Product1","price":100,"quantity":1,"vatTag":1105,"paymentObject":"commodity","paymentMethod":"full_payment"},{"name":"Test Product2","price":200,"quantity":1,"vatTag":1105,"paymentObject":"commodity","paymentMethod":"full_payment"}],"moneyPositions":[{"paymentType":"CARD","sum":300}]}"#;
    let response = client.send_bytes("POST", "/api/fn/v2/doc", original.as_bytes());
    assert_eq!(response.status, 200, "{}", response.json());
    assert_eq!(response.json()["status"], "QUEUED");

    // Numeric strings into number fields, numbers into string fields.
    let mut doc = valid_doc("coerced-1");
    doc["docNum"] = json!(17);
    doc["inventPositions"][0]["vatTag"] = json!(doc["inventPositions"][0]["vatTag"].to_string());
    for key in ["price", "quantity"] {
        let text = doc["inventPositions"][0][key].to_string();
        doc["inventPositions"][0][key] = json!(text);
    }
    let sum = doc["moneyPositions"][0]["sum"].to_string();
    doc["moneyPositions"][0]["sum"] = json!(sum);
    let response = client.submit(&doc);
    assert_eq!(response.status, 200, "{doc}: {}", response.json());
}
