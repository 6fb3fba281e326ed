//! Rebuild when any embedded template (or released template snapshot) changes: `include_dir!`
//! alone does not notice added or removed files, so a new file would otherwise be missing from
//! the binary.
fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=template-history");
}
