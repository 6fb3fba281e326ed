//! The platform's test server as a binary (`probe`): the commands of every server binary
//! (`serve`, `hash-token`, `healthcheck`, the sandbox helper), serving the test-only tools of
//! `platform::testing`. Built only for the platform's own tests (feature `probe`), which run it
//! as a real process over stdio and HTTP; it is never part of a team's build.

fn main() -> std::process::ExitCode {
    platform::cli::main(&platform::testing::PROJECT)
}
