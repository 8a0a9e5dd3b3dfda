//! A small Rust lexer for the tidy checks: separates code from comments and string literals, so a
//! rule about code is not fooled by a comment and a rule about SQL text looks only inside strings.

/// A Rust source split apart. `code` has exactly the source's bytes except that comments and the
/// insides of string and char literals are blanked with spaces (newlines kept), so byte offsets and
/// line numbers match the source.
#[derive(Debug)]
pub struct Lexed {
    pub code: String,
    /// Every string literal (normal, byte, C and raw): the byte offset of its opening quote and its
    /// text as written (escapes not processed).
    pub strings: Vec<(usize, String)>,
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `source` into code, comments and literals.
pub fn lex(source: &str) -> Lexed {
    let s = source.as_bytes();
    let mut code = s.to_vec();
    let mut strings = Vec::new();
    let blank = |code: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut code[from..to.min(s.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'/' if s.get(i + 1) == Some(&b'/') => {
                let end = s[i..].iter().position(|b| *b == b'\n').map_or(s.len(), |p| i + p);
                blank(&mut code, i, end);
                i = end;
            }
            b'/' if s.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < s.len() && depth > 0 {
                    if s[j] == b'/' && s.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if s[j] == b'*' && s.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            }
            b'"' => {
                let mut j = i + 1;
                while j < s.len() && s[j] != b'"' {
                    j += if s[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(s.len());
                strings.push((i, String::from_utf8_lossy(&s[i + 1..end]).into_owned()));
                blank(&mut code, i + 1, end);
                i = end + 1;
            }
            // Raw strings: r"..", r#".."#, br#".."#, cr#".."#.
            b'r' if starts_raw_string(s, i) => {
                let hashes = s[i + 1..].iter().take_while(|b| **b == b'#').count();
                if s.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let open = i + 1 + hashes;
                let closing: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let end =
                    s[open + 1..].windows(closing.len()).position(|w| w == closing).map_or(s.len(), |p| open + 1 + p);
                strings.push((open, String::from_utf8_lossy(&s[open + 1..end]).into_owned()));
                blank(&mut code, open + 1, end);
                i = end + closing.len();
            }
            // A char literal ('x', '\n', '\u{..}', 'é') or a lifetime ('a).
            b'\'' => {
                if s.get(i + 1) == Some(&b'\\') {
                    let end = s[i + 3..].iter().position(|b| *b == b'\'').map_or(s.len(), |p| i + 3 + p);
                    blank(&mut code, i + 1, end);
                    i = end + 1;
                } else {
                    let width = s.get(i + 1).map_or(1, |b| utf8_width(*b));
                    if s.get(i + 1 + width) == Some(&b'\'') {
                        blank(&mut code, i + 1, i + 1 + width);
                        i += 2 + width;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII spaces replaced whole literals and comments, so the bytes are still UTF-8.
    Lexed { code: String::from_utf8_lossy(&code).into_owned(), strings }
}

/// Whether the `r` at `i` begins a raw string's prefix (`r`, `br`, `cr`) rather than ending a name.
fn starts_raw_string(s: &[u8], i: usize) -> bool {
    let starts_word = |at: usize| at == 0 || !is_ident(s[at - 1]);
    starts_word(i) || (matches!(s[i - 1], b'b' | b'c') && starts_word(i - 1))
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The identifiers and punctuation of `code` as words: runs of identifier characters, and `::`
/// joined into the path (`std::fs::read` is one word).
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let s = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < s.len() && !is_ident(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return None;
        }
        let start = i;
        while i < s.len()
            && (is_ident(s[i])
                || (s[i] == b':' && s.get(i + 1) == Some(&b':') && i + 2 < s.len() && is_ident(s[i + 2])))
        {
            i += if s[i] == b':' { 2 } else { 1 };
        }
        Some((start, &text[start..i]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_literals_are_blanked_and_strings_kept() {
        let source = "let a = \"SELECT x FROM t\"; // Result<(), String>\n/* a /* nested */ c */ let b = r#\"raw \"q\"\"#;\nlet c = '\"'; fn f<'a>(x: &'a str) {}";
        let lexed = lex(source);
        assert_eq!(lexed.code.len(), source.len());
        assert!(!lexed.code.contains("Result"), "{}", lexed.code);
        assert!(!lexed.code.contains("nested"));
        assert!(lexed.code.contains("fn f<'a>(x: &'a str)"), "{}", lexed.code);
        let texts: Vec<&str> = lexed.strings.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["SELECT x FROM t", "raw \"q\""]);
        assert_eq!(line_of(source, lexed.strings[1].0), 2);
    }

    #[test]
    fn words_join_paths() {
        let got: Vec<&str> = words("use std::fs::read; x.y").map(|(_, w)| w).collect();
        assert_eq!(got, ["use", "std::fs::read", "x", "y"]);
    }
}
