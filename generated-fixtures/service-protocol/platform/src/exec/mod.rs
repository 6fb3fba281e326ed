//! `CodeExecutor`: runs untrusted code or commands in a locked-down child process.
//!
//! Mechanism: a child process, not a WASM sandbox (interpreters such as Python run unchanged,
//! and no runtime is compiled into the server). Layers, outermost first, and what each stops:
//!
//! | layer | stops |
//! |---|---|
//! | program allowlist (`EXEC_PROGRAMS`, absolute paths), arguments passed as a vector | shell injection: no shell ever parses the request |
//! | at most `EXEC_MAX_CONCURRENT` runs at once; a run waits `EXEC_QUEUE_TIMEOUT_MS` at most for a slot, then fails with [`ExecError::Busy`] | many runs at once multiplying every per-run limit |
//! | empty environment plus `EXEC_ENV` | secrets in the server's environment leaking to the code |
//! | a fresh scratch directory as the working directory: a tmpfs of `EXEC_SCRATCH_BYTES` (one inode per 4 KiB) mounted in the run's own mount namespace, mode 0700, gone with the run | state shared between runs; filling the disk, also with many small files |
//! | `unshare`: new mount, network (no interfaces but a down loopback) and PID namespaces, and a user namespace when the server is not root | network access; processes outliving the run |
//! | landlock (in the re-executed server binary, before `exec`): read/execute only beneath `EXEC_READ_PATHS`, read/write only in the scratch directory, no TCP bind/connect | reading secrets elsewhere on disk, writing outside the scratch directory |
//! | a non-root uid without capabilities: a uid of its own per run when the server is root; otherwise uid 65534 in a nested user namespace (the server's uid outside); the bounding, ambient, inheritable, permitted and effective sets emptied; `no_new_privs` | privilege through setuid binaries; capabilities over the run's namespaces (nf_tables, mounts, …); one run's processes counting against another's limit |
//! | seccomp (EPERM): sockets other than `AF_INET`/`AF_INET6` (so no `AF_UNIX`, `AF_NETLINK`, `AF_PACKET`, …; `socketpair` stays, anonymous, and asyncio needs it), new namespaces (`unshare`, `setns`, `clone` with a `CLONE_NEW*` flag; `clone3` answers ENOSYS so libc falls back to `clone`), `ptrace` and `process_vm_*`, `bpf`, `perf_event_open`, `userfaultfd`, `io_uring`, the mount calls, keyrings, kexec and modules; x32 system calls | pathname Unix sockets outside the scratch directory (docker.sock, D-Bus), which neither landlock ABI 4 nor the network namespace stop; the kernel surface interpreters never need |
//! | a cgroup v2 per run where the host delegates one: `memory.max` = `EXEC_MEMORY_BYTES`, `pids.max` = `EXEC_MAX_PROCESSES`, for the whole run | memory and process bombs spread over many processes |
//! | rlimits: CPU seconds, address space, processes, file size, open files, no core dumps | infinite loops, memory bombs, fork bombs, big files |
//! | wall-clock deadline, then SIGKILL to the process group (and the PID namespace's init) | sleeping or blocked code |
//! | output cap: reading stops and the run is killed at `EXEC_MAX_OUTPUT_BYTES` | output floods |
//!
//! `EXEC_ISOLATION`:
//! - `required` (the default) refuses to run ([`ExecError::IsolationUnavailable`]) unless the
//!   namespaces, landlock, the non-root uid without capabilities, seccomp and the size-limited
//!   scratch are all in force (containers often forbid user namespaces). The per-run cgroup is
//!   used where the host has one to give (see below); where it has not, the run-wide limits fall
//!   back to the per-process rlimits, so one run may use up to `EXEC_MEMORY_BYTES` ×
//!   `EXEC_MAX_PROCESSES` plus its scratch, and a warning naming what is missing is logged once.
//!   Refusing there instead would stop every deployment in an ordinary container, where the
//!   other layers all work; the bound stays finite, and `strict` is there for hosts that can
//!   do better.
//! - `strict`: as `required`, and refuses to run without the per-run cgroup too.
//! - `best-effort` runs with what is available, and lists what is missing in
//!   [`Output::missing_isolation`].
//!
//! The per-run cgroup needs cgroup v2 at `/sys/fs/cgroup` and a cgroup of the server's own
//! that it may write (delegated: systemd `Delegate=memory pids`; a container with a private
//! cgroup namespace and `/sys/fs/cgroup` mounted read-write) whose `cgroup.controllers` has
//! `memory` and `pids`. The server enables them in its cgroup's `cgroup.subtree_control`; when
//! its cgroup holds processes (cgroup v2 allows controllers only above leaves) it first moves
//! itself into a `<name>-server` child. Each run then gets a `<name>-run-<id>` child, killed
//! and removed when the run ends.
//!
//! Not stopped: CPU side channels, kernel exploits (the sandbox shares the host kernel, though
//! seccomp and the missing capabilities narrow what it can reach), reading world-readable
//! files beneath `EXEC_READ_PATHS`. Needs util-linux's `unshare` on the host.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{ConfigError, Setting, Vars};

