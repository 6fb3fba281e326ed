//! Adversarial corpus for `CodeExecutor`, through its public API, with the platform's test
//! server binary (`probe`) as the sandbox helper.
//!
//! Every case runs with tight limits and checks the run ended the way the sandbox promises, in
//! bounded time, without touching the host: no connection reaches a loopback listener, no file
//! appears outside the scratch directory, no process outlives the run, no variable of this
//! process's environment shows up. Each corpus is a table: adding a case is one line.
//!
//! CI runs this suite as root and again as an unprivileged user (`nobody`), which takes the
//! other path through the sandbox (a user namespace of the server's, the code nested in a
//! second one). `EXEC_TEST_SERVER_BINARY` points the suite at a copy of that binary the
//! user can execute.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use platform::config::Settings;
use platform::exec::{CodeExecutor, ExecError, Outcome, Output};

const TIMEOUT_MS: u64 = 3000;
const OUTPUT_CAP: usize = 4096;

/// The server binary (the sandbox helper).
fn server_binary() -> PathBuf {
    std::env::var_os("EXEC_TEST_SERVER_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_probe").into())
}

fn executor() -> CodeExecutor {
    executor_with(&[])
}

/// The suite's executor, with `extra` settings on top.
fn executor_with(extra: &[(&str, &str)]) -> CodeExecutor {
    let mut programs = vec!["sh=/bin/sh".to_string(), "echo=/bin/echo".to_string()];
    for (name, path) in [("env", "/usr/bin/env"), ("python3", "/usr/bin/python3")] {
        if Path::new(path).exists() {
            programs.push(format!("{name}={path}"));
        }
    }
    let programs = programs.join(",");
    let timeout = TIMEOUT_MS.to_string();
    let cap = OUTPUT_CAP.to_string();
    let mut settings = vec![
        ("EXEC_PROGRAMS", programs.as_str()),
        ("EXEC_TIMEOUT_MS", timeout.as_str()),
        ("EXEC_CPU_SECONDS", "1"),
        ("EXEC_MEMORY_BYTES", "134217728"),
        ("EXEC_MAX_PROCESSES", "32"),
        ("EXEC_MAX_FILE_BYTES", "65536"),
        ("EXEC_MAX_OUTPUT_BYTES", cap.as_str()),
    ];
    settings.extend_from_slice(extra);
    let settings = Settings::with(&settings).unwrap();
    CodeExecutor::new(settings.exec, server_binary())
}

fn has_python() -> bool {
    Path::new("/usr/bin/python3").exists()
}

async fn run(executor: &CodeExecutor, program: &str, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let started = Instant::now();
    let output = executor
        .run(program, &args, None)
        .await
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"));
    assert!(
        started.elapsed() < Duration::from_millis(TIMEOUT_MS + 2000),
        "{program} {args:?} took {:?}",
        started.elapsed()
    );
    output
}

/// A loopback listener that counts the connections it accepts.
async fn listener() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    (port, accepted)
}

/// Processes whose command line carries `marker`.
fn processes_with(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(marker))
        .count()
}

#[tokio::test]
async fn a_plain_run_works_in_its_scratch_directory() {
    let executor = executor();
    let output = run(
        &executor,
        "sh",
        &["-c", "echo hello; echo note > here.txt; cat here.txt; pwd"],
    )
    .await;
    assert_eq!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines[..2], ["hello", "note"]);
    assert!(
        lines[2].contains("-exec-"),
        "runs in a scratch dir: {}",
        lines[2]
    );
    assert!(
        !Path::new(lines[2]).exists(),
        "the scratch dir is removed afterwards"
    );
    assert!(output.missing_isolation.is_empty(), "{output:?}");
}

#[tokio::test]
async fn arguments_are_never_parsed_by_a_shell() {
    let executor = executor();
    let payload = ["hello; touch /tmp/injected", "$(id)", "`id`", "a && b", "*"];
    let output = run(&executor, "echo", &payload).await;
    assert_eq!(output.stdout.trim_end(), payload.join(" "));
    assert!(!Path::new("/tmp/injected").exists());
    match executor
        .run("bash", &["-c".into(), "id".into()], None)
        .await
    {
        Err(ExecError::NotAllowed(program, _)) => assert_eq!(program, "bash"),
        other => panic!("{other:?}"),
    }
}

