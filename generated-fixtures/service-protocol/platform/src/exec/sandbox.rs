//! The Linux sandbox behind [`CodeExecutor`]: see the module above for its layers.

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::{ExecConfig, ExecError, Isolation, Outcome, Output};
use crate::config::Settings;

/// When the server runs as root, each run gets its own unprivileged uid from
/// `SANDBOX_UID_BASE..SANDBOX_UID_BASE + SANDBOX_UIDS` (no account needed): the process limit
/// (RLIMIT_NPROC counts per uid) then holds one run's fork bomb without starving the others.
pub const SANDBOX_UID_BASE: u32 = 200_000;
const SANDBOX_UIDS: u32 = 4096;
/// The uid (and gid) the code has inside its nested user namespace when the server is not
/// root: outside, it is the server's own uid, without any capability.
pub const NESTED_UID: u32 = 65534;
static NEXT_UID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn next_sandbox_uid() -> u32 {
    SANDBOX_UID_BASE + NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % SANDBOX_UIDS
}
/// The exit code the sandbox helper uses when it could not set the sandbox up.
pub const SETUP_FAILED: i32 = 125;
const SETUP_MARKER: &str = "sandbox setup failed:";
/// Bytes of scratch per inode of its tmpfs (many empty files cost memory too).
const SCRATCH_BYTES_PER_INODE: u64 = 4096;

