//! The document's own fields: the full and minimal documents, required fields, JSON types, ids.

use super::*;

#[test]
fn the_full_document_is_accepted_and_sent_as_given() {
    let doc = accepted(&full());
    assert_eq!(doc.id(), "7b1e3a52-4f1c-4c3e-9a57-2d0f3c9b8e11");
    assert_eq!(doc.total(), Money::from_kopecks(20090));
    assert_eq!(doc.payments_total(), doc.total());
    let wire = serde_json::to_value(&doc).unwrap();
    let mut expected = full();
    // Normalized: noise read as the meant value, numeric strings as numbers.
    expected["inventPositions"][1]["price"] = json!(0.3);
    expected["moneyPositions"][1]["sum"] = json!(0.9);
    assert_eq!(wire, expected);
    let text = serde_json::to_string(&doc).unwrap();
    assert!(text.contains("\"responseURL\":"), "{text}");
    assert!(text.contains("\"price\":100.5,"), "{text}");
    assert!(text.contains("\"sum\":200}"), "{text}");
    assert!(!text.contains("null"), "{text}");
}

#[test]
fn the_minimal_document_is_accepted_without_invented_fields() {
    let doc = accepted(&minimal());
    assert_eq!(serde_json::to_value(&doc).unwrap(), minimal());
    assert_eq!(doc.total(), Money::from_kopecks(4590));
}

#[test]
fn a_parsed_document_parses_back_to_itself() {
    for source in [full(), minimal()] {
        let doc = accepted(&source);
        let again = accepted(&serde_json::to_value(&doc).unwrap());
        assert_eq!(again, doc);
    }
}

#[test]
fn every_required_field() {
    for key in [
        "id",
        "docNum",
        "docType",
        "checkoutDateTime",
        "email",
        "inventPositions",
        "moneyPositions",
    ] {
        let pointer = format!("/{key}");
        rejected(&without(minimal(), &pointer), key, "is required");
        rejected(&with(minimal(), &pointer, Value::Null), key, "is required");
    }
    for key in ["name", "price", "quantity", "vatTag"] {
        let pointer = format!("/inventPositions/0/{key}");
        let field = format!("inventPositions[0].{key}");
        let found = issues(&without(minimal(), &pointer));
        assert_eq!(found[0], (field.clone(), "is required".to_owned()), "{key}");
        // A line with a missing amount cannot be totalled: no second, misleading issue.
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(issues(&with(minimal(), &pointer, Value::Null))[0].0, field);
    }
    for key in ["paymentType", "sum"] {
        let pointer = format!("/moneyPositions/0/{key}");
        rejected(
            &without(minimal(), &pointer),
            &format!("moneyPositions[0].{key}"),
            "is required",
        );
    }
    for key in ["id", "docNum", "docType", "email"] {
        rejected(
            &with(minimal(), &format!("/{key}"), json!("  ")),
            key,
            "must not be empty",
        );
    }
}

#[test]
fn at_least_one_line_and_one_payment() {
    rejected(
        &with(minimal(), "/inventPositions", json!([])),
        "inventPositions",
        "at least one position",
    );
    rejected(
        &with(minimal(), "/moneyPositions", json!([])),
        "moneyPositions",
        "at least one payment",
    );
}

