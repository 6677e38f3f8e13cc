//! `dtlint mock` and `dtlint proxy`: their flags resolved, the listener bound (so a busy port
//! or a remote address fails before anything starts), then the library's live side run.

use std::io::{self, IsTerminal, Write};
use std::net::{TcpListener, ToSocketAddrs};
use std::time::Duration;

use dtlint::live::upstream::{Connector, Egress, Reach, Routes, Trust, Upstream};
use dtlint::live::{mock, proxy, users::Directory, Limits, Rotation};
use dtlint::report::{self, Reporter, Style};
use dtlint::Severity;

use super::cli::{ColorChoice, FailOn, ListenArgs, MockArgs, ProxyArgs};
use super::{profile, ExitStatus, RunError};

/// Largest request body the mock reads; the platform's parameters are a few dozen bytes.
const MOCK_MAX_BODY: u64 = 1 << 20;

fn usage(message: String) -> RunError {
    RunError::Usage(miette::miette!("{message}"))
}

/// Binds `--listen`, refusing an address other machines reach unless `--allow-remote`.
fn bind(args: &ListenArgs) -> Result<TcpListener, RunError> {
    let addresses: Vec<_> = args
        .listen
        .to_socket_addrs()
        .map_err(|e| usage(format!("--listen {}: not an address: {e}", args.listen)))?
        .collect();
    if !args.allow_remote {
        if let Some(remote) = addresses.iter().find(|a| !a.ip().is_loopback()) {
            return Err(RunError::Usage(miette::miette!(
                help = "pass --allow-remote as well to listen where other machines can connect",
                "--listen {}: {remote} is reachable from other machines",
                args.listen
            )));
        }
    }
    TcpListener::bind(&addresses[..])
        .map_err(|e| usage(format!("--listen {}: cannot listen: {e}", args.listen)))
}

fn seconds(flag: &str, value: f64) -> Result<Duration, RunError> {
    if value.is_finite() && value > 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(usage(format!(
            "--{flag} {value}: give a positive number of seconds"
        )))
    }
}

/// The connection limits of `--listen`'s flags, with `max_size` the largest request body.
fn limits(args: &ListenArgs, max_size: u64) -> Result<Limits, RunError> {
    Ok(Limits {
        max_connections: args.max_connections.max(1),
        queue_timeout: seconds("queue-timeout", args.queue_timeout)?,
        head_timeout: seconds("head-timeout", args.head_timeout)?,
        idle_timeout: seconds("idle-timeout", args.idle_timeout)?,
        body_timeout: seconds("body-timeout", args.body_timeout)?,
        body_min_rate: args.body_min_rate,
        write_timeout: seconds("write-timeout", args.write_timeout)?,
        max_size: usize::try_from(max_size).unwrap_or(usize::MAX),
        memory: usize::try_from(args.memory).unwrap_or(usize::MAX),
    })
}

/// The start line tests and scripts read the bound address from.
fn announce(what: &str, listener: &TcpListener, rest: &str) -> Result<(), RunError> {
    let address = listener.local_addr()?;
    let mut err = io::stderr().lock();
    writeln!(err, "dtlint {what}: listening on http://{address}{rest}")?;
    err.flush()?;
    Ok(())
}

pub fn mock(args: &MockArgs) -> Result<ExitStatus, RunError> {
    let resolved = profile::resolve(&args.settings())?;
    let caller = resolved.settings.caller;
    let directory = match (&args.users, args.generate) {
        (Some(path), _) => Directory::load(path).map_err(usage)?,
        (None, Some(count)) => Directory::generate(count, args.seed, caller.corp_id.as_deref()),
        (None, None) => {
            return Err(RunError::Usage(miette::miette!(
                help = "--generate 50 serves 50 made-up users; --users FILE serves answers you captured (JSON, NDJSON or a HAR)",
                "the mock needs users to answer with"
            )))
        }
    };
    let mock = mock::Mock::new(directory, caller, &args.token, args.seed)
        .with_token_lifetime(Duration::from_secs(args.token_lifetime));
    let limits = limits(&args.listen, MOCK_MAX_BODY)?;
    let listener = bind(&args.listen)?;
    let (users, skipped) = mock.users();
    let skipped = match skipped {
        0 => String::new(),
        n => format!(
            ", {} passed over",
            report::count(n as u64, "unreadable line", "unreadable lines")
        ),
    };
    let users = report::count(users as u64, "user", "users");
    announce("mock", &listener, &format!(" ({users}{skipped})"))?;
    let server = mock::serve(mock, listener, limits)?;
    if let Some(cut) = server.tally().describe() {
        let mut err = io::stderr().lock();
        writeln!(err, "dtlint mock: stopped; connections cut: {cut}")?;
    }
    Ok(ExitStatus::Clean)
}

