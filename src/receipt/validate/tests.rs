//! Tests of `validate.rs`, in their own file so the rules read without scrolling past them.

use super::*;
use crate::receipt::money::Money;
use crate::receipt::{rules, tables};
use serde_json::json;

/// A document using every field, valid.
fn full() -> Value {
    json!({
        "id": "7b1e3a52-4f1c-4c3e-9a57-2d0f3c9b8e11",
        "docNum": "SALE-12345",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04+07:00",
        "email": "buyer@example.com",
        "printReceipt": true,
        "responseURL": "https://shop.example.ru/callback?order=12345",
        "taxMode": "SIMPLIFIED",
        "cashierName": "Иванова Анна",
        "cashierInn": "500100732259",
        "cashierPosition": "кассир",
        "textToPrint": "Спасибо за покупку!",
        "clientName": "ООО Ромашка",
        "clientInn": "7707083893",
        "agentInfo": {
            "types": ["paying_agent", "commission_agent"],
            "payingAgent": {"operation": "перевод", "phones": ["+79001234567"]},
            "receivePaymentsOperator": {"phones": ["+74951234567"]},
            "moneyTransferOperator": {
                "phones": ["+78001234567"],
                "name": "Банк",
                "address": "Москва, ул. Ленина, 1",
                "inn": "7728168971"
            }
        },
        "inventPositions": [
            {
                "name": "Чайник электрический",
                "price": 100.5,
                "quantity": 2,
                "discSum": 1,
                "vatTag": 1102,
                "vatSum": 33.17,
                "paymentObject": "commodity",
                "paymentMethod": "full_payment",
                "inventCode": "A-17",
                "barcode": "4601234567893",
                "description": "белый",
                "originCountryCode": "643",
                "customsDeclarationNumber": "10702070/010120/0000001",
                "nomenclatureCode": "00 00 00 01 23 af",
                "productMark": "0104601234567893215abcde\u{1d}93abcd",
                "industryRequisite": {
                    "foivId": "030",
                    "docDateTime": "21.11.2023",
                    "docNumber": "1944",
                    "docData": "UUID=fb8b7e3c&Time=1700000000000"
                },
                "measure": "pcs",
                "agentInfo": {"types": ["attorney"]},
                "supplierInfo": {
                    "phones": ["+79007654321"],
                    "name": "ИП Петров",
                    "inn": "500100732259"
                },
                "vatRevision": "2018"
            },
            {
                "name": "Пакет",
                "price": 0.1 + 0.2,
                "quantity": 3,
                "vatTag": 1105
            }
        ],
        "moneyPositions": [
            {"paymentType": "CARD", "sum": 200},
            {"paymentType": "CASH", "sum": "0.90"}
        ]
    })
}

/// A document with only the required fields, valid.
fn minimal() -> Value {
    json!({
        "id": "order-1",
        "docNum": "1",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04Z",
        "email": "+79001234567",
        "inventPositions": [{"name": "Хлеб", "price": 45.9, "quantity": 1, "vatTag": 1103}],
        "moneyPositions": [{"paymentType": "CASH", "sum": 45.9}]
    })
}

/// Every issue stops the document, so the tests below see warnings as well as errors.
fn strict() -> ValidationOptions {
    ValidationOptions {
        strict: true,
        ..ValidationOptions::default()
    }
}

fn lenient() -> ValidationOptions {
    ValidationOptions {
        allow_unknown_values: true,
        ..strict()
    }
}

/// Sets the value at a JSON pointer (the parent must exist).
fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}"),
    }
    doc
}

fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key)
        .unwrap();
    doc
}

fn issues_with(doc: &Value, options: &ValidationOptions) -> Vec<(String, String)> {
    match parse_document(doc, options) {
        Ok(_) => vec![],
        Err(Error::Validation { issues, .. }) => {
            issues.into_iter().map(|i| (i.field, i.reason)).collect()
        }
        Err(other) => panic!("not a validation error: {other}"),
    }
}

fn issues(doc: &Value) -> Vec<(String, String)> {
    issues_with(doc, &strict())
}

#[track_caller]
fn accepted(doc: &Value) -> Document {
    match parse_document(doc, &strict()) {
        Ok(d) => d,
        Err(e) => panic!("rejected: {e}"),
    }
}

/// Exactly one issue, on `field`, whose reason contains `reason`.
#[track_caller]
fn rejected(doc: &Value, field: &str, reason: &str) {
    let found = issues(doc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, field, "{found:?}");
    assert!(found[0].1.contains(reason), "{found:?}");
}

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

