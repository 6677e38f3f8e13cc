//! The command line, declared with clap's derive; nothing here reads or writes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[cfg(feature = "live")]
use super::settings::CallerArgs;
use super::settings::SettingsArgs;
use dtlint::report::{self, Format};
use dtlint::run::InputFormat;
use dtlint::{AppType, Permission};

#[derive(Debug, Parser)]
#[command(
    name = "dtlint",
    version,
    about = "Validate and lint captured DingTalk topapi/v2/user/get responses",
    long_about = "Validate and lint captured responses of DingTalk's POST /topapi/v2/user/get against a schema built from its documentation, and check which fields the calling app may receive."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check response files, folders or standard input.
    ///
    /// Findings are written as each input (or each batch of 512 NDJSON lines or HAR entries)
    /// is checked, in the same order whatever the number of threads. Exit codes: 0 no finding
    /// at error severity, 1 at least one, 2 a usage error or an unreadable input, 130 stopped
    /// by Ctrl-C (what was read is reported, in whole lines).
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules(RulesArgs),
    /// Show one rule's documentation.
    Explain {
        /// A rule code (DT201) or name (quoted-boolean).
        rule: String,
    },
    /// Show which fields each kind of caller may receive, from the schema's annotations.
    Fields(FieldsArgs),
    /// Record the current findings of PATHS in a baseline file, for --baseline.
    Baseline(Box<BaselineArgs>),
    /// Write the exposure audit: every documented field, who may receive it, how often it was exposed.
    Audit(Box<AuditArgs>),
    /// Join the partial results of shards (`check --partial`, `audit --partial`) into what one
    /// run over all their inputs would have written.
    ///
    /// Lines of framed records are numbered over their whole source, suppressions and the
    /// baseline are applied once over the whole (DT901 and DT902 judged once), and an audit's
    /// apps and examples are chosen as one run would. Give it the profile the shards were given.
    /// Exit codes as `check` (an audit: 1 when something was exposed); a partial result that
    /// cannot be read or did not finish is reported and exits 2.
    Merge(Box<MergeArgs>),
    /// Write the schema as plain JSON Schema 2020-12, or an OpenAPI 3.1 document of the endpoint.
    ///
    /// With a caller (--profile FILE, --app-type, --permission), the members of `result` it
    /// may not receive are marked: `x-dtlint-withheld` (why), `deprecated: true` and a note in
    /// the description; they stay optional. No dtlint.toml is looked up.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Serve a stand-in for the endpoint: POST /topapi/v2/user/get and GET /gettoken, answered
    /// as the platform does, each user's `result` filtered for the caller of the profile.
    #[cfg(feature = "live")]
    Mock(Box<MockArgs>),
    /// Forward every request to UPSTREAM unchanged and check each user/get exchange as a HAR
    /// entry is checked, reporting findings as they come.
    ///
    /// Exit codes at Ctrl-C or SIGTERM, after the summary: 0 no finding at error severity,
    /// 1 at least one, 2 an error.
    #[cfg(feature = "live")]
    Proxy(Box<ProxyArgs>),
    /// Write a copy of a capture without credentials and with personal values masked, for
    /// tickets: whatever `check` reads, found and told apart as `check` does it.
    ///
    /// A HAR (with the bodies Playwright keeps beside it in `_file`, or its zip archive), a
    /// JSON body, NDJSON, an application log, a VCR cassette, any of them gzip- or
    /// zstd-compressed (the copy is compressed the same way), or a folder of them; files that
    /// `check` passes over are passed over and counted. Every entry and every place in it is
    /// redacted, whatever its host or path; text that is not JSON (a log line without a body,
    /// a line cut short) is scrubbed by pattern. Each copy is read back before it is kept: if
    /// any removed value is still in it, that copy is not written.
    ///
    /// A file that cannot be copied (broken compressed data or HAR, text that is not UTF-8, a
    /// line or body over --max-size, a failed read-back) is named on standard error with where
    /// it stopped, and the other files are still written. Exit codes: 0 every capture was
    /// copied, 2 at least one file could not be (or the run could not start).
    Redact {
        /// The capture to redact: a file `check` reads, or a folder of them.
        input: PathBuf,
        /// Where to write the copy (a folder when INPUT is a folder); never INPUT itself.
        #[arg(short = 'o', long = "out", value_name = "PATH")]
        out: PathBuf,
        /// Keep personal values (credentials are removed all the same).
        #[arg(long)]
        show_values: bool,
        /// Largest body or line read, and what a compressed input may inflate to, as for
        /// `check` (suffixes K, M, G).
        #[arg(long, value_name = "SIZE", default_value = "8M", value_parser = parse_size)]
        max_size: u64,
    },
}