#[test]
fn wrong_json_types_are_issues() {
    let cases = [
        ("/id", json!(1.5), "id", "must be a string"),
        ("/email", json!(["a@b.ru"]), "email", "must be a string"),
        (
            "/printReceipt",
            json!("true"),
            "printReceipt",
            "must be true or false",
        ),
        (
            "/inventPositions",
            json!({}),
            "inventPositions",
            "must be an array",
        ),
        (
            "/moneyPositions",
            json!("CASH"),
            "moneyPositions",
            "must be an array",
        ),
        (
            "/inventPositions/0",
            json!("bread"),
            "inventPositions[0]",
            "must be an object",
        ),
        (
            "/moneyPositions/0",
            json!(45.9),
            "moneyPositions[0]",
            "must be an object",
        ),
        (
            "/agentInfo",
            json!("agent"),
            "agentInfo",
            "must be an object",
        ),
        (
            "/inventPositions/0/name",
            json!(true),
            "inventPositions[0].name",
            "must be a string",
        ),
        (
            "/inventPositions/0/price",
            json!(true),
            "inventPositions[0].price",
            "must be a number",
        ),
        (
            "/inventPositions/0/price",
            json!("abc"),
            "inventPositions[0].price",
            "is not a valid number",
        ),
        (
            "/inventPositions/0/quantity",
            json!([1]),
            "inventPositions[0].quantity",
            "must be a number",
        ),
        (
            "/inventPositions/0/vatTag",
            json!("НДС"),
            "inventPositions[0].vatTag",
            "must be an integer",
        ),
        (
            "/inventPositions/0/vatTag",
            json!(1105.5),
            "inventPositions[0].vatTag",
            "must be an integer",
        ),
        (
            "/inventPositions/0/vatTag",
            json!(-1105),
            "inventPositions[0].vatTag",
            "must be an integer",
        ),
        (
            "/inventPositions/0/vatTag",
            json!(4294968401u64),
            "inventPositions[0].vatTag",
            "must be an integer",
        ),
        (
            "/inventPositions/0/supplierInfo",
            json!([]),
            "inventPositions[0].supplierInfo",
            "must be an object",
        ),
        (
            "/moneyPositions/0/sum",
            json!({}),
            "moneyPositions[0].sum",
            "must be a number",
        ),
        (
            "/moneyPositions/0/paymentType",
            json!({"CASH": 1}),
            "moneyPositions[0].paymentType",
            "must be a string",
        ),
    ];
    for (pointer, value, field, reason) in cases {
        let found = issues(&with(minimal(), pointer, value));
        assert!(!found.is_empty(), "{pointer}");
        assert_eq!(found[0].0, field, "{pointer}: {found:?}");
        assert!(found[0].1.contains(reason), "{pointer}: {found:?}");
    }
}

#[test]
fn every_issue_is_reported_at_once() {
    let mut doc = minimal();
    doc["id"] = json!("");
    doc["email"] = json!("not an address");
    doc["docType"] = json!("SELL");
    doc["inventPositions"][0]["price"] = json!(-1);
    doc["inventPositions"][0]["agentInfo"] = json!({"payingAgent": {"phones": ["+7900", "8900"]}});
    doc["moneyPositions"][0]["paymentType"] = json!("BITCOIN");
    let found = issues(&doc);
    let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "id",
            "docType",
            "email",
            "inventPositions[0].price",
            "inventPositions[0].agentInfo.payingAgent.phones[1]",
            "moneyPositions[0].paymentType",
        ]
    );
    let err = parse_document(&doc, &strict()).unwrap_err();
    assert_eq!(err.code(), "validation");
    assert_eq!(err.field(), Some("id"));
    assert_eq!(err.issues().len(), 6);
}

#[test]
fn document_ids() {
    for ok in [
        "1",
        "order-15-5f3a",
        "vod_77",
        "0.52454700 1582723456",
        &"x".repeat(64),
    ] {
        accepted(&with(minimal(), "/id", json!(ok)));
    }
    let long = "й".repeat(65);
    for (bad, reason) in [
        (long.as_str(), "longer than 64 characters (has 65)"),
        ("a/b", "must not contain /"),
        ("a\\b", "must not contain /"),
        ("a\u{0}b", "control characters"),
        ("a\nb", "control characters"),
        (" a", "whitespace"),
        ("a ", "whitespace"),
    ] {
        rejected(&with(minimal(), "/id", json!(bad)), "id", reason);
    }
    assert_eq!(check_document_id(""), Err("must not be empty".into()));
}

#[test]
fn doc_num_accepts_an_integer() {
    let doc = accepted(&with(minimal(), "/docNum", json!(12345)));
    assert_eq!(doc.doc_num, "12345");
    rejected(
        &with(minimal(), "/docNum", json!(1.5)),
        "docNum",
        "must be a string",
    );
}
