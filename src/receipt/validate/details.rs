//! The nested objects: agent information, a line's supplier, what a correction corrects and a
//! line's industry requisite.

use super::super::document::{
    AgentInfo, CorrectionInfo, IndustryRequisite, MoneyTransferOperator, PayingAgent,
    ReceivePaymentsOperator, SupplierInfo,
};
use super::super::{formats, tables};
use super::checker::Checker;
use super::path::Obj;

impl Checker<'_> {
    pub(super) fn agent_info(&mut self, obj: &Obj) -> AgentInfo {
        let types = self.array(obj, "types").map(|items| {
            if items.is_empty() {
                self.issue(obj.path_of("types"), "required", "must not be empty");
            }
            let mut types = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let path = obj.item_path("types", i);
                if let Some(kind) = self.text_value(path, item) {
                    self.code(path, &kind, tables::AGENT_TYPES);
                    types.push(kind);
                }
            }
            types
        });
        let paying_agent = self
            .optional_object(obj, "payingAgent")
            .map(|o| PayingAgent {
                operation: self.bounded_text(&o, "operation", 24, "max_length"),
                phones: self.phones(&o, "phones"),
            });
        let receive_payments_operator =
            self.optional_object(obj, "receivePaymentsOperator")
                .map(|o| ReceivePaymentsOperator {
                    phones: self.phones(&o, "phones"),
                });
        let money_transfer_operator =
            self.optional_object(obj, "moneyTransferOperator")
                .map(|o| MoneyTransferOperator {
                    phones: self.phones(&o, "phones"),
                    name: self.bounded_text(&o, "name", 64, "length_advisory"),
                    address: self.bounded_text(&o, "address", 255, "length_advisory"),
                    inn: self.optional_inn(&o, "inn"),
                });
        AgentInfo {
            types,
            paying_agent,
            receive_payments_operator,
            money_transfer_operator,
        }
    }

    pub(super) fn supplier_info(&mut self, obj: &Obj) -> SupplierInfo {
        SupplierInfo {
            phones: self.phones(obj, "phones"),
            name: self.bounded_text(obj, "name", 255, "length_advisory"),
            inn: self.optional_inn(obj, "inn"),
        }
    }

    pub(super) fn correction_info(&mut self, obj: &Obj) -> Option<CorrectionInfo> {
        let reason = self.required_code(obj, "reason", tables::CORRECTION_REASONS);
        let document_date = self.required_date_time(obj, "documentDate", formats::check_date);
        let document_num = self.optional_text(obj, "documentNum");
        if let Some(num) = &document_num {
            self.max_chars(obj.path_of("documentNum"), num, 32, "length_advisory");
        } else if reason.as_deref() == Some("BY_ORDER") {
            self.issue(
                obj.path_of("documentNum"),
                "correction_info",
                "is required when the reason is BY_ORDER",
            );
        }
        let fiscal_sign = self.optional_text(obj, "fiscalSign");
        if let Some(sign) = &fiscal_sign {
            if !(1..=10).contains(&sign.len()) || !sign.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(
                    obj.path_of("fiscalSign"),
                    "fiscal_sign",
                    "must be 1 to 10 digits",
                );
            }
        }
        Some(CorrectionInfo {
            reason: reason?,
            document_date: document_date?,
            document_num,
            fiscal_sign,
        })
    }

    pub(super) fn industry_requisite(&mut self, obj: &Obj) -> Option<IndustryRequisite> {
        let foiv_id = self.required_text(obj, "foivId");
        if let Some(id) = &foiv_id {
            if id.len() != 3 || !id.bytes().all(|b| b.is_ascii_digit()) {
                self.issue(
                    obj.path_of("foivId"),
                    "foiv_id",
                    "must be 3 digits, e.g. 030",
                );
            }
        }
        let doc_date_time = self.required_text(obj, "docDateTime");
        let doc_number = self.required_text(obj, "docNumber");
        if let Some(number) = &doc_number {
            self.max_chars(obj.path_of("docNumber"), number, 32, "length_advisory");
        }
        let doc_data = self.required_text(obj, "docData");
        if let Some(data) = &doc_data {
            self.max_chars(obj.path_of("docData"), data, 256, "length_advisory");
        }
        Some(IndustryRequisite {
            foiv_id: foiv_id?,
            doc_date_time: doc_date_time?,
            doc_number: doc_number?,
            doc_data: doc_data?,
        })
    }
}
