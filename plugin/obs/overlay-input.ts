/**
 * The overlay as an OBS input: a browser source showing the overlay URL in the chosen scene
 * (created, or updated and reloaded when it exists). Where OBS has no browser source
 * (CreateInput answers InvalidInputKind, e.g. Debian's obs-studio) a text source in the same
 * scene shows the caption lines instead.
 */
import { OBS_REQUEST_STATUS, ObsError, isRequestStatus } from './obs-errors.ts';
import type { ObsSession } from './obs-session.ts';

export const BROWSER_SOURCE_KIND = 'browser_source';
const OVERLAY_WIDTH_PX = 1920;
const OVERLAY_HEIGHT_PX = 1080;

export type EnsureOverlayOutcome = 'created' | 'updated' | 'fallback';

export interface EnsureOverlayResult {
  outcome: EnsureOverlayOutcome;
  sceneName: string;
  /** The browser source, or the text source on 'fallback'. */
  inputName: string;
  inputKind: string;
}

export interface OverlayInputSpec {
  /** Where to create it; undefined = the current program scene. */
  sceneName?: string;
  inputName: string;
  /** Contains the overlay key: never logged. */
  overlayUrl: string;
}

/** Audio goes through OBS (reroute_audio) so the readouts land in the mixer like any input. */
function browserSourceSettings(overlayUrl: string): Record<string, string | number | boolean> {
  return {
    url: overlayUrl,
    width: OVERLAY_WIDTH_PX,
    height: OVERLAY_HEIGHT_PX,
    reroute_audio: true,
    restart_when_active: false,
  };
}

function captionTextInputName(overlayInputName: string): string {
  return `${overlayInputName} captions`;
}

const TEXT_KIND = /^text_(gdiplus|ft2_source)(?:_v(\d+))?$/u;

/** The text source kind to use: GDI+ (Windows) before FreeType 2, newest version first. */
export function pickTextInputKind(inputKinds: readonly string[]): string | undefined {
  const rank = (kind: string): number => {
    const m = TEXT_KIND.exec(kind);
    return m ? (m[1] === 'gdiplus' ? 1_000 : 0) + Number(m[2] ?? 1) : -1;
  };
  const best = [...inputKinds].sort((a, b) => rank(b) - rank(a))[0];
  return best !== undefined && rank(best) >= 0 ? best : undefined;
}

async function inputKindOf(session: ObsSession, inputName: string): Promise<string | undefined> {
  try {
    return (await session.call('GetInputSettings', { inputName })).inputKind;
  } catch (error) {
    if (isRequestStatus(error, OBS_REQUEST_STATUS.ResourceNotFound)) return undefined;
    throw error;
  }
}

function nameTaken(inputName: string, kind: string): ObsError {
  return new ObsError('obs_input_name_taken', `OBS already has an input named "${inputName}" of kind ${kind}; choose another source name`);
}

export async function refreshBrowserSource(session: ObsSession, inputName: string): Promise<void> {
  await session.call('PressInputPropertiesButton', { inputName, propertyName: 'refreshnocache' });
}

async function ensureCaptionTextInput(session: ObsSession, sceneName: string, inputName: string): Promise<EnsureOverlayResult> {
  const { inputKinds } = await session.call('GetInputKindList');
  const textKind = pickTextInputKind(inputKinds);
  if (!textKind) {
    throw new ObsError('obs_no_caption_source', 'OBS has neither a browser source nor a text source (text_gdiplus / text_ft2_source)');
  }
  const existing = await inputKindOf(session, inputName);
  if (existing === undefined) {
    await session.call('CreateInput', { sceneName, inputName, inputKind: textKind, inputSettings: { text: '' } });
  } else if (TEXT_KIND.test(existing)) {
    await session.call('SetInputSettings', { inputName, inputSettings: { text: '' } });
  } else {
    throw nameTaken(inputName, existing);
  }
  return { outcome: 'fallback', sceneName, inputName, inputKind: existing ?? textKind };
}

export async function ensureOverlayInput(session: ObsSession, spec: OverlayInputSpec): Promise<EnsureOverlayResult> {
  const sceneName = spec.sceneName ?? (await session.call('GetCurrentProgramScene')).currentProgramSceneName;
  const { inputName } = spec;
  const settings = browserSourceSettings(spec.overlayUrl);
  const existing = await inputKindOf(session, inputName);
  if (existing === BROWSER_SOURCE_KIND) {
    await session.call('SetInputSettings', { inputName, inputSettings: settings, overlay: true });
    await refreshBrowserSource(session, inputName);
    return { outcome: 'updated', sceneName, inputName, inputKind: existing };
  }
  if (existing !== undefined) throw nameTaken(inputName, existing);
  try {
    await session.call('CreateInput', { sceneName, inputName, inputKind: BROWSER_SOURCE_KIND, inputSettings: settings });
    return { outcome: 'created', sceneName, inputName, inputKind: BROWSER_SOURCE_KIND };
  } catch (error) {
    if (!isRequestStatus(error, OBS_REQUEST_STATUS.InvalidInputKind)) throw error;
    return ensureCaptionTextInput(session, sceneName, captionTextInputName(inputName));
  }
}