/// Code that attacks the host. `limit` cases must end by a limit, not by finishing.
const ABUSE_CORPUS: &[(&str, &str, &str)] = &[
    // (name, sh script, expected: "cpu" | "timeout" | "output" | "refused")
    ("infinite loop", "while :; do :; done", "cpu"),
    ("sleep past the deadline", "sleep 30", "timeout"),
    ("cpu burnt in a system call", "read line < /dev/zero", "cpu"),
    (
        "blocked read past the deadline",
        "mkfifo pipe && cat pipe",
        "timeout",
    ),
    (
        "huge output",
        "while :; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done",
        "output",
    ),
    (
        "huge output on stderr",
        "while :; do echo eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee >&2; done",
        "output",
    ),
    (
        "disk filling",
        "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done > fill.txt",
        "refused",
    ),
    (
        "read outside the scratch dir",
        "cat /etc/hostname /etc/passwd",
        "refused",
    ),
    (
        "list outside the scratch dir",
        "ls /root /home /etc",
        "refused",
    ),
    (
        "write outside the scratch dir",
        "echo pwned > /tmp/sandbox-escape.txt",
        "refused",
    ),
    (
        "write through the parent",
        "echo pwned > ../sandbox-escape.txt",
        "refused",
    ),
];

#[tokio::test]
async fn the_abuse_corpus_ends_by_a_limit_and_leaves_the_host_alone() {
    let executor = executor();
    for (name, script, expected) in ABUSE_CORPUS {
        let output = run(&executor, "sh", &["-c", script]).await;
        let ok = match *expected {
            // The CPU-time limit, or the wall-clock deadline first when a busy machine gives
            // the loop less than the CPU time the limit allows within the deadline.
            "cpu" => matches!(
                output.outcome,
                Outcome::Signaled { .. } | Outcome::Exited { code: 128.. } | Outcome::TimedOut
            ),
            "timeout" => output.outcome == Outcome::TimedOut,
            "output" => {
                output.outcome == Outcome::OutputLimit
                    && output.stdout.len() <= OUTPUT_CAP
                    && output.stderr.len() <= OUTPUT_CAP
            }
            "refused" => !matches!(output.outcome, Outcome::Exited { code: 0 }),
            other => panic!("unknown expectation {other}"),
        };
        assert!(ok, "{name}: {output:?}");
    }
    assert!(!Path::new("/tmp/sandbox-escape.txt").exists());
    assert!(!std::env::temp_dir().join("sandbox-escape.txt").exists());
}

#[tokio::test]
async fn a_fork_bomb_is_contained_and_nothing_outlives_the_run() {
    let executor = executor();
    let marker = format!("forkbomb-{}", std::process::id());
    let output = run(
        &executor,
        "sh",
        &["-c", "f() { f | f & }; f; sleep 30", &marker],
    )
    .await;
    // The process limit holds it at EXEC_MAX_PROCESSES (the shell reports "Cannot fork"; when
    // the limit starves the main shell it ends at once) or the deadline runs out; either way
    // the whole PID namespace is killed with it.
    assert!(
        output.outcome == Outcome::TimedOut || output.stderr.contains("Cannot fork"),
        "{output:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(processes_with(&marker), 0, "processes outlived the run");
}

#[tokio::test]
async fn the_network_is_unreachable() {
    let executor = executor();
    let (port, accepted) = listener().await;
    if Path::new("/usr/bin/python3").exists() {
        let code = format!(
            "import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('connected')"
        );
        let output = run(&executor, "python3", &["-I", "-S", "-c", &code]).await;
        assert!(!output.stdout.contains("connected"), "{output:?}");
        assert_ne!(output.outcome, Outcome::Exited { code: 0 });
    }
    if Path::new("/usr/bin/curl").exists() {
        let url = format!("http://127.0.0.1:{port}/");
        let script = format!("exec /usr/bin/curl -sS -m 2 {url}");
        let output = run(&executor, "sh", &["-c", &script]).await;
        assert_ne!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "a connection left the sandbox"
    );
}

#[tokio::test]
async fn memory_is_capped() {
    let executor = executor();
    if !Path::new("/usr/bin/python3").exists() {
        return;
    }
    let output = run(
        &executor,
        "python3",
        &[
            "-I",
            "-S",
            "-c",
            "x = bytearray(1 << 30)\nprint('allocated')",
        ],
    )
    .await;
    assert!(!output.stdout.contains("allocated"), "{output:?}");
    assert!(output.stderr.contains("MemoryError"), "{output:?}");
}

#[tokio::test]
async fn the_environment_does_not_leak() {
    let executor = executor();
    if !Path::new("/usr/bin/env").exists() {
        return;
    }
    let output = run(&executor, "env", &[]).await;
    let mut names: Vec<&str> = output
        .stdout
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["LANG", "PATH"], "{output:?}");
    assert!(
        std::env::vars().any(|(k, _)| k != "LANG" && k != "PATH"),
        "this process has more"
    );
}