/// Runs untrusted code. Cloning shares the configuration, the isolation probe and the slots.
#[derive(Debug, Clone)]
pub struct CodeExecutor {
    config: Arc<ExecConfig>,
    /// The binary that applies landlock and rlimits, then execs the program: this server.
    helper: PathBuf,
    namespaces: Arc<tokio::sync::OnceCell<Result<Vec<String>, String>>>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl CodeExecutor {
    /// An executor using `helper` (the server binary, which has the `sandbox-exec` command).
    pub fn new(config: ExecConfig, helper: PathBuf) -> Self {
        let slots = Arc::new(tokio::sync::Semaphore::new(config.max_concurrent.max(1)));
        Self {
            config: Arc::new(config),
            helper,
            namespaces: Arc::new(tokio::sync::OnceCell::new()),
            slots,
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

    /// The `unshare` arguments that isolate mounts, network and processes here, probed once
    /// (without blocking the async runtime).
    async fn namespace_args(&self) -> Result<Vec<String>, String> {
        self.namespaces
            .get_or_init(|| async {
                let mut args = vec!["--mount", "--net", "--pid", "--fork", "--kill-child"];
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

    /// A run's slot: waits `EXEC_QUEUE_TIMEOUT_MS` at most.
    async fn slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ExecError> {
        let wait = self.config.queue_timeout;
        match tokio::time::timeout(wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ExecError::Busy(format!(
                "{} runs already in progress (EXEC_MAX_CONCURRENT) and none ended within {} ms \
                 (EXEC_QUEUE_TIMEOUT_MS); try again later",
                self.config.max_concurrent,
                wait.as_millis()
            ))),
        }
    }

    /// The run's cgroup, or what to do without one.
    fn run_cgroup(&self, missing: &mut Vec<String>) -> Result<Option<RunCgroup>, ExecError> {
        let config = &self.config;
        let reason = match cgroup_base() {
            Ok(base) => match RunCgroup::create(base, config.memory_bytes, config.max_processes) {
                Ok(cgroup) => return Ok(Some(cgroup)),
                Err(e) => format!("cannot create a cgroup in {}: {e}", base.display()),
            },
            Err(reason) => reason.clone(),
        };
        let reason = format!("no per-run cgroup: {reason}. {CGROUP_HOWTO}");
        match config.isolation {
            Isolation::Strict => return Err(ExecError::IsolationUnavailable(reason)),
            Isolation::Required => {
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    tracing::warn!(
                        "{reason} Until then each run's memory and processes are limited per \
                         process only (EXEC_MEMORY_BYTES × EXEC_MAX_PROCESSES at most)."
                    );
                });
            }
            Isolation::BestEffort => missing.push(reason),
        }
        Ok(None)
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
        let _slot = self.slot().await?;
        let mut missing = Vec::new();
        let namespaces = match self.namespace_args().await {
            Ok(args) => args,
            Err(reason) if config.isolation != Isolation::BestEffort => {
                return Err(ExecError::IsolationUnavailable(reason));
            }
            Err(reason) => {
                missing.push(reason);
                missing.push("the scratch directory is not size-limited".into());
                Vec::new()
            }
        };
        let cgroup = self.run_cgroup(&mut missing)?;
        let root = running_as_root();
        let uid = root.then(next_sandbox_uid);
        let scratch = Scratch::create(uid).map_err(|e| ExecError::Spawn(e.to_string()))?;
        let spec = SandboxSpec {
            cpu_seconds: config.cpu_seconds,
            memory_bytes: config.memory_bytes,
            max_processes: config.max_processes,
            max_file_bytes: config.max_file_bytes,
            scratch: scratch.path.clone(),
            // Only in a mount namespace of the run's own: never mount over the host's view.
            scratch_bytes: if namespaces.is_empty() {
                0
            } else {
                config.scratch_bytes
            },
            read_paths: config.read_paths.clone(),
            uid,
            nested_user: !root && !namespaces.is_empty(),
            cgroup: cgroup.as_ref().map(|c| c.path.clone()),
            require: config.isolation != Isolation::BestEffort,
            require_cgroup: config.isolation == Isolation::Strict,
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
        // Whatever the program left behind goes too: its process group, and its cgroup.
        kill_group(group);
        if let Some(cgroup) = cgroup {
            let _ = tokio::task::spawn_blocking(move || drop(cgroup)).await;
        }
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

/// A scratch directory, removed when dropped. Runs see a tmpfs mounted over it in their own
/// mount namespace; the directory itself stays empty.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A fresh directory, owned by `uid` when given.
    fn create(uid: Option<u32>) -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let path = std::env::temp_dir().join(format!(
            "{}-exec-{}",
            crate::SERVICE_NAME,
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

const CGROUP_ROOT: &str = "/sys/fs/cgroup";
const CGROUP_HOWTO: &str = "To limit memory and processes per run, run the server on cgroup v2 \
    with a cgroup of its own it may write, holding the memory and pids controllers (systemd: \
    Delegate=memory pids; a container: a private cgroup namespace with /sys/fs/cgroup mounted \
    read-write); EXEC_ISOLATION=strict refuses to run without it";

/// The delegated cgroup runs go beneath, prepared once per process: its `cgroup.subtree_control`
/// has `memory` and `pids` (the server moves itself into a leaf first when it must).
fn cgroup_base() -> &'static Result<PathBuf, String> {
    static BASE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let own = std::fs::read_to_string("/proc/self/cgroup")
            .map_err(|e| format!("/proc/self/cgroup: {e}"))?;
        prepare_cgroup_base(Path::new(CGROUP_ROOT), &own)
    })
}

/// `own`: the text of `/proc/self/cgroup`.
fn prepare_cgroup_base(root: &Path, own: &str) -> Result<PathBuf, String> {
    if !root.join("cgroup.controllers").is_file() {
        return Err(format!(
            "{} is not a cgroup v2 hierarchy (a cgroup v1 or hybrid host)",
            root.display()
        ));
    }
    let own = own
        .lines()
        .find_map(|l| l.strip_prefix("0::"))
        .ok_or("/proc/self/cgroup has no cgroup v2 entry")?;
    let mut dir = root.join(own.trim().trim_start_matches('/'));
    let leaf = format!("{}-server", crate::SERVICE_NAME);
    if dir.file_name().is_some_and(|n| n == leaf.as_str()) {
        dir.pop();
    }
    let wanted = ["memory", "pids"];
    let has_all = |file: &str| {
        std::fs::read_to_string(dir.join(file)).is_ok_and(|s| {
            wanted
                .iter()
                .all(|c| s.split_whitespace().any(|have| have == *c))
        })
    };
    if has_all("cgroup.subtree_control") {
        return Ok(dir);
    }
    if !has_all("cgroup.controllers") {
        return Err(format!(
            "the memory and pids controllers are not both available in {}",
            dir.display()
        ));
    }
    let enable = || std::fs::write(dir.join("cgroup.subtree_control"), "+memory +pids");
    if let Err(first) = enable() {
        if first.raw_os_error() != Some(rustix::io::Errno::BUSY.raw_os_error()) {
            return Err(format!(
                "cannot enable memory and pids in {}: {first}",
                dir.display()
            ));
        }
        // Processes in this cgroup: when they are only this one, it moves into a leaf of its
        // own and tries again; a cgroup shared with other processes is left as it is.
        let me = std::process::id().to_string();
        let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
        if procs.lines().any(|pid| pid.trim() != me) {
            return Err(format!(
                "{} holds other processes than this server, so it cannot hand controllers down \
                 (give the server a cgroup of its own, e.g. systemd DelegateSubgroup=)",
                dir.display()
            ));
        }
        let leaf = dir.join(&leaf);
        std::fs::create_dir_all(&leaf)
            .and_then(|()| {
                std::fs::write(leaf.join("cgroup.procs"), std::process::id().to_string())
            })
            .and_then(|()| enable())
            .map_err(|e| {
                format!(
                    "cannot enable memory and pids in {} (other processes share it?): {e}",
                    dir.display()
                )
            })?;
    }
    Ok(dir)
}

/// One run's cgroup: killed and removed when dropped.
struct RunCgroup {
    path: PathBuf,
}

impl RunCgroup {
    fn create(base: &Path, memory_bytes: u64, processes: u64) -> std::io::Result<Self> {
        let path = base.join(format!(
            "{}-run-{}",
            crate::SERVICE_NAME,
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir(&path)?;
        let cgroup = Self { path };
        std::fs::write(cgroup.path.join("memory.max"), memory_bytes.to_string())?;
        std::fs::write(cgroup.path.join("pids.max"), processes.to_string())?;
        // Without swap accounting the file is absent; memory.max holds either way.
        let _ = std::fs::write(cgroup.path.join("memory.swap.max"), "0");
        Ok(cgroup)
    }
}

impl Drop for RunCgroup {
    fn drop(&mut self) {
        let _ = std::fs::write(self.path.join("cgroup.kill"), "1");
        for _ in 0..200 {
            if std::fs::remove_dir(&self.path).is_ok() || !self.path.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
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
    /// The tmpfs mounted over `scratch` (0: none, when there is no mount namespace).
    pub scratch_bytes: u64,
    pub read_paths: Vec<PathBuf>,
    /// The run's uid when the server is root.
    pub uid: Option<u32>,
    /// In a user namespace of the server's: the code goes into a nested one as [`NESTED_UID`].
    pub nested_user: bool,
    /// The run's cgroup, joined first.
    pub cgroup: Option<PathBuf>,
    /// Every layer must be in force (`required`, `strict`).
    pub require: bool,
    /// Joining the cgroup must work (`strict`).
    pub require_cgroup: bool,
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
            format!("--scratch-bytes={}", self.scratch_bytes),
            format!("--nested-user={}", self.nested_user),
            format!("--require={}", self.require),
            format!("--require-cgroup={}", self.require_cgroup),
        ];
        args.extend(
            self.read_paths
                .iter()
                .map(|p| format!("--read={}", p.display())),
        );
        if let Some(uid) = self.uid {
            args.push(format!("--uid={uid}"));
        }
        if let Some(cgroup) = &self.cgroup {
            args.push(format!("--cgroup={}", cgroup.display()));
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
            scratch_bytes: 0,
            read_paths: Vec::new(),
            uid: None,
            nested_user: false,
            cgroup: None,
            require: true,
            require_cgroup: false,
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
                "--scratch-bytes" => spec.scratch_bytes = number()?,
                "--read" => spec.read_paths.push(PathBuf::from(value)),
                "--uid" => {
                    spec.uid =
                        Some(u32::try_from(number()?).map_err(|_| format!("bad uid {value}"))?)
                }
                "--nested-user" => spec.nested_user = value == "true",
                "--cgroup" => spec.cgroup = Some(PathBuf::from(value)),
                "--require" => spec.require = value != "false",
                "--require-cgroup" => spec.require_cgroup = value == "true",
                _ => return Err(format!("unknown option {key}")),
            }
        }
        Ok(spec)
    }
}

/// A layer of the helper: `Ok(Some(note))` when the host gives less than the layer promises
/// (fatal unless `best-effort`), `Err` when setting it up failed.
type Layer = fn(&SandboxSpec) -> Result<Option<String>, String>;

/// The `sandbox-exec` command: joins the run's cgroup, mounts the scratch tmpfs, becomes an
/// unprivileged uid without capabilities, applies landlock and rlimits, installs the seccomp
/// filter, then runs the program and waits for it. Inside the PID namespace this process is
/// init: it reaps orphans, and when it exits every process left is killed. The program's exit
/// code is passed on; death by a signal is reported on stderr.
pub fn sandbox_exec(args: &[String]) -> ExitCode {
    let fail = |reason: String| {
        eprintln!("{SETUP_MARKER} {reason}");
        ExitCode::from(SETUP_FAILED as u8)
    };
    let spec = match SandboxSpec::from_args(args) {
        Ok(spec) => spec,
        Err(reason) => return fail(reason),
    };
    if let Some(cgroup) = &spec.cgroup {
        // Before anything else, so every process of the run is in it.
        if let Err(e) = std::fs::write(cgroup.join("cgroup.procs"), "0") {
            let reason = format!("joining the run's cgroup {}: {e}", cgroup.display());
            if spec.require_cgroup {
                return fail(reason);
            }
            eprintln!("{NOTE_MARKER} {reason}");
        }
    }
    // Mounting needs the privilege dropped next; the uid map is written in /proc, which
    // landlock closes after.
    let layers: [Layer; 5] = [
        mount_scratch,
        become_unprivileged,
        restrict_files_and_network,
        set_limits,
        filter_system_calls,
    ];
    for layer in layers {
        match layer(&spec) {
            Ok(None) => {}
            Ok(Some(note)) if !spec.require => eprintln!("{NOTE_MARKER} {note}"),
            Ok(Some(note)) => return fail(note),
            Err(reason) => return fail(reason),
        }
    }
    // mcpforge: ignore[MCP409] reason="the program is an absolute path from the EXEC_PROGRAMS allowlist, run inside the sandbox"
    let mut command = std::process::Command::new(&spec.program);
    command.args(&spec.args).current_dir(&spec.scratch);
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

/// A tmpfs of `scratch_bytes` over the scratch directory, in the run's mount namespace, owned
/// by the uid the code will have; then the helper works from it.
fn mount_scratch(spec: &SandboxSpec) -> Result<Option<String>, String> {
    let mut note = None;
    if spec.scratch_bytes > 0 {
        use rustix::mount::{MountFlags, mount};
        let inodes = (spec.scratch_bytes / SCRATCH_BYTES_PER_INODE).max(64);
        let owner = spec
            .uid
            .map(|uid| format!(",uid={uid},gid={uid}"))
            .unwrap_or_default();
        let options = std::ffi::CString::new(format!(
            "size={},nr_inodes={inodes},mode=0700{owner}",
            spec.scratch_bytes
        ))
        .map_err(|e| e.to_string())?;
        if let Err(e) = mount(
            "tmpfs",
            &spec.scratch,
            "tmpfs",
            MountFlags::NOSUID | MountFlags::NODEV,
            options.as_c_str(),
        ) {
            note = Some(format!(
                "the scratch directory is not size-limited: tmpfs: {e}"
            ));
        }
    }
    std::env::set_current_dir(&spec.scratch)
        .map_err(|e| format!("scratch {}: {e}", spec.scratch.display()))?;
    Ok(note)
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

/// The rlimits, hard and soft.
fn set_limits(spec: &SandboxSpec) -> Result<Option<String>, String> {
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
        setrlimit(resource, limit).map_err(|e| format!("setrlimit {resource:?}: {e}"))?;
    }
    Ok(None)
}

/// An unprivileged uid without capabilities: the run's own uid when the server is root;
/// [`NESTED_UID`] in a nested user namespace when the server is root only in the run's user
/// namespace. Checked afterwards: `Ok(Some(note))` when uid 0 or a capability remains.
fn become_unprivileged(spec: &SandboxSpec) -> Result<Option<String>, String> {
    use rustix::thread::{
        CapabilitySet, CapabilitySets, Gid, Uid, capabilities, set_capabilities, set_thread_groups,
        set_thread_res_gid, set_thread_res_uid,
    };
    let mut note = None;
    if spec.nested_user
        && let Err(e) = enter_nested_user_namespace()
    {
        note = Some(format!("no nested user namespace: {e}"));
    }
    // The bounding set (what an exec could ever regain), then the ambient set; EINVAL past
    // the kernel's last capability, EPERM without CAP_SETPCAP (then nothing is held anyway).
    for bit in 0..64 {
        let _ = rustix::thread::remove_capability_from_bounding_set(
            CapabilitySet::from_bits_retain(1 << bit),
        );
    }
    let _ = rustix::thread::clear_ambient_capability_set();
    if let Some(uid) = spec.uid {
        // From root: dropping every uid clears the permitted and effective sets too.
        set_thread_groups(&[])
            .and_then(|()| {
                let gid = Gid::from_raw(uid);
                set_thread_res_gid(gid, gid, gid)
            })
            .and_then(|()| {
                let id = Uid::from_raw(uid);
                set_thread_res_uid(id, id, id)
            })
            .map_err(|e| format!("switching to uid {uid}: {e}"))?;
    }
    let none = CapabilitySets {
        effective: CapabilitySet::empty(),
        permitted: CapabilitySet::empty(),
        inheritable: CapabilitySet::empty(),
    };
    set_capabilities(None, none).map_err(|e| format!("dropping capabilities: {e}"))?;
    let held = capabilities(None).map_err(|e| format!("reading capabilities: {e}"))?;
    let bounding = (0..64).any(|bit| {
        rustix::thread::capability_is_in_bounding_set(CapabilitySet::from_bits_retain(1 << bit))
            .unwrap_or(false)
    });
    if held != none || bounding {
        note.get_or_insert_with(|| "capabilities remain".into());
    }
    if rustix::process::getuid().is_root() || rustix::process::geteuid().is_root() {
        note.get_or_insert_with(|| "the code would run as uid 0".into());
    }
    Ok(note)
}

/// A user namespace nested in the run's, where this process is [`NESTED_UID`] (its uid 0
/// outside, so the server's uid on the host): the run's namespaces stay owned by the outer one,
/// where the code then has no capability.
fn enter_nested_user_namespace() -> Result<(), String> {
    // The helper is single-threaded (unshare(CLONE_NEWUSER) refuses otherwise), and only
    // CLONE_FILES makes the call unsound: not asked for here.
    #[allow(deprecated)]
    rustix::thread::unshare(rustix::thread::UnshareFlags::NEWUSER)
        .map_err(|e| format!("unshare: {e}"))?;
    let map = format!("{NESTED_UID} 0 1");
    std::fs::write("/proc/self/setgroups", "deny")
        .and_then(|()| std::fs::write("/proc/self/uid_map", &map))
        .and_then(|()| std::fs::write("/proc/self/gid_map", &map))
        .map_err(|e| format!("uid map: {e}"))
}

/// Installs the seccomp filters (after `no_new_privs`, which they need).
fn filter_system_calls(_spec: &SandboxSpec) -> Result<Option<String>, String> {
    rustix::thread::set_no_new_privs(true).map_err(|e| format!("no_new_privs: {e}"))?;
    #[cfg(all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            target_arch = "riscv64"
        )
    ))]
    {
        let filters = match seccomp::filters() {
            Ok(filters) => filters,
            Err(reason) => return Ok(Some(format!("no seccomp filter: {reason}"))),
        };
        for filter in &filters {
            if let Err(e) = seccompiler::apply_filter(filter) {
                return Ok(Some(format!("no seccomp filter: {e}")));
            }
        }
        Ok(None)
    }
    #[cfg(not(all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            target_arch = "riscv64"
        )
    )))]
    Ok(Some("no seccomp filter on this platform".into()))
}