#[test]
fn every_code_table_is_enforced_unless_unknown_values_are_allowed() {
    let cases = [
        ("/docType", json!("SALE_PREPAYMENT"), "docType"),
        ("/taxMode", json!("USN"), "taxMode"),
        (
            "/inventPositions/0/vatTag",
            json!(1108),
            "inventPositions[0].vatTag",
        ),
        (
            "/inventPositions/0/paymentObject",
            json!("goods"),
            "inventPositions[0].paymentObject",
        ),
        (
            "/inventPositions/0/paymentMethod",
            json!("full"),
            "inventPositions[0].paymentMethod",
        ),
        (
            "/inventPositions/0/measure",
            json!("piece"),
            "inventPositions[0].measure",
        ),
        (
            "/moneyPositions/0/paymentType",
            json!("CASHLESS"),
            "moneyPositions[0].paymentType",
        ),
        (
            "/agentInfo",
            json!({"types": ["broker"]}),
            "agentInfo.types[0]",
        ),
    ];
    for (pointer, value, field) in cases {
        let doc = with(minimal(), pointer, value);
        rejected(&doc, field, "must be one of ");
        assert_eq!(issues_with(&doc, &lenient()), vec![], "{pointer}");
    }
    // The message lists the allowed values and quotes (a bounded part of) the received one.
    let found = issues(&with(minimal(), "/docType", json!("sale")));
    assert!(
        found[0].1.starts_with("must be one of SALE, RETURN, BUY, "),
        "{found:?}"
    );
    assert!(found[0].1.ends_with("(got \"sale\")"), "{found:?}");
    let found = issues(&with(minimal(), "/taxMode", json!("x".repeat(100))));
    assert!(found[0]
        .1
        .ends_with(&format!("(got \"{}…\")", "x".repeat(40))));
    let found = issues(&with(minimal(), "/inventPositions/0/vatTag", json!(1)));
    assert!(
        found[0].1.starts_with("must be one of 1102, 1103, "),
        "{found:?}"
    );
    // Every listed code passes.
    for (code, _) in tables::DOC_TYPES {
        let mut doc = with(minimal(), "/docType", json!(code));
        if tables::is_correction_doc_type(code) {
            doc["correctionInfo"] = json!({"reason": "INDEPENDENT", "documentDate": "2020-02-25"});
        }
        accepted(&doc);
    }
    for (code, _) in tables::VAT_TAGS {
        accepted(&with(minimal(), "/inventPositions/0/vatTag", json!(code)));
    }
    for (code, _) in tables::PAYMENT_OBJECTS {
        accepted(&with(
            minimal(),
            "/inventPositions/0/paymentObject",
            json!(code),
        ));
    }
    for (code, _) in tables::PAYMENT_TYPES {
        accepted(&with(
            minimal(),
            "/moneyPositions/0/paymentType",
            json!(code),
        ));
    }
}

#[test]
fn vat_tag_accepts_a_digit_string() {
    let doc = accepted(&with(minimal(), "/inventPositions/0/vatTag", json!("1105")));
    assert_eq!(doc.invent_positions[0].vat_tag, 1105);
    assert!(serde_json::to_string(&doc)
        .unwrap()
        .contains("\"vatTag\":1105"));
    for bad in ["", "11.05", "+1105", " 1105", "99999999999"] {
        let found = issues(&with(minimal(), "/inventPositions/0/vatTag", json!(bad)));
        assert!(
            found[0].1.contains("must be an integer"),
            "{bad:?}: {found:?}"
        );
    }
}

#[test]
fn checkout_date_time() {
    for ok in [
        "2020-02-26T06:41:04+07:00",
        "2020-02-26T06:41:04.123Z",
        "2024-02-29T00:00:00-03:30",
    ] {
        accepted(&with(minimal(), "/checkoutDateTime", json!(ok)));
    }
    for (bad, reason) in [
        ("2020-02-26T06:41:04", "with an offset"),
        ("2020-02-26 06:41:04+07:00", "with an offset"),
        ("26.02.2020", "with an offset"),
        ("2023-02-29T10:00:00+03:00", "impossible date"),
        ("2020-02-26T25:00:00+03:00", "impossible time"),
        ("2020-02-26T10:00:00+19:00", "impossible UTC offset"),
    ] {
        rejected(
            &with(minimal(), "/checkoutDateTime", json!(bad)),
            "checkoutDateTime",
            reason,
        );
    }
}

#[test]
fn email_or_phone() {
    for ok in ["buyer@example.com", "+79001234567", "покупатель@магазин.рф"] {
        accepted(&with(minimal(), "/email", json!(ok)));
    }
    for bad in [
        "89001234567",
        "+7 900 123 45 67",
        "buyer@",
        "buyer",
        "+380501234567",
    ] {
        rejected(
            &with(minimal(), "/email", json!(bad)),
            "email",
            "e-mail address or a phone",
        );
    }
    let at_limit = format!("{}@example.com", "a".repeat(52));
    assert_eq!(at_limit.chars().count(), 64);
    accepted(&with(minimal(), "/email", json!(at_limit)));
    let over = format!("{}@example.com", "a".repeat(53));
    rejected(
        &with(minimal(), "/email", json!(over)),
        "email",
        "longer than 64",
    );
}

