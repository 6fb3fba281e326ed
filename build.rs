//! Rebuild when any embedded template changes: `include_dir!` alone does not notice added or
//! removed files, so a new template file would otherwise be missing from the binary.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