/// The seccomp filters: EPERM for what untrusted code never needs, so interpreters fail
/// cleanly rather than die. (kexec_file_load is not named: libc lacks it on some targets, and
/// kexec needs CAP_SYS_BOOT on the host anyway.)
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )
))]
mod seccomp {
    use std::collections::BTreeMap;

    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule, TargetArch, sock_filter,
    };

    /// Refused outright.
    const DENIED: &[i64] = &[
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_getfd,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_userfaultfd,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_open_tree,
        libc::SYS_move_mount,
        libc::SYS_fsopen,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_fspick,
        libc::SYS_mount_setattr,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_kexec_load,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_name_to_handle_at,
        libc::SYS_open_by_handle_at,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        libc::SYS_reboot,
        libc::SYS_acct,
        libc::SYS_quotactl,
        libc::SYS_syslog,
        libc::SYS_vhangup,
    ];

    /// `clone` flags that make a namespace.
    const NEW_NAMESPACES: &[u64] = &[
        libc::CLONE_NEWNS as u64,
        libc::CLONE_NEWCGROUP as u64,
        libc::CLONE_NEWUTS as u64,
        libc::CLONE_NEWIPC as u64,
        libc::CLONE_NEWUSER as u64,
        libc::CLONE_NEWPID as u64,
        libc::CLONE_NEWNET as u64,
    ];

    /// The syscall numbers of the x32 ABI (x86_64 only) share the 64-bit audit arch: refused
    /// before the per-call rules, which know only the 64-bit numbers.
    const X32_BIT: u32 = 0x4000_0000;

    pub(super) fn filters() -> Result<Vec<BpfProgram>, String> {
        let err = |e: seccompiler::BackendError| e.to_string();
        let arch = TargetArch::try_from(std::env::consts::ARCH).map_err(err)?;
        let condition =
            |op, value| SeccompCondition::new(0, SeccompCmpArgLen::Dword, op, value).map_err(err);
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> =
            DENIED.iter().map(|&call| (call, Vec::new())).collect();
        // Sockets: IPv4 and IPv6 only (the network namespace has no route anyway).
        rules.insert(
            libc::SYS_socket,
            vec![
                SeccompRule::new(vec![
                    condition(SeccompCmpOp::Ne, libc::AF_INET as u64)?,
                    condition(SeccompCmpOp::Ne, libc::AF_INET6 as u64)?,
                ])
                .map_err(err)?,
            ],
        );
        rules.insert(
            libc::SYS_clone,
            NEW_NAMESPACES
                .iter()
                .map(|&flag| {
                    SeccompRule::new(vec![condition(SeccompCmpOp::MaskedEq(flag), flag)?])
                        .map_err(err)
                })
                .collect::<Result<_, _>>()?,
        );
        let eperm = SeccompAction::Errno(libc::EPERM as u32);
        let deny = SeccompFilter::new(rules, SeccompAction::Allow, eperm, arch).map_err(err)?;
        let mut deny: BpfProgram = deny.try_into().map_err(err)?;
        if arch == TargetArch::x86_64 {
            let ret_eperm = 0x0005_0000 | libc::EPERM as u32; // SECCOMP_RET_ERRNO | EPERM
            let guard = [
                // A = seccomp_data.nr; if A >= X32_BIT return EPERM.
                sock_filter {
                    code: 0x20,
                    jt: 0,
                    jf: 0,
                    k: 0,
                },
                sock_filter {
                    code: 0x35,
                    jt: 0,
                    jf: 1,
                    k: X32_BIT,
                },
                sock_filter {
                    code: 0x06,
                    jt: 0,
                    jf: 0,
                    k: ret_eperm,
                },
            ];
            deny.splice(0..0, guard);
        }
        // clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc use clone.
        let clone3 = SeccompFilter::new(
            [(libc::SYS_clone3, Vec::new())].into_iter().collect(),
            SeccompAction::Allow,
            SeccompAction::Errno(libc::ENOSYS as u32),
            arch,
        )
        .map_err(err)?;
        Ok(vec![deny, clone3.try_into().map_err(err)?])
    }
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
            scratch_bytes: 1 << 24,
            read_paths: vec!["/usr".into(), "/lib".into()],
            uid: Some(65534),
            nested_user: true,
            cgroup: Some("/sys/fs/cgroup/x/run".into()),
            require: true,
            require_cgroup: true,
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

    #[cfg(all(
        target_os = "linux",
        any(
            target_arch = "x86_64",
            target_arch = "aarch64",
            target_arch = "riscv64"
        )
    ))]
    #[test]
    fn the_seccomp_filters_compile_for_this_architecture() {
        let filters = seccomp::filters().unwrap();
        assert_eq!(filters.len(), 2);
        assert!(filters.iter().all(|f| !f.is_empty() && f.len() < 4096));
    }

    /// A stand-in cgroup v2 tree: `files` relative to its root.
    fn cgroup_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn the_cgroup_probe_names_what_is_missing() {
        let v1 = tempfile::tempdir().unwrap();
        let err = prepare_cgroup_base(v1.path(), "0::/\n").unwrap_err();
        assert!(err.contains("not a cgroup v2 hierarchy"), "{err}");
        let tree = cgroup_tree(&[("cgroup.controllers", "cpu memory pids")]);
        let err = prepare_cgroup_base(tree.path(), "4:memory:/x\n").unwrap_err();
        assert!(err.contains("no cgroup v2 entry"), "{err}");
        let tree = cgroup_tree(&[
            ("cgroup.controllers", "cpu memory pids"),
            ("app/cgroup.controllers", "cpu io"),
            ("app/cgroup.subtree_control", ""),
        ]);
        let err = prepare_cgroup_base(tree.path(), "0::/app\n").unwrap_err();
        assert!(err.contains("memory and pids controllers"), "{err}");
        let tree = cgroup_tree(&[
            ("cgroup.controllers", "cpu memory pids"),
            ("app/cgroup.controllers", "memory pids"),
            ("app/cgroup.subtree_control", ""),
            ("app/cgroup.procs", "1\n2\n"),
        ]);
        // A plain file accepts the write, so only a real cgroup's EBUSY leads further.
        assert_eq!(
            prepare_cgroup_base(tree.path(), "0::/app\n").unwrap(),
            tree.path().join("app")
        );
    }

    #[test]
    fn runs_go_beside_the_server_s_leaf_in_a_delegated_cgroup() {
        let tree = cgroup_tree(&[
            ("cgroup.controllers", "cpu memory pids"),
            ("svc/cgroup.controllers", "memory pids"),
            ("svc/cgroup.subtree_control", "memory pids"),
        ]);
        let leaf = format!("0::/svc/{}-server\n", crate::SERVICE_NAME);
        assert_eq!(
            prepare_cgroup_base(tree.path(), &leaf).unwrap(),
            tree.path().join("svc")
        );
        assert_eq!(
            prepare_cgroup_base(tree.path(), "0::/svc\n").unwrap(),
            tree.path().join("svc")
        );
    }
}
