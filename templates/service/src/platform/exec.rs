//! `CodeExecutor`: runs untrusted code or commands in a locked-down child process.
//!
//! Mechanism: a child process, not a WASM sandbox (interpreters such as Python run unchanged,
//! and no runtime is compiled into the server). Layers, outermost first, and what each stops:
//!
//! | layer | stops |
//! |---|---|
//! | program allowlist (`EXEC_PROGRAMS`, absolute paths), arguments passed as a vector | shell injection: no shell ever parses the request |
//! | empty environment plus `EXEC_ENV` | secrets in the server's environment leaking to the code |
//! | a fresh scratch directory (mode 0700) as the working directory, removed afterwards | state shared between runs |
//! | `unshare`: new network namespace (no interfaces but a down loopback) and PID namespace | network access; processes outliving the run |
//! | landlock (in the re-executed server binary, before `exec`): read/execute only beneath `EXEC_READ_PATHS`, read/write only in the scratch directory, no TCP bind/connect | reading secrets elsewhere on disk, writing outside the scratch directory |
//! | rlimits: CPU seconds, address space, processes, file size, open files, no core dumps | infinite loops, memory bombs, fork bombs, disk filling |
//! | an unprivileged uid of its own per run when the server runs as root; `no_new_privs` | privilege through setuid binaries; one run's processes counting against another's limit |
//! | wall-clock deadline, then SIGKILL to the process group (and the PID namespace's init) | sleeping or blocked code |
//! | output cap: reading stops and the run is killed at `EXEC_MAX_OUTPUT_BYTES` | output floods |
//!
//! `EXEC_ISOLATION=required` (the default) refuses to run when the namespaces or landlock are
//! not available on the host (containers often forbid user namespaces); `best-effort` runs with
//! what is available, and says so in the output. Not stopped: CPU side channels, kernel
//! exploits (the sandbox shares the host kernel), reading world-readable files beneath
//! `EXEC_READ_PATHS`. Needs util-linux's `unshare` on the host.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::config::Settings;

/// When the server runs as root, each run gets its own unprivileged uid from
/// `SANDBOX_UID_BASE..SANDBOX_UID_BASE + SANDBOX_UIDS` (no account needed): the process limit
/// (RLIMIT_NPROC counts per uid) then holds one run's fork bomb without starving the others.
pub const SANDBOX_UID_BASE: u32 = 200_000;
const SANDBOX_UIDS: u32 = 4096;
static NEXT_UID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn next_sandbox_uid() -> u32 {
    SANDBOX_UID_BASE + NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % SANDBOX_UIDS
}
/// The exit code the sandbox helper uses when it could not set the sandbox up.
pub const SETUP_FAILED: i32 = 125;
const SETUP_MARKER: &str = "sandbox setup failed:";

/// Whether runs may proceed without every isolation layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
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
    pub memory_bytes: u64,
    pub max_processes: u64,
    pub max_file_bytes: u64,
    pub max_output_bytes: usize,
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
    #[error("could not start the program: {0}")]
    Spawn(String),
}

impl ExecError {
    /// True when policy refused the run.
    pub fn is_policy(&self) -> bool {
        matches!(self, Self::NotAllowed(..) | Self::IsolationUnavailable(_))
    }
}

/// Runs untrusted code. Cloning shares the configuration and the isolation probe.
#[derive(Debug, Clone)]
pub struct CodeExecutor {
    config: Arc<ExecConfig>,
    /// The binary that applies landlock and rlimits, then execs the program: this server.
    helper: PathBuf,
    namespaces: Arc<tokio::sync::OnceCell<Result<Vec<String>, String>>>,
}

