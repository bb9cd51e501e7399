//! Corrections, unknown keys, text input limits, any value in any place, paths.

use super::*;

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
