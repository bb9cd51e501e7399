//! The document's own fields, its lists of lines and payments, and the totals rule.

use super::super::document::Document;
use super::super::money::Money;
use super::super::{formats, tables};
use super::check_document_id;
use super::checker::Checker;
use super::path::Obj;

impl Checker<'_> {
    // ---- the document ----

    pub(super) fn document(&mut self, obj: &Obj) -> Option<Document> {
        let id = self.required_text(obj, "id");
        if let Some(id) = &id {
            self.check("id", "id_format", check_document_id(id));
        }
        let doc_num = self.required_text(obj, "docNum");
        let doc_type = self.required_code(obj, "docType", tables::DOC_TYPES);
        let checkout_date_time =
            self.required_date_time(obj, "checkoutDateTime", formats::check_date_time);
        let email = self.required_format(obj, "email", "contact", formats::check_contact);
        if let Some(email) = &email {
            self.max_chars("email", email, 64, "length_advisory");
        }
        let print_receipt = self.optional_bool(obj, "printReceipt");
        let response_url = self.optional_format(obj, "responseURL", "url", formats::check_url);
        let tax_mode = self.optional_code(obj, "taxMode", tables::TAX_MODES);
        let cashier_name = self.bounded_text(obj, "cashierName", 64, "max_length");
        let cashier_inn = self.optional_inn(obj, "cashierInn");
        let cashier_position = self.bounded_text(obj, "cashierPosition", 64, "max_length");
        let text_to_print = self.bounded_text(obj, "textToPrint", 3000, "max_length");
        let client_name = self.bounded_text(obj, "clientName", 256, "length_advisory");
        let client_inn = self.optional_inn(obj, "clientInn");
        let agent_info = self
            .optional_object(obj, "agentInfo")
            .map(|o| self.agent_info(&o));

        let is_correction = doc_type
            .as_deref()
            .is_some_and(tables::is_correction_doc_type);
        let correction_info = match self.optional_object(obj, "correctionInfo") {
            Some(o) if is_correction => self.correction_info(&o),
            Some(_) if doc_type.is_some() => {
                self.issue(
                    "correctionInfo",
                    "correction_info",
                    "is only allowed for the correction document types (*_CORRECTION)",
                );
                None
            }
            Some(o) => self.correction_info(&o),
            None => {
                if is_correction && obj.get("correctionInfo").is_none() {
                    self.issue(
                        "correctionInfo",
                        "correction_required",
                        "is required for a correction document",
                    );
                }
                None
            }
        };

        let (positions, amounts) = self.entries(
            obj,
            "inventPositions",
            "must contain at least one position",
            Self::position,
        );
        let (payments, sums) = self.entries(
            obj,
            "moneyPositions",
            "must contain at least one payment",
            Self::money_position,
        );
        if let (Some(amounts), Some(sums)) = (amounts, sums) {
            self.totals(&amounts, &sums);
        }

        Some(Document {
            id: id?,
            doc_num: doc_num?,
            doc_type: doc_type?,
            checkout_date_time: checkout_date_time?,
            email: email?,
            print_receipt,
            response_url,
            tax_mode,
            cashier_name,
            cashier_inn,
            cashier_position,
            text_to_print,
            client_name,
            client_inn,
            agent_info,
            correction_info,
            invent_positions: positions,
            money_positions: payments,
        })
    }

    /// A required, non-empty array of objects (the lines or the payments), each read by `read`
    /// into the entry (when valid) and its amount (when its money fields are). The amounts come
    /// back only when every entry has one: otherwise the totals rule cannot be checked.
    pub(super) fn entries<T>(
        &mut self,
        obj: &Obj,
        key: &str,
        empty: &str,
        read: impl Fn(&mut Self, &Obj) -> (Option<T>, Option<Money>),
    ) -> (Vec<T>, Option<Vec<Money>>) {
        let Some(items) = self.array(obj, key) else {
            if obj.get(key).is_none() {
                self.issue(obj.path_of(key), "required", "is required");
            }
            return (Vec::new(), None);
        };
        if items.is_empty() {
            self.issue(obj.path_of(key), "required", empty);
            return (Vec::new(), None);
        }
        let mut entries = Vec::with_capacity(items.len());
        let mut amounts = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let (entry, amount) = match self.object(obj.item_path(key, i), item) {
                Some(o) => read(self, &o),
                None => (None, None),
            };
            entries.extend(entry);
            match (amount, amounts.as_mut()) {
                (Some(a), Some(list)) => list.push(a),
                _ => amounts = None,
            }
        }
        (entries, amounts)
    }

    /// The totals rule, given every line amount and every payment sum (all in range).
    pub(super) fn totals(&mut self, amounts: &[Money], sums: &[Money]) {
        let total =
            |list: &[Money]| Money::from_i128(list.iter().map(|m| m.kopecks() as i128).sum());
        let (positions, payments) = (total(amounts), total(sums));
        if positions.is_none() {
            self.issue(
                "inventPositions",
                "too_large",
                format!("the positions total exceeds the maximum sum {}", Money::MAX),
            );
        }
        if payments.is_none() {
            self.issue(
                "moneyPositions",
                "too_large",
                format!("the payments total exceeds the maximum sum {}", Money::MAX),
            );
        }
        let (Some(positions), Some(payments)) = (positions, payments) else {
            return;
        };
        if positions != payments {
            self.issue(
                "moneyPositions",
                "totals_mismatch",
                format!("payments total {payments} does not equal positions total {positions}"),
            );
        }
    }
}
