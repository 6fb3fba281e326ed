//! MCP509 published-port-all-interfaces.

use crate::lint::ProjectFiles;
use crate::lint::diagnostic::{Diagnostic, Severity};
use crate::lint::rules::{Family, RuleMeta, Status};

pub static PUBLISHED_PORT_ALL_INTERFACES: RuleMeta = RuleMeta {
    code: "MCP509",
    name: "published-port-all-interfaces",
    family: Family::Manifest,
    severity: Severity::Warning,
    status: Status::Stable,
    autofix: None,
    limits: "Compose files (`docker-compose*.yml`, `compose*.yml`) are read line by line: a `ports:` entry in the short form without a host address (`\"8080:8080\"`, `\"8080\"`) or with `0.0.0.0`/`[::]`, and a long-form entry with `published:` and no loopback `host_ip`. Kubernetes manifests: a `Service` of `type: LoadBalancer` or `NodePort`, a `hostPort:` or `hostNetwork: true`. Authentication counts as configured when any YAML file of the project sets a variable whose name contains `AUTH` (`SERVICE_AUTH: bearer`, `- SERVICE_AUTH=bearer`) to something other than `none`, `off`, `false`, `disabled` or an empty value; which service the variable belongs to is not followed, and authentication done in code with no configuration is not seen (suppress with that reason).",
    summary: "A compose or Kubernetes file that publishes the MCP server on every interface while no authentication is configured.",
    why: "Docker publishes `\"8080:8080\"` on 0.0.0.0, past the host's firewall rules (Docker inserts its own iptables rules), and a LoadBalancer or NodePort Service is reachable from outside the cluster. The specification says local servers SHOULD bind to localhost; without authentication, anyone on the network can call every tool (see MCP205 for the same in code).",
    example: "services:\n  server:\n    build: .\n    ports:\n      - \"8080:8080\"",
    fix: "Publish on loopback (`\"127.0.0.1:8080:8080\"`), use a `ClusterIP` Service behind an authenticating ingress, or configure authentication (the service template's `SERVICE_AUTH=bearer`).",
};

pub fn published_port_all_interfaces(files: &ProjectFiles, out: &mut Vec<Diagnostic>) {
    let yaml = || {
        files
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".yml") || p.ends_with(".yaml"))
    };
    if yaml().any(|(_, text)| configures_auth(text)) {
        return;
    }
    for (path, text) in yaml() {
        let name = path.rsplit('/').next().unwrap_or(path);
        let compose = name.starts_with("docker-compose") || name.starts_with("compose");
        let found = if compose {
            compose_ports(text)
        } else {
            kubernetes_exposure(text)
        };
        for (line, what) in found {
            out.push(ProjectFiles::diagnostic(
                &PUBLISHED_PORT_ALL_INTERFACES,
                path,
                line,
                format!("{what}, and no authentication is configured"),
            ));
        }
    }
}

/// Whether the YAML text sets an `*AUTH*` variable to something that turns authentication on.
fn configures_auth(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim().trim_start_matches("- ").trim();
        let Some((key, value)) = line.split_once([':', '=']) else {
            return false;
        };
        let key = key.trim().trim_matches('"');
        let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        key.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && key.contains("AUTH")
            && !matches!(
                value.as_str(),
                "" | "none" | "off" | "false" | "disabled" | "0"
            )
    })
}

/// Published ports of a compose file that listen on every interface: (line, description).
fn compose_ports(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_ports: Option<usize> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(at) = in_ports
            && indent <= at
            && !line.starts_with('-')
        {
            in_ports = None;
        }
        if line == "ports:" {
            in_ports = Some(indent);
            continue;
        }
        if in_ports.is_none() {
            continue;
        }
        let item = line.strip_prefix('-').map(str::trim);
        if let Some(published) = item.unwrap_or(line).strip_prefix("published:") {
            // Long form: look for a host_ip among the entry's other keys.
            let host_ip = lines[i.saturating_sub(3)..(i + 4).min(lines.len())]
                .iter()
                .find_map(|l| l.trim().trim_start_matches("- ").strip_prefix("host_ip:"))
                .map(|v| v.trim().trim_matches(['"', '\'']).to_string());
            if !host_ip.as_deref().is_some_and(is_loopback) {
                found.push((
                    i + 1,
                    format!(
                        "port {} is published on every interface",
                        published.trim().trim_matches(['"', '\''])
                    ),
                ));
            }
            continue;
        }
        let Some(entry) = item else {
            continue;
        };
        if entry.contains(':') && !entry.starts_with('"') && !entry.starts_with('\'') {
            // `- target: 8080` and other long-form keys
            if entry
                .split(':')
                .next()
                .is_some_and(|k| k.chars().any(char::is_alphabetic))
            {
                continue;
            }
        }
        let spec = entry.trim_matches(['"', '\'']);
        let spec = spec.split('/').next().unwrap_or(spec);
        let host = host_of(spec);
        if host.as_deref().is_none_or(|h| !is_loopback(h)) {
            found.push((
                i + 1,
                format!("`{spec}` publishes the port on every interface"),
            ));
        }
    }
    found
}

/// The host address of a short-form port (`127.0.0.1:8080:8080` → `127.0.0.1`), if it has one.
fn host_of(spec: &str) -> Option<String> {
    if let Some(rest) = spec.strip_prefix('[') {
        return rest.split_once(']').map(|(h, _)| h.to_string());
    }
    let parts: Vec<&str> = spec.split(':').collect();
    (parts.len() == 3).then(|| parts[0].to_string())
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.starts_with("127.") || host == "::1"
}

/// Kubernetes settings that expose a pod beyond the cluster: (line, description).
fn kubernetes_exposure(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let what = match line {
            "type: LoadBalancer" | "type: NodePort" => {
                format!(
                    "a Service of `{}` is reachable from outside the cluster",
                    &line[6..]
                )
            }
            "hostNetwork: true" => {
                "`hostNetwork: true` puts the pod on the node's interfaces".to_string()
            }
            _ if line.starts_with("hostPort:") || line.starts_with("- hostPort:") => {
                "`hostPort` publishes the port on the node's interfaces".to_string()
            }
            _ => continue,
        };
        found.push((i + 1, what));
    }
    found
}