/// What the code is: its uid and gid, its capability sets, `no_new_privs`.
const IDENTITY: &str = r#"
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]
header, data = Header(0x20080522, 0), (Data * 2)()
assert libc.capget(ctypes.byref(header), data) == 0
held = sum(d.effective | d.permitted | d.inheritable for d in data)
bounding = sum(libc.prctl(23, c, 0, 0, 0) == 1 for c in range(64))
ambient = sum(libc.prctl(47, 2, c, 0, 0) == 1 for c in range(64))
print(os.getuid(), os.geteuid(), os.getgid(), held, bounding, ambient, libc.prctl(39, 0, 0, 0, 0))
"#;

#[tokio::test]
async fn the_code_runs_as_a_non_root_uid_without_any_capability() {
    assert!(has_python(), "this suite needs /usr/bin/python3");
    let executor = executor();
    let output = run(&executor, "python3", &["-I", "-S", "-c", IDENTITY]).await;
    assert_eq!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    let fields: Vec<u64> = output
        .stdout
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    let [uid, euid, gid, held, bounding, ambient, no_new_privs] = fields[..] else {
        panic!("{output:?}");
    };
    assert!(
        uid != 0 && euid != 0 && gid != 0,
        "runs as root: {output:?}"
    );
    assert_eq!(
        (held, bounding, ambient),
        (0, 0, 0),
        "capabilities (held, in the bounding set, ambient): {output:?}"
    );
    assert_eq!(no_new_privs, 1, "{output:?}");
}

/// Landlock ABI 4 and the network namespace do not stop a connect to a pathname Unix socket
/// (docker.sock, D-Bus): the test listens on one outside the scratch directory, open to every
/// uid, and no connection may arrive.
#[tokio::test]
async fn a_unix_socket_outside_the_scratch_directory_is_unreachable() {
    use std::os::unix::fs::PermissionsExt;
    assert!(has_python(), "this suite needs /usr/bin/python3");
    let dir = tempfile::Builder::new()
        .prefix("exec-unix")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("daemon.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let accepting = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let code = format!(
        "import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({:?})\nprint('connected')",
        path.display().to_string()
    );
    let output = run(&executor(), "python3", &["-I", "-S", "-c", &code]).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    accepting.abort();
    assert!(!output.stdout.contains("connected"), "{output:?}");
    assert_ne!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    assert!(output.stderr.contains("Error"), "{output:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "a connection reached the Unix socket"
    );
}

/// Kernel interfaces untrusted code never needs, each called directly: every one must fail
/// with EPERM (seccomp), while threads and asyncio (a socketpair) still work.
const KERNEL_SURFACE: &str = r#"
import asyncio, ctypes, os, socket, threading
libc = ctypes.CDLL(None, use_errno=True)
x86 = os.uname().machine == "x86_64"
numbers = {"keyctl": (250, 219), "bpf": (321, 280), "perf_event_open": (298, 241),
           "userfaultfd": (323, 282), "setns": (308, 268), "clone": (56, 220),
           "io_uring_setup": (425, 425)}
def nr(name):
    return numbers[name][0 if x86 else 1]
def call(name, f):
    ctypes.set_errno(0)
    result = f()
    if result == 0 and name == "clone(CLONE_NEWUSER)":
        os._exit(0)
    print(name, result, ctypes.get_errno())
def sock(family, kind):
    try:
        socket.socket(family, kind).close()
        return 0
    except OSError as e:
        ctypes.set_errno(e.errno)
        return -1
call("unshare(CLONE_NEWUSER)", lambda: libc.unshare(0x10000000))
call("unshare(CLONE_NEWNET)", lambda: libc.unshare(0x40000000))
call("clone(CLONE_NEWUSER)", lambda: libc.syscall(nr("clone"), 0x10000000 | 17, 0, 0, 0, 0))
call("ptrace(TRACEME)", lambda: libc.ptrace(0, 0, 0, 0))
call("mount", lambda: libc.mount(b"none", b".", b"tmpfs", 0, None))
call("keyctl", lambda: libc.syscall(nr("keyctl"), 0, -3, 0, 0, 0))
call("bpf", lambda: libc.syscall(nr("bpf"), 0, 0, 0))
call("perf_event_open", lambda: libc.syscall(nr("perf_event_open"), 0, 0, -1, -1, 0))
call("userfaultfd", lambda: libc.syscall(nr("userfaultfd"), 0))
call("setns", lambda: libc.syscall(nr("setns"), 0, 0))
call("io_uring_setup", lambda: libc.syscall(nr("io_uring_setup"), 1, 0))
call("socket(AF_UNIX)", lambda: sock(socket.AF_UNIX, socket.SOCK_STREAM))
call("socket(AF_NETLINK)", lambda: sock(socket.AF_NETLINK, socket.SOCK_RAW))
call("socket(AF_PACKET)", lambda: sock(socket.AF_PACKET, socket.SOCK_RAW))
t = threading.Thread(target=lambda: None); t.start(); t.join()
asyncio.run(asyncio.sleep(0))
print("threads and asyncio work")
"#;

