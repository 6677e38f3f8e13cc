//! DT011-DT013: bodies a HAR keeps apart from itself (Playwright's `_file` side files) and HAR
//! zip archives, which the readers refuse or cannot read (emitted by `input::har::attached`
//! and `input::archive`).
use super::define::{declare_rules, emitted};
use super::Check;
use crate::finding::{Category, Finding, Severity};

declare_rules! {
    /// ## What it does
    /// Reports a body a HAR entry names in `response.content._file` or `request.postData._file` (Playwright's `record_har_content="attach"`, `routeFromHAR(..., update=True)`, or a member of a HAR zip archive) that cannot be read: the file or member does not exist, is not a regular file, is larger than `--max-size`, or the HAR was read from standard input, which has no folder to look in. The rest of the run goes on.
    ///
    /// ## Why is this bad?
    /// The body is the answer under test: a HAR whose side files were not copied along with it (or were cut by a size limit) checks nothing.
    ///
    /// ## Example
    /// Fails: `"content":{"mimeType":"application/json","_file":"0a1b….json"}` with no `0a1b….json` beside the HAR.
    ///
    /// Passes: the HAR with its side files in the same folder, or the zip Playwright wrote.
    pub const ATTACHED_BODY_UNREADABLE = emitted(
        "DT011",
        "attached-body-unreadable",
        Category::Parse,
        Severity::Error,
        "a body kept apart from the HAR (`_file`, a zip member) cannot be read",
    );

    /// ## What it does
    /// Refuses a `_file` or a zip member name that points outside the HAR's folder or archive: an absolute path, a `..` component, a drive or a symbolic link that leads out of the folder. Nothing outside is opened.
    ///
    /// ## Why is this bad?
    /// Playwright names side files by their SHA-1 beside the HAR; a name that climbs out was written by hand or by an attacker, and a checker that follows it would read (and quote) files it was never given, such as `/etc/passwd`.
    ///
    /// ## Example
    /// Fails: `"_file":"../../etc/passwd"`, `"_file":"/etc/passwd"`, or a zip member named `../evil.har`.
    ///
    /// Passes: `"_file":"4b825dc642cb6eb9a060e54bf8d69288fbee4904.json"`
    pub const ATTACHED_BODY_OUTSIDE = emitted(
        "DT012",
        "attached-body-outside",
        Category::Parse,
        Severity::Error,
        "a `_file` or zip member name points outside the HAR's folder or archive, and is refused",
    );

    /// ## What it does
    /// Reports a zip archive (recognised by its first bytes, `PK\x03\x04`, whatever its name) that cannot be read as a HAR archive: it is truncated or malformed, holds no `.har` member, holds more members than a capture does, or a member inflates far beyond its compressed size or the archive's budget (a zip bomb). The members read before the trouble are checked.
    ///
    /// ## Why is this bad?
    /// An archive cut short or built to exhaust memory cannot be checked; a gate that skipped it would pass for the wrong reason.
    ///
    /// ## Example
    /// Fails: the first half of a `capture.zip`, or a member that claims 1 KB and inflates to gigabytes.
    ///
    /// Passes: `record_har_path="capture.zip"` as Playwright writes it.
    pub const ZIP_ARCHIVE_BROKEN = emitted(
        "DT013",
        "zip-archive-broken",
        Category::Parse,
        Severity::Error,
        "a zip archive cannot be read as a HAR archive (truncated, no `.har` member, or a zip bomb)",
    );
}

/// No body checks: these rules are emitted while reading.
pub(crate) const CHECKS: &[Check] = &[];

/// Where a body kept apart is named in a HAR entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `response.content._file`.
    Response,
    /// `request.postData._file`.
    Request,
}

impl Side {
    /// The pointer of the `_file` member in the entry.
    pub fn pointer(self) -> &'static str {
        match self {
            Self::Response => "/response/content/_file",
            Self::Request => "/request/postData/_file",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::Response => "the response body",
            Self::Request => "the request body",
        }
    }
}

/// DT011: the body named in `_file` cannot be read, for `reason`.
pub fn attached_unreadable(side: Side, reason: &str) -> Finding {
    Finding::new(
        &ATTACHED_BODY_UNREADABLE,
        side.pointer(),
        format!(
            "{} is kept apart from the HAR (`_file`) and cannot be read: {reason}",
            side.what()
        ),
    )
    .with_help("keep the files Playwright writes beside the HAR with it, or record to a .zip (record_har_path=\"capture.zip\")")
}

/// DT012: the body named in `_file` would be read from outside the HAR's folder or archive.
pub fn attached_outside(side: Side, why: &str) -> Finding {
    Finding::new(
        &ATTACHED_BODY_OUTSIDE,
        side.pointer(),
        format!(
            "{} is named by a `_file` that {why}; it is refused and not read",
            side.what()
        ),
    )
    .with_help("a side file is named by its SHA-1 beside the HAR (Playwright); record the capture again")
}

/// DT012: a member of a zip archive whose name climbs out of it; it is never read.
pub fn member_outside(why: &str) -> Finding {
    Finding::new(
        &ATTACHED_BODY_OUTSIDE,
        "",
        format!("a member of the zip archive has a name that {why}; it is refused and not read"),
    )
    .with_help("Playwright names an archive's members `<sha1>.<ext>` and its HAR `har.har`; this archive was made otherwise")
}

/// DT013: the archive cannot be read as a HAR archive, for `reason`.
pub fn zip_broken(reason: &str) -> Finding {
    Finding::new(
        &ZIP_ARCHIVE_BROKEN,
        "",
        format!("the zip archive cannot be read: {reason}"),
    )
    .with_help("record the capture again (record_har_path=\"capture.zip\"), or unpack it and check the .har beside its files")
}
