#!/bin/sh
# Rebuilds the receipt fonts from Debian's fonts-dejavu-core: DejaVu Sans Mono (regular and bold)
# cut down to the characters a Kenyan receipt uses (ASCII, Latin-1, Latin Extended-A, dashes and
# quotes, currency signs), so every PDF embeds ~27 KB per font instead of ~340 KB and renders in
# about a millisecond. Needs Debian's fonts-dejavu-core and fonttools (pyftsubset).
# Characters outside this set print as "?" on receipts (as they do on thermal printers).
set -eu
cd "$(dirname "$0")"
UNICODES="U+0020-007E,U+00A0-017F,U+0218-021B,U+2010-2027,U+2030-203A,U+20AC,U+20B9,U+2122,U+2190-2193,U+2212,U+25A0-25A1,U+FFFD"
for face in DejaVuSansMono DejaVuSansMono-Bold; do
    pyftsubset "/usr/share/fonts/truetype/dejavu/$face.ttf" --unicodes="$UNICODES" --layout-features='' \
        --no-hinting --desubroutinize --name-IDs='*' --name-languages='*' --output-file="$face.ttf"
done
