//! Glyph PBFs for the map's labels, rendered from a font installed on the system.
//!
//! MapLibre draws text from signed distance fields in 256-codepoint ranges
//! (`/fonts/{fontstack}/{start}-{end}.pbf`). Haven renders them itself from the Noto Sans
//! (Debian `fonts-noto-core`) or DejaVu Sans font files, so the map needs no font server and
//! no network. A range is rendered on first request and kept in memory. The distance field
//! follows MapLibre's TinySDF: 24 px glyphs, a 3 px buffer, radius 8, cutoff 0.25, computed
//! with the Felzenszwalb–Huttenlocher Euclidean distance transform.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;

use crate::error::{AppResult, bad_request, not_found};

/// Font size of the distance fields.
const SIZE: f32 = 24.0;
/// Pixels of padding around every glyph bitmap.
const BUFFER: usize = 3;
/// How far, in pixels, the distance field reaches.
const RADIUS: f64 = 8.0;
/// Where the glyph edge sits in the 0..1 range of the field.
const CUTOFF: f64 = 0.25;
/// MapLibre places a glyph's bitmap `top` pixels relative to a baseline 24 px below the line
/// top plus the buffer (the value MapLibre uses for glyphs it renders itself).
const TOP_ADJUSTMENT: i32 = 27;

/// The font stacks Haven serves and the files they are rendered from, best first.
const FONTS: &[(&str, &[&str])] = &[
    (
        "Noto Sans Regular",
        &[
            "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        ],
    ),
    (
        "Noto Sans Bold",
        &[
            "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        ],
    ),
    (
        "Noto Sans Italic",
        &[
            "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
        ],
    ),
];

/// The font stack the style uses for labels.
pub const DEFAULT_FONT: &str = "Noto Sans Regular";

/// Rendered glyph ranges, by font and range start.
#[derive(Default)]
pub struct Glyphs {
    fonts: Mutex<HashMap<&'static str, Arc<fontdue::Font>>>,
    ranges: Mutex<HashMap<(&'static str, u32), Bytes>>,
}

impl std::fmt::Debug for Glyphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Glyphs").finish_non_exhaustive()
    }
}

impl Glyphs {
    /// The glyph PBF of `fontstack` (a comma-separated list; the first font Haven has wins)
    /// for `range` (`0-255`, `256-511`, ..., with or without `.pbf`).
    ///
    /// # Errors
    /// 400 for a malformed range, 404 when no font of the stack is available.
    pub async fn range(self: &Arc<Self>, fontstack: &str, range: &str) -> AppResult<Bytes> {
        let start = parse_range(range)?;
        let name = fontstack
            .split(',')
            .map(str::trim)
            .find_map(|wanted| FONTS.iter().find(|(name, _)| *name == wanted))
            .map(|(name, _)| *name)
            .or_else(|| (!fontstack.is_empty()).then_some(DEFAULT_FONT))
            .ok_or_else(|| not_found("Unknown font stack."))?;
        if let Some(hit) = self
            .ranges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(name, start))
        {
            return Ok(hit.clone());
        }
        let font = self.font(name)?;
        let pbf =
            tokio::task::spawn_blocking(move || Bytes::from(encode_range(&font, name, start)))
                .await
                .map_err(|error| crate::error::AppError::Internal(error.into()))?;
        self.ranges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((name, start), pbf.clone());
        Ok(pbf)
    }

    fn font(&self, name: &'static str) -> AppResult<Arc<fontdue::Font>> {
        let mut fonts = self.fonts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(font) = fonts.get(name) {
            return Ok(Arc::clone(font));
        }
        let files = FONTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, files)| *files)
            .unwrap_or_default();
        let font = files
            .iter()
            .map(PathBuf::from)
            .find_map(|path| load(&path))
            .ok_or_else(|| {
                tracing::warn!(font = name, "no font file found; install fonts-noto-core");
                not_found("The font is not installed on this server.")
            })?;
        let font = Arc::new(font);
        fonts.insert(name, Arc::clone(&font));
        Ok(font)
    }
}

fn load(path: &Path) -> Option<fontdue::Font> {
    let bytes = std::fs::read(path).ok()?;
    fontdue::Font::from_bytes(bytes, fontdue::FontSettings::default()).ok()
}

/// The start of a range `start-end` with `start` a multiple of 256 and `end = start + 255`.
fn parse_range(range: &str) -> AppResult<u32> {
    let range = range.strip_suffix(".pbf").unwrap_or(range);
    let parsed = range
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
    match parsed {
        Some((start, end)) if start % 256 == 0 && end == start + 255 && end <= 0xFFFF => Ok(start),
        _ => Err(bad_request(
            "range",
            "A glyph range is `start-end` with start a multiple of 256 and end = start + 255, up to 65535.",
        )),
    }
}

/// The protobuf (`glyphs.proto` of the Mapbox GL glyph format) of one range.
fn encode_range(font: &fontdue::Font, name: &str, start: u32) -> Vec<u8> {
    let mut stack = Vec::new();
    put_bytes(&mut stack, 1, name.as_bytes());
    put_bytes(&mut stack, 2, format!("{start}-{}", start + 255).as_bytes());
    for code in start..=start + 255 {
        let Some(ch) = char::from_u32(code) else {
            continue;
        };
        if font.lookup_glyph_index(ch) == 0 {
            continue;
        }
        let glyph = encode_glyph(font, ch);
        put_bytes(&mut stack, 3, &glyph);
    }
    let mut message = Vec::with_capacity(stack.len() + 8);
    put_bytes(&mut message, 1, &stack);
    message
}

