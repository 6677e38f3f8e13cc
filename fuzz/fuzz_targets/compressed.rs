//! Any bytes as a compressed input (gzip, zstd, or neither): never a panic or a hang; the whole
//! and the streaming reads agree, both stop one byte past the limit, and data dtlint compressed
//! itself comes back unchanged. What comes out is then read as HAR, NDJSON and log, streamed.
#![no_main]

use std::io::{BufReader, Read, Write};

use dtlint::input::decompress::{opened, whole, Compression};
use libfuzzer_sys::fuzz_target;

const LIMIT: u64 = 1 << 16;

fn streamed(data: &[u8]) -> std::io::Result<(Vec<u8>, Option<Compression>)> {
    let (reader, compression) = opened(data)?;
    let mut plain = Vec::new();
    reader.take(LIMIT + 1).read_to_end(&mut plain)?;
    Ok((plain, compression))
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks what the rest is: compressed here (a round trip), or taken as is.
    let (mode, rest) = data.split_first().map_or((2, data), |(m, r)| (*m % 3, r));
    let input = match mode {
        0 => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(rest).expect("in memory");
            encoder.finish().expect("in memory")
        }
        1 => ruzstd::encoding::compress_to_vec(rest, ruzstd::encoding::CompressionLevel::Fastest),
        _ => rest.to_vec(),
    };
    let at_once = whole(input.clone(), LIMIT);
    let streaming = streamed(&input);
    match (&at_once, &streaming) {
        (Ok((a, ca)), Ok((b, cb))) => {
            assert_eq!(ca, cb);
            if ca.is_some() {
                assert_eq!(a, b, "whole and streaming reads differ");
                assert!(a.len() as u64 <= LIMIT + 1);
            } else {
                assert_eq!(&a[..b.len()], &b[..], "plain input changed");
            }
        }
        (Err(_), Err(_)) => {}
        _ => panic!(
            "whole {:?} and streaming {:?} disagree",
            at_once.is_ok(),
            streaming.is_ok()
        ),
    }
    if mode < 2 {
        let (plain, found) = at_once.expect("dtlint's own compressed data reads");
        assert_eq!(
            found,
            Some(if mode == 0 {
                Compression::Gzip
            } else {
                Compression::Zstd
            })
        );
        let cut = rest.len().min(LIMIT as usize + 1);
        assert_eq!(plain, rest[..cut], "round trip changed the data");
    }
    // The readers over a decompressing stream: a broken stream is a finding, never a panic.
    let settings = dtlint::Settings::default();
    for format in 0..3 {
        let Ok((reader, _)) = opened(&input[..]) else {
            break;
        };
        let reader = BufReader::new(reader.take(LIMIT + 1));
        let _ = match format {
            0 => dtlint::run::check_har(reader, &settings, LIMIT),
            1 => dtlint::run::check_ndjson(reader, &settings, LIMIT),
            _ => dtlint::run::check_log(reader, &settings, LIMIT),
        };
    }
});
