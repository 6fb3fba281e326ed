//! MCP3xx: authorization and token handling (JWT validation, TLS verification).

mod jwt_audience_unchecked;
mod jwt_signature_disabled;
mod tls_verification_disabled;

pub use jwt_audience_unchecked::{JWT_AUDIENCE_UNCHECKED, jwt_audience_unchecked};
pub use jwt_signature_disabled::{JWT_SIGNATURE_DISABLED, jwt_signature_disabled};
pub use tls_verification_disabled::{TLS_VERIFICATION_DISABLED, tls_verification_disabled};
