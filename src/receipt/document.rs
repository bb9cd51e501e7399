//! The receipt as the service receives it: serde types of the `POST /v2/doc` body (API section 3),
//! field names exactly as on the wire.
//!
//! Values are built by [`crate::receipt::parse_document`], which checks every rule; serializing a
//! [`Document`] gives the JSON that is sent. Optional fields are `Option`s and are left out (not
//! `null`) when absent. Enum-valued fields are plain strings checked against
//! [`crate::receipt::tables`], so a value the tables do not know yet can pass through when the
//! caller allows it.

use serde::Serialize;

use super::money::{line_amount_kopecks, Money, Quantity};

/// A fiscal document (receipt).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Sender-chosen unique id; resending the same id never creates a second receipt.
    pub id: String,
    pub doc_num: String,
    /// One of [`crate::receipt::tables::DOC_TYPES`].
    pub doc_type: String,
    /// ISO-8601 date-time with offset, e.g. `2020-02-26T06:41:04+07:00`.
    pub checkout_date_time: String,
    /// The buyer's e-mail address or phone (`+7` and 10 digits).
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub print_receipt: Option<bool>,
    /// Callback URL; the wire name is `responseURL`.
    #[serde(rename = "responseURL", skip_serializing_if = "Option::is_none")]
    pub response_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier_inn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier_position: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_to_print: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_inn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_info: Option<AgentInfo>,
    /// Present exactly for the `*_CORRECTION` document types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction_info: Option<CorrectionInfo>,
    pub invent_positions: Vec<Position>,
    pub money_positions: Vec<MoneyPosition>,
}

/// One line of the receipt (`inventPositions[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub name: String,
    /// Unit price before the line discount.
    pub price: Money,
    pub quantity: Quantity,
    /// Discount on the whole line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disc_sum: Option<Money>,
    /// One of [`crate::receipt::tables::VAT_TAGS`].
    pub vat_tag: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_sum: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_object: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invent_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customs_declaration_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomenclature_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_mark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry_requisite: Option<IndustryRequisite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_info: Option<AgentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_info: Option<SupplierInfo>,
    /// Old (v1.4) field: `"2018"` for returns at the pre-2019 VAT rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_revision: Option<String>,
}

/// One payment (`moneyPositions[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyPosition {
    /// One of [`crate::receipt::tables::PAYMENT_TYPES`].
    pub payment_type: String,
    pub sum: Money,
}

/// Agent information (`agentInfo`), on the document or on a line.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentInfo {
    /// Each one of [`crate::receipt::tables::AGENT_TYPES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paying_agent: Option<PayingAgent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_payments_operator: Option<ReceivePaymentsOperator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub money_transfer_operator: Option<MoneyTransferOperator>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PayingAgent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivePaymentsOperator {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyTransferOperator {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
}

/// The supplier of a line sold by an agent (`supplierInfo`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inn: Option<String>,
}

/// What a correction document corrects (`correctionInfo`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorrectionInfo {
    /// One of [`crate::receipt::tables::CORRECTION_REASONS`].
    pub reason: String,
    /// Date of the corrected settlement.
    pub document_date: String,
    /// Number of the tax authority's order; required for `BY_ORDER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_num: Option<String>,
    /// Fiscal sign of the wrong receipt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal_sign: Option<String>,
}

/// Industry requisite of a line (`industryRequisite`, fiscal tag 1260).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndustryRequisite {
    pub foiv_id: String,
    pub doc_date_time: String,
    pub doc_number: String,
    pub doc_data: String,
}

impl Position {
    /// `round_half_up(price × quantity) − discSum` in kopecks, exact.
    pub fn amount_kopecks(&self) -> i128 {
        line_amount_kopecks(
            self.price,
            self.quantity,
            self.disc_sum.unwrap_or(Money::ZERO),
        )
    }
}

impl Document {
    /// The sum of the lines' amounts. For a document from
    /// [`crate::receipt::parse_document`] this is exact and equals [`Document::payments_total`];
    /// for a hand-built one it saturates at the `i64` range instead of overflowing.
    pub fn total(&self) -> Money {
        saturate(self.invent_positions.iter().map(Position::amount_kopecks))
    }

    /// The sum of the payments.
    pub fn payments_total(&self) -> Money {
        saturate(self.money_positions.iter().map(|m| m.sum.kopecks() as i128))
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

fn saturate(amounts: impl Iterator<Item = i128>) -> Money {
    let total = amounts.fold(0i128, |acc, a| acc.saturating_add(a));
    Money::from_kopecks(total.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}
