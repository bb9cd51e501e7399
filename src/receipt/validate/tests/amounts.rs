//! Money, quantities and the totals rule.

use super::*;

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
