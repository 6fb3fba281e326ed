//! The server binary. Its commands (`serve`, `hash-token`, `healthcheck`) come from the
//! platform; what it serves is this crate's [`PROJECT`](service_protocol::PROJECT).

fn main() -> std::process::ExitCode {
    platform::cli::main(&service_protocol::PROJECT)
}
