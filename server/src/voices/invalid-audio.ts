import { ValidationError } from '../core/errors.ts';

/** An uploaded voice sample that cannot be used: 400 `invalid_audio` with the reason. */
export class InvalidAudioError extends ValidationError {
  constructor(reason: string) {
    super('invalid_audio', reason);
  }
}
