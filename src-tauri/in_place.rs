//! Readers whose bytes live in a buffer they hand out (`BufRead` first) still owe `Read`, which
//! `BufRead` requires: this is that `read`, written once, for the export's chunked body, the
//! bollard batches and a tar entry's content.

use std::io::{self, BufRead};

/// Copies what `reader` has ready into `buffer` and consumes it.
pub fn read_from_buffer<R: BufRead + ?Sized>(reader: &mut R, buffer: &mut [u8]) -> io::Result<usize> {
    let available = reader.fill_buf()?;
    let count = available.len().min(buffer.len());
    buffer[..count].copy_from_slice(&available[..count]);
    reader.consume(count);
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_is_ready_and_no_more_than_asked() {
        let mut source = io::BufReader::with_capacity(4, &b"abcdefg"[..]);
        let mut buffer = [0u8; 3];
        assert_eq!(read_from_buffer(&mut source, &mut buffer).unwrap(), 3);
        assert_eq!(&buffer, b"abc");
        assert_eq!(read_from_buffer(&mut source, &mut buffer).unwrap(), 1, "the rest of the first fill");
        assert_eq!(buffer[0], b'd');
    }
}
