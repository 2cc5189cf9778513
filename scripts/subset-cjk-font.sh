#!/usr/bin/env bash
# Make assets/fonts/NotoSansSC-govsim-subset.otf, the bundled CJK chart font: a subset of Noto
# Sans CJK SC Regular (SIL Open Font License 1.1) from Debian's fonts-noto-cjk package.
#
#   scripts/subset-cjk-font.sh [path/to/fonts-noto-cjk_*.deb]
#
# Without an argument the package is fetched with `apt-get download fonts-noto-cjk` (Debian's
# package archive; run `apt-get update` first on a fresh machine). fontTools is installed with pip
# into a virtual environment under target/font-venv (never system-wide). Nothing else is needed.
#
# Rerun it whenever the glyph tests (tests/glyphs.rs, `cargo test --release --lib charts::font`)
# name a character the subset lacks: it keeps
#   - ASCII, Latin-1 and Latin Extended-A, Greek, general punctuation, super- and subscripts,
#     letter-like symbols, number forms, arrows, mathematical operators, box and geometric shapes;
#   - CJK symbols and punctuation, half-width and full-width forms;
#   - every character of GB2312 (all 6763 hanzi of levels 1 and 2, and its symbols, kana, ...), so
#     that Chinese scenario labels almost always render;
#   - every non-ASCII character found at that time in assets/translations.json, src/, scenarios/,
#     docs/ and README.md (so every text govsim draws, in any language it speaks).
# Hinting and OpenType layout tables are dropped: plotters' ab_glyph renderer uses neither. The
# super- and subscripts the font lacks (₀-₉, ⁰⁵-⁹, ⁺⁻⁼⁽⁾, ⁿ, ᵀ, ⱼ, ...) are drawn from its own
# digits, signs and letters, scaled and moved as its ¹²³ are.
set -euo pipefail
# fontTools stamps the font with this time (2022-01-27, the upstream release), so reruns give the same bytes
export SOURCE_DATE_EPOCH=1643241600
cd "$(dirname "$0")/.."
root=$PWD
out=assets/fonts/NotoSansSC-govsim-subset.otf
# Noto Sans CJK Regular TTC faces: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK (checked by name below)
face=2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=${1:-}
if [[ -z $deb ]]; then
    (cd "$work" && apt-get download fonts-noto-cjk)
    deb=$(ls "$work"/fonts-noto-cjk_*.deb)
fi
version=$(dpkg-deb -f "$deb" Version)
dpkg -x "$deb" "$work/pkg"
ttc=$work/pkg/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

venv=$root/target/font-venv
if [[ ! -x $venv/bin/pyftsubset ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'fonttools>=4.40'
fi

# the characters to keep, as a file of U+XXXX lines
"$venv/bin/python" - "$ttc" "$face" "$work/unicodes.txt" <<'PY'
import json, pathlib, sys
from fontTools.ttLib import TTCollection

ttc, face, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
name = TTCollection(ttc).fonts[face]["name"].getDebugName(4)
if name != "Noto Sans CJK SC":
    sys.exit(f"face {face} of {ttc} is {name!r}, not Noto Sans CJK SC")

keep = set()
ranges = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x0370, 0x03FF),  # Greek (σ, μ, Σ)
    (0x2000, 0x206F),  # general punctuation (–, —, ‘’, “”, …, ‰, ′)
    (0x2070, 0x209F),  # super- and subscripts (₁₂)
    (0x2100, 0x218F),  # letter-like symbols, number forms
    (0x2190, 0x21FF),  # arrows (←, →)
    (0x2200, 0x22FF),  # mathematical operators (−, ±, ×, ≥, ≤, Σ)
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。「」《》)
    (0xFF00, 0xFFEF),  # half-width and full-width forms (，：；（）)
]
for lo, hi in ranges:
    keep.update(range(lo, hi + 1))
