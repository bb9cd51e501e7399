//! Every code table of the fiscalization API, as data, in this one file.
//!
//! When the law or the service adds a value (a new VAT rate, a new payment object), add one line
//! to the table here: validation, [`tables_json`] (exposed as `mk_tables`) and the error messages
//! all read these slices. Until a release has the new value, the client option
//! `allow_unknown_values` lets it pass through unchecked.
//!
//! Sources: the API facts in `docs/api.md`, sections 3 and 4.

use serde::Serialize;
use serde_json::{json, Value};

/// A table whose codes are strings: `(code, description)`.
pub type TextTable = &'static [(&'static str, &'static str)];

/// Document types (`docType`).
pub const DOC_TYPES: TextTable = &[
    ("SALE", "sale (приход)"),
    ("RETURN", "return of a sale (возврат прихода)"),
    ("BUY", "purchase (расход)"),
    ("BUY_RETURN", "return of a purchase (возврат расхода)"),
    (
        "SALE_CORRECTION",
        "correction of a sale (коррекция прихода)",
    ),
    (
        "SALE_RETURN_CORRECTION",
        "correction of a sale return (коррекция возврата прихода)",
    ),
    (
        "BUY_CORRECTION",
        "correction of a purchase (коррекция расхода)",
    ),
    (
        "BUY_RETURN_CORRECTION",
        "correction of a purchase return (коррекция возврата расхода)",
    ),
];

/// Tax systems (`taxMode`); omitted = the retail point's setting.
pub const TAX_MODES: TextTable = &[
    ("COMMON", "general system (ОСН)"),
    ("SIMPLIFIED", "simplified, income (УСН доход)"),
    (
        "SIMPLIFIED_WITH_EXPENSE",
        "simplified, income minus expense (УСН доход − расход)",
    ),
    ("ENVD", "imputed income tax (ЕНВД)"),
    ("COMMON_AGRICULTURAL", "unified agricultural tax (ЕСХН)"),
    ("PATENT", "patent system (ПСН)"),
];

/// VAT tags (`inventPositions[].vatTag`): `(code, description)`.
pub const VAT_TAGS: &[(u32, &str)] = &[
    (1102, "VAT 20% (18% before 2019)"),
    (1103, "VAT 10%"),
    (1104, "VAT 0%"),
    (1105, "no VAT (без НДС)"),
    (1106, "VAT 20/120 (calculated rate)"),
    (1107, "VAT 10/110 (calculated rate)"),
    (1109, "VAT 5%"),
    (1110, "VAT 7%"),
    (1111, "VAT 5/105 (calculated rate)"),
    (1112, "VAT 7/107 (calculated rate)"),
    (1113, "VAT 22% (from 2026)"),
    (1114, "VAT 22/122 (calculated rate, from 2026)"),
];

/// Payment objects (`inventPositions[].paymentObject`, признак предмета расчёта).
pub const PAYMENT_OBJECTS: TextTable = &[
    ("commodity", "goods"),
    ("excise", "excisable goods"),
    ("job", "work"),
    ("service", "service"),
    ("gambling_bet", "gambling bet"),
    ("gambling_prize", "gambling prize"),
    ("lottery", "lottery ticket"),
    ("lottery_prize", "lottery prize"),
    (
        "intellectual_activity",
        "rights to results of intellectual activity",
    ),
    ("payment", "payment (advance, deposit, instalment)"),
    ("agent_commission", "agent's commission"),
    ("composite", "composite subject of settlement"),
    ("another", "other subject of settlement"),
    ("property_right", "property right"),
    ("non-operating_gain", "non-operating income"),
    ("insurance_premium", "insurance premium"),
    ("sales_tax", "trade fee (торговый сбор)"),
    ("resort_fee", "resort fee (курортный сбор)"),
];

/// Payment methods (`inventPositions[].paymentMethod`, признак способа расчёта).
pub const PAYMENT_METHODS: TextTable = &[
    ("full_prepayment", "full prepayment before handover"),
    ("prepayment", "partial prepayment before handover"),
    ("advance", "advance payment"),
    ("full_payment", "full payment at handover"),
    (
        "partial_payment",
        "partial payment at handover, rest on credit",
    ),
    ("credit", "handover on credit, no payment"),
    ("credit_payment", "payment of a credit"),
];

