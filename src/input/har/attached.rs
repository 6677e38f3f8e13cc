//! Bodies a HAR keeps apart from itself: Playwright's `record_har_content="attach"` (and
//! `routeFromHAR(..., update=True)`) writes each body to a file beside the HAR and names it in
//! `response.content._file` and `request.postData._file`; its `.zip` form keeps them as members
//! of the archive. Each is read bounded by `--max-size`, never from outside the HAR's folder or
//! archive.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::entry::Entry;
use crate::finding::Finding;
use crate::input::archive::Archive;
use crate::rules::attached::{self, Side};

/// Where the bodies a HAR names in `_file` are looked for.
#[derive(Clone, Default)]
pub enum Bodies {
    /// Nowhere: the HAR came from standard input or a stream, which has no folder.
    #[default]
    Nowhere,
    /// The folder the HAR file is in.
    Folder(PathBuf),
    /// The zip archive the HAR is a member of.
    Archive(Arc<Archive>),
}

/// A body read from where `_file` names it.
pub struct Kept {
    /// Its bytes, at most the size limit.
    pub bytes: Vec<u8>,
    /// Where it is held, relative to the input: the side file's name, or `!/member`.
    pub within: String,
}

/// What reading an entry's bodies kept apart gave.
#[derive(Default)]
pub struct Filled {
    /// The answer's body, when `response.content._file` named one that was read.
    pub response: Option<Kept>,
    /// Findings about bodies that could not be read or were refused, about the entry.
    pub refused: Vec<Finding>,
    /// The answer's body was named but not read: its absence is said by `refused`, not DT009.
    pub response_refused: bool,
}

/// Why a name given for a body would leave the folder or archive it is looked for in, if it
/// would: the same test for `_file` and for the members of an archive.
pub fn climbs_out(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.contains('\0') {
        return Some("holds a NUL byte");
    }
    if name.starts_with(['/', '\\']) {
        return Some("is an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Some("names a drive");
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Some("climbs out of the folder with `..`");
    }
    None
}

impl Bodies {
    /// Reads the bodies `entry` names in `_file` whose text is empty: the request's into its
    /// `postData.text`, the answer's into [`Filled::response`].
    pub fn fill(&self, entry: &mut Entry, limit: u64) -> Filled {
        let mut filled = Filled::default();
        if let Some(post) = entry.request.post_data.as_mut() {
            if post.text.as_deref().is_none_or(str::is_empty) {
                if let Some(name) = post.file.as_deref() {
                    match self.read(Side::Request, name, limit) {
                        Ok(kept) => {
                            post.text = Some(String::from_utf8_lossy(&kept.bytes).into_owned());
                        }
                        Err(finding) => filled.refused.push(*finding),
                    }
                }
            }
        }
        let content = &entry.response.content;
        if content.text.as_deref().is_none_or(str::is_empty) {
            if let Some(name) = content.file.as_deref() {
                match self.read(Side::Response, name, limit) {
                    Ok(kept) => filled.response = Some(kept),
                    Err(finding) => {
                        filled.refused.push(*finding);
                        filled.response_refused = true;
                    }
                }
            }
        }
        filled
    }

    /// The body `name` holds, at most `limit` bytes.
    ///
    /// # Errors
    /// DT011 when it cannot be read or is too large, DT012 when the name leads outside.
    pub fn read(&self, side: Side, name: &str, limit: u64) -> Result<Kept, Box<Finding>> {
        if let Some(why) = climbs_out(name) {
            return Err(Box::new(attached::attached_outside(side, why)));
        }
        match self {
            Self::Nowhere => Err(Box::new(attached::attached_unreadable(
                side,
                "the HAR was read from standard input or a stream, which has no folder to find it in",
            ))),
            Self::Folder(folder) => read_beside(folder, side, name, limit),
            Self::Archive(archive) => archive.body(side, name, limit),
        }
    }
}

fn read_beside(folder: &Path, side: Side, name: &str, limit: u64) -> Result<Kept, Box<Finding>> {
    let unreadable = |reason: &str| Box::new(attached::attached_unreadable(side, reason));
    let path = folder.join(name);
    if Path::new(name)
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(Box::new(attached::attached_outside(
            side,
            "is not a plain relative path",
        )));
    }
    let real = match std::fs::canonicalize(&path) {
        Ok(real) => real,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(unreadable("no such file beside the HAR"));
        }
        Err(error) => return Err(unreadable(&format!("cannot open it: {error}"))),
    };
    // A link beside the HAR may lead anywhere: what it resolves to must stay in the folder.
    let home = std::fs::canonicalize(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    })
    .map_err(|error| unreadable(&format!("cannot open the HAR's folder: {error}")))?;
    if !real.starts_with(&home) {
        return Err(Box::new(attached::attached_outside(
            side,
            "leads out of the HAR's folder through a symbolic link",
        )));
    }
    let meta = std::fs::metadata(&real)
        .map_err(|error| unreadable(&format!("cannot open it: {error}")))?;
    if !meta.is_file() {
        return Err(unreadable("it is not a regular file"));
    }
    if meta.len() > limit {
        return Err(unreadable(&format!(
            "it has {} bytes, more than the limit of {limit} (--max-size)",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|file| file.take(limit.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|error| unreadable(&format!("cannot read it: {error}")))?;
    if bytes.len() as u64 > limit {
        return Err(unreadable(&format!(
            "it is larger than the limit of {limit} bytes (--max-size)"
        )));
    }
    Ok(Kept {
        bytes,
        within: name.replace('\\', "/"),
    })
}

/// Adds the findings of bodies that could not be read to an entry's outcome, placed in the
/// entry; an answer's body named but refused is said by them, not by DT009 too.
pub fn refused(
    outcome: &mut crate::engine::outcome::Outcome,
    filled: Filled,
    text: &str,
    at: crate::json::Location,
    settings: &crate::engine::pipeline::Settings,
) {
    if filled.refused.is_empty() {
        return;
    }
    if filled.response_refused {
        outcome
            .findings
            .retain(|f| f.rule != &crate::rules::RESPONSE_BODY_MISSING);
    }
    let place = crate::engine::place::entry::EntryText::new(
        text,
        at,
        settings.show_values,
        settings.needs.excerpts,
    );
    let mut refused = filled.refused;
    crate::engine::finish::select(&mut refused, &settings.selection);
    let mut findings = place.in_entry(refused, None, false);
    for finding in &mut findings {
        finding.entry = outcome.index;
    }
    outcome.findings.append(&mut findings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_are_told_apart_from_plain_ones() {
        for name in [
            "../../etc/passwd",
            "/etc/passwd",
            "\\\\server\\share",
            "C:\\x.json",
            "a/../../b",
            "",
            "a\0b",
        ] {
            assert!(climbs_out(name).is_some(), "{name:?}");
        }
        for name in ["0a1b.json", "sub/0a1b.json", "./x.dat", "a..b.json"] {
            assert_eq!(climbs_out(name), None, "{name:?}");
        }
    }
}
