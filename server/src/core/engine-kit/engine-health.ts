/**
 * The health of one upstream engine for /healthz: closed, disabled by a fatal refusal (bad
 * key, unknown default voice), or every endpoint's circuit open; with a reason for each.
 */
import type { TtsEngine } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { EndpointSet } from './endpoint-set.ts';
import { UpstreamRejectedError } from './resilience-errors.ts';

export class EngineHealth implements Pick<TtsEngine, 'healthy' | 'healthReason'> {
  private disabledBy: UpstreamRejectedError | undefined;
  private closed = false;

  constructor(
    private readonly engine: string,
    private readonly endpoints: EndpointSet,
    private readonly logger: Logger,
    private readonly onDisabled: () => void = () => {},
  ) {}

  /** Record a failed request or connect; returns true when it disabled the engine just now. */
  note(error: unknown): boolean {
    if (!(error instanceof UpstreamRejectedError) || !error.disablesEngine || this.disabledBy) return false;
    this.disabledBy = error;
    this.logger.error({ code: error.code }, error.message);
    this.onDisabled();
    return true;
  }

  markClosed(): void {
    this.closed = true;
  }

  /** Why a request must fail before reaching the upstream, if it must. */
  refusal(): EngineError | undefined {
    if (this.closed) return new EngineError('engine_closed', `${this.engine} is closed`, false);
    return this.disabledBy;
  }

  healthy(): boolean {
    return !this.closed && !this.disabledBy && this.endpoints.anyPermits();
  }

  healthReason(): string | undefined {
    const refusal = this.refusal();
    if (refusal) return refusal.message;
    if (this.endpoints.anyPermits()) return undefined;
    const urls = this.endpoints.endpoints.map((e) => e.url).join(', ');
    return `every ${this.engine} endpoint's circuit is open after repeated failures (${urls})`;
  }
}