// The sandbox itself needs Linux (namespaces, landlock, seccomp, rlimits); elsewhere the
// executor compiles and answers that code execution is not supported on this OS.
#[cfg(target_os = "linux")]
mod sandbox;
#[cfg(target_os = "linux")]
pub use sandbox::{
    CodeExecutor, NESTED_UID, SANDBOX_UID_BASE, SETUP_FAILED, SandboxSpec, sandbox_exec,
};
#[cfg(not(target_os = "linux"))]
mod unsupported;
#[cfg(not(target_os = "linux"))]
pub use unsupported::{CodeExecutor, sandbox_exec};

/// Whether runs may proceed without every isolation layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Every layer, and the per-run cgroup too.
    Strict,
    /// Every layer; the per-run cgroup where the host has one.
    Required,
    BestEffort,
}

/// The executor's settings.
#[derive(Debug, Clone)]
pub struct ExecConfig {
    /// Program name → absolute path.
    pub programs: Vec<(String, PathBuf)>,
    /// The whole environment the code sees.
    pub env: Vec<(String, String)>,
    /// Directories the code may read and execute from.
    pub read_paths: Vec<PathBuf>,
    pub timeout: Duration,
    pub cpu_seconds: u64,
    /// The run's memory (cgroup) and each process's address space (rlimit).
    pub memory_bytes: u64,
    /// The run's processes (cgroup) and the sandbox uid's (rlimit).
    pub max_processes: u64,
    pub max_file_bytes: u64,
    pub max_output_bytes: usize,
    /// Size of the run's scratch tmpfs.
    pub scratch_bytes: u64,
    /// Runs at once.
    pub max_concurrent: usize,
    /// How long a run waits for a slot.
    pub queue_timeout: Duration,
    pub isolation: Isolation,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, rmcp::schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The program exited with this code.
    Exited { code: i32 },
    /// A signal ended it (the kernel's SIGXCPU/SIGKILL at a CPU limit, SIGSEGV, …).
    Signaled { signal: i32 },
    /// The wall-clock deadline passed; everything was killed.
    TimedOut,
    /// It wrote more than the output cap; everything was killed.
    OutputLimit,
}

/// A finished run.
#[derive(Debug, Clone, serde::Serialize, rmcp::schemars::JsonSchema)]
pub struct Output {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
    pub duration_ms: u64,
    /// Isolation layers that were missing (only with `EXEC_ISOLATION=best-effort`).
    pub missing_isolation: Vec<String>,
}

/// Why nothing ran.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("program `{0}` is not allowed (allowed: {1})")]
    NotAllowed(String, String),
    #[error("the sandbox is not available on this host: {0}")]
    IsolationUnavailable(String),
    #[error("too many runs at once: {0}")]
    Busy(String),
    #[error("could not start the program: {0}")]
    Spawn(String),
}

impl ExecError {
    /// True when policy refused the run.
    pub fn is_policy(&self) -> bool {
        matches!(
            self,
            Self::NotAllowed(..) | Self::IsolationUnavailable(_) | Self::Busy(_)
        )
    }
}

/// Reads an executable's first bytes (for the settings check that a program is a file).
pub fn is_executable_file(path: &Path) -> bool {
    #[cfg(unix)]
    let executable = |m: &std::fs::Metadata| {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o111 != 0
    };
    #[cfg(not(unix))]
    let executable = |_: &std::fs::Metadata| true;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && executable(&m))
        && std::fs::File::open(path).is_ok_and(|mut f| f.read(&mut [0u8; 4]).is_ok())
}

