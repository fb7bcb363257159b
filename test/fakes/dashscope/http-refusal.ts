/** How the fakes of DashScope's HTTP APIs refuse a request: an HTTP status and DashScope's error code. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** DashScope's answer to a malformed parameter. */
export const invalid = (message: string): Refusal => new Refusal(400, 'InvalidParameter', message);
