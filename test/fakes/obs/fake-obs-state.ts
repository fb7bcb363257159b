/**
 * The OBS side of the fake obs-websocket server: scenes, inputs (settings, volume), stream
 * state, and handlers for the requests the relay uses, answering with obs-websocket v5
 * request status codes and emitting the events a real OBS would.
 */

/** A browser-less OBS like Debian's obs-studio (no obs-browser plugin). */
export const INPUT_KINDS_WITHOUT_BROWSER = [
  'image_source',
  'color_source_v3',
  'ffmpeg_source',
  'pulse_input_capture',
  'pulse_output_capture',
  'text_ft2_source_v2',
];
export const INPUT_KINDS_WITH_BROWSER = [...INPUT_KINDS_WITHOUT_BROWSER, 'browser_source'];

/** Event intents (EventSubscription bits) of the events the fake emits. */
const INTENT = { Scenes: 4, Outputs: 64 } as const;

const AUDIO_KINDS = new Set(['pulse_input_capture', 'pulse_output_capture', 'ffmpeg_source', 'browser_source']);

export interface FakeInput {
  inputKind: string;
  inputSettings: Record<string, unknown>;
  /** undefined for inputs without audio. */
  volumeDb?: number;
  sceneName?: string;
}

export interface FakeObsEvent {
  eventType: string;
  eventIntent: number;
  eventData: Record<string, unknown>;
}

export interface RequestStatus {
  result: boolean;
  code: number;
  comment?: string;
}

export interface HandledRequest {
  requestStatus: RequestStatus;
  responseData?: Record<string, unknown>;
  events?: FakeObsEvent[];
}

export interface FakeObsStateOptions {
  inputKinds?: readonly string[];
  scenes?: readonly string[];
  programScene?: string;
  streaming?: boolean;
  inputs?: Record<string, Omit<FakeInput, 'inputSettings'> & { inputSettings?: Record<string, unknown> }>;
  /** Profile parameters (basic.ini) by "Category/Name", over OBS's defaults (simple output, x264 veryfast). */
  profile?: Record<string, string>;
}

/** OBS 29's defaults, as a fresh real OBS answers GetProfileParameter. */
const DEFAULT_PROFILE: Record<string, string> = {
  'Output/Mode': 'Simple',
  'SimpleOutput/StreamEncoder': 'x264',
  'SimpleOutput/Preset': 'veryfast',
};

const ok = (responseData?: Record<string, unknown>, events?: FakeObsEvent[]): HandledRequest => ({
  requestStatus: { result: true, code: 100 },
  ...(responseData ? { responseData } : {}),
  ...(events ? { events } : {}),
});
const fail = (code: number, comment?: string): HandledRequest => ({
  requestStatus: { result: false, code, ...(comment ? { comment } : {}) },
});
const noInput = (): HandledRequest => fail(600, 'No source was found by the name of `inputName`.');

const str = (data: Record<string, unknown>, key: string): string | undefined =>
  typeof data[key] === 'string' ? (data[key] as string) : undefined;

export class FakeObsState {
  readonly inputKinds: string[];
  readonly scenes: string[];
  readonly inputs = new Map<string, FakeInput>();
  programScene: string;
  streaming: boolean;
  readonly profile: Record<string, string>;
  /** Every caption OBS accepted into the stream. */
  readonly captions: string[] = [];

  constructor(options: FakeObsStateOptions = {}) {
    this.inputKinds = [...(options.inputKinds ?? INPUT_KINDS_WITH_BROWSER)];
    this.scenes = [...(options.scenes ?? ['Scene'])];
    this.programScene = options.programScene ?? this.scenes[0] ?? 'Scene';
    this.streaming = options.streaming ?? false;
    this.profile = { ...DEFAULT_PROFILE, ...options.profile };
    for (const [name, input] of Object.entries(options.inputs ?? {})) {
      this.inputs.set(name, { inputSettings: {}, ...input });
    }
  }

  streamStateEvent(): FakeObsEvent {
    const outputState = this.streaming ? 'OBS_WEBSOCKET_OUTPUT_STARTED' : 'OBS_WEBSOCKET_OUTPUT_STOPPED';
    return { eventType: 'StreamStateChanged', eventIntent: INTENT.Outputs, eventData: { outputActive: this.streaming, outputState } };
  }

  programSceneEvent(): FakeObsEvent {
    return { eventType: 'CurrentProgramSceneChanged', eventIntent: INTENT.Scenes, eventData: { sceneName: this.programScene } };
  }