#[tokio::test]
async fn kernel_interfaces_the_code_never_needs_are_refused_with_eperm() {
    assert!(has_python(), "this suite needs /usr/bin/python3");
    let output = run(&executor(), "python3", &["-I", "-S", "-c", KERNEL_SURFACE]).await;
    assert_eq!(output.outcome, Outcome::Exited { code: 0 }, "{output:?}");
    let mut calls = 0;
    for line in output.stdout.lines() {
        if line == "threads and asyncio work" {
            continue;
        }
        calls += 1;
        let (name, rest) = line.split_once(' ').unwrap();
        assert_eq!(
            rest, "-1 1",
            "{name} was not refused with EPERM: {output:?}"
        );
    }
    assert_eq!(calls, 14, "{output:?}");
    assert!(
        output.stdout.ends_with("threads and asyncio work\n"),
        "{output:?}"
    );
}

#[tokio::test]
async fn the_scratch_directory_holds_only_so_many_bytes_and_files() {
    // EXEC_SCRATCH_BYTES keeps its default: 16 MiB, and 4096 inodes. 300 files of 64 KiB
    // (each within EXEC_MAX_FILE_BYTES) make 18.75 MiB.
    assert!(has_python(), "this suite needs /usr/bin/python3");
    let executor = executor();
    let bytes = "for i in range(300):\n    with open(f'f{i}', 'wb') as f:\n        \
                 f.write(bytes(65536))\nprint('filled')";
    let output = run(&executor, "python3", &["-I", "-S", "-c", bytes]).await;
    assert_eq!(output.outcome, Outcome::Exited { code: 1 }, "{output:?}");
    assert!(!output.stdout.contains("filled"), "{output:?}");
    assert!(output.stderr.contains("No space left"), "{output:?}");
    let files = "i=0; while [ $i -lt 6000 ]; do true > e$i || exit 4; i=$((i+1)); done; echo made";
    let output = run(&executor, "sh", &["-c", files]).await;
    assert_eq!(output.outcome, Outcome::Exited { code: 4 }, "{output:?}");
    assert!(output.stderr.contains("No space left"), "{output:?}");
}

#[tokio::test]
async fn runs_beyond_the_concurrency_cap_wait_then_fail_as_busy() {
    let executor = executor_with(&[
        ("EXEC_MAX_CONCURRENT", "1"),
        ("EXEC_QUEUE_TIMEOUT_MS", "300"),
    ]);
    let first = {
        let executor = executor.clone();
        tokio::spawn(async move { run(&executor, "sh", &["-c", "sleep 1.5; echo first"]).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    match executor.run("echo", &["second".into()], None).await {
        Err(error @ ExecError::Busy(_)) => {
            assert!(error.to_string().contains("EXEC_MAX_CONCURRENT"), "{error}");
            assert!(error.is_policy());
        }
        other => panic!("a second run at once: {other:?}"),
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(1200),
        "{waited:?}"
    );
    assert_eq!(first.await.unwrap().stdout, "first\n");
    // The slot is free again.
    assert_eq!(run(&executor, "echo", &["third"]).await.stdout, "third\n");
}

/// Three processes of 80 MiB each: each is under the per-process limit (128 MiB), the run is
/// not (a cgroup's memory.max of 128 MiB). `EXEC_ISOLATION=strict` insists on the cgroup.
const MEMORY_SPREAD: &str = r#"
import os, time
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (80 << 20)
        time.sleep(0.5)
        os._exit(0)
    children.append(pid)
survivors = sum(os.waitpid(pid, 0)[1] == 0 for pid in children)
print("survivors", survivors)
"#;

#[tokio::test]
async fn a_run_s_memory_is_capped_as_a_whole_where_a_cgroup_is_available() {
    assert!(has_python(), "this suite needs /usr/bin/python3");
    let executor = executor_with(&[("EXEC_ISOLATION", "strict")]);
    let args = ["-I", "-S", "-c", MEMORY_SPREAD].map(String::from);
    match executor.run("python3", &args, None).await {
        Ok(output) => {
            assert!(output.missing_isolation.is_empty(), "{output:?}");
            assert!(!output.stdout.contains("survivors 3"), "{output:?}");
        }
        Err(ExecError::IsolationUnavailable(reason)) if reason.contains("no per-run cgroup") => {
            // The host has no cgroup to give: strict refuses (checked here), required falls
            // back to per-process limits (EXEC_ISOLATION's documented semantics).
            assert!(
                reason.contains("Delegate="),
                "says how to enable it: {reason}"
            );
            eprintln!("skipping the run-wide memory check: {reason}");
        }
        Err(other) => panic!("{other}"),
    }
}