#[test]
fn every_inn_field_checks_the_checksum() {
    for (pointer, field) in [
        ("/cashierInn", "cashierInn"),
        ("/clientInn", "clientInn"),
        (
            "/agentInfo/moneyTransferOperator/inn",
            "agentInfo.moneyTransferOperator.inn",
        ),
        (
            "/inventPositions/0/supplierInfo/inn",
            "inventPositions[0].supplierInfo.inn",
        ),
    ] {
        rejected(
            &with(full(), pointer, json!("7707083894")),
            field,
            "check digit",
        );
        rejected(
            &with(full(), pointer, json!("123")),
            field,
            "10 or 12 digits",
        );
        let number = accepted(&with(full(), pointer, json!(7707083893u64)));
        let wire = serde_json::to_value(&number).unwrap();
        assert_eq!(
            wire.pointer(pointer),
            Some(&json!("7707083893")),
            "{pointer}"
        );
        // The check digit is a warning: without `strict` the document passes with it.
        let checked = check_document(
            &with(full(), pointer, json!("7707083894")),
            &ValidationOptions::default(),
        )
        .unwrap();
        assert_eq!(
            checked.warnings,
            vec![FieldIssue::new(
                field,
                "inn_checksum",
                "is not a valid INN (the check digit does not match)"
            )]
        );
        // Its shape is an error either way.
        let e = check_document(
            &with(full(), pointer, json!("123")),
            &ValidationOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.issues()[0].rule, "inn_format");
        accepted(&with(full(), pointer, json!("7707083893")));
        accepted(&with(full(), pointer, json!("500100732259")));
    }
}

#[test]
fn lengths_count_characters_not_bytes() {
    let cases = [
        ("/cashierName", "cashierName", 64),
        ("/cashierPosition", "cashierPosition", 64),
        ("/textToPrint", "textToPrint", 3000),
        ("/clientName", "clientName", 256),
        ("/inventPositions/0/name", "inventPositions[0].name", 128),
        (
            "/inventPositions/0/productMark",
            "inventPositions[0].productMark",
            255,
        ),
        (
            "/inventPositions/0/customsDeclarationNumber",
            "inventPositions[0].customsDeclarationNumber",
            32,
        ),
        (
            "/inventPositions/0/supplierInfo/name",
            "inventPositions[0].supplierInfo.name",
            255,
        ),
        (
            "/agentInfo/moneyTransferOperator/name",
            "agentInfo.moneyTransferOperator.name",
            64,
        ),
        (
            "/agentInfo/moneyTransferOperator/address",
            "agentInfo.moneyTransferOperator.address",
            255,
        ),
        (
            "/agentInfo/payingAgent/operation",
            "agentInfo.payingAgent.operation",
            24,
        ),
        (
            "/inventPositions/0/industryRequisite/docNumber",
            "inventPositions[0].industryRequisite.docNumber",
            32,
        ),
        (
            "/inventPositions/0/industryRequisite/docData",
            "inventPositions[0].industryRequisite.docData",
            256,
        ),
    ];
    for (pointer, field, max) in cases {
        // Cyrillic: two bytes a character, so a byte count would reject the limit itself.
        accepted(&with(full(), pointer, json!("ж".repeat(max))));
        rejected(
            &with(full(), pointer, json!("ж".repeat(max + 1))),
            field,
            &format!("is longer than {max} characters (has {})", max + 1),
        );
    }
}

#[test]
fn position_formats() {
    let doc = accepted(&with(
        full(),
        "/inventPositions/0/originCountryCode",
        json!(643),
    ));
    assert_eq!(
        doc.invent_positions[0].origin_country_code.as_deref(),
        Some("643")
    );
    for bad in [json!("6430"), json!("RU"), json!(1000)] {
        rejected(
            &with(full(), "/inventPositions/0/originCountryCode", bad),
            "inventPositions[0].originCountryCode",
            "country code",
        );
    }
    rejected(
        &with(
            full(),
            "/inventPositions/0/nomenclatureCode",
            json!("0000000123af"),
        ),
        "inventPositions[0].nomenclatureCode",
        "hex pairs",
    );
    rejected(
        &with(
            full(),
            "/inventPositions/0/supplierInfo/phones",
            json!(["+7900", "8 900"]),
        ),
        "inventPositions[0].supplierInfo.phones[1]",
        "must be a phone number",
    );
    rejected(
        &with(
            full(),
            "/agentInfo/receivePaymentsOperator/phones",
            json!("+79001234567"),
        ),
        "agentInfo.receivePaymentsOperator.phones",
        "must be an array",
    );
    rejected(
        &with(
            full(),
            "/agentInfo/moneyTransferOperator/phones",
            json!([format!("+{}", "1".repeat(19))]),
        ),
        "agentInfo.moneyTransferOperator.phones[0]",
        "at most 19 characters",
    );
    rejected(
        &with(full(), "/agentInfo/types", json!([])),
        "agentInfo.types",
        "must not be empty",
    );
    rejected(
        &with(full(), "/responseURL", json!("shop.ru/cb")),
        "responseURL",
        "http",
    );
}

