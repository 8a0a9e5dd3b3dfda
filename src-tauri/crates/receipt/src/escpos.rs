//! Draws a [`Layout`] as ESC/POS bytes for 58 and 80 mm thermal printers: initialise, code page
//! PC437, bold (`ESC E`), alignment (`ESC a`), character size (`GS !`), the printer's native QR
//! command (`GS ( k`, model 2) and a feed-and-cut at the end.

use crate::layout::{Align, Block, Layout, Paper};

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;
const LF: u8 = 0x0a;

/// QR module size in printer dots (8 dots per mm): about 28 mm on 58 mm paper, 33 mm on 80 mm.
fn qr_module_dots(paper: Paper) -> u8 {
    match paper {
        Paper::Roll58 => 5,
        Paper::Roll80 | Paper::A4 => 6,
    }
}

/// Renders the layout to the bytes a thermal printer expects.
pub fn render(layout: &Layout) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend([ESC, b'@']); // initialise
    out.extend([ESC, b't', 0]); // code page PC437
    for block in &layout.blocks {
        match block {
            Block::Text(line) => {
                out.extend([ESC, b'a', align_code(line.align)]);
                out.extend([ESC, b'E', u8::from(line.bold)]);
                let factor = u8::try_from(line.size.factor() - 1).unwrap_or(0);
                out.extend([GS, b'!', (factor << 4) | factor]);
                out.extend(encode_pc437(&line.text));
                out.push(LF);
            }
            Block::Rule => {
                out.extend([ESC, b'a', 0, ESC, b'E', 0, GS, b'!', 0]);
                out.extend(layout.rule().bytes());
                out.push(LF);
            }
            Block::Blank => out.push(LF),
            Block::Qr { link, .. } => {
                out.extend([ESC, b'a', 1]);
                qr(&mut out, link, qr_module_dots(layout.paper));
                out.push(LF);
            }
        }
    }
    out.extend([ESC, b'a', 0, ESC, b'E', 0, GS, b'!', 0]);
    out.extend([GS, b'V', 66, 3]); // feed 3 lines and cut (partial)
    out
}

fn align_code(align: Align) -> u8 {
    match align {
        Align::Left => 0,
        Align::Center => 1,
        Align::Right => 2,
    }
}

/// `GS ( k` model 2: choose model, module size, error correction M, store the data, print it.
fn qr(out: &mut Vec<u8>, link: &str, module_dots: u8) {
    out.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]); // model 2
    out.extend([GS, b'(', b'k', 3, 0, 49, 67, module_dots]); // module size
    out.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]); // error correction M
    let data = link.as_bytes();
    let len = data.len() + 3;
    out.extend([GS, b'(', b'k', (len % 256) as u8, (len / 256) as u8, 49, 80, 48]);
    out.extend(data);
    out.extend([GS, b'(', b'k', 3, 0, 49, 81, 48]); // print
}

/// Encodes text for code page PC437: ASCII as is, the accented letters and signs PC437 has, `?`
/// for anything else (a thermal printer cannot draw it).
pub fn encode_pc437(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                return c as u8;
            }
            match c {
                'Ç' => 0x80,
                'ü' => 0x81,
                'é' => 0x82,
                'â' => 0x83,
                'ä' => 0x84,
                'à' => 0x85,
                'å' => 0x86,
                'ç' => 0x87,
                'ê' => 0x88,
                'ë' => 0x89,
                'è' => 0x8a,
                'ï' => 0x8b,
                'î' => 0x8c,
                'ì' => 0x8d,
                'Ä' => 0x8e,
                'Å' => 0x8f,
                'É' => 0x90,
                'æ' => 0x91,
                'Æ' => 0x92,
                'ô' => 0x93,
                'ö' => 0x94,
                'ò' => 0x95,
                'û' => 0x96,
                'ù' => 0x97,
                'ÿ' => 0x98,
                'Ö' => 0x99,
                'Ü' => 0x9a,
                '¢' => 0x9b,
                '£' => 0x9c,
                '¥' => 0x9d,
                'á' => 0xa0,
                'í' => 0xa1,
                'ó' => 0xa2,
                'ú' => 0xa3,
                'ñ' => 0xa4,
                'Ñ' => 0xa5,
                '½' => 0xab,
                '¼' => 0xac,
                '°' => 0xf8,
                '–' | '—' => b'-',
                '‘' | '’' => b'\'',
                '“' | '”' => b'"',
                _ => b'?',
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Size, TextLine};

    #[test]
    fn encodes_pc437() {
        assert_eq!(encode_pc437("Café 1½ kg – ok"), b"Caf\x82 1\xab kg - ok".to_vec());
        assert_eq!(encode_pc437("名"), b"?".to_vec());
    }

    #[test]
    fn exact_bytes_of_a_small_layout() {
        let layout = Layout {
            paper: Paper::Roll58,
            blocks: vec![
                Block::Text(TextLine { text: "DUKA".into(), align: Align::Center, bold: true, size: Size::Double }),
                Block::Rule,
                Block::Blank,
                Block::Qr { link: "https://x.invalid/q".into(), beside: 0 },
            ],
        };
        let mut expected = vec![ESC, b'@', ESC, b't', 0];
        expected.extend([ESC, b'a', 1, ESC, b'E', 1, GS, b'!', 0x11]);
        expected.extend(b"DUKA\n");
        expected.extend([ESC, b'a', 0, ESC, b'E', 0, GS, b'!', 0]);
        expected.extend([b'-'; 32]);
        expected.extend(b"\n\n");
        expected.extend([ESC, b'a', 1]);
        expected.extend([GS, b'(', b'k', 4, 0, 49, 65, 50, 0]);
        expected.extend([GS, b'(', b'k', 3, 0, 49, 67, 5]);
        expected.extend([GS, b'(', b'k', 3, 0, 49, 69, 49]);
        expected.extend([GS, b'(', b'k', 22, 0, 49, 80, 48]);
        expected.extend(b"https://x.invalid/q");
        expected.extend([GS, b'(', b'k', 3, 0, 49, 81, 48, LF]);
        expected.extend([ESC, b'a', 0, ESC, b'E', 0, GS, b'!', 0, GS, b'V', 66, 3]);
        assert_eq!(render(&layout), expected);
    }
}
