//! The code tables the sandbox accepts in a `Document` (API spec section 3): document types, tax
//! modes, VAT tags, payment objects and methods, money position types, agent types, correction
//! reasons. Written out here, not taken from the library, so the sandbox stays an independent
//! oracle.

pub const DOC_TYPES: &[&str] = &[
    "SALE",
    "RETURN",
    "BUY",
    "BUY_RETURN",
    "SALE_CORRECTION",
    "SALE_RETURN_CORRECTION",
    "BUY_CORRECTION",
    "BUY_RETURN_CORRECTION",
];
pub const TAX_MODES: &[&str] = &[
    "COMMON",
    "SIMPLIFIED",
    "SIMPLIFIED_WITH_EXPENSE",
    "ENVD",
    "COMMON_AGRICULTURAL",
    "PATENT",
];
pub const VAT_TAGS: &[i128] = &[
    1102, 1103, 1104, 1105, 1106, 1107, 1109, 1110, 1111, 1112, 1113, 1114,
];
pub const PAYMENT_OBJECTS: &[&str] = &[
    "commodity",
    "excise",
    "job",
    "service",
    "gambling_bet",
    "gambling_prize",
    "lottery",
    "lottery_prize",
    "intellectual_activity",
    "payment",
    "agent_commission",
    "composite",
    "another",
    "property_right",
    "non-operating_gain",
    "insurance_premium",
    "sales_tax",
    "resort_fee",
];
pub const PAYMENT_METHODS: &[&str] = &[
    "full_prepayment",
    "prepayment",
    "advance",
    "full_payment",
    "partial_payment",
    "credit",
    "credit_payment",
];
pub const MONEY_TYPES: &[&str] = &["CARD", "CASH", "PREPAID", "POSTPAY", "OTHER"];
pub const AGENT_TYPES: &[&str] = &[
    "bank_paying_agent",
    "bank_paying_subagent",
    "paying_agent",
    "paying_subagent",
    "attorney",
    "commission_agent",
    "another",
];
pub const CORRECTION_REASONS: &[&str] = &["INDEPENDENT", "BY_ORDER"];