#[test]
fn industry_requisite() {
    rejected(
        &with(
            full(),
            "/inventPositions/0/industryRequisite/foivId",
            json!("30"),
        ),
        "inventPositions[0].industryRequisite.foivId",
        "3 digits",
    );
    for key in ["foivId", "docDateTime", "docNumber", "docData"] {
        rejected(
            &without(
                full(),
                &format!("/inventPositions/0/industryRequisite/{key}"),
            ),
            &format!("inventPositions[0].industryRequisite.{key}"),
            "is required",
        );
    }
}

#[test]
fn money_rules() {
    let line = "/inventPositions/0";
    let cases = [
        ("/price", json!(-1), "price", "must not be negative"),
        ("/price", json!(10.005), "price", "has more than 2 decimals"),
        (
            "/price",
            json!("10.005"),
            "price",
            "has more than 2 decimals",
        ),
        ("/price", json!(1e300), "price", "is too large"),
        ("/quantity", json!(0), "quantity", "must be greater than 0"),
        ("/quantity", json!(-1), "quantity", "must be greater than 0"),
        (
            "/quantity",
            json!(0.0001),
            "quantity",
            "has more than 3 decimals",
        ),
        (
            "/quantity",
            json!(1.0005),
            "quantity",
            "has more than 3 decimals",
        ),
        ("/vatSum", json!(-0.01), "vatSum", "must not be negative"),
        (
            "/vatSum",
            json!(0.001),
            "vatSum",
            "has more than 2 decimals",
        ),
        ("/discSum", json!(-1), "discSum", "must not be negative"),
        (
            "/discSum",
            json!(45.91),
            "discSum",
            "45.91 is more than price × quantity 45.90",
        ),
    ];
    for (key, value, field, reason) in cases {
        rejected(
            &with(minimal(), &format!("{line}{key}"), value),
            &format!("inventPositions[0].{field}"),
            reason,
        );
    }
    rejected(
        &with(minimal(), "/moneyPositions/0/sum", json!(-45.9)),
        "moneyPositions[0].sum",
        "must not be negative",
    );
    rejected(
        &with(minimal(), "/moneyPositions/0/sum", json!(45.901)),
        "moneyPositions[0].sum",
        "has more than 2 decimals",
    );
    // Zero price and full discount are legal (a gift); payments then total zero.
    let mut gift = with(minimal(), "/inventPositions/0/discSum", json!(45.9));
    gift["moneyPositions"][0]["sum"] = json!(0);
    accepted(&gift);
    let mut free = with(minimal(), "/inventPositions/0/price", json!(0));
    free["moneyPositions"][0]["sum"] = json!("0.00");
    accepted(&free);
    // Quantities with 3 decimals and numeric strings.
    let mut weighed = with(minimal(), "/inventPositions/0/quantity", json!("0.125"));
    weighed["moneyPositions"][0]["sum"] = json!(5.74); // 45.90 × 0.125 = 5.7375 → 5.74
    assert_eq!(
        accepted(&weighed).invent_positions[0]
            .quantity
            .thousandths(),
        125
    );
}

