//! The standard vocabulary of claim facts (shared/contract/claim-facts.md):
//! every path a policy may read without declaring it, with its type, whether a
//! claim may leave it out, and the codes it may hold.

use super::types::{CodeDomain, Ty};

/// The claim kinds a `rules for KIND` block may decide.
pub const CLAIM_KINDS: &[&str] = &["return", "cancellation", "delivery_issue", "shipping"];
pub const CHANNELS: &[&str] = &[
    "web",
    "app",
    "marketplace",
    "kickstarter",
    "indiegogo",
    "personal_request",
    "wholesale",
];
pub const PAYMENT_METHODS: &[&str] = &[
    "credit_card",
    "debit_card",
    "paypal",
    "bank_transfer",
    "store_credit",
    "gift_card",
    "cash_on_delivery",
    "other",
];
pub const ADDRESS_KINDS: &[&str] = &["street", "po_box", "military"];
pub const REASONS: &[&str] = &[
    "changed_mind",
    "defective",
    "damaged_in_transit",
    "wrong_item",
    "missing_item",
    "not_as_described",
    "quality_issue",
    "address_problem",
    "carrier_delay",
    "none",
    "other",
];
pub const REMEDIES: &[&str] = &[
    "refund",
    "exchange",
    "store_credit",
    "reship",
    "repair",
    "cancel",
];
pub const EVIDENCE: &[&str] = &[
    "photos_item",
    "photos_all_sides",
    "photos_packaging",
    "photos_accessories",
    "photos_damage",
    "order_number",
    "tracking_number",
    "model_number",
    "reason_description",
];
pub const PAYERS: &[&str] = &["customer", "merchant"];
/// Fees every policy may name; a policy adds its own with `fees NAME, ...`.
pub const STANDARD_FEES: &[&str] = &[
    "return_shipping",
    "outbound_shipping",
    "round_trip_shipping",
    "restocking",
    "reshipment",
    "customs_clearance",
];
/// Remedies whose approval pays money back, and so needs a `refund` clause.
pub const MONEY_REMEDIES: &[&str] = &["refund", "store_credit"];

/// Which condition flag of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Condition {
    Opened,
    Used,
    Damaged,
    OriginalPackaging,
    PackagingDamaged,
    AccessoriesComplete,
    LabelsIntact,
}

/// A fact of the standard vocabulary, resolved from its path at check time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactRef {
    ClaimId,
    AsOf,
    OrderId,
    PlacedAt,
    InvoicedAt,
    ShippedAt,
    PickedUp,
    DeliveredAt,
    Channel,
    Country,
    AddressKind,
    PaymentMethod,
    Total,
    ShippingPaid,
    Sku,
    Category,
    Price,
    Quantity,
    Weight,
    BundleId,
    Tags,
    Cond(Condition),
    WholeBundleClaimed,
    Kind,
    FiledAt,
    Reason,
    RequestedRemedy,
    Evidence,
    Preapproved,
    AuthorizedAt,
    LabelIssuedAt,
    ReturnShippedAt,
    ReturnReceivedAt,
    ReturnCost,
    /// A custom fact declared with `fact NAME: TYPE`, by declaration index.
    Custom(usize),
}

/// One entry of the vocabulary.
pub struct FactInfo {
    pub path: &'static str,
    pub fact: FactRef,
    pub ty: Ty,
    pub optional: bool,
}

const fn info(path: &'static str, fact: FactRef, ty: Ty, optional: bool) -> FactInfo {
    FactInfo {
        path,
        fact,
        ty,
        optional,
    }
}

use CodeDomain as D;
use FactRef as F;