/// Where `proxy` listens by default.
#[cfg(feature = "live")]
pub const PROXY_LISTEN: &str = "127.0.0.1:8787";
/// Where `mock` listens by default: the next port, so a proxy can stand in front of it.
#[cfg(feature = "live")]
pub const MOCK_LISTEN: &str = "127.0.0.1:8788";

/// Where `mock` and `proxy` listen.
#[cfg(feature = "live")]
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to listen on (port 0: any free port; the address is printed at start).
    #[arg(long, value_name = "ADDR", default_value = PROXY_LISTEN)]
    pub listen: String,
    /// Allow --listen to name an address other machines can reach.
    #[arg(long)]
    pub allow_remote: bool,
    /// Connections served at once. One arriving past this takes the place of a connection
    /// that only waits on its client, or waits --queue-timeout for one and is then refused (503).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 256,
        help_heading = "Connection limits"
    )]
    pub max_connections: usize,
    /// How long a connection past --max-connections waits for a place, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 5.0,
        help_heading = "Connection limits"
    )]
    pub queue_timeout: f64,
    /// How long a client may take to send a complete request head, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        help_heading = "Connection limits"
    )]
    pub head_timeout: f64,
    /// How long a kept-alive connection may wait for its next request, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 60.0,
        help_heading = "Connection limits"
    )]
    pub idle_timeout: f64,
    /// The grace a request body gets, in seconds; past it, it must average --body-min-rate.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        help_heading = "Connection limits"
    )]
    pub body_timeout: f64,
    /// The slowest a request body may come after its grace, in bytes a second (suffixes K, M).
    #[arg(long, value_name = "SIZE", default_value = "1K", value_parser = parse_size, help_heading = "Connection limits")]
    pub body_min_rate: u64,
    /// How long writing an answer may make no progress (a client that does not read), in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        help_heading = "Connection limits"
    )]
    pub write_timeout: f64,
    /// Memory for bodies held at once, all connections together (suffixes K, M, G).
    #[arg(long, value_name = "SIZE", default_value = "32M", value_parser = parse_size, help_heading = "Connection limits")]
    pub memory: u64,
}

#[cfg(feature = "live")]
#[derive(Debug, Args)]
// Not the proxy's port: the two run together, the proxy in front of the mock.
#[command(mut_arg("listen", |a| a.default_value(MOCK_LISTEN)))]
pub struct MockArgs {
    #[command(flatten)]
    pub listen: ListenArgs,
    /// The user directory: successful answers or `result` objects as JSON, NDJSON or a HAR.
    /// One of --users or --generate is needed.
    #[arg(long, value_name = "FILE", conflicts_with = "generate")]
    pub users: Option<PathBuf>,
    /// Serve N generated users instead (with --seed).
    #[arg(long, value_name = "N")]
    pub generate: Option<usize>,
    /// The seed of generated users, request ids and issued tokens.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// A token accepted besides those /gettoken issues (repeatable); it never expires.
    #[arg(long, value_name = "TOKEN")]
    pub token: Vec<String>,
    /// How long a token /gettoken issues is good for, in seconds (the platform's expires_in).
    #[arg(long, value_name = "SECONDS", default_value_t = 7200)]
    pub token_lifetime: u64,
    #[command(flatten)]
    pub caller: CallerArgs,
    /// Profile file to use instead of the dtlint.toml found in this folder or its parents.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Ignore any dtlint.toml.
    #[arg(long, conflicts_with = "profile")]
    pub no_profile: bool,
}

#[cfg(feature = "live")]
impl MockArgs {
    /// The mock's caller as the settings of a checking command, with no rule flags.
    pub fn settings(&self) -> SettingsArgs {
        SettingsArgs {
            caller: self.caller.clone(),
            profile: self.profile.clone(),
            no_profile: self.no_profile,
            ..SettingsArgs::default()
        }
    }
}