#[test]
fn totals_rule() {
    let mut doc = minimal();
    doc["moneyPositions"] =
        json!([{"paymentType": "CARD", "sum": 40}, {"paymentType": "CASH", "sum": 5.91}]);
    rejected(
        &doc,
        "moneyPositions",
        "payments total 45.91 does not equal positions total 45.90",
    );

    let mut doc = minimal();
    doc["inventPositions"][0]["price"] = json!(99.99);
    doc["moneyPositions"][0]["sum"] = json!(100);
    let found = issues(&doc);
    assert_eq!(
        found,
        vec![(
            "moneyPositions".to_owned(),
            "payments total 100.00 does not equal positions total 99.99".to_owned()
        )]
    );

    // Each line is rounded half up to kopecks before summing: 3.33 × 1.5 = 4.995 → 5.00.
    let mut doc = minimal();
    doc["inventPositions"] = json!([
        {"name": "a", "price": 3.33, "quantity": 1.5, "vatTag": 1105},
        {"name": "b", "price": 3.33, "quantity": 1.5, "vatTag": 1105},
        {"name": "c", "price": 0.01, "quantity": 0.499, "vatTag": 1105}
    ]);
    doc["moneyPositions"][0]["sum"] = json!(10);
    assert_eq!(accepted(&doc).total(), Money::from_kopecks(1000));
    doc["moneyPositions"][0]["sum"] = json!(9.99);
    rejected(
        &doc,
        "moneyPositions",
        "payments total 9.99 does not equal positions total 10.00",
    );

    // Discounts count: 52 × 1 − 5.20 = 46.80.
    let mut doc = minimal();
    doc["inventPositions"][0] =
        json!({"name": "x", "price": 52, "quantity": 1, "discSum": 5.2, "vatTag": 1102});
    doc["moneyPositions"][0]["sum"] = json!(46.8);
    accepted(&doc);

    // Host float noise on both sides still adds up exactly.
    let mut doc = minimal();
    doc["inventPositions"] = json!([
        {"name": "a", "price": 0.1, "quantity": 3, "vatTag": 1105},
        {"name": "b", "price": 0.2, "quantity": 1, "vatTag": 1105}
    ]);
    doc["moneyPositions"][0]["sum"] = json!(0.1 * 3.0 + 0.2); // 0.5000000000000001
    accepted(&doc);
}

#[test]
fn huge_amounts_are_issues_not_panics() {
    let mut doc = minimal();
    doc["inventPositions"][0]["price"] = json!(2814749767106.55);
    doc["inventPositions"][0]["quantity"] = json!(999999999999.999);
    doc["moneyPositions"][0]["sum"] = json!(1);
    rejected(
        &doc,
        "inventPositions[0]",
        "exceeds the maximum sum 2814749767106.55",
    );

    let mut doc = minimal();
    let line = json!({"name": "x", "price": 2814749767106.55, "quantity": 1, "vatTag": 1105});
    doc["inventPositions"] = json!([line.clone(), line]);
    let pay = json!({"paymentType": "CARD", "sum": 2814749767106.55});
    doc["moneyPositions"] = json!([pay.clone(), pay]);
    let found = issues(&doc);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "inventPositions");
    assert!(found[0].1.contains("positions total exceeds the maximum"));
    assert_eq!(found[1].0, "moneyPositions");

    for huge in [
        json!(1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!("1e99999999999"),
    ] {
        let found = issues(&with(minimal(), "/inventPositions/0/price", huge.clone()));
        assert!(found[0].1.contains("too large"), "{huge}: {found:?}");
    }
}

#[test]
fn correction_info() {
    let correction = |info: Value| {
        let mut doc = with(minimal(), "/docType", json!("SALE_CORRECTION"));
        doc["correctionInfo"] = info;
        doc
    };
    let ok = accepted(&correction(
        json!({"reason": "INDEPENDENT", "documentDate": "2020-02-25"}),
    ));
    assert_eq!(ok.correction_info.unwrap().reason, "INDEPENDENT");
    accepted(&correction(json!({
        "reason": "BY_ORDER", "documentDate": "2020-02-25T10:00:00+03:00",
        "documentNum": "ПР-17", "fiscalSign": "3125146288"
    })));
    rejected(
        &without(correction(Value::Null), "/correctionInfo"),
        "correctionInfo",
        "is required for a correction document",
    );
    rejected(&correction(Value::Null), "correctionInfo", "is required");
    rejected(
        &correction(json!({"reason": "BY_ORDER", "documentDate": "2020-02-25"})),
        "correctionInfo.documentNum",
        "is required when the reason is BY_ORDER",
    );
    rejected(
        &correction(json!({"reason": "MISTAKE", "documentDate": "2020-02-25"})),
        "correctionInfo.reason",
        "must be one of INDEPENDENT, BY_ORDER",
    );
    rejected(
        &correction(json!({"reason": "INDEPENDENT", "documentDate": "25.02.2020"})),
        "correctionInfo.documentDate",
        "must be a date",
    );
    rejected(
        &correction(json!({"reason": "INDEPENDENT"})),
        "correctionInfo.documentDate",
        "is required",
    );
    rejected(
        &correction(
            json!({"reason": "INDEPENDENT", "documentDate": "2020-02-25", "fiscalSign": "12345678901"}),
        ),
        "correctionInfo.fiscalSign",
        "1 to 10 digits",
    );
    rejected(
        &correction(
            json!({"reason": "BY_ORDER", "documentDate": "2020-02-25", "documentNum": "№".repeat(33)}),
        ),
        "correctionInfo.documentNum",
        "longer than 32",
    );
    // Not allowed on other document types.
    let mut sale = minimal();
    sale["correctionInfo"] = json!({"reason": "INDEPENDENT", "documentDate": "2020-02-25"});
    rejected(
        &sale,
        "correctionInfo",
        "only allowed for the correction document types",
    );
}

