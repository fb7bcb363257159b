/**
 * Whether this machine has a font for Chinese: without one, a browser source or the panel
 * opened here shows Chinese captions as empty boxes. Checked with fontconfig (`fc-list`) on
 * Linux; other systems ship CJK fonts, and a machine without fontconfig is not judged.
 */
import { execFile } from 'node:child_process';

const FC_LIST_TIMEOUT_MS = 3_000;
/** fc-list prints one line per font; a few are plenty to know. */
const MAX_OUTPUT_BYTES = 64 * 1024;

export type CjkFontCheck = { result: 'found'; family: string } | { result: 'missing' } | { result: 'unknown'; why: string };

/** `fcList` runs `fc-list :lang=zh family` and resolves its stdout (injected in tests). */
export async function checkCjkFonts(
  platform: NodeJS.Platform = process.platform,
  fcList: () => Promise<string> = runFcList,
): Promise<CjkFontCheck> {
  if (platform !== 'linux') return { result: 'unknown', why: `not checked on ${platform}` };
  try {
    const family = (await fcList()).split('\n').map((line) => line.split(',')[0]!.trim()).find((name) => name !== '');
    return family === undefined ? { result: 'missing' } : { result: 'found', family };
  } catch (err) {
    return { result: 'unknown', why: `fc-list failed: ${(err as Error).message}` };
  }
}

function runFcList(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('fc-list', [':lang=zh', 'family'], { timeout: FC_LIST_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/** The warning printed at start when no Chinese font is installed. */
export const MISSING_CJK_FONT_WARNING =
  'no Chinese font found (fc-list :lang=zh): Chinese captions in an overlay or panel opened on this machine show as boxes. ' +
  'Install one, e.g. `sudo apt install fonts-noto-cjk` (Debian/Ubuntu) or `sudo dnf install google-noto-sans-cjk-fonts` (Fedora), then restart OBS.';
