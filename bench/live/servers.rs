//! The servers of the live bench: `dtlint mock`, `dtlint proxy` and a plain nginx, each
//! started on 127.0.0.1, its process ids written down for bench/live.sh's cleanup, and
//! stopped when dropped; and the CPU time a process has used.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server the bench started: its process, the address it listens on and the processes
/// whose CPU is its cost (for nginx, the master and its worker).
pub struct Server {
    child: Child,
    pub address: String,
    pub pids: Vec<u32>,
    /// Everything a dtlint server wrote to standard error after its first line.
    said: Option<std::sync::Arc<std::sync::Mutex<String>>>,
    /// The ports an nginx listens on, in the order its configuration named them.
    pub ports: Vec<u16>,
}

impl Server {
    /// Stops the server and returns what it wrote to standard error (dtlint's summary).
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let said = self.said.take();
        // The reader thread ends with the pipe: give it a moment to take the last lines.
        std::thread::sleep(Duration::from_millis(100));
        said.map(|s| s.lock().expect("lock").clone())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already stopped (`stop`): its process id may be another's by now.
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // TERM: dtlint ends its sessions, nginx's master stops its worker and then itself.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Appends process ids to WORK/pids, which bench/live.sh reads to stop whatever is left
/// should the bench end early.
fn note_pids(work: &Path, pids: &[u32]) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(work.join("pids"))
        .expect("WORK/pids opens");
    for pid in pids {
        writeln!(file, "{pid}").expect("WORK/pids is written");
    }
}

/// Starts `dtlint ARGS` and waits for the address on the first line of its standard error.
pub fn dtlint(dtlint: &str, work: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(dtlint)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dtlint starts");
    note_pids(work, &[child.id()]);
    let mut reader = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("dtlint's standard error");
    // Keep reading stderr so the server never blocks on a full pipe; the text is kept for
    // the summary dtlint writes when it stops (a few lines: findings are not written there).
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let kept = std::sync::Arc::clone(&said);
    std::thread::spawn(move || {
        let mut text = String::new();
        while reader.read_line(&mut text).unwrap_or(0) > 0 {
            let mut kept = kept.lock().expect("lock");
            if kept.len() < 1 << 20 {
                kept.push_str(&text);
            }
            text.clear();
        }
    });
    let address = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split([' ', ',', '\n']).next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let pids = vec![child.id()];
    Server {
        child,
        address,
        pids,
        said: Some(said),
        ports: Vec::new(),
    }
}

/// nginx's configuration: one worker, keep-alive to the upstream, no access log, buffering
/// as default, every path under `dir` so nothing in /etc/nginx or /var is touched.
fn nginx_conf(dir: &Path, listen: u16, upstream: &str) -> String {
    let mut conf = nginx_head(dir);
    write!(
        conf,
        r#"    upstream dtlint_mock {{
        server {upstream};
        keepalive 32;
        # Default 1000: past it nginx would open a new connection to the mock.
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{listen};
        # Default 1000: past it nginx would close the bench's connection.
        keepalive_requests 1000000;
        location / {{
            proxy_pass http://dtlint_mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }}
    }}
}}
"#
    )
    .expect("a String takes writes");
    conf
}

/// The start of every nginx configuration of the bench, up to and with `http {`: one worker,
/// no access log, every path under `dir`.
pub fn nginx_head(dir: &Path) -> String {
    let d = dir.display();
    let mut conf = String::new();
    // Workers of a master started by root would run as nobody, who cannot enter the bench's
    // private temp directory.
    if is_root() {
        conf.push_str("user root;\n");
    }
    write!(
        conf,
        r#"daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
"#
    )
    .expect("a String takes writes");
    conf
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// A port free on 127.0.0.1 a moment ago (nginx cannot be told to take any port).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The children of a process, from /proc.
fn children(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if stat_fields(pid).get(1).and_then(|f| f.parse().ok()) == Some(parent) {
            found.push(pid);
        }
    }
    found
}

/// Starts nginx in front of `upstream` (host:port), with its prefix, configuration, pid,
/// logs and temp paths in WORK/nginx, and waits until it accepts connections and its one
/// worker runs. A few tries, should another program take the chosen port meanwhile.
pub fn nginx(nginx: &str, work: &Path, upstream: &str) -> Server {
    nginx_with(nginx, work, "nginx", 1, &|dir, ports| {
        nginx_conf(dir, ports[0], upstream)
    })
}

/// Starts nginx with the configuration `conf` makes for its folder (WORK/NAME) and `listen`
/// free ports, and waits until it accepts connections on the first and its one worker runs.
pub fn nginx_with(
    nginx: &str,
    work: &Path,
    name: &str,
    listen: usize,
    conf: &dyn Fn(&Path, &[u16]) -> String,
) -> Server {
    let dir: PathBuf = work.join(name);
    std::fs::create_dir_all(&dir).expect("WORK/NAME is made");
    for _ in 0..3 {
        let ports: Vec<u16> = (0..listen).map(|_| free_port()).collect();
        let port = ports[0];
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf(&dir, &ports)).expect("nginx.conf is written");
        let conf = conf_path.as_path();
        let mut child = Command::new(nginx)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts");
        note_pids(work, &[child.id()]);
        let address = format!("127.0.0.1:{port}");
        let until = Instant::now() + Duration::from_secs(10);
        let mut workers = Vec::new();
        while Instant::now() < until {
            if child.try_wait().expect("nginx's status").is_some() {
                break;
            }
            workers = children(child.id());
            if workers.len() == 1 && TcpStream::connect(&address).is_ok() {
                note_pids(work, &workers);
                let pids = vec![child.id(), workers[0]];
                return Server {
                    child,
                    address,
                    pids,
                    said: None,
                    ports,
                };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "nginx did not come up on {address} with one worker (workers {workers:?}); error log:\n{}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        drop(Server {
            child,
            address,
            pids: Vec::new(),
            said: None,
            ports: Vec::new(),
        });
    }
    panic!("nginx did not start; see its error log above");
}

/// The fields of /proc/PID/stat after the command name (which may hold spaces): state, ppid,
/// …, utime is the 12th and stime the 13th.
fn stat_fields(pid: u32) -> Vec<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// CPU time (user + system, all threads) the processes have used so far, in clock ticks.
pub fn cpu_ticks(pids: &[u32]) -> u64 {
    pids.iter()
        .map(|&pid| {
            let fields = stat_fields(pid);
            let field = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            field(11) + field(12)
        })
        .sum()
}