#[test]
fn unknown_keys_are_ignored_and_empty_optional_text_is_absent() {
    let mut doc = minimal();
    doc["userName"] = json!("someone");
    doc["phone"] = json!("+79001234567");
    doc["inventPositions"][0]["color"] = json!("red");
    doc["moneyPositions"][0]["note"] = json!({"nested": [1, 2]});
    doc["cashierName"] = json!("");
    doc["cashierInn"] = json!("");
    doc["taxMode"] = Value::Null;
    let parsed = accepted(&doc);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), minimal());
}

#[test]
fn text_input_errors_are_invalid_arguments() {
    let invalid = |text: &str| match parse_document_str(text, &strict()) {
        Err(Error::InvalidArgument { message, .. }) => message,
        other => panic!("{text:.40}: {other:?}"),
    };
    assert!(invalid("").starts_with("malformed JSON"));
    assert!(invalid("{\"id\": ").starts_with("malformed JSON"));
    assert!(invalid("{\"price\": 1e99999}").starts_with("malformed JSON"));
    assert!(invalid("[1, 2]").contains("must be a JSON object"));
    assert!(invalid("\"SALE\"").contains("must be a JSON object"));
    assert!(invalid("null").contains("must be a JSON object"));
    let deep = format!(
        "{{\"agentInfo\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(invalid(&deep).contains("recursion limit"));
    let huge = format!("{{\"textToPrint\":\"{}\"}}", "x".repeat(MAX_DOCUMENT_BYTES));
    assert!(invalid(&huge).contains("at most 1048576"));
    // Within the limits, text parses like a value.
    let text = serde_json::to_string(&full()).unwrap();
    assert_eq!(
        parse_document_str(&text, &strict()).unwrap(),
        accepted(&full())
    );
    // Deep but legal nesting in an unexpected place is an ordinary issue.
    let nested = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let mut doc = minimal();
    doc["agentInfo"] = serde_json::from_str(&nested).unwrap();
    rejected(&doc, "agentInfo", "must be an object");
}

/// Every JSON pointer of a value (objects and arrays included).
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{prefix}/{key}");
                out.push(pointer.clone());
                pointers(child, pointer, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let pointer = format!("{prefix}/{i}");
                out.push(pointer.clone());
                pointers(child, pointer, out);
            }
        }
        _ => {}
    }
}

#[test]
fn any_value_in_any_place_gives_a_document_or_issues_never_a_panic() {
    let hostile = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(0.1 + 0.2),
        json!(1e300),
        json!(-1e-300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!(" "),
        json!("\u{0}\u{1d}\n"),
        json!("1e99999999999999999999"),
        json!("ж".repeat(4000)),
        json!([]),
        json!([null, {}, [1]]),
        json!({}),
        json!({"a": {"b": [1, "c"]}}),
    ];
    let mut all = Vec::new();
    pointers(&full(), String::new(), &mut all);
    assert!(all.len() > 60, "{}", all.len());
    let mut outcomes = (0, 0);
    for pointer in &all {
        for value in &hostile {
            let doc = with(full(), pointer, value.clone());
            for options in [strict(), lenient()] {
                match parse_document(&doc, &options) {
                    Ok(parsed) => {
                        outcomes.0 += 1;
                        let wire = serde_json::to_value(&parsed).unwrap();
                        assert_eq!(parse_document(&wire, &options).unwrap(), parsed);
                    }
                    Err(Error::Validation { issues, .. }) => {
                        outcomes.1 += 1;
                        assert!(!issues.is_empty());
                        assert!(issues.iter().all(|i| !i.reason.is_empty()));
                        assert!(
                            issues
                                .iter()
                                .all(|i| rules::RULES.iter().any(|r| r.code == i.rule)),
                            "{pointer} = {value}: an unlisted rule in {issues:?}"
                        );
                    }
                    Err(other) => panic!("{pointer} = {value}: {other}"),
                }
            }
        }
    }
    // Both outcomes occur: optional fields may be nulled, required ones may not.
    assert!(outcomes.0 > 0 && outcomes.1 > outcomes.0, "{outcomes:?}");
}