/// The findings that make `proxy` answer 502.
#[cfg(feature = "live")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[cfg(feature = "live")]
#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// The one server requests are forwarded to: https://…, or http:// to this machine.
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    #[command(flatten)]
    pub listen: ListenArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Report format (human goes to standard error, others to standard output).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the session as a HAR, redacted as `dtlint redact` does.
    #[arg(long, value_name = "FILE.har")]
    pub record: Option<PathBuf>,
    /// Begin a new file (FILE.2.har, FILE.3.har…) before a recording would pass SIZE
    /// (suffixes K, M, G); each file is a whole HAR.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, requires = "record")]
    pub record_max_size: Option<u64>,
    /// Begin a new file after N entries.
    #[arg(long, value_name = "N", requires = "record", value_parser = clap::value_parser!(u64).range(1..))]
    pub record_max_entries: Option<u64>,
    /// Answer HTTP 502, with a JSON body naming the findings, for an exchange with findings at
    /// this severity or above.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Largest answer forwarded, and largest a compressed answer may decode to (suffixes K, M,
    /// G). A user/get answer is a few kilobytes; checking one costs several times its size.
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = parse_size)]
    pub max_size: u64,
    /// Largest request body forwarded: the platform's parameters are a few dozen bytes.
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_request_size: u64,
    /// How long the upstream may take to answer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// How long each step of opening an upstream connection may take, in seconds: TCP, the
    /// egress proxy's tunnel, the TLS handshake.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Also trust the certificate authorities in FILE (PEM), on top of the system's trust
    /// store (Mozilla's bundled roots where the system has none). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub upstream_ca: Vec<PathBuf>,
    /// Reach an https:// upstream through this egress proxy, http://[USER:PASSWORD@]HOST:PORT,
    /// with CONNECT; replaces HTTPS_PROXY and ALL_PROXY. An empty URL: none.
    #[arg(long, value_name = "URL")]
    pub egress_proxy: Option<String>,
    /// Hosts reached directly, not through the egress proxy; replaces NO_PROXY. Names (each
    /// with its subdomains), IP addresses or networks, separated by commas or blanks; `*` for
    /// all.
    #[arg(long, value_name = "HOSTS")]
    pub no_proxy: Option<String>,
    /// Connect to CONNECT-HOST:CONNECT-PORT when the upstream is HOST:PORT, as curl's: the
    /// Host header, SNI and the certificate's check keep the upstream's name. Repeatable.
    #[arg(long, value_name = "HOST:PORT:CONNECT-HOST:CONNECT-PORT")]
    pub connect_to: Vec<String>,
    /// Use ADDR for HOST on PORT instead of DNS, as curl's (ADDR[,ADDR…], [..] around IPv6).
    /// Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// When to colour human output (NO_COLOR is honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    JsonSchema,
    Openapi,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// json-schema: one body's schema; openapi: the endpoint (and GET /gettoken) as OpenAPI 3.1.
    #[arg(long, value_enum, default_value_t = SchemaFormat::JsonSchema)]
    pub format: SchemaFormat,
    /// With json-schema: the response schema, or dtlint's request schema ({method, query, body}).
    #[arg(long, value_enum, default_value_t = dtlint::export::Part::Response, hide_possible_values = true, value_name = "response|request")]
    pub part: dtlint::export::Part,
    /// Mark the members this profile's caller may not receive.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// The calling app's type (wins over the profile's).
    #[arg(long, value_enum)]
    pub app_type: Option<AppType>,
    /// A Contacts permission the app holds (repeatable; wins over the profile's).
    #[arg(long, value_enum)]
    pub permission: Vec<Permission>,
    /// Write the document here instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Html,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
// The audit's exit code is about exposures: --deny warnings has nothing to act on (refused).
#[command(mut_arg("deny", |a| a.hide(true)))]
pub struct AuditArgs {
    /// Files, folders or - for standard input [default: the current folder], read as `check`
    /// reads them.
    #[arg(value_name = "PATH", default_value = ".", hide_default_value = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[arg(long, value_enum, default_value_t = AuditFormat::Html)]
    pub format: AuditFormat,
    /// Write the report here instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Write this shard's partial audit (every app, examples with where they stand) for
    /// `dtlint merge`, instead of the report.
    #[arg(long, conflicts_with_all = ["format", "out"])]
    pub partial: bool,
    /// Exit 0 even when something was exposed; unreadable inputs and usage errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    Human,
    Json,
    Ndjson,
    Sarif,
    Junit,
    Github,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial results: files, or folders of them (as Spark writes them; `_SUCCESS`, hidden
    /// and `.crc` files are passed over).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Output format: for findings human (default), json, ndjson, sarif, junit, github or
    /// markdown; for an audit html (default), markdown or json.
    #[arg(long, value_enum)]
    pub format: Option<MergeFormat>,
    /// Group findings by rule and pointer with counts (human, json).
    #[arg(long)]
    pub statistics: bool,
    /// Hide the findings recorded in this baseline file; report entries that no longer occur
    /// (DT901), judged once over every shard.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the report here instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 even when findings would fail the run; unreadable partial results still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
}

#[derive(Debug, Args)]
// A baseline records fingerprints: it neither fails on warnings nor shows values (refused).
#[command(mut_arg("deny", |a| a.hide(true)), mut_arg("show_values", |a| a.hide(true)))]
pub struct BaselineArgs {
    /// Files, folders or - for standard input [default: the current folder], read as `check`
    /// reads them.
    #[arg(value_name = "PATH", default_value = ".", hide_default_value = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// The baseline file to write.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "FILE",
        default_value = "dtlint-baseline.json"
    )]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How much of each finding the human format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Each finding with its source snippet, the offending value underlined, and help.
    Full,
    /// One line per finding, `path:line:col: CODE message`, for runs with many findings.
    Concise,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or - for standard input [default: the current folder]. Folders are walked
    /// for captures: .json, .ndjson/.jsonl, .har, .zip, .log and cassettes (.yaml/.yml), each
    /// also compressed (.gz, .zst); a .json that names none of an answer's members (such as a
    /// package.json) is passed over. Hidden files, target/ and node_modules/ are passed over.
    #[arg(value_name = "PATH", default_value = ".", hide_default_value = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Output format. Every format streams or keeps only counts, except junit, whose XML
    /// needs each suite's counts first: it keeps the run's findings until the end.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write FORMAT to PATH (repeatable), e.g. --output sarif=dtlint.sarif.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<(Format, std::path::PathBuf)>,
    /// Hide the findings recorded in this baseline file; report entries that no longer occur (DT901).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: rewrite the file with the current findings.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// With the human format: full diagnostics (default), or one line per finding.
    #[arg(long, value_enum)]
    pub output_format: Option<OutputFormat>,
    /// Group findings by rule and pointer with counts instead of listing each (human and json
    /// formats only; --output files list each finding).
    #[arg(long)]
    pub statistics: bool,
    /// When to colour human output (NO_COLOR is honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Exit 0 even when findings would fail the run; usage errors, bad profiles and inputs
    /// that cannot be read still exit 2 (for pipelines that judge the findings themselves).
    #[arg(long)]
    pub exit_zero: bool,
    /// Write this shard's partial result for `dtlint merge` (typed NDJSON records: findings
    /// with fingerprints, each input's counts and span, the summary) instead of a report.
    /// Suppressions and the baseline are left to the merge, which applies them once.
    #[arg(long, conflicts_with_all = ["format", "output", "baseline", "statistics"])]
    pub partial: bool,
}

