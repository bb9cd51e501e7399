//! Warnings and strict mode, and what hosts send that is read leniently.

use super::*;

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