/// Money position types (`moneyPositions[].paymentType`).
pub const PAYMENT_TYPES: TextTable = &[
    ("CARD", "cashless (безналичные)"),
    ("CASH", "cash"),
    ("PREPAID", "set-off of an advance payment (зачёт аванса)"),
    ("POSTPAY", "credit (кредит, постоплата)"),
    ("OTHER", "other consideration (встречное предоставление)"),
];

/// Agent types (`agentInfo.types[]`).
pub const AGENT_TYPES: TextTable = &[
    ("bank_paying_agent", "bank paying agent"),
    ("bank_paying_subagent", "bank paying subagent"),
    ("paying_agent", "paying agent"),
    ("paying_subagent", "paying subagent"),
    ("attorney", "attorney (поверенный)"),
    ("commission_agent", "commission agent (комиссионер)"),
    ("another", "other agent"),
];

/// Correction reasons (`correctionInfo.reason`).
pub const CORRECTION_REASONS: TextTable = &[
    ("INDEPENDENT", "correction on the seller's own initiative"),
    (
        "BY_ORDER",
        "correction by order of the tax authority (documentNum required)",
    ),
];

/// Measure units (`inventPositions[].measure`).
pub const MEASURES: TextTable = &[
    ("pcs", "pieces"),
    ("ltr", "litres"),
    ("kg", "kilograms"),
    ("m", "metres"),
    ("m2", "square metres"),
    ("m3", "cubic metres"),
    ("h", "hours"),
    ("other", "other unit"),
];

/// Document statuses (`DocumentStatus.status`, in responses).
pub const DOCUMENT_STATUSES: TextTable = &[
    ("QUEUED", "accepted, waiting in the queue"),
    ("PENDING", "handed to the cash register"),
    ("PRINTED", "fiscalized"),
    (
        "WAIT_FOR_CALLBACK",
        "fiscalized; the callback to responseURL has not yet been answered with 200",
    ),
    ("COMPLETED", "fiscalized and the callback acknowledged"),
    ("FAILED", "processing failed (see failureInfo)"),
    ("REQUEUED", "re-queued after a failure"),
];

/// Fiscal-service / fiscal-drive states (`FNStatus.status`, `DocumentStatus.fnState`).
pub const FN_STATES: TextTable = &[
    ("ASSOCIATED", "associated, no cash register connected yet"),
    ("READY", "ready to fiscalize"),
    ("DISABLED", "disabled"),
    ("FAILED", "failed"),
];

/// Failure types (`DocumentStatus.failureInfo.type`).
pub const FAILURE_TYPES: TextTable = &[
    ("FN_MEMORY_OVERFLOW", "the fiscal drive's memory is full"),
    ("FN_EXPIRED", "the fiscal drive has expired"),
    ("FN_GENERIC_FAILURE", "a fiscal drive failure"),
    (
        "NON_FN_FAILURE",
        "a failure not related to the fiscal drive",
    ),
];

/// Whether `code` is listed in `table`.
pub fn contains(table: TextTable, code: &str) -> bool {
    table.iter().any(|(c, _)| *c == code)
}

/// Whether a document type is a correction (`SALE_CORRECTION`, ...), which requires
/// `correctionInfo`. Decided by the name, so a future correction type passes the same way.
pub fn is_correction_doc_type(code: &str) -> bool {
    code.ends_with("_CORRECTION")
}

/// Whether `code` is a known VAT tag.
pub fn is_vat_tag(code: u32) -> bool {
    VAT_TAGS.iter().any(|(c, _)| *c == code)
}