/// This subsystem's settings (keys without the prefix).
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "EXEC_PROGRAMS",
        default: "",
        help: "Programs code execution may run, as `name=/absolute/path` (e.g. python3=/usr/bin/python3); empty turns it off.",
    },
    Setting {
        key: "EXEC_ENV",
        default: "LANG=C.UTF-8,PATH=/usr/bin:/bin",
        help: "The whole environment executed code sees, as KEY=VALUE, comma-separated.",
    },
    Setting {
        key: "EXEC_READ_PATHS",
        default: "/usr,/lib,/lib64,/bin",
        help: "Directories executed code may read and execute from (landlock); missing ones are skipped.",
    },
    Setting {
        key: "EXEC_TIMEOUT_MS",
        default: "5000",
        help: "Wall-clock limit of one run; then everything it started is killed.",
    },
    Setting {
        key: "EXEC_CPU_SECONDS",
        default: "2",
        help: "CPU-time limit of one run (RLIMIT_CPU).",
    },
    Setting {
        key: "EXEC_MEMORY_BYTES",
        default: "268435456",
        help: "Memory of one run: the whole run where a cgroup is available (memory.max), and each process's address space (RLIMIT_AS).",
    },
    Setting {
        key: "EXEC_MAX_PROCESSES",
        default: "32",
        help: "Processes of one run (cgroup pids.max where available, and RLIMIT_NPROC): stops fork bombs.",
    },
    Setting {
        key: "EXEC_MAX_FILE_BYTES",
        default: "1048576",
        help: "Largest file a run may write (RLIMIT_FSIZE).",
    },
    Setting {
        key: "EXEC_MAX_OUTPUT_BYTES",
        default: "65536",
        help: "Output kept from stdout and from stderr; a run that writes more is killed.",
    },
    Setting {
        key: "EXEC_SCRATCH_BYTES",
        default: "16777216",
        help: "Size of a run's scratch directory, a tmpfs of its own (one inode per 4 KiB); at least 65536.",
    },
    Setting {
        key: "EXEC_MAX_CONCURRENT",
        default: "4",
        help: "Runs at once; more wait for a slot. At least 1.",
    },
    Setting {
        key: "EXEC_QUEUE_TIMEOUT_MS",
        default: "5000",
        help: "How long a run waits for a slot before it fails as busy (0: fail at once).",
    },
    Setting {
        key: "EXEC_ISOLATION",
        default: "required",
        help: "`required`: refuse to run where namespaces, landlock, seccomp or an unprivileged uid are unavailable, and limit per process where no per-run cgroup is; `strict`: also refuse without a per-run cgroup; `best-effort`: run anyway and say what is missing.",
    },
];

impl ExecConfig {
    /// Reads and validates this subsystem's settings.
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let mut programs = Vec::new();
        for entry in vars.list("EXEC_PROGRAMS") {
            let Some((name, path)) = entry.split_once('=') else {
                return Err(vars.invalid(
                    "EXEC_PROGRAMS",
                    format!("`{entry}` is not name=/absolute/path"),
                ));
            };
            let path = std::path::PathBuf::from(path.trim());
            if !path.is_absolute() || !is_executable_file(&path) {
                return Err(vars.invalid(
                    "EXEC_PROGRAMS",
                    format!(
                        "`{}` is not an absolute path to an executable",
                        path.display()
                    ),
                ));
            }
            programs.push((name.trim().to_string(), path));
        }
        let mut exec_env = Vec::new();
        for pair in vars.list("EXEC_ENV") {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(vars.invalid("EXEC_ENV", format!("`{pair}` is not KEY=VALUE")));
            };
            exec_env.push((key.trim().to_string(), value.to_string()));
        }
        Ok(ExecConfig {
            programs,
            env: exec_env,
            read_paths: vars
                .list("EXEC_READ_PATHS")
                .into_iter()
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_absolute() && p.exists())
                .collect(),
            timeout: vars.millis("EXEC_TIMEOUT_MS")?,
            cpu_seconds: vars.number("EXEC_CPU_SECONDS")?.max(1),
            memory_bytes: vars.number("EXEC_MEMORY_BYTES")?,
            max_processes: vars.number("EXEC_MAX_PROCESSES")?.max(1),
            max_file_bytes: vars.number("EXEC_MAX_FILE_BYTES")?,
            max_output_bytes: usize::try_from(vars.number("EXEC_MAX_OUTPUT_BYTES")?)
                .unwrap_or(usize::MAX),
            scratch_bytes: match vars.number("EXEC_SCRATCH_BYTES")? {
                bytes if bytes < 65536 => {
                    return Err(vars.invalid(
                        "EXEC_SCRATCH_BYTES",
                        format!("{bytes} must be at least 65536"),
                    ));
                }
                bytes => bytes,
            },
            max_concurrent: match vars.number("EXEC_MAX_CONCURRENT")? {
                0 => {
                    return Err(vars.invalid("EXEC_MAX_CONCURRENT", "0 must be at least 1"));
                }
                runs => usize::try_from(runs).unwrap_or(usize::MAX),
            },
            queue_timeout: Duration::from_millis(vars.number("EXEC_QUEUE_TIMEOUT_MS")?),
            isolation: match vars.get("EXEC_ISOLATION").as_str() {
                "strict" => Isolation::Strict,
                "required" => Isolation::Required,
                "best-effort" => Isolation::BestEffort,
                other => {
                    return Err(vars.invalid(
                        "EXEC_ISOLATION",
                        format!("`{other}` is not strict, required or best-effort"),
                    ));
                }
            },
        })
    }
}
