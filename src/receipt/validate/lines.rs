//! A line of the receipt (`inventPositions[]`, with its amount for the totals rule) and a
//! payment (`moneyPositions[]`).

use serde_json::Value;

use super::super::document::{MoneyPosition, Position};
use super::super::money::{line_gross_kopecks, Money, Quantity};
use super::super::{formats, tables};
use super::checker::Checker;
use super::path::Obj;

impl Checker<'_> {
    /// A line, and its amount when its money fields are all valid and in range.
    pub(super) fn position(&mut self, obj: &Obj) -> (Option<Position>, Option<Money>) {
        let name = self.required_text(obj, "name");
        if let Some(name) = &name {
            self.max_chars(obj.path_of("name"), name, 128, "length_advisory");
        }
        let price = self.money(obj, "price", true);
        let quantity = self.quantity(obj);
        let disc_sum = self.money(obj, "discSum", false);
        let vat_tag = self.vat_tag(obj);
        let vat_sum = self.money(obj, "vatSum", false).ok().flatten();
        let payment_object = self.optional_code(obj, "paymentObject", tables::PAYMENT_OBJECTS);
        let payment_method = self.optional_code(obj, "paymentMethod", tables::PAYMENT_METHODS);
        let invent_code = self.optional_text(obj, "inventCode");
        let barcode = self.optional_text(obj, "barcode");
        let description = self.optional_text(obj, "description");
        let origin_country_code = self.optional_format(
            obj,
            "originCountryCode",
            "country_code",
            formats::check_country_code,
        );
        let customs_declaration_number =
            self.bounded_text(obj, "customsDeclarationNumber", 32, "length_advisory");
        let nomenclature_code = self.optional_format(
            obj,
            "nomenclatureCode",
            "nomenclature_code",
            formats::check_nomenclature_code,
        );
        let product_mark = self.bounded_text(obj, "productMark", 255, "max_length");
        let industry_requisite = self
            .optional_object(obj, "industryRequisite")
            .and_then(|o| self.industry_requisite(&o));
        let measure = self.optional_code(obj, "measure", tables::MEASURES);
        let agent_info = self
            .optional_object(obj, "agentInfo")
            .map(|o| self.agent_info(&o));
        let supplier_info = self
            .optional_object(obj, "supplierInfo")
            .map(|o| self.supplier_info(&o));
        let vat_revision = self.optional_text(obj, "vatRevision");

        let amount = match (price, quantity, disc_sum) {
            (Ok(Some(price)), Some(quantity), Ok(disc_sum)) => {
                self.line_amount(obj, price, quantity, disc_sum.unwrap_or(Money::ZERO))
            }
            _ => None,
        };
        let required = (name, price.ok().flatten(), quantity, vat_tag);
        let (Some(name), Some(price), Some(quantity), Some(vat_tag)) = required else {
            return (None, amount);
        };
        let position = Position {
            name,
            price,
            quantity,
            disc_sum: disc_sum.ok().flatten(),
            vat_tag,
            vat_sum,
            payment_object,
            payment_method,
            invent_code,
            barcode,
            description,
            origin_country_code,
            customs_declaration_number,
            nomenclature_code,
            product_mark,
            industry_requisite,
            measure,
            agent_info,
            supplier_info,
            vat_revision,
        };
        (Some(position), amount)
    }

    /// `round_half_up(price × quantity) − discSum`, checked: the gross within range and the
    /// discount not above it.
    pub(super) fn line_amount(
        &mut self,
        obj: &Obj,
        price: Money,
        quantity: Quantity,
        disc_sum: Money,
    ) -> Option<Money> {
        let gross_kopecks = line_gross_kopecks(price, quantity);
        let Some(gross) = Money::from_i128(gross_kopecks) else {
            self.issue(
                obj.path,
                "too_large",
                format!(
                    "price × quantity exceeds the maximum sum {} (price {price}, quantity {quantity})",
                    Money::MAX
                ),
            );
            return None;
        };
        if disc_sum > gross {
            self.issue(
                obj.path_of("discSum"),
                "discount_exceeds",
                format!("{disc_sum} is more than price × quantity {gross}"),
            );
            return None;
        }
        Some(Money::from_kopecks(gross.kopecks() - disc_sum.kopecks()))
    }

    pub(super) fn quantity(&mut self, obj: &Obj) -> Option<Quantity> {
        let value = self.required(obj, "quantity")?;
        let path = obj.path_of("quantity");
        match Quantity::from_json(value) {
            // Zero is no quantity at all (hosts send 0 for "not set"); below zero is a sign error.
            Ok(q) if q.thousandths() == 0 => {
                self.issue(path, "required", "must be greater than 0");
                None
            }
            Ok(q) if q.thousandths() < 0 => {
                self.issue(path, "negative", "must be greater than 0");
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                self.issue(path, e.rule, e.reason);
                None
            }
        }
    }

    pub(super) fn vat_tag(&mut self, obj: &Obj) -> Option<u32> {
        let value = self.required(obj, "vatTag")?;
        let path = obj.path_of("vatTag");
        let tag = match value {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u32>().ok()
            }
            _ => None,
        };
        let Some(tag) = tag else {
            self.issue(path, "type", "must be an integer VAT code, e.g. 1105");
            return None;
        };
        if !self.options.allow_unknown_values && !tables::is_vat_tag(tag) {
            self.issue(
                path,
                "table_value",
                format!("must be one of {} (got {tag})", tables::vat_tag_codes()),
            );
        }
        Some(tag)
    }

    pub(super) fn money_position(&mut self, obj: &Obj) -> (Option<MoneyPosition>, Option<Money>) {
        let payment_type = self.required_code(obj, "paymentType", tables::PAYMENT_TYPES);
        let sum = self.money(obj, "sum", true).ok().flatten();
        let payment = payment_type
            .zip(sum)
            .map(|(payment_type, sum)| MoneyPosition { payment_type, sum });
        (payment, sum)
    }
}