# all of GB2312: rows 1-9 (symbols), 16-55 (level-1 hanzi), 56-87 (level-2 hanzi)
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            keep.update(ord(c) for c in bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
# every non-ASCII character of what govsim may draw
files = [pathlib.Path("assets/translations.json"), pathlib.Path("README.md")]
for folder, pattern in [("src", "*.rs"), ("scenarios", "*.json"), ("docs", "*.md")]:
    files += sorted(pathlib.Path(folder).rglob(pattern))
for f in files:
    keep.update(ord(c) for c in f.read_text(encoding="utf-8") if ord(c) > 0x7E and c.isprintable())
with open(dest, "w") as f:
    f.writelines(f"U+{u:04X}\n" for u in sorted(keep))
print(f"{len(keep)} code points asked for (the font has what it has of them)", file=sys.stderr)
PY

"$venv/bin/pyftsubset" "$ttc" --font-number="$face" --unicodes-file="$work/unicodes.txt" \
    --layout-features='' --no-hinting --notdef-outline --name-IDs='*' --name-languages='*' \
    --drop-tables+=GSUB,GPOS,GDEF,BASE,VORG,vhea,vmtx \
    --output-file="$out"

"$venv/bin/python" - "$out" <<'PY'
# Noto Sans CJK has no subscript digits and only ¹²³ as superscripts: draw the missing super-
# and subscripts from the font's own digits, signs and letters, scaled as its ¹ is (0.595, raised
# 441 units) and, for subscripts, lowered below the baseline.
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.boundsPen import BoundsPen

path = sys.argv[1]
f = TTFont(path)
cff = f["CFF "].cff
top = cff.topDictIndex[0]
cs = top.CharStrings
gs = f.getGlyphSet()
cmap = f.getBestCmap()
order = list(f.getGlyphOrder())
hmtx = f["hmtx"]
scale, up, down = 0.595, 441, -140
wanted = {}
for i, src in enumerate("0123456789"):
    wanted[0x2080 + i] = (src, down)
    if 0x2070 + i not in (0x2071, 0x2072, 0x2073):
        wanted[0x2070 + i] = (src, up)
for sup, sub, src in [(0x207A, 0x208A, "+"), (0x207B, 0x208B, "\u2212"), (0x207C, 0x208C, "="), (0x207D, 0x208D, "("), (0x207E, 0x208E, ")")]:
    wanted[sup] = (src, up)
    wanted[sub] = (src, down)
wanted[0x207F] = ("n", up)      # ⁿ
wanted[0x1D40] = ("T", up)      # ᵀ
wanted[0x2C7C] = ("j", down)    # ⱼ
for u, src in [(0x2090, "a"), (0x2091, "e"), (0x2092, "o"), (0x2093, "x"), (0x2095, "h"), (0x2096, "k"), (0x2097, "l"), (0x2098, "m"), (0x2099, "n"), (0x209A, "p"), (0x209B, "s"), (0x209C, "t"), (0x1D62, "i")]:
    wanted[u] = (src, down)
next_cid = 65000
added = []
for u, (src, dy) in sorted(wanted.items()):
    if u in cmap or ord(src) not in cmap:
        continue
    sg = cmap[ord(src)]
    gid = f.getGlyphID(sg)
    fd = top.FDSelect[gid]
    private = top.FDArray[fd].Private
    bp = BoundsPen(gs)
    gs[sg].draw(bp)
    xmin = bp.bounds[0] if bp.bounds else 0
    adv, lsb = hmtx[sg]
    # keep the side bearings in scale, with a little more room around the small glyph
    pad = 30
    width = round(adv * scale) + 2 * pad
    pen = T2CharStringPen(None, gs)
    sg_draw = gs[sg]
    sg_draw.draw(TransformPen(pen, (scale, 0, 0, scale, pad, dy)))
    c = pen.getCharString(private=private, globalSubrs=cff.GlobalSubrs)
    default = getattr(private, "defaultWidthX", 0)
    nominal = getattr(private, "nominalWidthX", 0)
    if width != default:
        c.program.insert(0, width - nominal)
    name = f"cid{next_cid:05d}"
    next_cid += 1
    cs.charStringsIndex.append(c)
    cs.charStrings[name] = len(cs.charStringsIndex) - 1
    top.charset.append(name)
    top.FDSelect.append(fd)
    order.append(name)
    hmtx[name] = (width, round(xmin * scale) + pad)
    for t in f["cmap"].tables:
        if t.isUnicode():
            t.cmap[u] = name
    added.append(chr(u))
f.setGlyphOrder(order)
f["maxp"].numGlyphs = len(order)
f.save(path)
print(f"drew {len(added)} super- and subscripts: {''.join(added)}", file=sys.stderr)
PY

# the licence: the font's copyright notice and the SIL Open Font License text of the package
{
    echo "Noto Sans CJK SC (subset in NotoSansSC-govsim-subset.otf), from Debian's fonts-noto-cjk $version"
    echo "The font's copyright notice: \"$("$venv/bin/python" -c 'import sys; from fontTools.ttLib import TTCollection; n = TTCollection(sys.argv[1]).fonts[int(sys.argv[2])]["name"]; print(n.getDebugName(0), n.getDebugName(7))' "$ttc" "$face")\""
    echo
    echo "This Font Software is licensed under the SIL Open Font License, Version 1.1."
    echo "The licence text, as in the package's copyright file:"
    echo
    awk '/^License: SIL-1.1$/ { n++; next } n == 2 && /^License:/ { exit } n == 2 && !/^ *$/ { sub(/^ /, ""); if ($0 == ".") $0 = ""; print }' \
        "$work/pkg/usr/share/doc/fonts-noto-cjk/copyright"
} >assets/fonts/LICENSE-NotoSansCJK.txt

"$venv/bin/python" - "$out" "$version" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1])
print(f"{sys.argv[1]}: {len(f.getBestCmap())} characters, {len(f.getGlyphOrder())} glyphs, "
      f"from fonts-noto-cjk {sys.argv[2]} ({f['name'].getDebugName(5)})", file=sys.stderr)
PY
ls -l "$out"