#[test]
fn paths_are_written_like_the_json_they_point_into() {
    let root = Path::Root;
    assert_eq!(root.to_string(), "");
    assert_eq!(Path::Key(&root, "email").to_string(), "email");
    let line = Path::Item(&root, "inventPositions", 3);
    assert_eq!(line.to_string(), "inventPositions[3]");
    assert_eq!(
        Path::Key(&line, "price").to_string(),
        "inventPositions[3].price"
    );
    let agent = Path::Key(&line, "agentInfo");
    let operator = Path::Key(&agent, "moneyTransferOperator");
    assert_eq!(
        Path::Item(&operator, "phones", 12).to_string(),
        "inventPositions[3].agentInfo.moneyTransferOperator.phones[12]"
    );
}

/// The original PHP package's example cashier: INN '123456789012' (its check digits fail).
fn with_cashier_inn(inn: &str) -> Value {
    with(minimal(), "/cashierInn", json!(inn))
}

#[test]
fn an_inn_check_digit_is_a_warning_and_an_error_under_strict() {
    let doc = with_cashier_inn("123456789012");
    let checked = check_document(&doc, &ValidationOptions::default()).unwrap();
    assert_eq!(
        checked.document.cashier_inn.as_deref(),
        Some("123456789012")
    );
    assert_eq!(checked.warnings.len(), 1, "{:?}", checked.warnings);
    assert_eq!(checked.warnings[0].field, "cashierInn");
    assert_eq!(checked.warnings[0].rule, "inn_checksum");
    // The service's own documented example, "0123456789", passes too.
    let vendor = check_document(&with_cashier_inn("0123456789"), &Default::default()).unwrap();
    assert_eq!(vendor.warnings[0].rule, "inn_checksum");

    let e = check_document(&doc, &strict()).unwrap_err();
    assert_eq!(e.code(), "validation");
    assert_eq!(e.issues().len(), 1);
    assert_eq!(e.issues()[0].rule, "inn_checksum");
    assert_eq!(e.field(), Some("cashierInn"));
    assert!(check_document(&minimal(), &strict())
        .unwrap()
        .warnings
        .is_empty());
}

#[test]
fn an_error_stops_the_document_and_lists_the_warnings_with_it() {
    let mut doc = with_cashier_inn("123456789012");
    doc["email"] = json!("nobody");
    let e = check_document(&doc, &ValidationOptions::default()).unwrap_err();
    let rules: Vec<(&str, &str)> = e
        .issues()
        .iter()
        .map(|i| (i.field.as_str(), i.rule))
        .collect();
    assert_eq!(
        rules,
        vec![("email", "contact"), ("cashierInn", "inn_checksum")]
    );
}

#[test]
fn every_warning_rule_passes_without_strict() {
    let long = |n: usize| json!("я".repeat(n));
    let mut correction = with(minimal(), "/docType", json!("SALE_CORRECTION"));
    correction = with(
        correction,
        "/correctionInfo",
        json!({"reason": "BY_ORDER", "documentDate": "2020-02-26", "fiscalSign": "12345678901"}),
    );
    let cases = [
        (
            with(
                minimal(),
                "/email",
                json!(format!("{}@example.com", "a".repeat(60))),
            ),
            "email",
            "length_advisory",
        ),
        (
            with(minimal(), "/clientName", long(257)),
            "clientName",
            "length_advisory",
        ),
        (
            with(minimal(), "/inventPositions/0/name", long(129)),
            "inventPositions[0].name",
            "length_advisory",
        ),
        (
            with(
                minimal(),
                "/correctionInfo",
                json!({"reason": "INDEPENDENT", "documentDate": "2020-02-26"}),
            ),
            "correctionInfo",
            "correction_info",
        ),
        (correction, "correctionInfo.documentNum", "correction_info"),
        (
            with(
                minimal(),
                "/inventPositions/0/industryRequisite",
                json!({"foivId": "30", "docDateTime": "x", "docNumber": "1", "docData": "d"}),
            ),
            "inventPositions[0].industryRequisite.foivId",
            "foiv_id",
        ),
    ];
    for (doc, field, rule) in cases {
        let checked = check_document(&doc, &ValidationOptions::default())
            .unwrap_or_else(|e| panic!("{field}: {e}"));
        assert!(
            checked
                .warnings
                .iter()
                .any(|w| w.field == field && w.rule == rule),
            "{field}: {:?}",
            checked.warnings
        );
        assert_eq!(rules::severity(rule), rules::Severity::Warning);
        let e = check_document(&doc, &strict()).unwrap_err();
        assert!(e
            .issues()
            .iter()
            .any(|i| i.field == field && i.rule == rule));
    }
}