pub fn proxy(args: &ProxyArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let mut resolved = profile::resolve(&args.settings)?;
    let human = args.format == report::Format::Human;
    resolved.settings.needs.excerpts = human;
    let upstream = Upstream::parse(&args.upstream).map_err(usage)?;
    let seconds = |flag: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(Duration::from_secs_f64(value))
        } else {
            Err(usage(format!(
                "{flag} {value}: give a positive number of seconds"
            )))
        }
    };
    let timeout = seconds("--timeout", args.timeout)?;
    let reach = Reach {
        trust: Trust::load(&args.upstream_ca).map_err(usage)?,
        egress: Egress::choose(args.egress_proxy.as_deref(), args.no_proxy.as_deref())
            .map_err(usage)?,
        routes: Routes::parse(&args.connect_to, &args.resolve).map_err(usage)?,
        connect_timeout: seconds("--connect-timeout", args.connect_timeout)?,
    };
    let mut reaching = vec![format!("upstream {}", upstream.shown())];
    if upstream.is_https() {
        reaching.push(format!("TLS trusting {}", reach.trust.describe()));
        reaching.push(reach.egress.describe());
    }
    reaching.extend(reach.routes.describe());
    let connector = Connector::new(reach).map_err(usage)?;
    let config = proxy::Config {
        upstream,
        connector,
        limits: limits(&args.listen, args.max_request_size)?,
        max_answer: usize::try_from(args.max_size).unwrap_or(usize::MAX),
        timeout,
        fail_on: args.fail_on.map(|level| match level {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }),
    };
    let record = match &args.record {
        Some(path) => Some(
            dtlint::live::Recorder::start(
                path,
                resolved.settings.show_values,
                Rotation {
                    max_bytes: args.record_max_size,
                    max_entries: args.record_max_entries,
                },
            )
            .map_err(|e| {
                usage(format!(
                    "--record {}: cannot write the file: {e}",
                    path.display()
                ))
            })?,
        ),
        None => None,
    };
    let mut file = match &args.output {
        Some(path) => Some(io::LineWriter::new(std::fs::File::create(path).map_err(
            |e| {
                usage(format!(
                    "--output {}: cannot write the file: {e}",
                    path.display()
                ))
            },
        )?)),
        None => None,
    };
    let listener = bind(&args.listen)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && io::stderr().is_terminal()
        }
    };
    let style = Style {
        color,
        width: None,
        statistics: false,
        concise: false,
    };
    let mut err = io::stderr();
    let target: &mut dyn Write = match (&mut file, human) {
        (Some(file), _) => file,
        (None, true) => &mut err,
        (None, false) => out,
    };
    let mut shown = report::reporter(args.format, style, target);
    let reporters: Vec<&mut dyn Reporter> = vec![shown.as_mut()];
    announce(
        "proxy",
        &listener,
        &format!(", forwarding to {}", args.upstream.trim_end_matches('/')),
    )?;
    // How the upstream is reached, said once: a user in a company network sees which roots,
    // which egress proxy (never its credentials) and which routes are in force.
    writeln!(io::stderr().lock(), "dtlint proxy: {}", reaching.join("; "))?;
    let (ended, counts) = proxy::run(
        config,
        listener,
        &resolved.settings,
        &resolved.suppressions,
        reporters,
        record,
    )?;
    drop(shown);
    if let Some(file) = &mut file {
        file.flush()?;
    }
    // The report's own summary went to a file or standard output: standard error still says
    // how the session ended.
    if !(human && args.output.is_none()) {
        let s = &ended.summary;
        let mut err = io::stderr().lock();
        writeln!(
            err,
            "dtlint proxy: {}; {}, {}, {}",
            proxy::describe(&counts),
            report::count(s.errors, "error", "errors"),
            report::count(s.warnings, "warning", "warnings"),
            report::count(s.infos, "info", "infos")
        )?;
    }
    Ok(ended.status(resolved.deny_warnings))
}
