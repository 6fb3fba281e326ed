//! The deployment files agree with the server: every setting they pass is one the server knows
//! and accepts (an unknown or invalid `SERVICE_PROTOCOL_*` variable stops the server at startup, so a
//! typo here would be a crash-looping pod), and Kubernetes gives a stopping pod enough time to
//! drain.
//!
//! The files are read as text, line by line, in the shapes the template writes:
//! `- SERVICE_PROTOCOL_KEY=value` in kustomize `literals`, `SERVICE_PROTOCOL_KEY: value` in docker-compose.yml.

use std::collections::BTreeMap;
use std::path::Path;

use platform::config::{Settings, env_prefix, variable};

const OVERLAYS: &[&str] = &["dev", "staging", "prod"];

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// `PREFIX_KEY=value` items of the kustomize `literals` lists in `path`.
fn literals(path: &str) -> BTreeMap<String, String> {
    let prefix = format!("{}_", env_prefix());
    read(path)
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("- "))
        .filter(|item| item.starts_with(&prefix))
        .filter_map(|item| item.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What the deployment leaves to secrets and to the organisation (the server refuses to start
/// without them in these modes), with example values.
fn supplied_elsewhere() -> Vec<(String, String)> {
    let hash = "c91cbbedf8c712e8e2b7517ddeca8fe4fde839ebd8339e0b2001363002b37712";
    let redis = cfg!(feature = "redis");
    let jwt = cfg!(feature = "jwt");
    [
        (true, "AUTH_TOKENS", format!("gateway:{hash}")),
        (redis, "REDIS_URL", "redis://redis.internal:6379/0".into()),
        (jwt, "AUTH_ISSUER", "https://issuer.example.com/".into()),
        (jwt, "AUTH_AUDIENCE", "https://mcp.example.com".into()),
        (
            jwt,
            "AUTH_JWKS_URL",
            "https://issuer.example.com/jwks".into(),
        ),
    ]
    .into_iter()
    .filter(|(compiled, _, _)| *compiled)
    .map(|(_, key, value)| (variable(key), value))
    .collect()
}

fn settings_of(environment: &BTreeMap<String, String>, source: &str) -> Settings {
    let vars = supplied_elsewhere().into_iter().chain(environment.clone());
    Settings::from_vars(vars).unwrap_or_else(|e| panic!("{source}: {e}"))
}

#[test]
fn every_kubernetes_environment_passes_settings_the_server_accepts() {
    let base = literals("deploy/kubernetes/base/kustomization.yaml");
    assert!(!base.is_empty(), "the base ConfigMap has no settings");
    for overlay in OVERLAYS {
        let mut environment = base.clone();
        // configMapGenerator `behavior: merge`: the overlay's literals win.
        environment.extend(literals(&format!(
            "deploy/kubernetes/overlays/{overlay}/kustomization.yaml"
        )));
        let settings = settings_of(&environment, overlay);
        assert!(
            !settings.http.addr.ip().is_loopback(),
            "{overlay}: reachable from the Service"
        );
    }
}

#[test]
fn docker_compose_passes_settings_the_server_accepts() {
    let prefix = format!("{}_", env_prefix());
    let environment: BTreeMap<String, String> = read("docker-compose.yml")
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with(&prefix))
        .filter_map(|line| line.split_once(": "))
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .collect();
    assert!(
        environment.contains_key(&variable("AUTH")),
        "{environment:?}"
    );
    // The image's own defaults (Dockerfile ENV) come first.
    let mut vars = BTreeMap::from([
        (variable("TRANSPORT"), "http".to_string()),
        (variable("HTTP_ADDR"), "0.0.0.0:8080".to_string()),
    ]);
    vars.extend(environment);
    settings_of(&vars, "docker-compose.yml");
}

#[test]
fn a_stopping_pod_has_time_to_drain() {
    let number_after = |text: &str, key: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no `{key}`"));
        line.trim_start()[key.len()..].trim().parse().unwrap()
    };
    let deployment = read("deploy/kubernetes/base/deployment.yaml");
    let termination = number_after(&deployment, "terminationGracePeriodSeconds:");
    let pre_stop = number_after(&deployment, "seconds:");
    let grace = settings_of(
        &literals("deploy/kubernetes/base/kustomization.yaml"),
        "base",
    )
    .shutdown_grace
    .as_secs();
    assert!(
        termination >= pre_stop + grace + 5,
        "terminationGracePeriodSeconds {termination} < preStop {pre_stop} + drain {grace} + 5"
    );
}

#[test]
fn cargo_deny_checks_every_optional_feature() {
    // Every feature, chosen or not: a later `mcpforge upgrade --set features=…` must not bring
    // in a dependency the policy never saw.
    let deny = read("deny.toml");
    assert!(
        deny.lines()
            .any(|line| line.trim() == "all-features = true"),
        "deny.toml's [graph] must check every feature's dependencies (all-features = true)"
    );
}