#[test]
fn integers_in_text_fields_are_sent_as_strings() {
    let mut doc = minimal();
    doc["id"] = json!(100500);
    doc["docNum"] = json!(654321);
    doc["cashierName"] = json!(7);
    doc["clientName"] = json!(12);
    doc["inventPositions"][0]["name"] = json!(42);
    doc["inventPositions"][0]["inventCode"] = json!(1001);
    doc["inventPositions"][0]["barcode"] = json!(4600000000000u64);
    doc["inventPositions"][0]["description"] = json!(-3);
    let checked = check_document(&doc, &ValidationOptions::default()).unwrap();
    assert!(checked.warnings.is_empty());
    let wire = serde_json::to_value(&checked.document).unwrap();
    assert_eq!(wire["id"], "100500");
    assert_eq!(wire["docNum"], "654321");
    assert_eq!(wire["cashierName"], "7");
    assert_eq!(wire["clientName"], "12");
    let line = &wire["inventPositions"][0];
    assert_eq!(line["name"], "42");
    assert_eq!(line["inventCode"], "1001");
    assert_eq!(line["barcode"], "4600000000000");
    assert_eq!(line["description"], "-3");
    // A fraction is not an identifier: still a type error.
    rejected(
        &with(minimal(), "/docNum", json!(12.5)),
        "docNum",
        "must be a string",
    );
}

#[test]
fn host_date_times_are_normalized_before_they_are_checked() {
    for (given, sent) in [
        ("2020-02-26T06:41:04+0300", "2020-02-26T06:41:04+03:00"),
        ("2020-02-26T06:41:04-0530", "2020-02-26T06:41:04-05:30"),
        ("2020-02-26T06:41+03:00", "2020-02-26T06:41:00+03:00"),
        ("2020-02-26T06:41+0300", "2020-02-26T06:41:00+03:00"),
        ("2020-02-26T06:41Z", "2020-02-26T06:41:00Z"),
        (
            "2020-02-26T06:41:04.123+0000",
            "2020-02-26T06:41:04.123+00:00",
        ),
        ("2020-02-26T06:41:04+03:00", "2020-02-26T06:41:04+03:00"),
    ] {
        let doc = accepted(&with(minimal(), "/checkoutDateTime", json!(given)));
        let wire = serde_json::to_value(&doc).unwrap();
        assert_eq!(wire["checkoutDateTime"], sent, "{given}");
    }
    let correction = with(
        with(minimal(), "/docType", json!("SALE_CORRECTION")),
        "/correctionInfo",
        json!({"reason": "INDEPENDENT", "documentDate": "2020-02-26T10:00+0300"}),
    );
    let wire = serde_json::to_value(accepted(&correction)).unwrap();
    assert_eq!(
        wire["correctionInfo"]["documentDate"],
        "2020-02-26T10:00:00+03:00"
    );
    for bad in [
        "2020-02-26T06:41:04",
        "2020-02-26T06+03:00",
        "2020-02-26T06:41:04+03",
    ] {
        let e = check_document(&with(minimal(), "/checkoutDateTime", json!(bad)), &strict())
            .unwrap_err();
        assert_eq!(e.issues()[0].rule, "date_time", "{bad}");
    }
}

#[test]
fn numeric_strings_in_amounts_are_sent_as_numbers() {
    let mut doc = minimal();
    doc["inventPositions"][0]["price"] = json!("45.90");
    doc["inventPositions"][0]["quantity"] = json!("1");
    doc["inventPositions"][0]["vatTag"] = json!("1103");
    doc["moneyPositions"][0]["sum"] = json!("45.9");
    let wire = serde_json::to_value(accepted(&doc)).unwrap();
    assert_eq!(wire["inventPositions"][0]["price"], json!(45.9));
    assert_eq!(wire["inventPositions"][0]["quantity"], json!(1));
    assert_eq!(wire["inventPositions"][0]["vatTag"], json!(1103));
    assert_eq!(wire["moneyPositions"][0]["sum"], json!(45.9));
}

#[test]
fn a_zero_quantity_is_missing_and_a_negative_one_is_negative() {
    for (value, rule) in [(json!(0), "required"), (json!(-1), "negative")] {
        let doc = with(minimal(), "/inventPositions/0/quantity", value);
        let e = check_document(&doc, &strict()).unwrap_err();
        assert_eq!(e.issues()[0].rule, rule);
        assert_eq!(e.field(), Some("inventPositions[0].quantity"));
    }
}

#[test]
fn money_issues_name_their_rule() {
    for (value, rule) in [
        (json!(-1), "negative"),
        (json!(1.005), "decimals"),
        (json!("NaN"), "not_finite"),
        (json!("12,5"), "number"),
        (json!("1e300"), "too_large"),
        (json!(true), "type"),
    ] {
        let e = check_document(
            &with(minimal(), "/inventPositions/0/price", value.clone()),
            &strict(),
        )
        .unwrap_err();
        let issue = &e.issues()[0];
        assert_eq!(
            (issue.field.as_str(), issue.rule),
            ("inventPositions[0].price", rule),
            "{value}"
        );
    }
}