/// Which inputs are read and how: shared by the commands that read captures.
#[derive(Debug, Clone, Args)]
pub struct WalkArgs {
    /// Walk into hidden folders and read hidden files.
    #[arg(long)]
    pub hidden: bool,
    /// In folders, read only files matching this glob (repeatable), e.g. 'captures/**/*.har'.
    #[arg(long, value_name = "GLOB")]
    pub glob: Vec<String>,
    /// In folders, pass over files and folders matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// In folders, follow symbolic links (links in a loop and broken links are passed over
    /// and counted).
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Read FIFOs, sockets and devices named as PATH (such as `<(cmd)`) as streams, as `-` is
    /// read: in the format their name says, else --stdin-format. A FIFO no writer opens within
    /// 5 s is reported as unreadable. Without this flag they are refused (exit 2).
    #[arg(long)]
    pub read_special: bool,
    /// List every path passed over in folders, with its reason, on standard error.
    #[arg(long, short)]
    pub verbose: bool,
    /// No progress bar (it is shown only on a terminal anyway).
    #[arg(long, short)]
    pub quiet: bool,
    /// How to read standard input (`-`): by default told by its first bytes (a HAR, a
    /// cassette, NDJSON, one JSON body or a log, compressed or not).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub stdin_format: InputFormat,
    /// The path standard input's findings name instead of `-` (as ruff's): suppressions and
    /// baselines match it as they match that path.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Pass over named .json and .yaml files that hold no capture, as files met in folders are (for
    /// pre-commit hooks, which name every file their pattern matches).
    #[arg(long)]
    pub captures_only: bool,
    /// Largest input read, in bytes (suffixes K, M, G).
    #[arg(long, value_name = "SIZE", default_value = "8M", value_parser = parse_size)]
    pub max_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Markdown,
    Json,
}

// The library's table format has documented variants; clap would list those docs in `--help`,
// which has always shown the bare values. So the command line keeps its own.
impl From<TableFormat> for report::TableFormat {
    fn from(format: TableFormat) -> Self {
        match format {
            TableFormat::Table => Self::Table,
            TableFormat::Markdown => Self::Markdown,
            TableFormat::Json => Self::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Show only the column of this app type.
    #[arg(long, value_enum)]
    pub app_type: Option<AppType>,
    /// With --app-type internal: the permissions held.
    #[arg(long, value_enum)]
    pub permission: Vec<Permission>,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// Parses `FORMAT=PATH` for `--output`.
///
/// # Errors
/// Text without `=`, or an unknown format.
pub fn parse_output(text: &str) -> Result<(Format, std::path::PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH (e.g. sarif=dtlint.sarif)"))?;
    let format = Format::from_str(format, true)?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((format, std::path::PathBuf::from(path)))
}

/// Parses `256M`, `10K`, `1G` or plain bytes.
///
/// # Errors
/// Text that is not a whole number with an optional K, M or G suffix.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, factor) = match text.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&text[..text.len() - 1], 1 << 10),
        Some('M') => (&text[..text.len() - 1], 1 << 20),
        Some('G') => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a size such as 256M, 10K or 4096"))
}
