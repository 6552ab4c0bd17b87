//! The pose model's person segmentation mask, as much of it as the back's contour needs: a
//! square crop around the lifter's trunk and hips, resampled to [`MASK_SIDE`]² cells of 0–255
//! (the model's person probability), with the crop's box in normalised image coordinates. The
//! page cuts it from the model's full-size mask (every few frames) and passes it with the frame;
//! a posetrack keeps it as an optional per-frame field (base64).

use serde::{Deserialize, Serialize};

/// Cells per side of a mask crop.
pub const MASK_SIDE: usize = 128;
/// Bytes of a mask crop.
pub const MASK_BYTES: usize = MASK_SIDE * MASK_SIDE;

/// A crop of the person mask.
#[derive(Clone, Debug, PartialEq)]
pub struct MaskCrop {
    /// The crop's box in normalised image coordinates (x0, y0, x1, y1; x right, y down). It may
    /// reach past the picture (cells there are 0).
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    /// Row-major, [`MASK_SIDE`]² cells, the top row first.
    pub data: Vec<u8>,
}

/// Why a mask crop was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum MaskError {
    Size { found: usize },
    Box([f64; 4]),
    Base64(&'static str),
}

impl std::fmt::Display for MaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaskError::Size { found } => write!(
                f,
                "a mask crop has {found} cells where {MASK_BYTES} ({MASK_SIDE}×{MASK_SIDE}) are expected"
            ),
            MaskError::Box(b) => write!(
                f,
                "a mask crop's box {b:?} is not a box (finite, x0 < x1, y0 < y1, within ±2 pictures)"
            ),
            MaskError::Base64(why) => write!(f, "a mask crop's data is not base64: {why}"),
        }
    }
}

impl MaskCrop {
    /// A crop from its box and cells, checked.
    pub fn new(bbox: [f64; 4], data: Vec<u8>) -> Result<MaskCrop, MaskError> {
        if data.len() != MASK_BYTES {
            return Err(MaskError::Size { found: data.len() });
        }
        let [x0, y0, x1, y1] = bbox;
        let ok = bbox
            .iter()
            .all(|v| v.is_finite() && (-2.0..=3.0).contains(v))
            && x1 - x0 > 1e-4
            && y1 - y0 > 1e-4;
        if !ok {
            return Err(MaskError::Box(bbox));
        }
        Ok(MaskCrop {
            x0,
            y0,
            x1,
            y1,
            data,
        })
    }

    /// The box as `[x0, y0, x1, y1]`.
    pub fn bbox(&self) -> [f64; 4] {
        [self.x0, self.y0, self.x1, self.y1]
    }

    /// The person probability (0–1) at a normalised image point, bilinear between cell
    /// centres; 0 outside the crop.
    pub fn at(&self, x: f64, y: f64) -> f64 {
        let n = MASK_SIDE as f64;
        let u = (x - self.x0) / (self.x1 - self.x0) * n - 0.5;
        let v = (y - self.y0) / (self.y1 - self.y0) * n - 0.5;
        if !(u > -1.0 && v > -1.0 && u < n && v < n) {
            return 0.0;
        }
        let (i0, j0) = (u.floor(), v.floor());
        let (fu, fv) = (u - i0, v - j0);
        let cell = |i: f64, j: f64| -> f64 {
            if i < 0.0 || j < 0.0 || i >= n || j >= n {
                0.0
            } else {
                f64::from(self.data[j as usize * MASK_SIDE + i as usize]) / 255.0
            }
        };
        let top = cell(i0, j0) * (1.0 - fu) + cell(i0 + 1.0, j0) * fu;
        let bottom = cell(i0, j0 + 1.0) * (1.0 - fu) + cell(i0 + 1.0, j0 + 1.0) * fu;
        top * (1.0 - fv) + bottom * fv
    }
}

/// A mask crop as a posetrack writes it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MaskJson {
    #[serde(rename = "box")]
    pub bbox: [f64; 4],
    pub side: usize,
    pub data: String,
}

impl From<&MaskCrop> for MaskJson {
    fn from(m: &MaskCrop) -> MaskJson {
        MaskJson {
            bbox: m.bbox(),
            side: MASK_SIDE,
            data: base64_encode(&m.data),
        }
    }
}

impl TryFrom<&MaskJson> for MaskCrop {
    type Error = MaskError;
    fn try_from(j: &MaskJson) -> Result<MaskCrop, MaskError> {
        if j.side != MASK_SIDE {
            return Err(MaskError::Size {
                found: j.side.saturating_mul(j.side),
            });
        }
        MaskCrop::new(j.bbox, base64_decode(&j.data)?)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding required, no whitespace).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, MaskError> {
    let t = text.as_bytes();
    if !t.len().is_multiple_of(4) {
        return Err(MaskError::Base64("its length is not a multiple of 4"));
    }
    let value = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(t.len() / 4 * 3);
    let quads = t.len() / 4;
    for (q, quad) in t.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && q + 1 != quads) {
            return Err(MaskError::Base64("padding in the middle"));
        }
        let mut n = 0u32;
        for (k, &c) in quad.iter().enumerate() {
            let v = if k >= 4 - pad {
                0
            } else {
                value(c).ok_or(MaskError::Base64("a character outside the alphabet"))?
            };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_refuses_garbage() {
        for n in 0..10 {
            let bytes: Vec<u8> = (0..n).map(|k| (k * 37 + 11) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
        assert!(base64_decode("TWE").is_err());
        assert!(base64_decode("TW=u").is_err());
        assert!(base64_decode("TW!u").is_err());
        assert!(base64_decode("TWE=TWFu").is_err());
    }

    #[test]
    fn the_crop_reads_back_where_it_was_drawn() {
        // The left half of the crop is the person.
        let mut data = vec![0u8; MASK_BYTES];
        for j in 0..MASK_SIDE {
            for i in 0..MASK_SIDE / 2 {
                data[j * MASK_SIDE + i] = 255;
            }
        }
        let m = MaskCrop::new([0.2, 0.1, 0.6, 0.5], data).unwrap();
        assert!(m.at(0.25, 0.3) > 0.99);
        assert!(m.at(0.55, 0.3) < 0.01);
        // The edge (crop x = 0.5 → image x = 0.4) reads half way.
        assert!((m.at(0.4, 0.3) - 0.5).abs() < 0.05);
        assert_eq!(m.at(0.1, 0.3), 0.0);
        assert!(MaskCrop::new([0.5, 0.1, 0.4, 0.5], vec![0; MASK_BYTES]).is_err());
        assert!(MaskCrop::new([0.1, 0.1, 0.4, 0.5], vec![0; 10]).is_err());
        assert!(MaskCrop::new([f64::NAN, 0.1, 0.4, 0.5], vec![0; MASK_BYTES]).is_err());
    }
}
