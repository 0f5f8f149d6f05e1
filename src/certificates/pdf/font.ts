import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { create as parseFont, type Font } from 'fontkit';

export interface CjkFont {
  path: string;
  /** The PostScript name that picks one face out of a `.ttc` collection. */
  postscriptName?: string;
}

/**
 * Debian's packages first, at their fixed paths: found without fontconfig, so a broken or hidden
 * fontconfig cannot swap in a fallback that lacks Chinese glyphs. WenQuanYi Micro Hei (TrueType)
 * subsets to ~50 KB; Noto Sans CJK (CFF) to ~130 KB.
 */
const KNOWN_FONTS: CjkFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei' },
];

export const MISSING_FONT_MESSAGE =
  'No Chinese font for certificates: install the Debian package fonts-wqy-microhei (sudo apt-get install fonts-wqy-microhei) or fonts-noto-cjk; ' +
  'scripts/ensure-system-deps.sh does this.';

export class MissingFontError extends Error {
  constructor() {
    super(MISSING_FONT_MESSAGE);
    this.name = 'MissingFontError';
  }
}

/**
 * Elsewhere, fontconfig is asked only for fonts that declare Chinese coverage (`:lang=zh`), never
 * for a best match, which would fall back to any font at all.
 */
function fontFromFontconfig(): CjkFont | undefined {
  try {
    const listed = execFileSync('fc-list', [':lang=zh', '-f', '%{file}|%{postscriptname}\n'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const line = listed
      .split('\n')
      .map((entry) => entry.split('|'))
      .find(([file]) => file && /\.(ttf|ttc|otf)$/i.test(file) && existsSync(file));
    return line ? { path: line[0]!, postscriptName: line[1] || undefined } : undefined;
  } catch {
    return undefined;
  }
}

let found: CjkFont | undefined;

/** The font certificates are set in; throws `MissingFontError` (naming the apt package) when there is none. */
export function findCjkFont(): CjkFont {
  found ??= KNOWN_FONTS.find((font) => existsSync(font.path)) ?? fontFromFontconfig();
  if (!found) throw new MissingFontError();
  return found;
}

let parsed: Font | undefined;

/**
 * The font parsed once per process: pdfkit accepts a parsed fontkit font, and each document
 * still makes its own subset of it. Parsing the 5 MB collection for every PDF was most of the
 * time a certificate took (bench/certificates).
 */
export function parsedCjkFont(): Font {
  if (!parsed) {
    const font = findCjkFont();
    parsed = parseFont(readFileSync(font.path), font.postscriptName);
  }
  return parsed;
}
