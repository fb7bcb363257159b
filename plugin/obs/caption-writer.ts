/**
 * Writes paced caption lines into OBS: as CEA-608 live captions (SendStreamCaption) while the
 * stream runs, and into the fallback text source when there is one. When OBS answers
 * OutputNotRunning the sink stops sending captions until told the stream is back
 * (StreamStateChanged), instead of failing every line.
 */
import type { Logger } from '../../server/src/core/logger.ts';
import type { CaptionUpdate } from './caption-pacer.ts';
import { latestWins } from './latest-wins.ts';
import { OBS_REQUEST_STATUS, isRequestStatus } from './obs-errors.ts';
import type { ObsSession } from './obs-session.ts';
import { quietFailures } from './quiet-failures.ts';

export interface CaptionWriterOptions {
  /** Send CEA-608 live captions. */
  streamCaptions: boolean;
  session(): ObsSession | undefined;
  streaming(): boolean;
  /** OBS said the stream is not running (501): the caller records streaming = false. */
  notStreaming(): void;
  /** The fallback text source to write lines into, if any. */
  textInputName(): string | undefined;
  logger: Logger;
}

export interface CaptionWriter {
  show(update: CaptionUpdate): void;
}

export function createCaptionWriter(options: CaptionWriterOptions): CaptionWriter {
  const failures = quietFailures(options.logger);

  async function sendStreamCaption(session: ObsSession, captionText: string): Promise<void> {
    // An empty caption clears the screen: OBS (libcaption) writes ENM, RCL, EOC, which pops an
    // empty memory on (seen in a real OBS 29 recording: test/e2e/obs-stream-captions.test.ts).
    if (!options.streamCaptions || !options.streaming()) return;
    try {
      await session.call('SendStreamCaption', { captionText });
      failures.succeeded('SendStreamCaption');
    } catch (error) {
      if (!isRequestStatus(error, OBS_REQUEST_STATUS.OutputNotRunning)) {
        failures.failed('SendStreamCaption', error, 'obs live caption failed');
        return;
      }
      options.notStreaming();
      options.logger.info('obs is not streaming: live captions resume when the stream starts');
    }
  }

  async function setText(session: ObsSession, text: string): Promise<void> {
    const inputName = options.textInputName();
    if (inputName === undefined) return;
    try {
      await session.call('SetInputSettings', { inputName, inputSettings: { text } });
      failures.succeeded(inputName);
    } catch (error) {
      failures.failed(inputName, error, 'obs caption text source update failed');
    }
  }

  const sender = latestWins<string>(async (text) => {
    const session = options.session();
    if (session) await Promise.all([sendStreamCaption(session, text), setText(session, text)]);
  });

  return { show: (update) => sender.push(update.text) };
}