/// The codes of a table, comma separated, for error messages.
pub fn codes(table: TextTable) -> String {
    table.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

/// The VAT tag codes, comma separated, for error messages.
pub fn vat_tag_codes() -> String {
    VAT_TAGS
        .iter()
        .map(|(c, _)| c.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A table as JSON, `[{"code": ..., "description": ...}, ...]`: the text tables, the VAT tags
/// (numeric codes) and the error codes that `mk_tables` adds.
pub fn table_json<C: Serialize>(table: &[(C, &str)]) -> Value {
    Value::Array(
        table
            .iter()
            .map(|(code, description)| json!({"code": code, "description": description}))
            .collect(),
    )
}

/// Every table as JSON, e.g. `{"doc_types":[{"code":"SALE","description":"..."}, ...],
/// "vat_tags":[{"code":1102,"description":"..."}, ...], ...}`.
pub fn tables_json() -> Value {
    json!({
        "doc_types": table_json(DOC_TYPES),
        "tax_modes": table_json(TAX_MODES),
        "vat_tags": table_json(VAT_TAGS),
        "payment_objects": table_json(PAYMENT_OBJECTS),
        "payment_methods": table_json(PAYMENT_METHODS),
        "payment_types": table_json(PAYMENT_TYPES),
        "agent_types": table_json(AGENT_TYPES),
        "correction_reasons": table_json(CORRECTION_REASONS),
        "measures": table_json(MEASURES),
        "document_statuses": table_json(DOCUMENT_STATUSES),
        "fn_states": table_json(FN_STATES),
        "failure_types": table_json(FAILURE_TYPES),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[(&str, TextTable)] = &[
        ("doc_types", DOC_TYPES),
        ("tax_modes", TAX_MODES),
        ("payment_objects", PAYMENT_OBJECTS),
        ("payment_methods", PAYMENT_METHODS),
        ("payment_types", PAYMENT_TYPES),
        ("agent_types", AGENT_TYPES),
        ("correction_reasons", CORRECTION_REASONS),
        ("measures", MEASURES),
        ("document_statuses", DOCUMENT_STATUSES),
        ("fn_states", FN_STATES),
        ("failure_types", FAILURE_TYPES),
    ];

    #[test]
    fn sizes_match_the_spec() {
        assert_eq!(DOC_TYPES.len(), 8);
        assert_eq!(TAX_MODES.len(), 6);
        assert_eq!(VAT_TAGS.len(), 12);
        assert_eq!(PAYMENT_OBJECTS.len(), 18);
        assert_eq!(PAYMENT_METHODS.len(), 7);
        assert_eq!(PAYMENT_TYPES.len(), 5);
        assert_eq!(AGENT_TYPES.len(), 7);
        assert_eq!(CORRECTION_REASONS.len(), 2);
        assert_eq!(MEASURES.len(), 8);
        assert_eq!(DOCUMENT_STATUSES.len(), 7);
        assert_eq!(FN_STATES.len(), 4);
        assert_eq!(FAILURE_TYPES.len(), 4);
    }

    #[test]
    fn codes_are_unique_and_described() {
        for (name, table) in ALL {
            for (i, (code, description)) in table.iter().enumerate() {
                assert!(!code.is_empty() && !description.is_empty(), "{name}");
                assert!(
                    !table[..i].iter().any(|(c, _)| c == code),
                    "{name}: duplicate {code}"
                );
            }
        }
        for (i, (code, _)) in VAT_TAGS.iter().enumerate() {
            assert!(!VAT_TAGS[..i].iter().any(|(c, _)| c == code));
        }
    }

    #[test]
    fn lookups() {
        assert!(contains(DOC_TYPES, "SALE"));
        assert!(!contains(DOC_TYPES, "sale"));
        assert!(is_vat_tag(1105) && is_vat_tag(1114));
        assert!(!is_vat_tag(1108) && !is_vat_tag(0));
        assert_eq!(codes(CORRECTION_REASONS), "INDEPENDENT, BY_ORDER");
        assert!(vat_tag_codes().starts_with("1102, 1103"));
    }

    #[test]
    fn json_lists_every_table() {
        let v = tables_json();
        for (name, table) in ALL {
            let list = v[name].as_array().unwrap();
            assert_eq!(list.len(), table.len(), "{name}");
            assert_eq!(list[0]["code"], table[0].0);
            assert_eq!(list[0]["description"], table[0].1);
        }
        assert_eq!(v["vat_tags"][0]["code"], 1102);
        assert_eq!(v["vat_tags"].as_array().unwrap().len(), VAT_TAGS.len());
        assert_eq!(v.as_object().unwrap().len(), ALL.len() + 1);
    }
}