/// Every standard fact. Lists (`tags`, `evidence`) are never missing: a claim that
/// leaves one out has an empty list. `as_of` defaults to `claim.filed_at`.
pub static VOCABULARY: &[FactInfo] = &[
    info("claim_id", F::ClaimId, Ty::Text, false),
    info("as_of", F::AsOf, Ty::Time, false),
    info("order.id", F::OrderId, Ty::Text, true),
    info("order.placed_at", F::PlacedAt, Ty::Time, false),
    info("order.invoiced_at", F::InvoicedAt, Ty::Time, true),
    info("order.shipped_at", F::ShippedAt, Ty::Time, true),
    info("order.picked_up_by_carrier", F::PickedUp, Ty::Bool, true),
    info("order.delivered_at", F::DeliveredAt, Ty::Time, true),
    info(
        "order.channel",
        F::Channel,
        Ty::Code(D::Fixed(CHANNELS)),
        true,
    ),
    info(
        "order.destination.country",
        F::Country,
        Ty::Code(D::Country),
        true,
    ),
    info(
        "order.destination.address_kind",
        F::AddressKind,
        Ty::Code(D::Fixed(ADDRESS_KINDS)),
        true,
    ),
    info(
        "order.payment_method",
        F::PaymentMethod,
        Ty::Code(D::Fixed(PAYMENT_METHODS)),
        true,
    ),
    info("order.total", F::Total, Ty::Money(None), false),
    info(
        "order.shipping_paid",
        F::ShippingPaid,
        Ty::Money(None),
        true,
    ),
    info("item.sku", F::Sku, Ty::Text, false),
    info("item.category", F::Category, Ty::Code(D::Free), false),
    info("item.price", F::Price, Ty::Money(None), false),
    info("item.quantity", F::Quantity, Ty::Number, false),
    info("item.weight", F::Weight, Ty::Weight, true),
    info("item.bundle_id", F::BundleId, Ty::Text, true),
    info("item.tags", F::Tags, Ty::Codes(D::Free), false),
    info(
        "item.condition.opened",
        F::Cond(Condition::Opened),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.used",
        F::Cond(Condition::Used),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.damaged",
        F::Cond(Condition::Damaged),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.original_packaging",
        F::Cond(Condition::OriginalPackaging),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.packaging_damaged",
        F::Cond(Condition::PackagingDamaged),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.accessories_complete",
        F::Cond(Condition::AccessoriesComplete),
        Ty::Bool,
        true,
    ),
    info(
        "item.condition.labels_intact",
        F::Cond(Condition::LabelsIntact),
        Ty::Bool,
        true,
    ),
    info(
        "item.whole_bundle_claimed",
        F::WholeBundleClaimed,
        Ty::Bool,
        false,
    ),
    info(
        "claim.kind",
        F::Kind,
        Ty::Code(D::Fixed(CLAIM_KINDS)),
        false,
    ),
    info("claim.filed_at", F::FiledAt, Ty::Time, false),
    info(
        "claim.reason",
        F::Reason,
        Ty::Code(D::Fixed(REASONS)),
        false,
    ),
    info(
        "claim.requested_remedy",
        F::RequestedRemedy,
        Ty::Code(D::Fixed(REMEDIES)),
        true,
    ),
    info(
        "claim.evidence",
        F::Evidence,
        Ty::Codes(D::Fixed(EVIDENCE)),
        false,
    ),
    info("claim.preapproved", F::Preapproved, Ty::Bool, true),
    info("claim.authorized_at", F::AuthorizedAt, Ty::Time, true),
    info(
        "claim.return_label_issued_at",
        F::LabelIssuedAt,
        Ty::Time,
        true,
    ),
    info(
        "claim.return_shipped_at",
        F::ReturnShippedAt,
        Ty::Time,
        true,
    ),
    info(
        "claim.return_received_at",
        F::ReturnReceivedAt,
        Ty::Time,
        true,
    ),
    info("claim.return_cost", F::ReturnCost, Ty::Money(None), true),
];

impl FactRef {
    /// Facts that belong to one item, readable only in `each item` rules.
    pub fn is_item_fact(self) -> bool {
        matches!(
            self,
            F::Sku
                | F::Category
                | F::Price
                | F::Quantity
                | F::Weight
                | F::BundleId
                | F::Tags
                | F::Cond(_)
                | F::WholeBundleClaimed
        )
    }
}

/// The vocabulary entry for a path.
pub fn lookup(path: &str) -> Option<&'static FactInfo> {
    VOCABULARY.iter().find(|f| f.path == path)
}

/// The path of a standard fact (custom facts are `facts.NAME`).
pub fn path_of(fact: FactRef) -> &'static str {
    VOCABULARY
        .iter()
        .find(|f| f.fact == fact)
        .map_or("facts", |f| f.path)
}

/// ISO 3166-1 alpha-2 country codes (officially assigned).
pub const COUNTRIES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
