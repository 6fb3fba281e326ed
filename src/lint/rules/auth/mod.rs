//! MCP3xx: authorization and token handling (JWT validation, tokens in URLs, scopes, TLS
//! verification).

mod jwt_algorithm_confusion;
mod jwt_audience_unchecked;
mod jwt_issuer_unchecked;
mod jwt_signature_disabled;
pub(crate) mod missing_protected_resource_metadata;
mod tls_verification_disabled;
mod token_in_query;
mod token_passthrough;
mod wildcard_scope;

pub use jwt_algorithm_confusion::{JWT_ALGORITHM_CONFUSION, jwt_algorithm_confusion};
pub use jwt_audience_unchecked::{JWT_AUDIENCE_UNCHECKED, jwt_audience_unchecked};
pub use jwt_issuer_unchecked::{JWT_ISSUER_UNCHECKED, jwt_issuer_unchecked};
pub use jwt_signature_disabled::{JWT_SIGNATURE_DISABLED, jwt_signature_disabled};
pub use missing_protected_resource_metadata::{
    MISSING_PROTECTED_RESOURCE_METADATA, missing_protected_resource_metadata,
};
pub use tls_verification_disabled::{TLS_VERIFICATION_DISABLED, tls_verification_disabled};
pub use token_in_query::{TOKEN_IN_QUERY, token_in_query};
pub use token_passthrough::{TOKEN_PASSTHROUGH, token_passthrough};
pub use wildcard_scope::{WILDCARD_SCOPE, wildcard_scope};