impl CodeExecutor {
    /// An executor using `helper` (the server binary, which has the `sandbox-exec` command).
    pub fn new(config: ExecConfig, helper: PathBuf) -> Self {
        Self {
            config: Arc::new(config),
            helper,
            namespaces: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    /// The settings' executor, with this process's binary as the helper.
    pub fn from_settings(settings: &Settings) -> std::io::Result<Self> {
        Ok(Self::new(settings.exec.clone(), std::env::current_exe()?))
    }

    /// The allowed program names.
    pub fn programs(&self) -> Vec<String> {
        self.config
            .programs
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The `unshare` arguments that isolate network and processes here, probed once (without
    /// blocking the async runtime).
    async fn namespace_args(&self) -> Result<Vec<String>, String> {
        self.namespaces
            .get_or_init(|| async {
                let mut args = vec!["--net", "--pid", "--fork", "--kill-child"];
                if !running_as_root() {
                    args.splice(0..0, ["--user", "--map-root-user"]);
                }
                let probe = tokio::process::Command::new("unshare")
                    .args(&args)
                    .arg("true")
                    .env_clear()
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .output()
                    .await;
                match probe {
                    Ok(out) if out.status.success() => {
                        Ok(args.iter().map(|a| a.to_string()).collect())
                    }
                    Ok(out) => Err(format!(
                        "namespaces unavailable: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    )),
                    Err(e) => Err(format!("`unshare` (util-linux) not found: {e}")),
                }
            })
            .await
            .clone()
    }

    /// Runs `program` (a name from `EXEC_PROGRAMS`) with `args`, feeding it `stdin`.
    pub async fn run(
        &self,
        program: &str,
        args: &[String],
        stdin: Option<Vec<u8>>,
    ) -> Result<Output, ExecError> {
        let config = &self.config;
        let Some((_, path)) = config.programs.iter().find(|(name, _)| name == program) else {
            return Err(ExecError::NotAllowed(
                program.to_string(),
                self.programs().join(", "),
            ));
        };
        let mut missing = Vec::new();
        let namespaces = match self.namespace_args().await {
            Ok(args) => args,
            Err(reason) if config.isolation == Isolation::Required => {
                return Err(ExecError::IsolationUnavailable(reason));
            }
            Err(reason) => {
                missing.push(reason);
                Vec::new()
            }
        };
        let uid = running_as_root().then(next_sandbox_uid);
        let scratch = Scratch::create(uid).map_err(|e| ExecError::Spawn(e.to_string()))?;
        let spec = SandboxSpec {
            cpu_seconds: config.cpu_seconds,
            memory_bytes: config.memory_bytes,
            max_processes: config.max_processes,
            max_file_bytes: config.max_file_bytes,
            scratch: scratch.path.clone(),
            read_paths: config.read_paths.clone(),
            uid,
            require_landlock: config.isolation == Isolation::Required,
            program: path.clone(),
            args: args.to_vec(),
        };
        let mut command = if namespaces.is_empty() {
            // mcpforge: ignore[MCP409] reason="the sandbox helper is this server's own binary"
            tokio::process::Command::new(&self.helper)
        } else {
            let mut command = tokio::process::Command::new("unshare");
            command.args(&namespaces).arg("--").arg(&self.helper);
            command
        };
        command
            .arg("sandbox-exec")
            .args(spec.to_args())
            .env_clear()
            .envs(config.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&scratch.path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| ExecError::Spawn(e.to_string()))?;
        let group = child.id();
        if let Some(mut pipe) = child.stdin.take() {
            let input = stdin.unwrap_or_default();
            tokio::spawn(async move {
                let _ = pipe.write_all(&input).await;
            });
        }
        let cap = config.max_output_bytes;
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let ran = tokio::time::timeout(config.timeout, async {
            let (out, err) = tokio::join!(read_capped(stdout, cap), read_capped(stderr, cap));
            let overflow = out.1 || err.1;
            if overflow {
                kill_group(group);
            }
            let status = child.wait().await;
            (out.0, err.0, overflow, status)
        })
        .await;
        let (stdout, stderr, outcome) = match ran {
            Ok((stdout, stderr, overflow, status)) => {
                let status = status.map_err(|e| ExecError::Spawn(e.to_string()))?;
                let outcome = if overflow {
                    Outcome::OutputLimit
                } else {
                    use std::os::unix::process::ExitStatusExt;
                    match (status.code(), status.signal()) {
                        (Some(code), _) => Outcome::Exited { code },
                        (None, Some(signal)) => Outcome::Signaled { signal },
                        (None, None) => Outcome::Signaled { signal: 0 },
                    }
                };
                (stdout, stderr, outcome)
            }
            Err(_) => {
                kill_group(group);
                let _ = child.kill().await;
                (Vec::new(), Vec::new(), Outcome::TimedOut)
            }
        };
        let stderr = String::from_utf8_lossy(&stderr).into_owned();
        if outcome == (Outcome::Exited { code: SETUP_FAILED })
            && let Some(reason) = stderr.lines().find_map(|l| l.strip_prefix(SETUP_MARKER))
        {
            return Err(ExecError::IsolationUnavailable(reason.trim().to_string()));
        }
        let (stderr, notes) = split_notes(stderr);
        let mut outcome = outcome;
        for note in notes {
            match note.strip_prefix(SIGNAL_MARKER) {
                Some(signal) if matches!(outcome, Outcome::Exited { .. }) => {
                    outcome = Outcome::Signaled {
                        signal: signal.trim().parse().unwrap_or(0),
                    };
                }
                Some(_) => {}
                None => missing.push(note),
            }
        }
        // Whatever the program left behind in its process group goes too.
        kill_group(group);
        Ok(Output {
            outcome,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            missing_isolation: missing,
        })
    }
}

const NOTE_MARKER: &str = "sandbox note:";
const SIGNAL_MARKER: &str = "sandbox: killed by signal";

/// Separates the helper's notes (missing layers in best-effort mode) from the program's stderr.
fn split_notes(stderr: String) -> (String, Vec<String>) {
    let mut notes = Vec::new();
    let mut rest = String::new();
    for line in stderr.split_inclusive('\n') {
        if let Some(note) = line.strip_prefix(NOTE_MARKER) {
            notes.push(note.trim().to_string());
        } else if line.starts_with(SIGNAL_MARKER) {
            notes.push(line.trim().to_string());
        } else {
            rest.push_str(line);
        }
    }
    (rest, notes)
}

fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn kill_group(group: Option<u32>) {
    let pid = group
        .and_then(|id| i32::try_from(id).ok())
        .and_then(rustix::process::Pid::from_raw);
    if let Some(pid) = pid {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Reads a pipe to its end or to `cap` bytes; true when the cap was passed.
async fn read_capped(pipe: Option<impl AsyncRead + Unpin>, cap: usize) -> (Vec<u8>, bool) {
    let Some(mut pipe) = pipe else {
        return (Vec::new(), false);
    };
    let mut out = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match pipe.read(&mut buffer).await {
            Ok(0) | Err(_) => return (out, false),
            Ok(n) if out.len() + n > cap => {
                out.extend_from_slice(&buffer[..cap - out.len()]);
                return (out, true);
            }
            Ok(n) => out.extend_from_slice(&buffer[..n]),
        }
    }
}

/// A scratch directory, removed when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A fresh directory, owned by `uid` when given.
    fn create(uid: Option<u32>) -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let path = std::env::temp_dir().join(format!(
            "{}-exec-{}",
            env!("CARGO_PKG_NAME"),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::DirBuilder::new().mode(0o700).create(&path)?;
        if let Some(uid) = uid {
            std::os::unix::fs::chown(&path, Some(uid), Some(uid))?;
        }
        Ok(Self { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// What the helper applies before it execs the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxSpec {
    pub cpu_seconds: u64,
    pub memory_bytes: u64,
    pub max_processes: u64,
    pub max_file_bytes: u64,
    pub scratch: PathBuf,
    pub read_paths: Vec<PathBuf>,
    pub uid: Option<u32>,
    pub require_landlock: bool,
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl SandboxSpec {
    /// The helper's command line (after `sandbox-exec`).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = vec![
            format!("--cpu={}", self.cpu_seconds),
            format!("--memory={}", self.memory_bytes),
            format!("--processes={}", self.max_processes),
            format!("--file-size={}", self.max_file_bytes),
            format!("--scratch={}", self.scratch.display()),
            format!("--require-landlock={}", self.require_landlock),
        ];
        args.extend(
            self.read_paths
                .iter()
                .map(|p| format!("--read={}", p.display())),
        );
        if let Some(uid) = self.uid {
            args.push(format!("--uid={uid}"));
        }
        args.push("--".into());
        args.push(self.program.display().to_string());
        args.extend(self.args.iter().cloned());
        args
    }

    /// Parses [`SandboxSpec::to_args`].
    pub fn from_args(args: &[String]) -> Result<Self, String> {
        let split = args.iter().position(|a| a == "--").ok_or("missing `--`")?;
        let (options, command) = (&args[..split], &args[split + 1..]);
        let mut spec = Self {
            cpu_seconds: 1,
            memory_bytes: 0,
            max_processes: 1,
            max_file_bytes: 0,
            scratch: PathBuf::new(),
            read_paths: Vec::new(),
            uid: None,
            require_landlock: true,
            program: PathBuf::from(command.first().ok_or("missing program")?),
            args: command[1..].to_vec(),
        };
        for option in options {
            let (key, value) = option
                .split_once('=')
                .ok_or(format!("bad option {option}"))?;
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("bad number in {option}"))
            };
            match key {
                "--cpu" => spec.cpu_seconds = number()?,
                "--memory" => spec.memory_bytes = number()?,
                "--processes" => spec.max_processes = number()?,
                "--file-size" => spec.max_file_bytes = number()?,
                "--scratch" => spec.scratch = PathBuf::from(value),
                "--read" => spec.read_paths.push(PathBuf::from(value)),
                "--uid" => spec.uid = Some(number()? as u32),
                "--require-landlock" => spec.require_landlock = value == "true",
                _ => return Err(format!("unknown option {key}")),
            }
        }
        Ok(spec)
    }
}

/// The `sandbox-exec` command: applies landlock and rlimits to this process, then runs the
/// program (as the unprivileged uid when root) and waits for it. Inside the PID namespace this
/// process is init: it reaps orphans, and when it exits every process left is killed. The
/// program's exit code is passed on; death by a signal is reported on stderr.
pub fn sandbox_exec(args: &[String]) -> ExitCode {
    let fail = |reason: String| {
        eprintln!("{SETUP_MARKER} {reason}");
        ExitCode::from(SETUP_FAILED as u8)
    };
    let spec = match SandboxSpec::from_args(args) {
        Ok(spec) => spec,
        Err(reason) => return fail(reason),
    };
    match restrict_files_and_network(&spec) {
        Ok(None) => {}
        Ok(Some(note)) if !spec.require_landlock => eprintln!("{NOTE_MARKER} {note}"),
        Ok(Some(note)) => return fail(note),
        Err(reason) => return fail(reason),
    }
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limits = [
        (Resource::Cpu, spec.cpu_seconds),
        (Resource::As, spec.memory_bytes),
        (Resource::Nproc, spec.max_processes),
        (Resource::Fsize, spec.max_file_bytes),
        (Resource::Nofile, 64),
        (Resource::Core, 0),
    ];
    for (resource, value) in limits {
        let limit = Rlimit {
            current: Some(value),
            maximum: Some(value),
        };
        if let Err(e) = setrlimit(resource, limit) {
            return fail(format!("setrlimit {resource:?}: {e}"));
        }
    }
    // mcpforge: ignore[MCP409] reason="the program is an absolute path from the EXEC_PROGRAMS allowlist, run inside the sandbox"
    let mut command = std::process::Command::new(&spec.program);
    command.args(&spec.args);
    if let Some(uid) = spec.uid {
        use std::os::unix::process::CommandExt;
        command.uid(uid).gid(uid);
    }
    let status = match command.status() {
        Ok(status) => status,
        Err(e) => return fail(format!("start {}: {e}", spec.program.display())),
    };
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        (None, signal) => {
            let signal = signal.unwrap_or(0);
            eprintln!("{SIGNAL_MARKER} {signal}");
            ExitCode::from(u8::try_from(128 + signal).unwrap_or(255))
        }
    }
}

/// Landlock: read/execute beneath the read paths, everything in the scratch directory, no TCP.
/// `Ok(Some(note))` when the kernel enforces less than that.
fn restrict_files_and_network(spec: &SandboxSpec) -> Result<Option<String>, String> {
    use landlock::{
        ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
        path_beneath_rules,
    };
    let abi = ABI::V4;
    let devices = ["/dev/null", "/dev/zero", "/dev/urandom"];
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp))
        .and_then(|r| r.create())
        .and_then(|r| {
            r.add_rules(path_beneath_rules(
                &spec.read_paths,
                AccessFs::from_read(abi),
            ))
        })
        .and_then(|r| r.add_rules(path_beneath_rules(devices, AccessFs::from_file(abi))))
        .and_then(|r| r.add_rules(path_beneath_rules([&spec.scratch], AccessFs::from_all(abi))))
        .and_then(|r| r.restrict_self())
        .map_err(|e| format!("landlock: {e}"))?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => None,
        RulesetStatus::PartiallyEnforced => {
            Some("landlock is only partly enforced by this kernel".into())
        }
        _ => Some("landlock is not enforced by this kernel".into()),
    })
}

/// Reads an executable's first bytes (for the settings check that a program is a file).
pub fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        && std::fs::File::open(path).is_ok_and(|mut f| f.read(&mut [0u8; 4]).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_round_trips_through_arguments() {
        let spec = SandboxSpec {
            cpu_seconds: 2,
            memory_bytes: 1 << 28,
            max_processes: 16,
            max_file_bytes: 1 << 20,
            scratch: "/tmp/x".into(),
            read_paths: vec!["/usr".into(), "/lib".into()],
            uid: Some(65534),
            require_landlock: true,
            program: "/usr/bin/python3".into(),
            args: vec!["-c".into(), "print('--')".into(), "--".into()],
        };
        assert_eq!(SandboxSpec::from_args(&spec.to_args()).unwrap(), spec);
    }

    #[test]
    fn helper_notes_are_separated_from_program_output() {
        let (rest, notes) = split_notes(format!("{NOTE_MARKER} landlock is not enforced\nboom\n"));
        assert_eq!(rest, "boom\n");
        assert_eq!(notes, ["landlock is not enforced"]);
    }
}