  handle(requestType: string, data: Record<string, unknown>): HandledRequest {
    const inputName = str(data, 'inputName') ?? '';
    const input = this.inputs.get(inputName);
    switch (requestType) {
      case 'GetVersion':
        return ok({ obsVersion: '30.0.2', obsWebSocketVersion: '5.3.4', rpcVersion: 1, platform: 'fake', platformDescription: 'fake obs' });
      case 'GetStreamStatus':
        return ok({ outputActive: this.streaming, outputReconnecting: false, outputTimecode: '00:00:00.000', outputDuration: 0 });
      case 'GetCurrentProgramScene':
        return ok({ currentProgramSceneName: this.programScene, sceneName: this.programScene });
      case 'GetSceneList':
        return ok({
          currentProgramSceneName: this.programScene,
          currentPreviewSceneName: null,
          scenes: this.scenes.map((sceneName, sceneIndex) => ({ sceneName, sceneIndex })),
        });
      case 'SetCurrentProgramScene': {
        const sceneName = str(data, 'sceneName') ?? '';
        if (!this.scenes.includes(sceneName)) return fail(600, 'No source was found by the name of `sceneName`.');
        this.programScene = sceneName;
        return ok(undefined, [this.programSceneEvent()]);
      }
      case 'GetInputKindList':
        return ok({ inputKinds: [...this.inputKinds] });
      case 'GetInputList':
        return ok({ inputs: [...this.inputs].map(([name, i]) => ({ inputName: name, inputKind: i.inputKind })) });
      case 'GetInputSettings':
        return input ? ok({ inputSettings: { ...input.inputSettings }, inputKind: input.inputKind }) : noInput();
      case 'CreateInput':
        return this.createInput(data, inputName);
      case 'SetInputSettings': {
        if (!input) return noInput();
        const settings = (data.inputSettings ?? {}) as Record<string, unknown>;
        input.inputSettings = data.overlay === false ? { ...settings } : { ...input.inputSettings, ...settings };
        return ok();
      }
      case 'PressInputPropertiesButton':
        if (!input) return noInput();
        if (input.inputKind !== 'browser_source') return fail(600, 'Unable to find a property by that name.');
        return ok();
      case 'GetInputVolume':
        if (!input) return noInput();
        if (input.volumeDb === undefined) return fail(604, 'The specified input does not support audio.');
        return ok({ inputVolumeDb: input.volumeDb, inputVolumeMul: 10 ** (input.volumeDb / 20) });
      case 'SetInputVolume': {
        if (!input) return noInput();
        const db = data.inputVolumeDb;
        if (typeof db !== 'number' || db < -100 || db > 26) return fail(402, 'The field value of `inputVolumeDb` is out of range.');
        if (input.volumeDb === undefined) return fail(604, 'The specified input does not support audio.');
        input.volumeDb = db;
        return ok();
      }
      case 'GetProfileParameter': {
        const key = `${str(data, 'parameterCategory') ?? ''}/${str(data, 'parameterName') ?? ''}`;
        return ok({ parameterValue: this.profile[key] ?? null, defaultParameterValue: DEFAULT_PROFILE[key] ?? null });
      }
      case 'SendStreamCaption':
        if (!this.streaming) return fail(501);
        this.captions.push(str(data, 'captionText') ?? '');
        return ok();
      default:
        return fail(204, 'Your request type is not valid.');
    }
  }

  private createInput(data: Record<string, unknown>, inputName: string): HandledRequest {
    const sceneName = str(data, 'sceneName') ?? '';
    const inputKind = str(data, 'inputKind') ?? '';
    if (!this.scenes.includes(sceneName)) return fail(600, 'No source was found by the name of `sceneName`.');
    if (this.inputs.has(inputName)) return fail(601, 'A source already exists by that input name.');
    if (!this.inputKinds.includes(inputKind)) {
      return fail(
        605,
        'Your specified input kind is not supported by OBS. Check that your specified kind is properly versioned and that any necessary plugins are loaded.',
      );
    }
    const inputSettings = { ...((data.inputSettings ?? {}) as Record<string, unknown>) };
    this.inputs.set(inputName, { inputKind, inputSettings, sceneName, ...(AUDIO_KINDS.has(inputKind) ? { volumeDb: 0 } : {}) });
    return ok({ sceneItemId: this.inputs.size });
  }
}
