import { describe, expect, it } from 'vitest';
import { ConfigError } from './core/errors.ts';
import { loadConfig, parseFlags } from './config.ts';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, []);
    expect(c).toMatchObject({ RELAY_HOST: '127.0.0.1', RELAY_PORT: 8787, RELAY_DATA_DIR: './data', TTS_ENGINE: ['embedded'] });
    expect(c.COSYVOICE_URL).toEqual(['wss://dashscope.aliyuncs.com/api-ws/v1/inference']);
  });

  it('reads flags and lets env win over them', () => {
    expect(parseFlags(['--relay-port', '9000', '--relay-host=0.0.0.0'])).toEqual({ RELAY_PORT: '9000', RELAY_HOST: '0.0.0.0' });
    expect(loadConfig({}, ['--relay-port', '9000']).RELAY_PORT).toBe(9000);
    expect(loadConfig({ RELAY_PORT: '9100' }, ['--relay-port', '9000']).RELAY_PORT).toBe(9100);
  });

  it("takes the caller's defaults under the file, flags and environment", () => {
    const defaults = { RELAY_DATA_DIR: '/home/ann/.config/cosy-relay' };
    expect(loadConfig({}, [], defaults).RELAY_DATA_DIR).toBe('/home/ann/.config/cosy-relay');
    expect(loadConfig({}, ['--relay-data-dir', '/srv/relay'], defaults).RELAY_DATA_DIR).toBe('/srv/relay');
    expect(loadConfig({ RELAY_DATA_DIR: '/env' }, [], defaults).RELAY_DATA_DIR).toBe('/env');
  });

  it('has speech recognition off by default, and reads its settings', () => {
    expect(loadConfig({}, [])).toMatchObject({ ASR_ENGINE: 'off', ASR_URL: ['wss://dashscope.aliyuncs.com/api-ws/v1/inference'], ASR_LANGUAGE_HINTS: [], ASR_TRANSLATE_TO: [] });
    const c = loadConfig({ ASR_ENGINE: 'dashscope', ASR_LANGUAGE_HINTS: 'zh, en', ASR_TRANSLATE_TO: 'en', ASR_VOCABULARY_ID: 'vocab-x' }, []);
    expect(c).toMatchObject({ ASR_ENGINE: 'dashscope', ASR_LANGUAGE_HINTS: ['zh', 'en'], ASR_TRANSLATE_TO: ['en'], ASR_VOCABULARY_ID: 'vocab-x' });
    expect(() => loadConfig({ ASR_ENGINE: 'whisper' }, [])).toThrow(/ASR_ENGINE/);
  });

  it('takes the DashScope key as COSYVOICE_API_KEY or DASHSCOPE_API_KEY, the first winning', () => {
    expect(loadConfig({ DASHSCOPE_API_KEY: 'sk-d' }, []).COSYVOICE_API_KEY).toBe('sk-d');
    expect(loadConfig({ DASHSCOPE_API_KEY: 'sk-d', COSYVOICE_API_KEY: 'sk-c' }, []).COSYVOICE_API_KEY).toBe('sk-c');
  });

  it('parses the engine fallback chain', () => {
    expect(loadConfig({ TTS_ENGINE: 'cosyvoice, embedded' }, []).TTS_ENGINE).toEqual(['cosyvoice', 'embedded']);
  });

  it('gives a clear error naming the bad setting', () => {
    expect(() => loadConfig({ RELAY_PORT: 'eighty' }, [])).toThrow(ConfigError);
    expect(() => loadConfig({ RELAY_PORT: '70000' }, [])).toThrow(/RELAY_PORT/);
    expect(() => loadConfig({ TTS_ENGINE: 'espeak' }, [])).toThrow(/TTS_ENGINE/);
    expect(() => loadConfig({ RELAY_TOKEN: 'short' }, [])).toThrow(/at least 16/);
    expect(() => loadConfig({}, ['--no-such-flag', '1'])).toThrow(/unknown setting NO_SUCH_FLAG/);
    expect(() => loadConfig({}, ['--relay-port'])).toThrow(/needs a value/);
  });

  it('names the setting and the bad value, not zod’s path, and never repeats a secret', () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env, []);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    const engine = message({ TTS_ENGINE: 'embedded,espeak' });
    expect(engine).toContain('TTS_ENGINE="embedded,espeak": "espeak" is not allowed');
    expect(engine).toMatch(/expected one of "embedded"\|"cosyvoice"\|"cosyvoice-selfhost"/);
    expect(engine).not.toContain('TTS_ENGINE.1');
    expect(message({ RELAY_PORT: 'eighty' })).toContain('RELAY_PORT="eighty"');
    expect(message({ COSYVOICE_SAMPLE_RATE_HZ: '123' })).toContain('COSYVOICE_SAMPLE_RATE_HZ="123": expected one of 8000, 16000');
    const token = message({ RELAY_TOKEN: 'short-secret' });
    expect(token).toContain('RELAY_TOKEN=(12 characters, not shown): RELAY_TOKEN must be at least 16 characters');
    expect(token).not.toContain('short-secret');
  });

  it('ignores unrelated environment variables', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', HOME: '/root' }, [])).not.toThrow();
  });
});