fn encode_glyph(font: &fontdue::Font, ch: char) -> Vec<u8> {
    let (metrics, coverage) = font.rasterize(ch, SIZE);
    let mut glyph = Vec::new();
    put_varint_field(&mut glyph, 1, u64::from(u32::from(ch)));
    if metrics.width > 0 && metrics.height > 0 {
        let field = distance_field(&coverage, metrics.width, metrics.height);
        put_bytes(&mut glyph, 2, &field);
    }
    let (width, height) = if metrics.width > 0 && metrics.height > 0 {
        (metrics.width, metrics.height)
    } else {
        (0, 0)
    };
    put_varint_field(&mut glyph, 3, width as u64);
    put_varint_field(&mut glyph, 4, height as u64);
    let top = metrics.ymin + i32::try_from(metrics.height).unwrap_or(0) - TOP_ADJUSTMENT;
    put_varint_field(&mut glyph, 5, zigzag(metrics.xmin));
    put_varint_field(&mut glyph, 6, zigzag(top));
    put_varint_field(&mut glyph, 7, metrics.advance_width.round().max(0.0) as u64);
    glyph
}

/// The signed distance field of a coverage bitmap, padded by [`BUFFER`] on every side.
fn distance_field(coverage: &[u8], width: usize, height: usize) -> Vec<u8> {
    let w = width + 2 * BUFFER;
    let h = height + 2 * BUFFER;
    let inf = 1e20;
    let mut outer = vec![inf; w * h];
    let mut inner = vec![0.0; w * h];
    for y in 0..height {
        for x in 0..width {
            let a = f64::from(coverage[y * width + x]) / 255.0;
            if a == 0.0 {
                continue;
            }
            let j = (y + BUFFER) * w + x + BUFFER;
            if a >= 1.0 {
                outer[j] = 0.0;
                inner[j] = inf;
            } else {
                let d = 0.5 - a;
                outer[j] = if d > 0.0 { d * d } else { 0.0 };
                inner[j] = if d < 0.0 { d * d } else { 0.0 };
            }
        }
    }
    edt(&mut outer, w, h);
    edt(&mut inner, w, h);
    outer
        .iter()
        .zip(&inner)
        .map(|(o, i)| {
            let d = o.sqrt() - i.sqrt();
            (255.0 - 255.0 * (d / RADIUS + CUTOFF))
                .round()
                .clamp(0.0, 255.0) as u8
        })
        .collect()
}

/// 2-D squared Euclidean distance transform in place.
fn edt(grid: &mut [f64], width: usize, height: usize) {
    let n = width.max(height);
    let mut f = vec![0.0; n];
    let mut v = vec![0usize; n];
    let mut z = vec![0.0; n + 1];
    for x in 0..width {
        edt_1d(grid, x, width, height, &mut f, &mut v, &mut z);
    }
    for y in 0..height {
        edt_1d(grid, y * width, 1, width, &mut f, &mut v, &mut z);
    }
}

fn edt_1d(
    grid: &mut [f64],
    offset: usize,
    stride: usize,
    length: usize,
    f: &mut [f64],
    v: &mut [usize],
    z: &mut [f64],
) {
    let inf = 1e20;
    v[0] = 0;
    z[0] = -inf;
    z[1] = inf;
    f[0] = grid[offset];
    let mut k: usize = 0;
    for q in 1..length {
        f[q] = grid[offset + q * stride];
        let qf = q as f64;
        let mut s;
        loop {
            let r = v[k];
            let rf = r as f64;
            s = (f[q] - f[r] + qf * qf - rf * rf) / (qf - rf) / 2.0;
            // z[0] is -inf, so k never goes below 0.
            if s <= z[k] && k > 0 {
                k -= 1;
            } else {
                break;
            }
        }
        k += 1;
        v[k] = q;
        z[k] = s;
        z[k + 1] = inf;
    }
    let mut k = 0;
    for q in 0..length {
        while z[k + 1] < q as f64 {
            k += 1;
        }
        let r = v[k];
        let d = q as f64 - r as f64;
        grid[offset + q * stride] = f[r] + d * d;
    }
}

fn zigzag(value: i32) -> u64 {
    u64::from(((value << 1) ^ (value >> 31)) as u32)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_varint_field(out: &mut Vec<u8>, field: u32, value: u64) {
    put_varint(out, u64::from(field << 3));
    put_varint(out, value);
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_varint(out, u64::from(field << 3 | 2));
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_must_be_aligned_blocks_of_256() {
        assert_eq!(parse_range("0-255.pbf").unwrap(), 0);
        assert_eq!(parse_range("256-511").unwrap(), 256);
        assert!(parse_range("1-256").is_err());
        assert!(parse_range("65536-65791").is_err());
        assert!(parse_range("a-b").is_err());
    }

    #[test]
    fn the_field_is_inside_high_and_outside_low() {
        // A 4x4 solid square: its centre is inside (high), the padding corner outside (low).
        let field = distance_field(&[255; 16], 4, 4);
        let w = 4 + 2 * BUFFER;
        assert!(field[(BUFFER + 2) * w + BUFFER + 2] > 191);
        assert!(field[0] < 191);
    }
}
