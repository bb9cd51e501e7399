//! Every validation rule: its stable code (the `rule` of a [`crate::error::FieldIssue`], what
//! wrappers such as the PHP binding map on), its severity and what it checks. `mk_tables` lists
//! them as `rules`.
//!
//! **Severity policy.** A rule is an `error` when the service documents it or is known to enforce
//! it (formats, required fields, code tables, decimals, totals): the document is not sent. A rule
//! is a `warning` when it protects the shop but the service is not known to enforce it (INN check
//! digits in every INN field; limits and formats that only the fiscal data format or other
//! clients state): the document is sent and the success answer lists the warning.
//! [`super::ValidationOptions::strict`] turns every warning into an error.

use serde::Serialize;

/// Whether a broken rule stops the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is not sent.
    Error,
    /// The document is sent; the answer carries the issue in `warnings`.
    Warning,
}

/// One rule: code, severity, description.
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

const fn rule(code: &'static str, severity: Severity, description: &'static str) -> Rule {
    Rule {
        code,
        severity,
        description,
    }
}

use Severity::{Error, Warning};

/// Every rule, in the order of the list in docs/c-api.md.
pub const RULES: &[Rule] = &[
    rule(
        "required",
        Error,
        "a required field is absent, null or empty (a quantity of 0 too), or a required list has \
         no entry",
    ),
    rule(
        "type",
        Error,
        "a value of the wrong JSON type (a number where an object is needed, ...)",
    ),
    rule(
        "id_format",
        Error,
        "the document id: 1-64 characters, no control characters, no / or \\, no surrounding \
         whitespace (it becomes part of the status URL)",
    ),
    rule(
        "table_value",
        Error,
        "a code that is not in its table (docType, taxMode, vatTag, paymentObject, paymentMethod, \
         paymentType, measure, agent types, correction reason); allow_unknown_values lets it pass",
    ),
    rule(
        "date_time",
        Error,
        "not an ISO-8601 date-time with an offset (or a date), or not a real calendar date/time",
    ),
    rule(
        "contact",
        Error,
        "email is neither an e-mail address nor +7 and 10 digits",
    ),
    rule("url", Error, "responseURL is not an absolute http(s) URL"),
    rule(
        "phone",
        Error,
        "a phone is not + and digits, at most 19 characters",
    ),
    rule("inn_format", Error, "an INN is not 10 or 12 digits"),
    rule(
        "inn_checksum",
        Warning,
        "an INN's check digits do not match (the service's own example INN fails this check)",
    ),
    rule("country_code", Error, "originCountryCode is not 1-3 digits"),
    rule(
        "nomenclature_code",
        Error,
        "nomenclatureCode is not 1-32 hex byte pairs separated by spaces",
    ),
    rule(
        "max_length",
        Error,
        "longer than the service documents: cashierName 64, cashierPosition 64, textToPrint \
         3000, productMark 255, payingAgent operation 24",
    ),
    rule(
        "length_advisory",
        Warning,
        "longer than the fiscal data format or other clients allow, a limit the service does not \
         document: email 64, clientName 256, line name 128, customsDeclarationNumber 32, \
         supplier name 255, money transfer operator name 64 and address 255, correction \
         documentNum 32, industry requisite docNumber 32 and docData 256",
    ),
    rule("number", Error, "an amount that is not a valid number"),
    rule(
        "not_finite",
        Error,
        "an amount that is INF or NAN (as a number, or as the text NAN, INF, -INF, Infinity)",
    ),
    rule(
        "decimals",
        Error,
        "a sum with more than 2 decimals or a quantity with more than 3",
    ),
    rule(
        "negative",
        Error,
        "a negative price, discSum, vatSum, sum or quantity",
    ),
    rule(
        "too_large",
        Error,
        "an amount, a line or a total above the fiscal maximum (2814749767106.55; quantity \
         999999999999.999)",
    ),
    rule(
        "discount_exceeds",
        Error,
        "a line's discSum is more than its price x quantity (a negative line sum)",
    ),
    rule(
        "totals_mismatch",
        Error,
        "the payments' sum differs from the lines' total",
    ),
    rule(
        "correction_required",
        Error,
        "a *_CORRECTION document without correctionInfo (a correction receipt must carry its \
         basis)",
    ),
    rule(
        "correction_info",
        Warning,
        "correctionInfo on a document type that is not a correction, or without documentNum for \
         the reason BY_ORDER (known from one client only)",
    ),
    rule(
        "fiscal_sign",
        Warning,
        "correctionInfo.fiscalSign is not 1-10 digits",
    ),
    rule(
        "foiv_id",
        Warning,
        "industryRequisite.foivId is not 3 digits",
    ),
];

/// The severity of a rule code (an unknown code is an error, so a typo can never let a document
/// through).
pub fn severity(code: &str) -> Severity {
    RULES
        .iter()
        .find(|r| r.code == code)
        .map_or(Severity::Error, |r| r.severity)
}

/// The rules as `mk_tables` lists them: `[{"code", "severity", "description"}]`.
pub fn rules_json() -> serde_json::Value {
    RULES
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r.code,
                "severity": r.severity,
                "description": r.description,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_inn_checksum_is_a_warning() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                RULES[..i].iter().all(|o| o.code != r.code),
                "duplicate {}",
                r.code
            );
        }
        assert_eq!(severity("inn_checksum"), Severity::Warning);
        assert_eq!(severity("required"), Severity::Error);
        assert_eq!(severity("no_such_rule"), Severity::Error);
        let listed = rules_json();
        assert_eq!(listed.as_array().map(Vec::len), Some(RULES.len()));
        assert_eq!(listed[9]["severity"], "warning");
    }
}
