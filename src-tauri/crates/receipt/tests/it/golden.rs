//! Golden tests: the layout dump, the PDF text (pdftotext), the ESC/POS bytes and a committed PNG
//! (pdftoppm, for reviewers) of every receipt kind on every paper; the QR code decodes (zbarimg)
//! to exactly the verification link. `UPDATE_GOLDEN=1 cargo test -p receipt` rewrites the files.
//!
//! Needs Debian's poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg); the tests fail,
//! naming the package, when they are missing.
// The helpers below run only inside tests; a failed unwrap is the test failure.
#![allow(clippy::unwrap_used)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use receipt::{Paper, Receipt, format, render_escpos, render_pdf, render_text};

use crate::fixtures;

type Case = (&'static str, fn() -> Receipt);

const CASES: [Case; 5] = [
    ("sale", fixtures::sale),
    ("credit_note", fixtures::credit_note),
    ("provisional", fixtures::provisional),
    ("copy", fixtures::copy),
    ("training", fixtures::training),
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

fn tool(program: &str, package: &str, args: &[&str]) -> std::process::Output {
    Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {program} ({e}): install Debian's {package} (apt-get install -y {package})")
    })
}

fn pdf_to_text(pdf: &[u8], dir: &Path, stem: &str) -> String {
    let path = dir.join(format!("{stem}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = tool("pdftotext", "poppler-utils", &["-layout", "-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "pdftotext failed on {stem}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Renders page 1 of the PDF to `<prefix>.png` at `dpi`.
fn pdf_to_png(pdf_path: &Path, prefix: &Path, dpi: u32) -> PathBuf {
    let dpi = dpi.to_string();
    let out = tool(
        "pdftoppm",
        "poppler-utils",
        &["-r", &dpi, "-png", "-singlefile", "-gray", pdf_path.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    prefix.with_extension("png")
}

/// ESC/POS bytes as text: printable ASCII as is, everything else as `<1B>`, a new row after LF.
fn escpos_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for b in bytes {
        match b {
            b'\n' => out.push_str("<0A>\n"),
            0x20..=0x7e if *b != b'<' => out.push(char::from(*b)),
            _ => out.push_str(&format!("<{b:02X}>")),
        }
    }
    out.push('\n');
    out
}

/// Compares `actual` with the golden file (or rewrites it), returning a failure message.
fn check_golden(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(name);
    if updating() {
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    match std::fs::read_to_string(&path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => {
            let first_diff = expected
                .lines()
                .zip(actual.lines())
                .enumerate()
                .find(|(_, (e, a))| e != a)
                .map(|(i, (e, a))| format!("line {}: expected {e:?}, got {a:?}", i + 1))
                .unwrap_or_else(|| "line counts differ".to_owned());
            Some(format!("{name} differs ({first_diff}); if intended, rerun with UPDATE_GOLDEN=1"))
        }
        Err(_) => Some(format!("{name} is missing: run UPDATE_GOLDEN=1 cargo test -p receipt")),
    }
}

#[test]
fn every_layout_matches_its_golden_files() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, make) in CASES {
        let receipt = make();
        for paper in Paper::ALL {
            let stem = format!("{name}_{}", paper.name());
            let text = render_text(&receipt, paper).unwrap();
            failures.extend(check_golden(&format!("{stem}.txt"), &text));

            let pdf = render_pdf(&receipt, paper).unwrap();
            let pdf_text = pdf_to_text(&pdf, scratch.path(), &stem);
            failures.extend(check_golden(&format!("{stem}.pdf.txt"), &pdf_text));

            if paper != Paper::A4 {
                let bytes = render_escpos(&receipt, paper).unwrap();
                failures.extend(check_golden(&format!("{stem}.escpos.txt"), &escpos_dump(&bytes)));
            }

            let png = golden_dir().join(format!("{stem}.png"));
            if updating() {
                pdf_to_png(&scratch.path().join(format!("{stem}.pdf")), &golden_dir().join(&stem), 100);
            } else if !png.exists() {
                failures.push(format!("{stem}.png is missing: run UPDATE_GOLDEN=1 cargo test -p receipt"));
            }
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{}", failures.join("\n"));
}

#[test]
fn pdf_words_match_the_layout() {
    // Every word of the layout appears in the PDF's text, in order: the PDF drew what was laid out.
    let scratch = tempfile::tempdir().unwrap();
    for (name, make) in CASES {
        for paper in Paper::ALL {
            let receipt = make();
            let layout_words: Vec<String> = render_text(&receipt, paper)
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("QR|"))
                .flat_map(|l| l[3..].split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .collect();
            let pdf = render_pdf(&receipt, paper).unwrap();
            let pdf_words: Vec<String> = pdf_to_text(&pdf, scratch.path(), &format!("{name}_{}", paper.name()))
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let mut rest = pdf_words.iter();
            for word in &layout_words {
                assert!(rest.any(|w| w == word), "{name} {paper:?}: {word:?} missing or out of order in the PDF");
            }
        }
    }
}

fn decode_qr(pdf: &[u8], dir: &Path, stem: &str) -> (bool, String) {
    let pdf_path = dir.join(format!("{stem}.pdf"));
    std::fs::write(&pdf_path, pdf).unwrap();
    let png = pdf_to_png(&pdf_path, &dir.join(stem), 200);
    let out = tool("zbarimg", "zbar-tools", &["--raw", "-q", "-Sdisable", "-Sqrcode.enable", png.to_str().unwrap()]);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

#[test]
fn qr_code_decodes_to_exactly_the_verification_link() {
    let scratch = tempfile::tempdir().unwrap();
    let cases: [(&str, Receipt, &str); 4] = [
        (
            "production",
            fixtures::sale(),
            "https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00SZBBFW4DCZ7HAGPH",
        ),
        (
            "sandbox",
            fixtures::sandbox(),
            "https://etims-sbx.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00SZBBFW4DCZ7HAGPH",
        ),
        (
            "training",
            fixtures::training(),
            "https://training.invalid/duka/receipt?training=not-a-tax-invoice&Data=P600004575A00SZBBFW4DCZ7HAGPH",
        ),
        (
            "credit_note",
            fixtures::credit_note(),
            "https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00X7K2PQ9LMN3RT5VW",
        ),
    ];
    for (name, receipt, link) in cases {
        for paper in Paper::ALL {
            let pdf = render_pdf(&receipt, paper).unwrap();
            let (found, decoded) = decode_qr(&pdf, scratch.path(), &format!("{name}_{}", paper.name()));
            assert!(found, "{name} {paper:?}: zbarimg found no QR code");
            assert_eq!(decoded, link, "{name} {paper:?}");
        }
    }
    // The link builder agrees with the decoded text.
    let sale = fixtures::sale();
    assert_eq!(
        format::verification_link(sale.environment, &sale.seller.pin, "00", "SZBBFW4DCZ7HAGPH"),
        cases_link_production()
    );
}

fn cases_link_production() -> &'static str {
    "https://etims.kra.go.ke/common/link/etims/receipt/indexEtimsReceiptData?Data=P600004575A00SZBBFW4DCZ7HAGPH"
}

#[test]
fn provisional_receipt_has_no_qr_code() {
    let scratch = tempfile::tempdir().unwrap();
    for paper in Paper::ALL {
        let pdf = render_pdf(&fixtures::provisional(), paper).unwrap();
        let (found, decoded) = decode_qr(&pdf, scratch.path(), &format!("provisional_{}", paper.name()));
        assert!(!found && decoded.is_empty(), "{paper:?}: provisional receipt carries a QR code: {decoded}");
    }
}

#[test]
fn rendering_is_deterministic() {
    for paper in Paper::ALL {
        let first = render_pdf(&fixtures::sale(), paper).unwrap();
        // Rendering something else in between must not change the next output.
        render_pdf(&fixtures::credit_note(), paper).unwrap();
        let second = render_pdf(&fixtures::sale(), paper).unwrap();
        assert!(first == second, "{paper:?}: two renders of the same receipt differ");
        let other = render_pdf(&fixtures::copy(), paper).unwrap();
        assert!(first != other, "{paper:?}: a copy renders identically to the original");
    }
}

#[test]
fn long_receipts_keep_every_line() {
    let mut receipt = fixtures::sale();
    let line = receipt.lines[1].clone();
    for i in 0..80 {
        let mut l = line.clone();
        l.description = format!("Item number {i} with a rather long description that must wrap fully");
        receipt.lines.push(l);
    }
    let scratch = tempfile::tempdir().unwrap();
    for paper in Paper::ALL {
        let pdf = render_pdf(&receipt, paper).unwrap();
        let text = pdf_to_text(&pdf, scratch.path(), &format!("long_{}", paper.name()));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for i in 0..80 {
            assert!(flat.contains(&format!("Item number {i} with")), "{paper:?}: item {i} missing");
        }
        assert!(flat.contains("must wrap fully"), "{paper:?}: wrapped tail missing");
        if paper == Paper::A4 {
            assert!(flat.contains("Page 2 of"), "A4 with 84 lines must run onto a second page");
        }
    }
}

#[test]
fn characters_the_font_lacks_print_as_question_marks() {
    let mut receipt = fixtures::sale();
    receipt.lines[0].description = "Café crème 名 1½kg".to_owned();
    let scratch = tempfile::tempdir().unwrap();
    let pdf = render_pdf(&receipt, Paper::Roll80).unwrap();
    let text = pdf_to_text(&pdf, scratch.path(), "fallback");
    assert!(text.contains("Café crème ? 1½kg"), "{text}");
}

#[test]
fn the_cashier_is_printed_on_every_paper_when_known() {
    let mut receipt = fixtures::sale();
    for paper in Paper::ALL {
        assert!(!render_text(&receipt, paper).unwrap().to_lowercase().contains("cashier"), "{}", paper.name());
    }
    receipt.served_by = Some("Otieno Wafula".into());
    let scratch = tempfile::tempdir().unwrap();
    for paper in Paper::ALL {
        let text = render_text(&receipt, paper).unwrap();
        assert!(text.contains("Otieno Wafula") && text.to_lowercase().contains("cashier"), "{}:\n{text}", paper.name());
        let pdf = render_pdf(&receipt, paper).unwrap();
        assert!(pdf_to_text(&pdf, scratch.path(), &format!("cashier_{}", paper.name())).contains("Otieno Wafula"));
    }
}
