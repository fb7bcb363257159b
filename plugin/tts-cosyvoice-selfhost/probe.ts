/**
 * The cheap probe of a self-hosted server: POST /inference_sft with no fields. server.py
 * validates the form before any model work, so a CosyVoice server answers at once with a
 * FastAPI 422 naming the missing fields; anything else answering is not that server.
 */
import type { EndpointProbe, ProbeResult } from '../../server/src/core/engine-kit/endpoint-monitor.ts';

function failure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return [message, cause].filter(Boolean).join(': ');
}

/** `finding(url)`: what requests found wrong with that server (e.g. its sample rate), reported with every probe. */
export function selfhostProbe(finding: (url: string) => string | undefined): EndpointProbe {
  return async (url, signal): Promise<ProbeResult> => {
    let status: number;
    try {
      const response = await fetch(`${url}/inference_sft`, { method: 'POST', body: new URLSearchParams(), signal });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      if (signal.aborted) throw error;
      return { reachable: false, detail: `cannot reach the CosyVoice server (${failure(error)})` };
    }
    if (status === 404) return { reachable: false, detail: 'a server answers, but it has no /inference_sft: not the CosyVoice FastAPI server' };
    const found = finding(url);
    if (status === 422 || status === 200) return found ? { reachable: true, detail: found } : { reachable: true };
    return { reachable: true, detail: [`the probe got HTTP ${status}`, found].filter(Boolean).join('; ') };
  };
}
