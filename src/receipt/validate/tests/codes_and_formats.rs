//! Code tables and format checks: VAT tags, dates, contacts, INNs, lengths, line formats.

use super::*;

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
