//! Tests of `validate.rs`, in their own files so the rules read without scrolling past them: the
//! shared documents and helpers here, the tests by topic in the files below.

use super::*;
use crate::receipt::money::Money;
use crate::receipt::{rules, tables};
use serde_json::json;

mod amounts;
mod codes_and_formats;
mod documents;
mod severity_and_coercion;
mod structure;

/// A document using every field, valid.
fn full() -> Value {
    json!({
        "id": "7b1e3a52-4f1c-4c3e-9a57-2d0f3c9b8e11",
        "docNum": "SALE-12345",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04+07:00",
        "email": "buyer@example.com",
        "printReceipt": true,
        "responseURL": "https://shop.example.ru/callback?order=12345",
        "taxMode": "SIMPLIFIED",
        "cashierName": "Иванова Анна",
        "cashierInn": "500100732259",
        "cashierPosition": "кассир",
        "textToPrint": "Спасибо за покупку!",
        "clientName": "ООО Ромашка",
        "clientInn": "7707083893",
        "agentInfo": {
            "types": ["paying_agent", "commission_agent"],
            "payingAgent": {"operation": "перевод", "phones": ["+79001234567"]},
            "receivePaymentsOperator": {"phones": ["+74951234567"]},
            "moneyTransferOperator": {
                "phones": ["+78001234567"],
                "name": "Банк",
                "address": "Москва, ул. Ленина, 1",
                "inn": "7728168971"
            }
        },
        "inventPositions": [
            {
                "name": "Чайник электрический",
                "price": 100.5,
                "quantity": 2,
                "discSum": 1,
                "vatTag": 1102,
                "vatSum": 33.17,
                "paymentObject": "commodity",
                "paymentMethod": "full_payment",
                "inventCode": "A-17",
                "barcode": "4601234567893",
                "description": "белый",
                "originCountryCode": "643",
                "customsDeclarationNumber": "10702070/010120/0000001",
                "nomenclatureCode": "00 00 00 01 23 af",
                "productMark": "0104601234567893215abcde\u{1d}93abcd",
                "industryRequisite": {
                    "foivId": "030",
                    "docDateTime": "21.11.2023",
                    "docNumber": "1944",
                    "docData": "UUID=fb8b7e3c&Time=1700000000000"
                },
                "measure": "pcs",
                "agentInfo": {"types": ["attorney"]},
                "supplierInfo": {
                    "phones": ["+79007654321"],
                    "name": "ИП Петров",
                    "inn": "500100732259"
                },
                "vatRevision": "2018"
            },
            {
                "name": "Пакет",
                "price": 0.1 + 0.2,
                "quantity": 3,
                "vatTag": 1105
            }
        ],
        "moneyPositions": [
            {"paymentType": "CARD", "sum": 200},
            {"paymentType": "CASH", "sum": "0.90"}
        ]
    })
}

/// A document with only the required fields, valid.
fn minimal() -> Value {
    json!({
        "id": "order-1",
        "docNum": "1",
        "docType": "SALE",
        "checkoutDateTime": "2020-02-26T06:41:04Z",
        "email": "+79001234567",
        "inventPositions": [{"name": "Хлеб", "price": 45.9, "quantity": 1, "vatTag": 1103}],
        "moneyPositions": [{"paymentType": "CASH", "sum": 45.9}]
    })
}

/// Every issue stops the document, so the tests below see warnings as well as errors.
fn strict() -> ValidationOptions {
    ValidationOptions {
        strict: true,
        ..ValidationOptions::default()
    }
}

fn lenient() -> ValidationOptions {
    ValidationOptions {
        allow_unknown_values: true,
        ..strict()
    }
}

/// Sets the value at a JSON pointer (the parent must exist).
fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        _ => panic!("{pointer}"),
    }
    doc
}

fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key)
        .unwrap();
    doc
}

fn issues_with(doc: &Value, options: &ValidationOptions) -> Vec<(String, String)> {
    match parse_document(doc, options) {
        Ok(_) => vec![],
        Err(Error::Validation { issues, .. }) => {
            issues.into_iter().map(|i| (i.field, i.reason)).collect()
        }
        Err(other) => panic!("not a validation error: {other}"),
    }
}

fn issues(doc: &Value) -> Vec<(String, String)> {
    issues_with(doc, &strict())
}

#[track_caller]
fn accepted(doc: &Value) -> Document {
    match parse_document(doc, &strict()) {
        Ok(d) => d,
        Err(e) => panic!("rejected: {e}"),
    }
}

/// Exactly one issue, on `field`, whose reason contains `reason`.
#[track_caller]
fn rejected(doc: &Value, field: &str, reason: &str) {
    let found = issues(doc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, field, "{found:?}");
    assert!(found[0].1.contains(reason), "{found:?}");
}
